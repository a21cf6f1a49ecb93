package store

import (
	"fmt"
	"sort"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Intent records a mutation about to be sent to Compass. Intents are written before a batch and
// deleted once its outcome is recorded, so the ones still pending after a crash name the
// mutations whose outcome is unknown.
type Intent struct {
	ID  string `json:"id"`
	Ref string `json:"ref"`
	// Operation names the mutation (create, update, delete, ...).
	Operation string `json:"operation"`
	// ComponentID is the component ARI when the component already exists.
	ComponentID string    `json:"component_id,omitempty"`
	Payload     []byte    `json:"payload,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
}

// PutIntents writes intents in one transaction, replacing those with the same id.
func (s *Store) PutIntents(intents []Intent) error {
	return s.update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketIntents)
		for i, in := range intents {
			if in.ID == "" {
				return fmt.Errorf("writing intent %d: %w: empty id", i, ErrInvalidRecord)
			}
			in.Ref = NormalizeRef(in.Ref)
			v, err := encode(in)
			if err != nil {
				return err
			}
			if err := b.Put([]byte(in.ID), v); err != nil {
				return fmt.Errorf("writing intent %s: %w", in.ID, err)
			}
		}
		return nil
	})
}

// DeleteIntents removes intents by id in one transaction. Unknown ids are ignored.
func (s *Store) DeleteIntents(ids []string) error {
	return s.update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketIntents)
		for _, id := range ids {
			if err := b.Delete([]byte(id)); err != nil {
				return fmt.Errorf("deleting intent %s: %w", id, err)
			}
		}
		return nil
	})
}

// PendingIntents returns every intent still stored, oldest first.
func (s *Store) PendingIntents() ([]Intent, error) {
	var intents []Intent
	err := s.view(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketIntents).ForEach(func(k, v []byte) error {
			in, err := decodeIntent(v)
			if err != nil {
				return fmt.Errorf("reading intent %q: %w", k, err)
			}
			intents = append(intents, in)
			return nil
		})
	})
	sort.SliceStable(intents, func(i, j int) bool { return intents[i].CreatedAt.Before(intents[j].CreatedAt) })
	return intents, err
}
