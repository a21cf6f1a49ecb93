package store

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// openTest opens a store in a fresh temporary directory and closes it when the test ends.
func openTest(t testing.TB, opts ...Option) *Store {
	t.Helper()
	s, err := Open(filepath.Join(t.TempDir(), "state.db"), opts...)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// rawUpdate writes to a closed store's file directly, as another tool or an older app would.
func rawUpdate(t *testing.T, path string, fn func(tx *bolt.Tx) error) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatalf("opening raw database: %v", err)
	}
	defer db.Close()
	if err := db.Update(fn); err != nil {
		t.Fatalf("raw update: %v", err)
	}
}

func TestOpenCreatesTheDatabaseAtTheCurrentSchema(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "nested", "dir", "state.db")
	s, err := Open(path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	var version uint64
	rawUpdate(t, path, func(tx *bolt.Tx) error {
		var err error
		version, err = schemaVersion(tx.Bucket(bucketMeta))
		return err
	})
	if version != SchemaVersion {
		t.Errorf("schema version = %d, want %d", version, SchemaVersion)
	}
}

func TestOpenRefusesADatabaseHeldByAnotherProcess(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "state.db")
	first, err := Open(path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer first.Close()

	// flock is per open file, so a second Open in this process meets the lock like another
	// process would.
	_, err = Open(path, WithLockTimeout(50*time.Millisecond))
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("second Open error = %v, want ErrLocked", err)
	}
	want := "another backstage-sync is using " + filepath.Dir(path)
	if !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not say %q", err, want)
	}
}

func TestOpenRefusesADatabaseFromANewerApp(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "state.db")
	s, err := Open(path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	s.Close()
	rawUpdate(t, path, func(tx *bolt.Tx) error {
		return tx.Bucket(bucketMeta).Put(keySchemaVersion, encodeUint(SchemaVersion+7))
	})

	_, err = Open(path)
	if !errors.Is(err, ErrNewerSchema) {
		t.Fatalf("Open error = %v, want ErrNewerSchema", err)
	}
	wants := []string{
		fmt.Sprintf("schema version %d", SchemaVersion+7),
		fmt.Sprintf("up to version %d", SchemaVersion),
		"upgrade backstage-sync",
	}
	for _, want := range wants {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
}

func TestOpenRejectsInvalidOptions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		opt  Option
	}{
		{"a zero lock timeout is refused", WithLockTimeout(0)},
		{"a retention of no runs is refused", WithRunRetention(0, time.Hour)},
		{"a negative retention age is refused", WithRunRetention(10, -time.Hour)},
		{"a nil clock is refused", WithClock(nil)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Open(filepath.Join(t.TempDir(), "state.db"), tt.opt)
			if !errors.Is(err, ErrInvalidOption) {
				t.Errorf("Open error = %v, want ErrInvalidOption", err)
			}
		})
	}
}

func TestAClosedStoreReportsErrClosed(t *testing.T) {
	t.Parallel()
	s, err := Open(filepath.Join(t.TempDir(), "state.db"))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}

	if _, err := s.LinkByRef("component:default/a"); !errors.Is(err, ErrClosed) {
		t.Errorf("LinkByRef after Close = %v, want ErrClosed", err)
	}
	if err := s.PutMeta("k", []byte("v")); !errors.Is(err, ErrClosed) {
		t.Errorf("PutMeta after Close = %v, want ErrClosed", err)
	}
}
