package store

import (
	"encoding/json"
	"fmt"
)

// Records are stored as JSON: readable with bbolt's own tools, tolerant of added fields, and
// fast enough for tens of thousands of links per transaction.

func encode(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encoding %T: %w", v, err)
	}
	return b, nil
}

// decode reads one stored record and checks what identifies it. Any failure is ErrCorrupt.
func decode[T any](b []byte, check func(*T) error) (T, error) {
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		return v, fmt.Errorf("%w: %T: %w", ErrCorrupt, v, err)
	}
	if err := check(&v); err != nil {
		return v, fmt.Errorf("%w: %T: %w", ErrCorrupt, v, err)
	}
	return v, nil
}

func decodeLink(b []byte) (Link, error) {
	return decode(b, func(l *Link) error { return requireKey("ref", l.Ref) })
}

func decodeStatus(b []byte) (ComponentStatus, error) {
	return decode(b, func(s *ComponentStatus) error { return requireKey("ref", s.Ref) })
}

func decodeRun(b []byte) (Run, error) {
	return decode(b, func(r *Run) error { return requireKey("id", r.ID) })
}

func decodeRunItems(b []byte) ([]RunItem, error) {
	return decode(b, func(*[]RunItem) error { return nil })
}

func decodeEntry(b []byte) (Entry, error) {
	return decode(b, func(e *Entry) error {
		if e.Seq == 0 {
			return fmt.Errorf("sequence number is zero")
		}
		return nil
	})
}

func decodeIntent(b []byte) (Intent, error) {
	return decode(b, func(i *Intent) error { return requireKey("id", i.ID) })
}

func requireKey(name, v string) error {
	if v == "" {
		return fmt.Errorf("%s is empty", name)
	}
	return nil
}
