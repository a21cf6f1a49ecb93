package backstage

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const (
	testClientID     = "sync-app"
	testClientSecret = "very-secret-value"
)

// tokenServer is an OAuth2 token endpoint and a catalog that accepts only its newest token.
type tokenServer struct {
	expiresIn  any
	formOnly   bool // refuse client credentials in a Basic header
	refuse     bool // refuse every grant
	issued     atomic.Int64
	mu         sync.Mutex
	current    string
	lastForm   map[string]string
	catalogHit atomic.Int64
}

func (ts *tokenServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/token" {
		ts.token(w, r)
		return
	}
	ts.catalogHit.Add(1)
	ts.mu.Lock()
	ok := r.Header.Get("Authorization") == "Bearer "+ts.current
	ts.mu.Unlock()
	if !ok {
		w.WriteHeader(http.StatusUnauthorized)
		w.Write([]byte(`{"error":{"name":"AuthenticationError","message":"Illegal token"}}`))
		return
	}
	w.Write([]byte(`{"items":[],"totalItems":0,"pageInfo":{}}`))
}

func (ts *tokenServer) token(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	id, secret, basic := r.BasicAuth()
	if !basic {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	w.Header().Set("Content-Type", "application/json")
	if ts.refuse || (basic && ts.formOnly) || id != testClientID || secret != testClientSecret || r.PostForm.Get("grant_type") != "client_credentials" {
		w.WriteHeader(http.StatusUnauthorized)
		w.Write([]byte(`{"error":"invalid_client","error_description":"client authentication failed"}`))
		return
	}

	n := ts.issued.Add(1)
	ts.mu.Lock()
	ts.current = fmt.Sprintf("token-%d", n)
	ts.lastForm = map[string]string{"scope": r.PostForm.Get("scope"), "audience": r.PostForm.Get("audience")}
	body, _ := json.Marshal(map[string]any{"access_token": ts.current, "token_type": "Bearer", "expires_in": ts.expiresIn})
	ts.mu.Unlock()
	w.Write(body)
}

// rotate makes the catalog refuse the current token, as if it were revoked.
func (ts *tokenServer) rotate() {
	ts.mu.Lock()
	ts.current = "revoked"
	ts.mu.Unlock()
}

type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func newCredentialsClient(t *testing.T, ts *tokenServer, opts ...Option) *Client {
	t.Helper()
	srv := httptest.NewServer(ts)
	t.Cleanup(srv.Close)
	auth := ClientCredentials{
		TokenURL:     srv.URL + "/token",
		ClientID:     testClientID,
		ClientSecret: testClientSecret,
		Scopes:       []string{"catalog.read", "openid"},
		Audience:     "backstage",
	}
	c, err := New(srv.URL, auth, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestClientCredentialsReuseOneTokenAcrossGoroutines(t *testing.T) {
	t.Parallel()
	ts := &tokenServer{expiresIn: 3600}
	c := newCredentialsClient(t, ts)

	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- listAll(c)
		}()
	}
	wg.Wait()
	close(errs)

	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if got := c.Stats().TokenRequests; got != 1 {
		t.Errorf("TokenRequests = %d, want 1", got)
	}
	if ts.lastForm["scope"] != "catalog.read openid" || ts.lastForm["audience"] != "backstage" {
		t.Errorf("token form = %v", ts.lastForm)
	}
}

func TestClientCredentialsRenewBeforeExpiry(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		expiresIn any
		advance   time.Duration
		want      int64
	}{
		{"a fresh token is reused", 3600, 50 * time.Minute, 1},
		{"a token close to expiry is replaced", 3600, 59*time.Minute + 40*time.Second, 2},
		{"an expiry sent as a string is honoured", "600", 9*time.Minute + 50*time.Second, 2},
		{"a short-lived token is used for most of its life", 60, 50 * time.Second, 1},
		{"a token without expiry lasts an hour", nil, 30 * time.Minute, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			clock := &fakeClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
			ts := &tokenServer{expiresIn: tt.expiresIn}
			c := newCredentialsClient(t, ts, WithClock(clock.Now))

			if err := listAll(c); err != nil {
				t.Fatal(err)
			}
			clock.Advance(tt.advance)
			if err := listAll(c); err != nil {
				t.Fatal(err)
			}

			if got := ts.issued.Load(); got != tt.want {
				t.Errorf("tokens issued = %d, want %d", got, tt.want)
			}
		})
	}
}

