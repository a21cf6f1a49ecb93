package app

import (
	"context"
	"errors"
	"testing"
)

type fakeSetup struct {
	configured bool
	err        error
}

func (f fakeSetup) Configured(context.Context) (bool, error) { return f.configured, f.err }

func TestNewRequiresDataDir(t *testing.T) {
	t.Parallel()

	_, err := New(context.Background(), Config{})
	if !errors.Is(err, ErrNoDataDir) {
		t.Fatalf("New without a data directory: got error %v, want %v", err, ErrNoDataDir)
	}
}

func TestSystemServiceInfo(t *testing.T) {
	t.Parallel()

	errStore := errors.New("store closed")
	tests := []struct {
		name    string
		cfg     Config
		want    Info
		wantErr error
	}{
		{
			name: "an app without a settings store is not configured",
			cfg:  Config{Version: "v1.2.3", DataDir: "/data"},
			want: Info{ProductName: ProductName, Version: "v1.2.3", DataDir: "/data"},
		},
		{
			name: "a configured app says so",
			cfg:  Config{Version: "v1.2.3", DataDir: "/data", Setup: fakeSetup{configured: true}},
			want: Info{ProductName: ProductName, Version: "v1.2.3", DataDir: "/data", Configured: true},
		},
		{
			name: "a demo data directory is labelled as demo",
			cfg:  Config{Version: "v1.2.3", DataDir: "/demo", Setup: fakeSetup{configured: true}, Demo: true},
			want: Info{ProductName: ProductName, Version: "v1.2.3", DataDir: "/demo", Configured: true, Demo: true},
		},
		{
			name: "an empty version falls back to the build version",
			cfg:  Config{DataDir: "/data"},
			want: Info{ProductName: ProductName, Version: Version, DataDir: "/data"},
		},
		{
			name:    "a failing set-up check is returned",
			cfg:     Config{DataDir: "/data", Setup: fakeSetup{err: errStore}},
			wantErr: errStore,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			services, err := New(context.Background(), tt.cfg)
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			got, err := services.System.Info()
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Info error: got %v, want %v", err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("Info: got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestBindingsListsEveryService(t *testing.T) {
	t.Parallel()

	services, err := New(context.Background(), Config{DataDir: "/data"})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	bindings := services.Bindings()
	if len(bindings) != 1 || bindings[0] != services.System {
		t.Errorf("Bindings: got %v, want [System]", bindings)
	}
}
