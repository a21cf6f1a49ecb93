package backstagetest

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

// RequiredEnv names the environment variable that turns a missing backend from a skip into a
// failure when set to "1".
const RequiredEnv = "BACKSTAGE_TEST_REQUIRED"

// Defaults for Options.
const (
	DefaultProcessingInterval = 2 * time.Second
	DefaultStartTimeout       = 3 * time.Minute
	// DefaultWaitTimeout covers the catalog's orphan cleanup, which runs every 30 s and is the
	// slowest step of a removal.
	DefaultWaitTimeout = 2 * time.Minute
)

const (
	pollInterval  = 250 * time.Millisecond
	startAttempts = 3
	stopGrace     = 10 * time.Second
	logReadBytes  = 1 << 20
	logTailBytes  = 16 << 10
)

// Options configure Start. Zero values pick the defaults.
type Options struct {
	// Catalog is written to the catalog files; the default is GenerateCatalog(CatalogOptions{}).
	Catalog Catalog
	// ProcessingInterval is how often the catalog re-reads its files and refreshes entities.
	ProcessingInterval time.Duration
	// StartTimeout bounds the start: readiness plus the ingestion of the whole catalog.
	StartTimeout time.Duration
	// WaitTimeout bounds each wait after an edit.
	WaitTimeout time.Duration
	// Dir is the Node project to run; the default is the backend directory of this package.
	Dir string
}

// Backend is a running catalog backend. Its methods may be called from several goroutines:
// edits to the files are applied one at a time, and the waits after them may overlap, so that
// several removals share one orphan cleanup.
type Backend struct {
	// URL is the base URL, for example http://127.0.0.1:41234, without a trailing slash.
	URL string
	// Token is the static token that callers send as "Authorization: Bearer <token>".
	Token string
	// CatalogDir holds the catalog files.
	CatalogDir string
	// LogPath is the backend's log file.
	LogPath string

	opts   Options
	client *http.Client
	exited chan struct{}

	mu      sync.Mutex
	catalog Catalog
}

// Start starts a backend with the catalog of opts, waits until it has ingested every entity, and
// registers a cleanup that stops it. It skips or fails the test when the backend is not installed
// (see RequiredEnv), and fails it when the backend does not come up within opts.StartTimeout.
// The backend's log is shown when the test fails.
func Start(t testing.TB, opts Options) *Backend {
	t.Helper()
	if testing.Short() {
		t.Skip("backstage backend not started with -short")
	}
	opts = withDefaults(opts)
	requireInstalled(t, opts.Dir)

	// Write the catalog files.
	b := &Backend{
		Token:   randomToken(t),
		opts:    opts,
		client:  &http.Client{Timeout: 10 * time.Second},
		catalog: opts.Catalog.Clone(),
	}
	root := t.TempDir()
	b.CatalogDir = filepath.Join(root, "catalog")
	if err := b.writeCatalog(); err != nil {
		t.Fatal(err)
	}

	// Start the process until it gets a port of its own.
	began := time.Now()
	deadline := began.Add(opts.StartTimeout)
	for attempt := 1; ; attempt++ {
		err := b.launch(t, root, attempt, deadline)
		if err == nil {
			break
		}
		if attempt == startAttempts || !portTaken(b.LogPath) {
			t.Fatalf("starting backstage backend: %v", err)
		}
		t.Logf("backstage backend lost its port to another process; starting it again")
	}

	// Wait for the whole catalog.
	ready := time.Now()
	if err := b.WaitForRefs(b.catalog.Refs(), deadline); err != nil {
		t.Fatalf("waiting for the initial catalog: %v", err)
	}
	t.Logf("backstage backend at %s ready in %s; %d entities ingested %s later",
		b.URL, ready.Sub(began).Round(time.Millisecond), len(b.catalog.Refs()),
		time.Since(ready).Round(time.Millisecond))
	return b
}

