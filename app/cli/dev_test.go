package cli

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuffer is a bytes.Buffer that a command may write while the test reads it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

var endpointPattern = regexp.MustCompile(`http://127\.0\.0\.1:\d+/gateway/api/graphql`)

func TestCompassSimServesUntilCancelled(t *testing.T) {
	t.Parallel()

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr lockedBuffer
	env := Env{Stdout: &stdout, Stderr: &stderr, Getenv: func(string) string { return "" }}
	args := []string{
		"dev", "compass-sim", "--listen", "127.0.0.1:0",
		"--email", "admin@example.com", "--token", "local-token",
	}
	exited := make(chan int, 1)
	go func() { exited <- Execute(ctx, env, args) }()

	endpoint := waitForEndpoint(t, &stdout, exited)
	resp, err := http.Post(endpoint, "application/json", strings.NewReader(`{"query":"{}"}`))
	if err != nil {
		t.Fatalf("POST %s: %v", endpoint, err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("request without credentials: got status %d, want %d",
			resp.StatusCode, http.StatusUnauthorized)
	}
	tenant := `{"query":"{ tenantContexts(hostNames: [\"example.atlassian.net\"]) { cloudId } }"}`
	for _, tc := range []struct {
		name, token string
		want        int
	}{
		{"the right token", "local-token", http.StatusOK},
		{"a wrong token", "wrong-token", http.StatusUnauthorized},
	} {
		req, err := http.NewRequest(http.MethodPost, endpoint, strings.NewReader(tenant))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		req.SetBasicAuth("admin@example.com", tc.token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("POST %s: %v", endpoint, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("tenantContexts with %s: status %d, want %d (%s)", tc.name, resp.StatusCode, tc.want, body)
		}
		if tc.want == http.StatusOK && !strings.Contains(string(body), `"cloudId":"`) {
			t.Errorf("tenantContexts with %s answered no cloud id: %s", tc.name, body)
		}
	}
	if strings.Contains(stdout.String(), "local-token") {
		t.Errorf("stdout shows the token: %q", stdout.String())
	}

	cancel()
	if code := <-exited; code != ExitOK {
		t.Errorf("exit code after cancelling: got %d, want %d (stderr %q)",
			code, ExitOK, stderr.String())
	}
}

// waitForEndpoint returns the endpoint the simulator prints once it listens.
func waitForEndpoint(t *testing.T, stdout *lockedBuffer, exited <-chan int) string {
	t.Helper()

	deadline := time.After(10 * time.Second)
	for {
		if endpoint := endpointPattern.FindString(stdout.String()); endpoint != "" {
			return endpoint
		}
		select {
		case code := <-exited:
			t.Fatalf("compass-sim exited with %d before listening", code)
		case <-deadline:
			t.Fatalf("compass-sim printed no endpoint: %q", stdout.String())
		case <-time.After(10 * time.Millisecond):
		}
	}
}

func TestCompassSimNeedsCredentials(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name string
		args []string
	}{
		{name: "without an email it refuses to start", args: []string{"--token", "t"}},
		{name: "without a token it refuses to start", args: []string{"--email", "e@example.com"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			args := append([]string{"dev", "compass-sim", "--listen", "127.0.0.1:0"}, tt.args...)
			code, _, stderr := run(t, Env{}, args...)

			if code != ExitUsage {
				t.Errorf("exit code: got %d, want %d", code, ExitUsage)
			}
			if !strings.Contains(stderr, "--email and --token are required") {
				t.Errorf("stderr: got %q, want it to name the missing flags", stderr)
			}
		})
	}
}

func TestHelpListsDeveloperTools(t *testing.T) {
	t.Parallel()

	code, stdout, _ := run(t, Env{}, "--help")

	if code != ExitOK {
		t.Fatalf("exit code: got %d, want %d", code, ExitOK)
	}
	tools := strings.Index(stdout, "Developer tools:")
	dev := strings.Index(stdout, "\n  dev ")
	if tools < 0 || dev < tools {
		t.Errorf("--help: want dev listed under \"Developer tools:\", got\n%s", stdout)
	}
}
