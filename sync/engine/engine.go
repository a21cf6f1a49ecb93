// Package engine runs one sync: list the catalog, map it, read what Compass has, plan, then
// apply or only preview, and record the outcome. An applied run with more entities to fetch
// than a page holds, and every applied full run, goes through them a page at a time and ends
// with a plan of what needs the whole catalog (pages.go).
//
// Item failures (one entity) are recorded and the run goes on; run failures (auth, an
// unreachable system, an incomplete listing) stop it before anything is deleted.
package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/backstage-sync/backstage-sync/sync/mapping"
	"github.com/backstage-sync/backstage-sync/sync/plan"
)

// Defaults for Config fields left at zero.
const (
	DefaultBatchSize   = 50
	DefaultConcurrency = 4
)

// Config holds what an Engine is built from.
type Config struct {
	Source Source
	Target Target
	Store  Store
	Mapper *mapping.Mapper
	Policy plan.Policy
	// RulesHash identifies the mapping settings; when it differs from the last run's, every
	// entity is mapped again even if its etag did not change.
	RulesHash string
	// BatchSize is the number of mutations sent in one request.
	BatchSize int
	// Concurrency bounds the requests in flight during apply.
	Concurrency int
	// PageSize is the number of changed entities an incremental run carries through mapping,
	// planning, applying and recording at a time, so that a large first run holds one page of
	// components rather than the whole catalog. Zero means DefaultPageSize.
	PageSize int
	// Actor names who the audit log credits with the runs, for example "cli" or "scheduler".
	Actor    string
	Progress Progress
	Logger   *slog.Logger
	Now      func() time.Time
	// Pacer paces and retries requests; nil uses a default Pacer.
	Pacer *Pacer
}

// Options select what one run does.
type Options struct {
	DryRun bool
	// Full fetches every listed entity, whatever its etag, and reads every Compass component,
	// finding drift.
	Full bool
	// Confirmed lets the run deprecate or delete past the guard's thresholds.
	Confirmed bool
	Trigger   string
}

// Engine runs syncs, one at a time.
type Engine struct {
	cfg Config
	mu  sync.Mutex
}

// New checks cfg and returns an Engine.
func New(cfg Config) (*Engine, error) {
	if cfg.Source == nil || cfg.Target == nil || cfg.Store == nil || cfg.Mapper == nil {
		return nil, fmt.Errorf("building engine: %w", ErrIncomplete)
	}
	if cfg.BatchSize <= 0 {
		cfg.BatchSize = DefaultBatchSize
	}
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = DefaultConcurrency
	}
	if cfg.PageSize <= 0 {
		cfg.PageSize = DefaultPageSize
	}
	if cfg.Progress == nil {
		cfg.Progress = noProgress{}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Actor == "" {
		cfg.Actor = "engine"
	}
	if cfg.Pacer == nil {
		cfg.Pacer = NewPacer(PacerOptions{})
	}

	return &Engine{cfg: cfg}, nil
}

// Run performs one sync. The returned Result is complete even when err is not nil: err says
// why the run failed, and the result has been recorded when the store allowed it.
func (e *Engine) Run(ctx context.Context, opts Options) (*Result, error) {
	if !e.mu.TryLock() {
		return nil, ErrRunning
	}
	defer e.mu.Unlock()

	r := newRun(e, opts)
	err := r.execute(ctx)
	r.finish(err)

	return r.result, err
}

// Running reports whether a run is in progress.
func (e *Engine) Running() bool {
	if e.mu.TryLock() {
		e.mu.Unlock()
		return false
	}
	return true
}

// errStop marks a run that stopped on purpose (guard), not because something failed.
var errStop = errors.New("run stopped")
