package backstage

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
)

const testToken = "s3cret-token-value"

// replay is an httptest catalog that answers by-query from the real samples, in three pages.
type replay struct {
	mu       sync.Mutex
	requests []*http.Request
}

func (rp *replay) handler(t testing.TB) http.Handler {
	page1, page2 := readSample(t, "by-query-page1.json"), readSample(t, "by-query-page2.json")
	cursor1, cursor2 := nextCursor(t, page1), nextCursor(t, page2)
	last := []byte(`{"items":[{"kind":"Group","metadata":{"namespace":"default","name":"zeta"}}],"totalItems":11,"pageInfo":{}}`)

	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/catalog/entities/by-query", func(w http.ResponseWriter, r *http.Request) {
		rp.record(r)
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		switch r.URL.Query().Get("cursor") {
		case "":
			w.Write(page1)
		case cursor1:
			w.Write(page2)
		case cursor2:
			w.Write(last)
		default:
			w.WriteHeader(http.StatusBadRequest)
			w.Write(readSample(t, "400-cursor.json"))
		}
	})
	return mux
}

func (rp *replay) record(r *http.Request) {
	rp.mu.Lock()
	defer rp.mu.Unlock()
	rp.requests = append(rp.requests, r)
}

func nextCursor(t testing.TB, page []byte) string {
	t.Helper()
	var p entityPage
	if err := json.Unmarshal(page, &p); err != nil {
		t.Fatal(err)
	}
	return p.PageInfo.NextCursor
}