// launch picks a port, writes the configuration, starts the process and waits until it is ready.
func (b *Backend) launch(t testing.TB, root string, attempt int, deadline time.Time) error {
	t.Helper()

	port := pickPort(t)
	b.URL = "http://127.0.0.1:" + strconv.Itoa(port)
	configPath := filepath.Join(root, fmt.Sprintf("app-config-%d.yaml", attempt))
	if err := writeConfig(configPath, b, port); err != nil {
		t.Fatal(err)
	}
	b.LogPath = filepath.Join(root, fmt.Sprintf("backend-%d.log", attempt))

	b.startProcess(t, configPath)
	return b.waitReady(deadline)
}

// portTaken reports whether the log shows that the port was in use when the backend started.
func portTaken(logPath string) bool {
	data, err := os.ReadFile(logPath)
	return err == nil && strings.Contains(string(data), "EADDRINUSE")
}

func withDefaults(opts Options) Options {
	if len(opts.Catalog.Files) == 0 {
		opts.Catalog = GenerateCatalog(CatalogOptions{})
	}
	if opts.ProcessingInterval <= 0 {
		opts.ProcessingInterval = DefaultProcessingInterval
	}
	if opts.StartTimeout <= 0 {
		opts.StartTimeout = DefaultStartTimeout
	}
	if opts.WaitTimeout <= 0 {
		opts.WaitTimeout = DefaultWaitTimeout
	}
	if opts.Dir == "" {
		opts.Dir = DefaultDir()
	}
	return opts
}

// DefaultDir returns the backend directory next to this package's source.
func DefaultDir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "backend")
}

// requireInstalled skips or fails the test when node or the backend's node_modules is missing.
func requireInstalled(t testing.TB, dir string) {
	t.Helper()

	var missing string
	if _, err := exec.LookPath("node"); err != nil {
		missing = "node is not on PATH"
	} else if _, err := os.Stat(filepath.Join(dir, "node_modules")); err != nil {
		missing = dir + "/node_modules is missing"
	}
	if missing == "" {
		return
	}
	hint := "; run sync/backstage/backstagetest/backend/install.sh"
	if os.Getenv(RequiredEnv) == "1" {
		t.Fatalf("backstage backend not installed: %s%s (%s=1)", missing, hint, RequiredEnv)
		return
	}
	t.Skipf("backstage backend not installed: %s%s", missing, hint)
}

func randomToken(t testing.TB) string {
	buf := make([]byte, 24)
	if _, err := rand.Read(buf); err != nil {
		t.Fatalf("generating token: %v", err)
	}
	return hex.EncodeToString(buf)
}

// pickPort chooses the port of each start; tests replace it to provoke a taken port.
var pickPort = freePort

