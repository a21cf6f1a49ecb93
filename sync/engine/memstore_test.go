package engine_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"sync"

	"github.com/backstage-sync/backstage-sync/sync/engine"
)

// memStore is an in-memory engine.Store for tests. Like the product's store, it keeps
// statuses and runs encoded rather than as the values the engine handed over, so that the
// engine's memory figures do not count them twice.
type memStore struct {
	mu       sync.Mutex
	records  map[string]engine.Record
	statuses map[string][]byte
	runs     [][]byte
	audit    []string
	meta     map[string][]byte
	intents  map[string]engine.Intent
	// writes counts the calls of SaveRecords, puts the records they wrote, and statusWrites
	// the calls of SaveStatuses.
	writes, puts, statusWrites int
}

var _ engine.Store = (*memStore)(nil)

func newMemStore() *memStore {
	return &memStore{
		records:  map[string]engine.Record{},
		statuses: map[string][]byte{},
		meta:     map[string][]byte{},
		intents:  map[string]engine.Intent{},
	}
}

func (m *memStore) Records() (map[string]engine.Record, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return maps.Clone(m.records), nil
}

// SaveRecords applies deletes, then puts, and like the product's store writes nothing when a
// component would end up linked to two refs.
func (m *memStore) SaveRecords(puts []engine.Record, deletes []string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.writes++
	m.puts += len(puts)
	next := maps.Clone(m.records)
	for _, ref := range deletes {
		delete(next, ref)
	}
	for _, r := range puts {
		next[r.Ref] = r
	}
	owner := map[string]string{}
	for ref, r := range next {
		if r.ComponentID == "" {
			continue
		}
		if other, taken := owner[r.ComponentID]; taken {
			return fmt.Errorf("component %s linked to %s and %s", r.ComponentID, other, ref)
		}
		owner[r.ComponentID] = ref
	}
	m.records = next
	return nil
}

func (m *memStore) ForgetEtags(refs []string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, ref := range refs {
		if rec, ok := m.records[ref]; ok {
			rec.Etag = ""
			m.records[ref] = rec
		}
	}
	return nil
}

func (m *memStore) SaveStatuses(statuses []engine.Status) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.statusWrites++
	for _, s := range statuses {
		b, err := json.Marshal(s)
		if err != nil {
			return err
		}
		m.statuses[s.Ref] = b
	}
	return nil
}

func (m *memStore) SaveRun(r *engine.Result) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	m.runs = append(m.runs, b)
	return nil
}

func (m *memStore) Audit(actor, action, target string, _ map[string]string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.audit = append(m.audit, actor+" "+action+" "+target)
	return nil
}

func (m *memStore) GetMeta(key string) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.meta[key], nil
}

func (m *memStore) PutMeta(key string, value []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.meta[key] = value
	return nil
}

func (m *memStore) PutIntents(intents []engine.Intent) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, in := range intents {
		m.intents[in.ID] = in
	}
	return nil
}

func (m *memStore) DeleteIntents(ids []string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, id := range ids {
		delete(m.intents, id)
	}
	if len(m.intents) == 0 {
		// A map keeps its room after deletes; the product's store keeps intents on disk.
		m.intents = map[string]engine.Intent{}
	}
	return nil
}

func (m *memStore) PendingIntents() ([]engine.Intent, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slicesOf(m.intents), nil
}

func slicesOf(m map[string]engine.Intent) []engine.Intent {
	out := make([]engine.Intent, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	return out
}
