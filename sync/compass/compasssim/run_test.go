package compasssim

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe to write from the server goroutine and read from the test.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestRunServesUntilTheContextEnds(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, "127.0.0.1:0", Options{Email: testEmail, Token: testToken, SiteHost: testHost, Teams: []string{"Platform"}}, &out)
	}()

	var url string
	for range 200 {
		if _, rest, ok := strings.Cut(out.String(), "listening on "); ok {
			url, _, _ = strings.Cut(rest, "\n")
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if url == "" {
		t.Fatalf("no URL printed: %q", out.String())
	}
	if resp := post(t, url, pingDoc, nil); resp.Status != 200 || dig(resp.Data, "tenantContexts", 0, "cloudId") == nil {
		t.Errorf("answer: %d %s", resp.Status, resp.Raw)
	}
	teams := post(t, url, `query($c: ID!) { compass { searchTeams(input: {cloudId: $c, term: "plat"}) {
  ... on CompassSearchTeamsConnection { nodes { teamId } } } } }`, map[string]any{"c": DefaultCloudID})
	if dig(teams.Data, "compass", "searchTeams", "nodes", 0, "teamId") == nil {
		t.Errorf("the Teams option seeded nothing: %s", teams.Raw)
	}
	if strings.Contains(out.String(), testToken) {
		t.Errorf("the token was printed: %q", out.String())
	}

	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run = %v", err)
	}
}
