package store

import (
	"bytes"
	"encoding/json"
	"testing"
)

// FuzzDecodeRecords feeds arbitrary bytes to every record decoder. A decoder must either
// refuse the bytes with ErrCorrupt or return a record that encodes to a stable form.
func FuzzDecodeRecords(f *testing.F) {
	seeds := []any{
		link("component:default/a", "ari:c/1", "e1"),
		ComponentStatus{
			Ref: "component:default/a", LastResult: ResultFailed,
			Fields: map[string]FieldStatus{"name": {State: FieldDrifted}},
		},
		run("run-1", seen),
		[]RunItem{{Ref: "r", Action: "update", Changes: []Change{{Field: "name", From: "a", To: "b"}}}},
		Entry{Seq: 1, Time: seen, Actor: "a", Details: map[string]string{"k": "v"}},
		Intent{ID: "i", Payload: []byte{0, 1, 2}, CreatedAt: seen},
		settingsRecord{Format: 1, Revision: 2, Settings: json.RawMessage(`{"a":1}`)},
	}
	for _, s := range seeds {
		b, err := json.Marshal(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"ref":"","seq":0}`))
	f.Add([]byte(`{"time":"not a time","seq":1}`))

	f.Fuzz(func(t *testing.T, b []byte) {
		checkStable(t, b, decodeLink)
		checkStable(t, b, decodeStatus)
		checkStable(t, b, decodeRun)
		checkStable(t, b, decodeRunItems)
		checkStable(t, b, decodeEntry)
		checkStable(t, b, decodeIntent)
		checkStable(t, b, decodeSettings)
	})
}

func checkStable[T any](t *testing.T, b []byte, dec func([]byte) (T, error)) {
	t.Helper()
	v, err := dec(b)
	if err != nil {
		return
	}
	once, err := json.Marshal(v)
	if err != nil {
		// A decoded time outside what JSON can hold (year > 9999) cannot be written back; it
		// can only come from a record the store did not write.
		return
	}
	again, err := dec(once)
	if err != nil {
		t.Fatalf("%T: re-decoding %s: %v", v, once, err)
	}
	twice, err := json.Marshal(again)
	if err != nil {
		t.Fatalf("%T: re-encoding: %v", v, err)
	}
	if !bytes.Equal(once, twice) {
		t.Fatalf("%T: encoding is not stable:\n%s\n%s", v, once, twice)
	}
}
