package store

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"
)

func TestComponentStatusRoundTrip(t *testing.T) {
	t.Parallel()
	s := openTest(t)
	failed := ComponentStatus{
		Ref: "Component:default/billing", ComponentID: "ari:c/1", RunID: "run-7",
		LastSync: seen, LastResult: ResultFailed, LastError: "owner team not found",
		Fields: map[string]FieldStatus{
			"name":    {State: FieldInSync},
			"ownerId": {State: FieldFailed, Message: "team platform not found"},
			"labels":  {State: FieldDrifted, Message: "edited in Compass"},
		},
	}
	ok := ComponentStatus{Ref: "component:default/search", LastSync: seen, LastResult: ResultUnchanged}
	if err := s.PutStatuses([]ComponentStatus{failed, ok}); err != nil {
		t.Fatalf("PutStatuses: %v", err)
	}

	got, err := s.Status("component:default/billing")
	if err != nil {
		t.Fatalf("Status: %v", err)
	}
	want := failed
	want.Ref = "component:default/billing"
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Status = %+v, want %+v", got, want)
	}

	var refs []string
	if err := s.ForEachStatus(func(st ComponentStatus) error { refs = append(refs, st.Ref); return nil }); err != nil {
		t.Fatalf("ForEachStatus: %v", err)
	}
	if !reflect.DeepEqual(refs, []string{"component:default/billing", "component:default/search"}) {
		t.Errorf("ForEachStatus visited %v", refs)
	}

	if err := s.DeleteStatus("component:default/search"); err != nil {
		t.Fatalf("DeleteStatus: %v", err)
	}
	if _, err := s.Status("component:default/search"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Status after delete = %v, want ErrNotFound", err)
	}
	if err := s.PutStatuses([]ComponentStatus{{Ref: ""}}); !errors.Is(err, ErrInvalidRecord) {
		t.Errorf("PutStatuses with an empty ref = %v, want ErrInvalidRecord", err)
	}
}

func TestFieldStatusesAreStoredShortAndReadInEitherForm(t *testing.T) {
	t.Parallel()
	b, err := json.Marshal(map[string]FieldStatus{
		"name":    {State: FieldInSync},
		"ownerId": {State: FieldFailed, Message: "team not found"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"name":"in_sync","ownerId":{"state":"failed","message":"team not found"}}`; string(b) != want {
		t.Errorf("encoded %s, want %s", b, want)
	}

	// Stores written before the short form hold every state as an object.
	older := `{"ref":"component:default/a","last_sync":"2026-01-02T03:04:05Z","last_result":"created",` +
		`"fields":{"name":{"state":"in_sync"},"labels":{"state":"drifted","message":"edited"}}}`
	st, err := decodeStatus([]byte(older))
	if err != nil {
		t.Fatalf("decoding the older form: %v", err)
	}
	want := map[string]FieldStatus{"name": {State: FieldInSync}, "labels": {State: FieldDrifted, Message: "edited"}}
	if !reflect.DeepEqual(st.Fields, want) {
		t.Errorf("fields %+v, want %+v", st.Fields, want)
	}
	if _, err := decodeStatus([]byte(`{"ref":"a","fields":{"name":7}}`)); !errors.Is(err, ErrCorrupt) {
		t.Errorf("a field state that is neither form: %v, want ErrCorrupt", err)
	}
}
