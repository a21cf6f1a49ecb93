package app

import (
	"context"
	"fmt"
)

// SetupState reports whether the Backstage and Compass connections have been configured.
type SetupState interface {
	Configured(ctx context.Context) (bool, error)
}

// unconfigured is the SetupState of an app that has no settings store yet.
type unconfigured struct{}

func (unconfigured) Configured(context.Context) (bool, error) { return false, nil }

// Info describes the running app for the first screen of the UI.
type Info struct {
	ProductName string `json:"productName"`
	Version     string `json:"version"`
	DataDir     string `json:"dataDir"`
	// Configured is true once both connections are set up and a sync can run.
	Configured bool `json:"configured"`
	// Demo is true when the app runs on the built-in demo data.
	Demo bool `json:"demo"`
}

// SystemService answers questions about the app itself: its version, where it keeps its data
// and whether it has been set up.
type SystemService struct {
	ctx     context.Context
	version string
	dataDir string
	setup   SetupState
	demo    bool
}

// Info returns the product name, version, data directory and set-up state.
func (s *SystemService) Info() (Info, error) {
	configured, err := s.setup.Configured(s.ctx)
	if err != nil {
		return Info{}, fmt.Errorf("reading set-up state: %w", err)
	}

	return Info{
		ProductName: ProductName,
		Version:     s.version,
		DataDir:     s.dataDir,
		Configured:  configured,
		Demo:        s.demo,
	}, nil
}