// freePort asks the kernel for a free loopback port. Another process could take it before the
// backend listens; the backend then exits, and Start tries again with another port.
func freePort(t testing.TB) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("finding a free port: %v", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func writeConfig(path string, b *Backend, port int) error {
	kinds := []string{
		"Component", "API", "Location", "Group", "User", "System", "Domain", "Resource", "Template",
	}
	config := map[string]any{
		"backend": map[string]any{
			"baseUrl":  b.URL,
			"listen":   map[string]any{"host": "127.0.0.1", "port": port},
			"database": map[string]any{"client": "better-sqlite3", "connection": ":memory:"},
			"auth": map[string]any{"externalAccess": []any{map[string]any{
				"type":    "static",
				"options": map[string]any{"token": b.Token, "subject": "backstagetest"},
			}}},
		},
		"catalog": map[string]any{
			"rules": []any{map[string]any{"allow": kinds}},
			"locations": []any{map[string]any{
				"type": "file", "target": filepath.Join(b.CatalogDir, "*.yaml"),
			}},
			"processingInterval": map[string]any{
				"milliseconds": b.opts.ProcessingInterval.Milliseconds(),
			},
			"orphanStrategy": "delete",
		},
	}

	data, err := yaml.Marshal(config)
	if err != nil {
		return fmt.Errorf("encoding app-config: %w", err)
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		return fmt.Errorf("writing app-config: %w", err)
	}
	return nil
}

// startProcess starts node in its own process group, with its output in the log file, and
// registers the cleanup that stops it.
func (b *Backend) startProcess(t testing.TB, configPath string) {
	t.Helper()

	logPath := b.LogPath
	logFile, err := os.Create(logPath)
	if err != nil {
		t.Fatalf("creating backend log: %v", err)
	}
	cmd := exec.Command("node", "index.js", "--config", configPath)
	cmd.Dir = b.opts.Dir
	// In production mode the backend logs JSON lines; otherwise it writes colour codes.
	cmd.Env = append(os.Environ(), "NODE_ENV=production")
	cmd.Stdout = logFile
	cmd.Stderr = logFile
	cmd.SysProcAttr = sysProcAttr()
	if err := cmd.Start(); err != nil {
		logFile.Close()
		t.Fatalf("starting node: %v", err)
	}
	exited := make(chan struct{})
	b.exited = exited
	go func() {
		_ = cmd.Wait()
		close(exited)
	}()

	t.Cleanup(func() {
		stop(cmd.Process.Pid, exited)
		logFile.Close()
		if t.Failed() {
			t.Logf("backstage backend log without request lines (%s):\n%s", logPath, logTail(logPath))
		}
	})
}

// stop ends a process group: SIGTERM first, SIGKILL after a grace period.
func stop(pid int, exited <-chan struct{}) {
	select {
	case <-exited:
		return
	default:
	}

	terminateGroup(pid)
	select {
	case <-exited:
		return
	case <-time.After(stopGrace):
	}
	killGroup(pid)
	<-exited
}

// waitReady polls the readiness endpoint until it answers 200.
func (b *Backend) waitReady(deadline time.Time) error {
	return b.poll(deadline, "readiness", func() (bool, error) {
		resp, err := b.client.Get(b.URL + "/.backstage/health/v1/readiness")
		if err != nil {
			return false, err
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return false, fmt.Errorf("readiness answered %d", resp.StatusCode)
		}
		return true, nil
	})
}

// poll calls check every pollInterval until it reports done, the deadline passes or the
// backend exits. Errors from check are kept and reported with the timeout, not returned early:
// the backend may not listen yet, or may be between two processing rounds.
func (b *Backend) poll(deadline time.Time, what string, check func() (bool, error)) error {
	var lastErr error
	for {
		done, err := check()
		if done && err == nil {
			return nil
		}
		lastErr = err

		wait := time.Until(deadline)
		if wait <= 0 {
			if lastErr != nil {
				return fmt.Errorf("%w: %s: last error: %w", ErrWaitTimeout, what, lastErr)
			}
			return fmt.Errorf("%w: %s", ErrWaitTimeout, what)
		}
		select {
		case <-b.exited:
			return fmt.Errorf("%w while waiting for %s; see %s", ErrBackendExited, what, b.LogPath)
		case <-time.After(min(wait, pollInterval)):
		}
	}
}

// logTail returns the end of the backend log without the request log lines, which the polling
// makes plentiful and which rarely explain a failure.
func logTail(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return err.Error()
	}
	defer f.Close()

	info, err := f.Stat()
	if err != nil {
		return err.Error()
	}
	offset := max(info.Size()-logReadBytes, 0)
	buf := make([]byte, info.Size()-offset)
	if _, err := f.ReadAt(buf, offset); err != nil {
		return err.Error()
	}

	var kept []string
	for _, line := range strings.Split(string(buf), "\n") {
		if !strings.Contains(line, `"incomingRequest"`) {
			kept = append(kept, line)
		}
	}
	out := strings.Join(kept, "\n")
	return out[max(len(out)-logTailBytes, 0):]
}
