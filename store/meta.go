package store

import (
	"bytes"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// GetMeta returns the value stored under key by PutMeta, or ErrNotFound. Meta values are small
// things remembered between runs, such as a listing cursor or the adaptive rate limit.
func (s *Store) GetMeta(key string) ([]byte, error) {
	var value []byte
	err := s.view(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketKV).Get([]byte(key))
		if v == nil {
			return fmt.Errorf("reading meta %s: %w", key, ErrNotFound)
		}
		value = bytes.Clone(v)
		return nil
	})
	return value, err
}

// PutMeta stores value under key, replacing what was there. A nil value deletes the key.
func (s *Store) PutMeta(key string, value []byte) error {
	if key == "" {
		return fmt.Errorf("writing meta: %w: empty key", ErrInvalidRecord)
	}

	return s.update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketKV)
		var err error
		if value == nil {
			err = b.Delete([]byte(key))
		} else {
			err = b.Put([]byte(key), value)
		}
		if err != nil {
			return fmt.Errorf("writing meta %s: %w", key, err)
		}
		return nil
	})
}
