// Package store keeps the app's state in one bbolt file: settings (never secrets), the links
// between Backstage entities and Compass components, per-component sync status, run history, an
// append-only hash-chained audit log, mutation intents for crash recovery and small named values.
//
// The schema carries a version; Open upgrades older files in one transaction and refuses files
// written by a newer app. Secrets live in the OS keyring (package store/secret), never here.
package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
)

// sortedFill is how full bbolt fills the pages of a bucket that a write fills in key order;
// bbolt's default of one half suits random writes and leaves sorted ones half empty.
const sortedFill = 0.9

// Defaults used when no option overrides them.
const (
	DefaultLockTimeout = 2 * time.Second
	DefaultMaxRuns     = 200
	DefaultMaxRunAge   = 90 * 24 * time.Hour
)

// initialMmapSize is address space, not memory: pages are only read in when touched.
const initialMmapSize = 64 << 20

// Store is an open state database. Its methods are safe for concurrent use.
type Store struct {
	db        *bolt.DB
	now       func() time.Time
	maxRuns   int
	maxRunAge time.Duration
	// runs makes SaveRun calls one at a time: one writes a run in several transactions.
	runs sync.Mutex
}

type options struct {
	lockTimeout time.Duration
	now         func() time.Time
	maxRuns     int
	maxRunAge   time.Duration
}

// Option changes how Open opens a Store.
type Option func(*options) error

// WithLockTimeout sets how long Open waits for another process to release the file lock.
func WithLockTimeout(d time.Duration) Option {
	return func(o *options) error {
		if d <= 0 {
			return fmt.Errorf("%w: lock timeout must be positive, got %s", ErrInvalidOption, d)
		}
		o.lockTimeout = d
		return nil
	}
}

// WithRunRetention bounds the run history: SaveRun keeps at most maxRuns runs and drops runs
// that started more than maxAge ago.
func WithRunRetention(maxRuns int, maxAge time.Duration) Option {
	return func(o *options) error {
		if maxRuns < 1 || maxAge <= 0 {
			return fmt.Errorf("%w: run retention needs at least 1 run and a positive age, got %d and %s",
				ErrInvalidOption, maxRuns, maxAge)
		}
		o.maxRuns, o.maxRunAge = maxRuns, maxAge
		return nil
	}
}

// WithClock replaces time.Now, for audit timestamps and run pruning.
func WithClock(now func() time.Time) Option {
	return func(o *options) error {
		if now == nil {
			return fmt.Errorf("%w: clock is nil", ErrInvalidOption)
		}
		o.now = now
		return nil
	}
}

// Open opens the database at path, creating it and its directory when missing, and brings its
// schema up to date. It fails with ErrLocked when another process holds the file and with
// ErrNewerSchema when a newer app wrote it.
func Open(path string, opts ...Option) (*Store, error) {
	o := options{
		lockTimeout: DefaultLockTimeout,
		now:         time.Now,
		maxRuns:     DefaultMaxRuns,
		maxRunAge:   DefaultMaxRunAge,
	}
	for _, opt := range opts {
		if err := opt(&o); err != nil {
			return nil, err
		}
	}

	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("creating data directory: %w", err)
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{
		Timeout: o.lockTimeout,
		// Each remap while the file grows copies every dirty node of the open transaction;
		// reserving address space up front saves that on large link batches.
		InitialMmapSize: initialMmapSize,
	})
	if errors.Is(err, bolt.ErrTimeout) {
		return nil, fmt.Errorf("%w: another backstage-sync is using %s (waited %s)", ErrLocked, dir, o.lockTimeout)
	}
	if err != nil {
		return nil, fmt.Errorf("opening database %s: %w", path, err)
	}

	if err := db.Update(func(tx *bolt.Tx) error { return migrate(tx, path) }); err != nil {
		db.Close()
		return nil, err
	}
	return &Store{db: db, now: o.now, maxRuns: o.maxRuns, maxRunAge: o.maxRunAge}, nil
}

// Close releases the database file. Calls after the first return nil.
func (s *Store) Close() error {
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("closing database: %w", err)
	}
	return nil
}

// Path returns the file the store was opened from.
func (s *Store) Path() string {
	return s.db.Path()
}

func (s *Store) view(fn func(tx *bolt.Tx) error) error {
	return closedErr(s.db.View(fn))
}

func (s *Store) update(fn func(tx *bolt.Tx) error) error {
	return closedErr(s.db.Update(fn))
}

func closedErr(err error) error {
	if errors.Is(err, bolt.ErrDatabaseNotOpen) {
		return ErrClosed
	}
	return err
}
