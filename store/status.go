package store

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Result is what the last sync did to a component.
type Result string

// Results recorded in ComponentStatus.LastResult.
const (
	ResultCreated    Result = "created"
	ResultUpdated    Result = "updated"
	ResultUnchanged  Result = "unchanged"
	ResultAdopted    Result = "adopted"
	ResultRenamed    Result = "renamed"
	ResultDeprecated Result = "deprecated"
	ResultDeleted    Result = "deleted"
	ResultSkipped    Result = "skipped"
	ResultFailed     Result = "failed"
)

// FieldState says whether one field of a component matches what Backstage wants.
type FieldState string

// Field states recorded in FieldStatus.State.
const (
	FieldInSync  FieldState = "in_sync"
	FieldDrifted FieldState = "drifted"
	FieldFailed  FieldState = "failed"
	FieldSkipped FieldState = "skipped"
)

// FieldStatus is the state of one field, with a message saying why when it is not in sync.
type FieldStatus struct {
	State   FieldState `json:"state"`
	Message string     `json:"message,omitempty"`
}

// MarshalJSON writes a state without a message as the bare state, which is how nearly every
// field is stored: a store of tens of thousands of statuses is much smaller for it.
func (f FieldStatus) MarshalJSON() ([]byte, error) {
	if f.Message == "" {
		return json.Marshal(string(f.State))
	}
	type plain FieldStatus
	return json.Marshal(plain(f))
}

// UnmarshalJSON reads both forms MarshalJSON writes.
func (f *FieldStatus) UnmarshalJSON(b []byte) error {
	var state string
	if err := json.Unmarshal(b, &state); err == nil {
		*f = FieldStatus{State: FieldState(state)}
		return nil
	}
	type plain FieldStatus
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	*f = FieldStatus(p)
	return nil
}

// ComponentStatus is the outcome of the last sync of one entity.
type ComponentStatus struct {
	// Ref is the entity ref. The store lower-cases it.
	Ref         string    `json:"ref"`
	ComponentID string    `json:"component_id,omitempty"`
	RunID       string    `json:"run_id,omitempty"`
	LastSync    time.Time `json:"last_sync"`
	LastResult  Result    `json:"last_result"`
	// Fields holds the state of each mapped field by field name.
	Fields    map[string]FieldStatus `json:"fields,omitempty"`
	LastError string                 `json:"last_error,omitempty"`
}

// PutStatuses writes statuses in one transaction, replacing those with the same ref.
func (s *Store) PutStatuses(statuses []ComponentStatus) error {
	refs := make([]string, len(statuses))
	for i, st := range statuses {
		refs[i] = NormalizeRef(st.Ref)
		if refs[i] == "" {
			return fmt.Errorf("writing status %d: %w: empty ref", i, ErrInvalidRecord)
		}
	}
	order := make([]int, len(statuses))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return strings.Compare(refs[a], refs[b]) })

	return s.update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketStatus)
		b.FillPercent = sortedFill
		for _, i := range order {
			st := statuses[i]
			st.Ref = refs[i]
			v, err := encode(st)
			if err != nil {
				return err
			}
			if err := b.Put([]byte(st.Ref), v); err != nil {
				return fmt.Errorf("writing status of %s: %w", st.Ref, err)
			}
		}
		return nil
	})
}

// Status returns the status of an entity ref, or ErrNotFound.
func (s *Store) Status(ref string) (ComponentStatus, error) {
	var st ComponentStatus
	ref = NormalizeRef(ref)
	err := s.view(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketStatus).Get([]byte(ref))
		if v == nil {
			return fmt.Errorf("reading status of %s: %w", ref, ErrNotFound)
		}
		var err error
		st, err = decodeStatus(v)
		if err != nil {
			return fmt.Errorf("reading status of %s: %w", ref, err)
		}
		return nil
	})
	return st, err
}

// ForEachStatus calls fn for every status in ref order. It stops at the first error fn returns
// and returns it. fn must not write to the store.
func (s *Store) ForEachStatus(fn func(ComponentStatus) error) error {
	return s.view(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketStatus).ForEach(func(k, v []byte) error {
			st, err := decodeStatus(v)
			if err != nil {
				return fmt.Errorf("reading status of %q: %w", k, err)
			}
			return fn(st)
		})
	})
}

// DeleteStatus removes the status of ref. Deleting a missing status is not an error.
func (s *Store) DeleteStatus(ref string) error {
	return s.update(func(tx *bolt.Tx) error {
		if err := tx.Bucket(bucketStatus).Delete([]byte(NormalizeRef(ref))); err != nil {
			return fmt.Errorf("deleting status of %s: %w", ref, err)
		}
		return nil
	})
}
