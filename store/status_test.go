package store

import (
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
