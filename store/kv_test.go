package store

import (
	"bytes"
	"errors"
	"reflect"
	"testing"
	"time"
)

func TestMetaValues(t *testing.T) {
	t.Parallel()
	s := openTest(t)

	if _, err := s.GetMeta("rate_limit"); !errors.Is(err, ErrNotFound) {
		t.Errorf("GetMeta before PutMeta = %v, want ErrNotFound", err)
	}
	if err := s.PutMeta("rate_limit", []byte("4.5")); err != nil {
		t.Fatalf("PutMeta: %v", err)
	}
	if v, err := s.GetMeta("rate_limit"); err != nil || !bytes.Equal(v, []byte("4.5")) {
		t.Errorf("GetMeta = %q, %v; want 4.5", v, err)
	}
	if err := s.PutMeta("rate_limit", nil); err != nil {
		t.Fatalf("PutMeta(nil): %v", err)
	}
	if _, err := s.GetMeta("rate_limit"); !errors.Is(err, ErrNotFound) {
		t.Errorf("GetMeta after deleting = %v, want ErrNotFound", err)
	}
	if err := s.PutMeta("", []byte("x")); !errors.Is(err, ErrInvalidRecord) {
		t.Errorf("PutMeta with an empty key = %v, want ErrInvalidRecord", err)
	}
}

func TestIntentsArePendingUntilDeleted(t *testing.T) {
	t.Parallel()
	s := openTest(t)
	intents := []Intent{
		{ID: "i-2", Ref: "component:default/b", Operation: "update", ComponentID: "ari:c/b",
			Payload: []byte(`{"name":"B"}`), CreatedAt: seen.Add(time.Second)},
		{ID: "i-1", Ref: "Component:default/A", Operation: "create", Payload: []byte(`{}`), CreatedAt: seen},
		{ID: "i-3", Ref: "component:default/c", Operation: "delete", ComponentID: "ari:c/c", CreatedAt: seen.Add(2 * time.Second)},
	}
	if err := s.PutIntents(intents); err != nil {
		t.Fatalf("PutIntents: %v", err)
	}
	if err := s.DeleteIntents([]string{"i-3", "unknown"}); err != nil {
		t.Fatalf("DeleteIntents: %v", err)
	}

	got, err := s.PendingIntents()
	if err != nil {
		t.Fatalf("PendingIntents: %v", err)
	}
	want := []Intent{intents[1], intents[0]}
	want[0].Ref = "component:default/a"
	if !reflect.DeepEqual(got, want) {
		t.Errorf("PendingIntents = %+v\nwant %+v", got, want)
	}
	if err := s.PutIntents([]Intent{{Ref: "x"}}); !errors.Is(err, ErrInvalidRecord) {
		t.Errorf("PutIntents without an id = %v, want ErrInvalidRecord", err)
	}
}
