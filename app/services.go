package app

import (
	"context"
	"fmt"
)

// Config holds what the services need from the process that hosts them.
type Config struct {
	// Version is reported to the UI. Empty means Version.
	Version string
	// DataDir is the directory that holds the database and exports. It is required.
	DataDir string
	// Setup reports whether the connections are configured. Nil means nothing is configured yet.
	Setup SetupState
	// Events carries events to the UI. Nil means Discard.
	Events Events
	// Demo marks a data directory that holds the built-in demo, so the UI labels it.
	Demo bool
}

// Services is the set of services the UI calls, one per area of the UI.
type Services struct {
	System *SystemService

	events Events
}

// New builds the services. ctx bounds the work the services start, and its values reach every
// call; cancel it when the host shuts down.
func New(ctx context.Context, cfg Config) (*Services, error) {
	if cfg.DataDir == "" {
		return nil, fmt.Errorf("building services: %w", ErrNoDataDir)
	}
	if cfg.Version == "" {
		cfg.Version = Version
	}
	if cfg.Setup == nil {
		cfg.Setup = unconfigured{}
	}
	if cfg.Events == nil {
		cfg.Events = Discard
	}

	return &Services{
		System: &SystemService{
			ctx: ctx, version: cfg.Version, dataDir: cfg.DataDir, setup: cfg.Setup, demo: cfg.Demo,
		},
		events: cfg.Events,
	}, nil
}

// Bindings returns the service structs whose exported methods the UI may call, in a stable order.
func (s *Services) Bindings() []any {
	return []any{s.System}
}