func newTestClient(t testing.TB, h http.Handler, opts ...Option) *Client {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	c, err := New(srv.URL, StaticToken(testToken), opts...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestListEntitiesFollowsTheCursor(t *testing.T) {
	t.Parallel()
	rp := &replay{}
	c := newTestClient(t, rp.handler(t))

	var names []string
	var pages, total int
	opts := ListOptions{
		Filters: []string{"kind=group"},
		Fields:  []string{"kind", "metadata.name"},
		Limit:   3,
		OnTotal: func(n int) { total = n },
	}
	err := c.ListEntities(context.Background(), opts, func(page []Entity) error {
		pages++
		for _, e := range page {
			names = append(names, e.Metadata.Name)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	want := []string{"acme", "dept-commerce", "dept-platform", "team-auth-004", "team-config-003", "team-email-006", "zeta"}
	if !reflect.DeepEqual(names, want) || pages != 3 || total != 11 {
		t.Errorf("got names %v in %d pages with total %d", names, pages, total)
	}
	if got := c.Stats().Requests; got != 3 {
		t.Errorf("Stats().Requests = %d, want 3", got)
	}
	for i, r := range rp.requests {
		q := r.URL.Query()
		if q.Get("limit") != "3" || q.Get("fields") != "kind,metadata.name" {
			t.Errorf("page %d: limit %q, fields %q; both must be sent on every page", i+1, q.Get("limit"), q.Get("fields"))
		}
		if hasFilter := q.Has("filter"); hasFilter != (i == 0) {
			t.Errorf("page %d: filter sent = %v; only the first page carries it", i+1, hasFilter)
		}
		if r.Header.Get("Authorization") != "Bearer "+testToken {
			t.Errorf("page %d: Authorization = %q", i+1, r.Header.Get("Authorization"))
		}
	}
}

func TestListEntitiesStopsOnTheCallbackError(t *testing.T) {
	t.Parallel()
	c := newTestClient(t, (&replay{}).handler(t))
	stop := errors.New("stop")

	err := c.ListEntities(context.Background(), ListOptions{}, func([]Entity) error { return stop })

	if !errors.Is(err, stop) || c.Stats().Requests != 1 {
		t.Errorf("error = %v after %d requests, want the callback's error after 1", err, c.Stats().Requests)
	}
}

func TestListEntitiesDetectsACursorLoop(t *testing.T) {
	t.Parallel()
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"items":[],"totalItems":0,"pageInfo":{"nextCursor":"same"}}`))
	})
	c := newTestClient(t, h)

	err := c.ListEntities(context.Background(), ListOptions{}, func([]Entity) error { return nil })

	if !errors.Is(err, ErrCursorLoop) {
		t.Errorf("error = %v, want ErrCursorLoop", err)
	}
}

func TestListEntitiesUsesTheDefaultPageSize(t *testing.T) {
	t.Parallel()
	rp := &replay{}
	c := newTestClient(t, rp.handler(t), WithPageSize(42))

	if err := c.ListEntities(context.Background(), ListOptions{}, func([]Entity) error { return nil }); err != nil {
		t.Fatal(err)
	}

	if got := rp.requests[0].URL.Query().Get("limit"); got != "42" {
		t.Errorf("limit = %q, want 42", got)
	}
}

// answer returns a handler that always answers status with body.
func answer(status int, contentType string, body []byte) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if contentType != "" {
			w.Header().Set("Content-Type", contentType)
		}
		w.WriteHeader(status)
		w.Write(body)
	})
}

func TestCatalogErrorsAreTyped(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		handler  http.Handler
		call     func(*Client) error
		sentinel error
		apiName  string
	}{
		{
			name:     "a 404 with an empty body means a wrong base URL",
			handler:  answer(http.StatusNotFound, "", nil),
			call:     listAll,
			sentinel: ErrNotCatalog,
		},
		{
			name:     "a web page instead of JSON means a wrong base URL",
			handler:  answer(http.StatusOK, "text/html", []byte("<html>app</html>")),
			call:     listAll,
			sentinel: ErrNotCatalog,
		},
		{
			name:     "a 401 is ErrUnauthorized with Backstage's message",
			handler:  answer(http.StatusUnauthorized, "application/json", readSample(t, "401-missing.json")),
			call:     listAll,
			sentinel: ErrUnauthorized,
			apiName:  "AuthenticationError",
		},
		{
			name:     "a 403 is ErrForbidden",
			handler:  answer(http.StatusForbidden, "application/json", []byte(`{"error":{"name":"NotAllowedError","message":"no"}}`)),
			call:     listAll,
			sentinel: ErrForbidden,
			apiName:  "NotAllowedError",
		},
		{
			name:     "a missing entity is ErrNotFound",
			handler:  answer(http.StatusNotFound, "application/json", readSample(t, "404-by-name.json")),
			call:     getMissing,
			sentinel: ErrNotFound,
			apiName:  "NotFoundError",
		},
		{
			name:     "a rejected cursor is ErrBadCursor",
			handler:  garbageCursor(t),
			call:     listAll,
			sentinel: ErrBadCursor,
			apiName:  "InputError",
		},
		{
			name:    "a server error is an APIError with the excerpt of its body",
			handler: answer(http.StatusBadGateway, "text/plain", []byte("upstream\nbroken")),
			call:    listAll,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.call(newTestClient(t, tt.handler))

			if err == nil {
				t.Fatal("call succeeded")
			}
			if tt.sentinel != nil && !errors.Is(err, tt.sentinel) {
				t.Errorf("error %v does not wrap %v", err, tt.sentinel)
			}
			var apiErr *APIError
			if tt.sentinel != ErrNotCatalog && (!errors.As(err, &apiErr) || apiErr.Name != tt.apiName) {
				t.Errorf("error %v is not an APIError named %q", err, tt.apiName)
			}
			if strings.Contains(err.Error(), testToken) {
				t.Errorf("error %q leaks the token", err)
			}
		})
	}
}

func listAll(c *Client) error {
	return c.ListEntities(context.Background(), ListOptions{}, func([]Entity) error { return nil })
}

func getMissing(c *Client) error {
	_, err := c.GetEntityByName(context.Background(), "component", "", "does-not-exist")
	return err
}

// garbageCursor hands out a cursor on the first page and rejects it on the second, as the
// catalog does.
func garbageCursor(t testing.TB) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Has("cursor") {
			w.WriteHeader(http.StatusBadRequest)
			w.Write(readSample(t, "400-cursor.json"))
			return
		}
		io.WriteString(w, `{"items":[],"totalItems":1,"pageInfo":{"nextCursor":"garbage"}}`)
	})
}

func TestServerErrorMessage(t *testing.T) {
	t.Parallel()
	c := newTestClient(t, answer(http.StatusBadGateway, "text/plain", []byte("upstream\nbroken")))

	err := listAll(c)

	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 502 || apiErr.Message != "upstream broken" {
		t.Fatalf("error = %#v", err)
	}
	if !strings.Contains(err.Error(), "backstage answered 502 Bad Gateway: upstream broken") {
		t.Errorf("message = %q", err)
	}
	if !apiErr.Retryable() || (&APIError{StatusCode: 400}).Retryable() {
		t.Error("Retryable() must hold for a 502 and not for a 400")
	}
}

func TestUnreachableHostIsTyped(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	c, err := New("http://"+addr, StaticToken(testToken))
	if err != nil {
		t.Fatal(err)
	}

	err = listAll(c)

	var unreachable *UnreachableError
	if !errors.As(err, &unreachable) || unreachable.Host != addr {
		t.Fatalf("error = %v, want an UnreachableError for %s", err, addr)
	}
	var opErr *net.OpError
	if !errors.As(err, &opErr) {
		t.Errorf("error %v does not wrap the dial error", err)
	}
	if strings.Contains(err.Error(), testToken) || strings.Contains(err.Error(), "by-query") {
		t.Errorf("message %q holds the token or the URL", err)
	}
}

func TestCancelledContextIsNotUnreachable(t *testing.T) {
	t.Parallel()
	block := make(chan struct{})
	c := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-block }))
	defer close(block)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()

	err := c.ListEntities(ctx, ListOptions{}, func([]Entity) error { return nil })

	var unreachable *UnreachableError
	if !errors.Is(err, context.Canceled) || errors.As(err, &unreachable) {
		t.Errorf("error = %v, want context.Canceled only", err)
	}
}

func TestGetEntityByName(t *testing.T) {
	t.Parallel()
	var gotPath string
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotPath = r.URL.EscapedPath()
		w.Header().Set("Content-Type", "application/json")
		w.Write(readSample(t, "by-name-component.json"))
	})
	c := newTestClient(t, h)

	e, err := c.GetEntityByName(context.Background(), "Component", "", "coupon-api-0011")
	if err != nil {
		t.Fatal(err)
	}

	if gotPath != "/api/catalog/entities/by-name/Component/default/coupon-api-0011" {
		t.Errorf("path = %q", gotPath)
	}
	if e.Ref() != "component:default/coupon-api-0011" {
		t.Errorf("Ref() = %q", e.Ref())
	}
}

func TestGetEntityByNameEscapesTheParts(t *testing.T) {
	t.Parallel()
	var gotPath string
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotPath = r.URL.EscapedPath()
		w.Write([]byte(`{"kind":"x"}`))
	})
	c := newTestClient(t, h)

	if _, err := c.GetEntityByName(context.Background(), "k", "a b", "c/d"); err != nil {
		t.Fatal(err)
	}

	if gotPath != "/api/catalog/entities/by-name/k/a%20b/c%2Fd" {
		t.Errorf("path = %q", gotPath)
	}
}

// byRefsServer answers by-refs from a fixed set of entities and records the batch sizes.
type byRefsServer struct {
	mu      sync.Mutex
	batches []int
	fields  [][]string
}

func (s *byRefsServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var req struct {
		EntityRefs []string `json:"entityRefs"`
		Fields     []string `json:"fields"`
	}
	if r.Method != http.MethodPost || r.URL.Path != "/api/catalog/entities/by-refs" || json.NewDecoder(r.Body).Decode(&req) != nil {
		w.WriteHeader(http.StatusNotFound)
		return
	}
	s.mu.Lock()
	s.batches = append(s.batches, len(req.EntityRefs))
	s.fields = append(s.fields, req.Fields)
	s.mu.Unlock()

	items := make([]any, len(req.EntityRefs))
	for i, ref := range req.EntityRefs {
		if !strings.Contains(ref, "missing") {
			kind, rest, _ := strings.Cut(ref, ":")
			ns, name, _ := strings.Cut(rest, "/")
			items[i] = map[string]any{"kind": kind, "metadata": map[string]any{"namespace": ns, "name": name}}
		}
	}
	json.NewEncoder(w).Encode(map[string]any{"items": items})
}

func TestGetEntitiesByRefs(t *testing.T) {
	t.Parallel()
	srv := &byRefsServer{}
	c := newTestClient(t, srv, WithRefChunk(2))
	refs := []string{"component:default/a", "component:default/missing", "group:ops/b", "api:default/c", "user:default/missing-too"}

	got, err := c.GetEntitiesByRefs(context.Background(), refs, []string{"metadata.etag"})
	if err != nil {
		t.Fatal(err)
	}

	if len(got) != len(refs) {
		t.Fatalf("got %d entities for %d refs", len(got), len(refs))
	}
	for i, ref := range refs {
		if strings.Contains(ref, "missing") {
			if got[i] != nil {
				t.Errorf("item %d = %v, want nil for a miss", i, got[i].Ref())
			}
		} else if got[i] == nil || got[i].Ref() != ref {
			t.Errorf("item %d is not %s", i, ref)
		}
	}
	if !reflect.DeepEqual(srv.batches, []int{2, 2, 1}) {
		t.Errorf("batches = %v, want chunks of 2", srv.batches)
	}
	if !reflect.DeepEqual(srv.fields[0], []string{"metadata.etag"}) {
		t.Errorf("fields = %v", srv.fields[0])
	}
}

func TestGetEntitiesByRefsRejectsShortRefs(t *testing.T) {
	t.Parallel()
	srv := &byRefsServer{}
	c := newTestClient(t, srv)

	_, err := c.GetEntitiesByRefs(context.Background(), []string{"component:default/a", "component:b"}, nil)

	if !errors.Is(err, ErrInvalidRef) || len(srv.batches) != 0 {
		t.Errorf("error = %v after %d requests, want ErrInvalidRef before any", err, len(srv.batches))
	}
}

func TestNewValidatesTheConfiguration(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		base string
		auth Auth
		opts []Option
	}{
		{"a relative URL fails", "backstage.example.com", StaticToken("t"), nil},
		{"another scheme fails", "ftp://backstage.example.com", StaticToken("t"), nil},
		{"credentials in the URL fail", "https://u:p@backstage.example.com", StaticToken("t"), nil},
		{"an empty token fails", "https://backstage.example.com", StaticToken(" "), nil},
		{"a token URL without a host fails", "https://b.example.com", ClientCredentials{TokenURL: "/token", ClientID: "a", ClientSecret: "b"}, nil},
		{"a missing client secret fails", "https://b.example.com", ClientCredentials{TokenURL: "https://idp/token", ClientID: "a"}, nil},
		{"a zero page size fails", "https://b.example.com", nil, []Option{WithPageSize(0)}},
		{"a nil http client fails", "https://b.example.com", nil, []Option{WithHTTPClient(nil)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if _, err := New(tt.base, tt.auth, tt.opts...); !errors.Is(err, ErrInvalidConfig) {
				t.Errorf("New error = %v, want ErrInvalidConfig", err)
			}
		})
	}
}

func TestNewAcceptsTheCatalogURL(t *testing.T) {
	t.Parallel()
	for _, base := range []string{"https://b.example.com/backstage", "https://b.example.com/backstage/", "https://b.example.com/backstage/api/catalog/"} {
		c, err := New(base, nil)
		if err != nil {
			t.Fatal(err)
		}
		if c.BaseURL() != "https://b.example.com/backstage" {
			t.Errorf("New(%q).BaseURL() = %q", base, c.BaseURL())
		}
	}
}

func TestNilAuthSendsNoCredentials(t *testing.T) {
	t.Parallel()
	var header []string
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		header = r.Header.Values("Authorization")
		io.WriteString(w, `{"items":[],"totalItems":0,"pageInfo":{}}`)
	})
	srv := httptest.NewServer(h)
	defer srv.Close()
	c, err := New(srv.URL, nil)
	if err != nil {
		t.Fatal(err)
	}

	if err := listAll(c); err != nil {
		t.Fatal(err)
	}

	if len(header) != 0 {
		t.Errorf("Authorization = %v, want none", header)
	}
}
