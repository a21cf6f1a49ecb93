package store

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// RunStatus is where a run stands.
type RunStatus string

// Run statuses.
const (
	RunRunning RunStatus = "running"
	// RunSucceeded means every item was applied or previewed.
	RunSucceeded RunStatus = "succeeded"
	// RunPartial means the run finished but some items failed.
	RunPartial RunStatus = "partial"
	// RunFailed means the run stopped early (auth, connectivity, incomplete listing).
	RunFailed RunStatus = "failed"
	// RunAwaitingConfirmation means the run stopped before deleting or deprecating more than the
	// safety threshold allows.
	RunAwaitingConfirmation RunStatus = "awaiting_confirmation"
	// RunCancelled means the run was stopped on request.
	RunCancelled RunStatus = "cancelled"
)

// Run is one sync run, recorded when it starts and again when it ends.
type Run struct {
	ID         string    `json:"id"`
	Trigger    string    `json:"trigger"`
	StartedAt  time.Time `json:"started_at"`
	FinishedAt time.Time `json:"finished_at"`
	Status     RunStatus `json:"status"`
	DryRun     bool      `json:"dry_run,omitempty"`
	// Counts holds the number of items by action or outcome (created, updated, failed, ...).
	Counts map[string]int `json:"counts,omitempty"`
	API    APIFigures     `json:"api"`
	Error  string         `json:"error,omitempty"`
	// Items is filled by GetRun and left empty by ListRuns.
	Items []RunItem `json:"items,omitempty"`
}

// APIFigures sums up what a run asked of the remote APIs.
type APIFigures struct {
	Requests    int `json:"requests"`
	Mutations   int `json:"mutations"`
	Retries     int `json:"retries"`
	RateLimited int `json:"rate_limited"`
	// Throttled is the time spent waiting on rate limits.
	Throttled time.Duration `json:"throttled_ns"`
}

// RunItem is what a run did, or would do in a dry run, to one entity.
type RunItem struct {
	Ref         string   `json:"ref"`
	Action      string   `json:"action"`
	ComponentID string   `json:"component_id,omitempty"`
	Changes     []Change `json:"changes,omitempty"`
	Reason      string   `json:"reason,omitempty"`
	Error       string   `json:"error,omitempty"`
}

// Change is one field-level difference applied to a component.
type Change struct {
	Field string `json:"field"`
	From  string `json:"from"`
	To    string `json:"to"`
}

// SaveRun writes r, replacing an earlier record of the same run, then prunes runs beyond the
// configured count and age.
//
// A run over a large catalog has tens of thousands of items: they go in transactions of their
// own, a few chunks each, before the one that writes the run and makes it visible, so that no
// transaction holds them all. Chunks that a crash left without their run are removed by the
// next SaveRun.
func (s *Store) SaveRun(r Run) error {
	if r.ID == "" || r.StartedAt.IsZero() {
		return fmt.Errorf("saving run: %w: run needs an id and a start time", ErrInvalidRecord)
	}
	items := r.Items
	r.Items = nil
	s.runs.Lock()
	defer s.runs.Unlock()

	err := s.update(func(tx *bolt.Tx) error { return deleteRun(tx, []byte(r.ID)) })
	if err != nil {
		return err
	}
	key := runKey(r)
	for seq := 0; seq == 0 || seq*runItemChunk < len(items); seq += chunksPerTx {
		err := s.update(func(tx *bolt.Tx) error {
			return putRunItems(tx.Bucket(bucketRunItems), key, items, seq, seq+chunksPerTx)
		})
		if err != nil {
			return fmt.Errorf("writing items of run %s: %w", r.ID, err)
		}
	}

	return s.update(func(tx *bolt.Tx) error {
		if err := putRun(tx, key, r); err != nil {
			return err
		}
		return s.pruneRuns(tx)
	})
}

// chunksPerTx is the number of item chunks SaveRun writes in one transaction.
const chunksPerTx = 5

// GetRun returns a run with its items, or ErrNotFound.
func (s *Store) GetRun(id string) (Run, error) {
	var r Run
	err := s.view(func(tx *bolt.Tx) error {
		key := tx.Bucket(bucketRunIDs).Get([]byte(id))
		if key == nil {
			return fmt.Errorf("reading run %s: %w", id, ErrNotFound)
		}
		var err error
		if r, err = decodeRun(tx.Bucket(bucketRuns).Get(key)); err != nil {
			return fmt.Errorf("reading run %s: %w", id, err)
		}
		if r.Items, err = getRunItems(tx.Bucket(bucketRunItems), key); err != nil {
			return fmt.Errorf("reading items of run %s: %w", id, err)
		}
		return nil
	})
	return r, err
}

// ListRuns returns up to limit runs, newest first, without their items. A limit of zero or
// less returns every run kept.
func (s *Store) ListRuns(limit int) ([]Run, error) {
	var runs []Run
	err := s.view(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketRuns).Cursor()
		for k, v := c.Last(); k != nil && (limit <= 0 || len(runs) < limit); k, v = c.Prev() {
			r, err := decodeRun(v)
			if err != nil {
				return fmt.Errorf("reading run %q: %w", k, err)
			}
			runs = append(runs, r)
		}
		return nil
	})
	return runs, err
}

// runKey orders runs by start time; the id keeps runs started in the same nanosecond apart.
func runKey(r Run) []byte {
	key := binary.BigEndian.AppendUint64(nil, uint64(r.StartedAt.UnixNano()))
	return append(key, r.ID...)
}

