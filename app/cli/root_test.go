package cli

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/backstage-sync/backstage-sync/app/desktop"
)

// run executes args against a test environment and returns the exit code and both outputs.
func run(t *testing.T, env Env, args ...string) (code int, stdout, stderr string) {
	t.Helper()

	var out, errOut bytes.Buffer
	env.Stdout = &out
	env.Stderr = &errOut
	if env.Getenv == nil {
		env.Getenv = func(string) string { return "" }
	}
	if env.GOOS == "" {
		env.GOOS = "linux"
	}
	code = Execute(context.Background(), env, args)
	return code, out.String(), errOut.String()
}

func withDisplay(key string) string {
	if key == "DISPLAY" {
		return ":99"
	}
	return ""
}

func TestExecuteExitCodes(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantStdout string
		wantStderr []string
	}{
		{
			name:       "version prints the version",
			args:       []string{"version"},
			wantCode:   ExitOK,
			wantStdout: "backstage-sync dev (go",
		},
		{
			name:       "no display is a usage error that says what to run instead",
			args:       nil,
			wantCode:   ExitUsage,
			wantStderr: []string{"no display", "xvfb-run", "make test"},
		},
		{
			name:       "gui without a display is the same usage error",
			args:       []string{"gui"},
			wantCode:   ExitUsage,
			wantStderr: []string{"no display", "xvfb-run"},
		},
		{
			name:       "an unknown command is a usage error",
			args:       []string{"frobnicate"},
			wantCode:   ExitUsage,
			wantStderr: []string{`unknown command "frobnicate"`, "--help"},
		},
		{
			name:       "an unknown flag is a usage error",
			args:       []string{"version", "--frobnicate"},
			wantCode:   ExitUsage,
			wantStderr: []string{"unknown flag: --frobnicate"},
		},
		{
			name:       "extra arguments are a usage error",
			args:       []string{"version", "extra"},
			wantCode:   ExitUsage,
			wantStderr: []string{"unknown command", "backstage-sync version --help"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			code, stdout, stderr := run(t, Env{DefaultDataDir: t.TempDir()}, tt.args...)

			if code != tt.wantCode {
				t.Errorf("exit code: got %d, want %d (stderr %q)", code, tt.wantCode, stderr)
			}
			if !strings.HasPrefix(stdout, tt.wantStdout) {
				t.Errorf("stdout: got %q, want it to start with %q", stdout, tt.wantStdout)
			}
			for _, want := range tt.wantStderr {
				if !strings.Contains(stderr, want) {
					t.Errorf("stderr: got %q, want it to contain %q", stderr, want)
				}
			}
		})
	}
}

func TestWindowGetsServicesOnTheDataDir(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name        string
		args        []string
		wantDataDir string
	}{
		{name: "no command opens the window on the default data dir", wantDataDir: "/default"},
		{name: "gui opens the window", args: []string{"gui"}, wantDataDir: "/default"},
		{
			name:        "--data-dir moves the data dir",
			args:        []string{"--data-dir", "/elsewhere"},
			wantDataDir: "/elsewhere",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			var got desktop.Options
			env := Env{
				Getenv:         withDisplay,
				DefaultDataDir: "/default",
				RunWindow: func(_ context.Context, opts desktop.Options) error {
					got = opts
					return nil
				},
			}

			code, _, stderr := run(t, env, tt.args...)

			if code != ExitOK {
				t.Fatalf("exit code: got %d, want %d (stderr %q)", code, ExitOK, stderr)
			}
			if got.Services == nil || got.Events == nil {
				t.Fatalf("window options: got %+v, want services and events", got)
			}
			info, err := got.Services.System.Info()
			if err != nil {
				t.Fatalf("Info: %v", err)
			}
			if info.DataDir != tt.wantDataDir {
				t.Errorf("data dir: got %q, want %q", info.DataDir, tt.wantDataDir)
			}
		})
	}
}

func TestWindowFailures(t *testing.T) {
	t.Parallel()

	errGTK := errors.New("cannot initialise GTK")
	tests := []struct {
		name       string
		env        Env
		wantCode   int
		wantStderr string
	}{
		{
			name: "a window that fails to run is a failure",
			env: Env{
				Getenv:         withDisplay,
				DefaultDataDir: "/default",
				RunWindow:      func(context.Context, desktop.Options) error { return errGTK },
			},
			wantCode:   ExitFailure,
			wantStderr: "cannot initialise GTK",
		},
		{
			name:       "no data directory is a usage error",
			env:        Env{Getenv: withDisplay},
			wantCode:   ExitUsage,
			wantStderr: "--data-dir",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			code, _, stderr := run(t, tt.env)

			if code != tt.wantCode {
				t.Errorf("exit code: got %d, want %d", code, tt.wantCode)
			}
			if !strings.Contains(stderr, tt.wantStderr) {
				t.Errorf("stderr: got %q, want it to contain %q", stderr, tt.wantStderr)
			}
		})
	}
}