func TestClientCredentialsRetryOnceWithAFreshToken(t *testing.T) {
	t.Parallel()
	ts := &tokenServer{expiresIn: 3600}
	c := newCredentialsClient(t, ts)
	if err := listAll(c); err != nil {
		t.Fatal(err)
	}
	ts.rotate()

	if err := listAll(c); err != nil {
		t.Fatalf("second listing after revocation: %v", err)
	}

	if ts.issued.Load() != 2 || ts.catalogHit.Load() != 3 {
		t.Errorf("issued %d tokens for %d catalog hits, want 2 for 3", ts.issued.Load(), ts.catalogHit.Load())
	}
}

func TestClientCredentialsFallBackToFormFields(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{now: time.Now()}
	ts := &tokenServer{expiresIn: 60, formOnly: true}
	c := newCredentialsClient(t, ts, WithClock(clock.Now))

	if err := listAll(c); err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Hour)
	if err := listAll(c); err != nil {
		t.Fatal(err)
	}

	// One refused Basic attempt, then form fields for both tokens.
	if got := c.Stats().TokenRequests; got != 3 {
		t.Errorf("TokenRequests = %d, want 3", got)
	}
}

func TestClientCredentialsRefusedIsUnauthorized(t *testing.T) {
	t.Parallel()
	ts := &tokenServer{refuse: true}
	c := newCredentialsClient(t, ts)

	err := listAll(c)

	var te *TokenError
	if !errors.As(err, &te) || te.Code != "invalid_client" || !errors.Is(err, ErrUnauthorized) {
		t.Fatalf("error = %v, want a TokenError that is ErrUnauthorized", err)
	}
	if strings.Contains(err.Error(), testClientSecret) {
		t.Errorf("message %q leaks the secret", err)
	}
	if ts.catalogHit.Load() != 0 {
		t.Error("the catalog was called without a token")
	}
}

func TestTokenAnswers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		status int
		body   string
		want   string // substring of the error, or "" for success
	}{
		{"a bearer token is accepted", 200, `{"access_token":"a","token_type":"bearer","expires_in":10}`, ""},
		{"a missing token is an error", 200, `{"token_type":"bearer"}`, "holds no access_token"},
		{"another token type is an error", 200, `{"access_token":"a","token_type":"mac"}`, "is not bearer"},
		{"a page that is not JSON is an error", 502, `<html>`, "not JSON"},
		{"an OAuth error keeps its code", 400, `{"error":"invalid_scope","error_description":"no such scope"}`, "invalid_scope: no such scope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, _, err := decodeToken(tt.status, []byte(tt.body))
			if (err == nil) != (tt.want == "") || (err != nil && !strings.Contains(err.Error(), tt.want)) {
				t.Errorf("decodeToken error = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestUnreachableTokenEndpoint(t *testing.T) {
	t.Parallel()
	auth := ClientCredentials{TokenURL: "http://127.0.0.1:1/token", ClientID: "a", ClientSecret: testClientSecret}
	c, err := New("http://127.0.0.1:1", auth)
	if err != nil {
		t.Fatal(err)
	}

	err = listAll(c)

	var unreachable *UnreachableError
	if !errors.As(err, &unreachable) || unreachable.Host != "127.0.0.1:1" {
		t.Fatalf("error = %v, want an UnreachableError", err)
	}
	if strings.Contains(err.Error(), testClientSecret) {
		t.Errorf("message %q leaks the secret", err)
	}
}

func TestWaitingForATokenHonoursTheContext(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-release }))
	defer srv.Close()
	defer close(release)
	c, err := New(srv.URL, ClientCredentials{TokenURL: srv.URL + "/token", ClientID: "a", ClientSecret: "b"})
	if err != nil {
		t.Fatal(err)
	}
	go listAll(c) // holds the token lock while the endpoint hangs
	for c.Stats().TokenRequests == 0 {
		time.Sleep(time.Millisecond)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()

	err = c.ListEntities(ctx, ListOptions{}, func([]Entity) error { return nil })

	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("error = %v, want the context's deadline", err)
	}
}