// putRun writes a run's summary and indexes it by id; its items are written already.
func putRun(tx *bolt.Tx, key []byte, r Run) error {
	summary, err := encode(r)
	if err != nil {
		return err
	}
	if err := tx.Bucket(bucketRuns).Put(key, summary); err != nil {
		return fmt.Errorf("writing run %s: %w", r.ID, err)
	}
	if err := tx.Bucket(bucketRunIDs).Put([]byte(r.ID), key); err != nil {
		return fmt.Errorf("indexing run %s: %w", r.ID, err)
	}
	return nil
}

// runItemChunk is the number of run items stored under one key. A run over a large catalog
// has tens of thousands of items: one value for all of them would be encoded, and written to
// the file, in one piece of many megabytes.
const runItemChunk = 1000

// chunkPrefix returns the prefix of the keys of a run's item chunks: the run key and a zero
// byte. Stores written before items were chunked keep all of a run's items under the run key.
func chunkPrefix(key []byte) []byte {
	return append(append([]byte(nil), key...), 0)
}

// putRunItems writes the chunks from to before to of a run's items, a chunk per key, in order.
// A run without items gets one empty chunk, so that its items read back as an empty list rather
// than a missing one.
func putRunItems(b *bolt.Bucket, key []byte, items []RunItem, from, to int) error {
	prefix := chunkPrefix(key)
	for seq := from; seq < to && (seq == 0 || seq*runItemChunk < len(items)); seq++ {
		chunk := items[min(seq*runItemChunk, len(items)):min((seq+1)*runItemChunk, len(items))]
		if chunk == nil {
			chunk = []RunItem{}
		}
		v, err := encode(chunk)
		if err != nil {
			return err
		}
		if err := b.Put(binary.BigEndian.AppendUint32(prefix, uint32(seq)), v); err != nil {
			return err
		}
	}
	return nil
}

// getRunItems reads a run's items, from chunks or from the one value of older stores.
func getRunItems(b *bolt.Bucket, key []byte) ([]RunItem, error) {
	if v := b.Get(key); v != nil {
		return decodeRunItems(v)
	}
	items := []RunItem{}
	prefix := chunkPrefix(key)
	c := b.Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		chunk, err := decodeRunItems(v)
		if err != nil {
			return nil, err
		}
		items = append(items, chunk...)
	}
	return items, nil
}

// deleteRunItems removes a run's items in either form.
func deleteRunItems(b *bolt.Bucket, key []byte) error {
	if err := b.Delete(key); err != nil {
		return err
	}
	prefix := chunkPrefix(key)
	var doomed [][]byte
	c := b.Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		doomed = append(doomed, append([]byte(nil), k...))
	}
	for _, k := range doomed {
		if err := b.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

// deleteRun removes a run by id, if it is there.
func deleteRun(tx *bolt.Tx, id []byte) error {
	ids := tx.Bucket(bucketRunIDs)
	key := ids.Get(id)
	if key == nil {
		return nil
	}
	key = append([]byte(nil), key...)

	if err := tx.Bucket(bucketRuns).Delete(key); err != nil {
		return fmt.Errorf("deleting run %s: %w", id, err)
	}
	if err := deleteRunItems(tx.Bucket(bucketRunItems), key); err != nil {
		return fmt.Errorf("deleting items of run %s: %w", id, err)
	}
	if err := ids.Delete(id); err != nil {
		return fmt.Errorf("deleting run %s: %w", id, err)
	}
	return nil
}

// pruneRuns drops the runs past the newest s.maxRuns and those older than s.maxRunAge.
func (s *Store) pruneRuns(tx *bolt.Tx) error {
	cutoff := s.now().Add(-s.maxRunAge).UnixNano()
	var doomed [][]byte
	kept := 0
	c := tx.Bucket(bucketRuns).Cursor()
	for k, _ := c.Last(); k != nil; k, _ = c.Prev() {
		if len(k) < 8 {
			return fmt.Errorf("pruning runs: %w: run key %q", ErrCorrupt, k)
		}
		started := int64(binary.BigEndian.Uint64(k[:8]))
		if kept >= s.maxRuns || started < cutoff {
			doomed = append(doomed, append([]byte(nil), k[8:]...))
			continue
		}
		kept++
	}

	for _, id := range doomed {
		if err := deleteRun(tx, id); err != nil {
			return fmt.Errorf("pruning runs: %w", err)
		}
	}
	return dropOrphanItems(tx)
}

// dropOrphanItems removes item chunks whose run was never written, as a crash in SaveRun
// between the items and the run leaves them.
func dropOrphanItems(tx *bolt.Tx) error {
	runs, items := tx.Bucket(bucketRuns), tx.Bucket(bucketRunItems)
	var orphans [][]byte
	c := items.Cursor()
	for k, _ := c.First(); k != nil; k, _ = c.Next() {
		key := k
		if n := len(k) - 5; n > 0 && k[n] == 0 && runs.Get(k) == nil {
			key = k[:n]
		}
		if runs.Get(key) == nil {
			orphans = append(orphans, append([]byte(nil), k...))
		}
	}
	for _, k := range orphans {
		if err := items.Delete(k); err != nil {
			return fmt.Errorf("removing items without a run: %w", err)
		}
	}
	return nil
}
