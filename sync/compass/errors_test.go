package compass

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"
	"time"
)

const (
	testEmail = "admin@example.com"
	testToken = "s3cret-token-value"
)

// newTestClient returns a client for a loopback server that answers with h, with the cloud id
// preset so that only the operation under test reaches h.
func newTestClient(t *testing.T, h http.HandlerFunc, opts ...Option) *Client {
	t.Helper()

	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)

	opts = append([]Option{WithCloudID("cloud-1")}, opts...)
	c, err := New(srv.URL, testEmail, testToken, opts...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}

	return c
}

// respond writes status, headers and body.
func respond(status int, body string, headers ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		for i := 0; i+1 < len(headers); i += 2 {
			w.Header().Set(headers[i], headers[i+1])
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}
}

func TestQueryErrorsMapToTypedErrors(t *testing.T) {
	t.Parallel()

	httpDate := time.Now().Add(90 * time.Second).UTC().Format(http.TimeFormat)
	tests := []struct {
		name    string
		handler http.HandlerFunc
		check   func(t *testing.T, err error)
	}{
		{
			name:    "an HTTP 401 is an auth error",
			handler: respond(401, `{"code":401,"message":"Unauthorized"}`),
			check:   wantAuth(401),
		},
		{
			name:    "an HTTP 403 is an auth error",
			handler: respond(403, `{"errors":[{"message":"Forbidden"}]}`),
			check:   wantAuth(403),
		},
		{
			name:    "a GraphQL error with status 401 is an auth error",
			handler: respond(200, `{"data":null,"errors":[{"message":"no","extensions":{"statusCode":401}}]}`),
			check:   wantAuth(401),
		},
		{
			name:    "an HTTP 429 is a rate limit with the Retry-After seconds",
			handler: respond(429, `{"code":429,"message":"Rate limit exceeded"}`, "Retry-After", "7"),
			check:   wantRateLimit(7*time.Second, 7*time.Second),
		},
		{
			name:    "an HTTP 429 with a Retry-After date is a rate limit until that date",
			handler: respond(429, `{}`, "Retry-After", httpDate),
			check:   wantRateLimit(80*time.Second, 91*time.Second),
		},
		{
			name: "an HTTP 200 with status 429 in the errors is a rate limit with the header's wait",
			handler: respond(200, `{"data":null,"errors":[{"message":"Rate limit exceeded",`+
				`"extensions":{"statusCode":429,"errorType":"RATE_LIMITED"}}]}`, "Retry-After", "3"),
			check: wantRateLimit(3*time.Second, 3*time.Second),
		},
		{
			name: "an HTTP 200 with status 429 and no header takes the wait from the extensions",
			handler: respond(200, `{"data":null,"errors":[{"message":"slow down",`+
				`"extensions":{"statusCode":429,"retryAfter":2}}]}`),
			check: wantRateLimit(2*time.Second, 2*time.Second),
		},
		{
			name:    "an HTTP 500 is a transient API error",
			handler: respond(500, `{"errors":[{"message":"Internal server error"}]}`),
			check:   wantAPI(500, "", "Internal server error", true),
		},
		{
			name:    "an HTTP 503 with an HTML page is a transient API error with the status text",
			handler: respond(503, `<html><body>down</body></html>`),
			check:   wantAPI(503, "", "Service Unavailable", true),
		},
		{
			name: "a validation error is a permanent API error",
			handler: respond(200, `{"data":null,"errors":[{"message":"Cannot query field \"x\"",`+
				`"extensions":{"classification":"ValidationError"}}]}`),
			check: wantAPI(200, "ValidationError", `Cannot query field "x"`, false),
		},
		{
			name: "a QueryError COMPONENT_NOT_FOUND is not found",
			handler: respond(200, `{"data":{"compass":{"component":{"__typename":"QueryError",`+
				`"message":"Component not found","extensions":[{"statusCode":404,"errorType":"COMPONENT_NOT_FOUND"}]}}}}`),
			check: func(t *testing.T, err error) {
				wantAPI(404, ErrorTypeComponentNotFound, "Component not found", false)(t, err)
				if !errors.Is(err, ErrNotFound) {
					t.Errorf("errors.Is(err, ErrNotFound) = false for %v", err)
				}
			},
		},
		{
			name: "a QueryError of another type is an API error that is not not found",
			handler: respond(200, `{"data":{"compass":{"component":{"__typename":"QueryError",`+
				`"message":"bad id","extensions":[{"statusCode":400,"errorType":"COMPONENT_ARI_INVALID"}]}}}}`),
			check: func(t *testing.T, err error) {
				wantAPI(400, "COMPONENT_ARI_INVALID", "bad id", false)(t, err)
				if errors.Is(err, ErrNotFound) {
					t.Errorf("errors.Is(err, ErrNotFound) = true for %v", err)
				}
			},
		},
		{
			name:    "a body that is not JSON is an unexpected response",
			handler: respond(200, `not json`),
			check: func(t *testing.T, err error) {
				if !errors.Is(err, ErrUnexpectedResponse) {
					t.Errorf("err = %v, want ErrUnexpectedResponse", err)
				}
			},
		},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			c := newTestClient(t, tt.handler)
			_, err := c.GetComponent(context.Background(), "c1")
			if err == nil {
				t.Fatal("GetComponent returned no error")
			}

			tt.check(t, err)
			if strings.Contains(err.Error(), testToken) || strings.Contains(err.Error(), "Basic") {
				t.Errorf("error leaks credentials: %v", err)
			}
		})
	}
}

func wantAuth(status int) func(*testing.T, error) {
	return func(t *testing.T, err error) {
		t.Helper()

		var authErr *AuthError
		if !errors.As(err, &authErr) || !errors.Is(err, ErrUnauthorized) {
			t.Fatalf("err = %v (%T), want *AuthError matching ErrUnauthorized", err, err)
		}
		if authErr.StatusCode != status {
			t.Errorf("StatusCode = %d, want %d", authErr.StatusCode, status)
		}
		if IsTransient(err) {
			t.Error("an auth error is reported as transient")
		}
	}
}

func wantRateLimit(atLeast, atMost time.Duration) func(*testing.T, error) {
	return func(t *testing.T, err error) {
		t.Helper()

		var rl *RateLimitError
		if !errors.As(err, &rl) || !errors.Is(err, ErrRateLimited) {
			t.Fatalf("err = %v (%T), want *RateLimitError", err, err)
		}
		if rl.RetryAfter < atLeast || rl.RetryAfter > atMost {
			t.Errorf("RetryAfter = %s, want between %s and %s", rl.RetryAfter, atLeast, atMost)
		}
		if !IsTransient(err) {
			t.Error("a rate limit is not reported as transient")
		}
	}
}

func wantAPI(status int, errType, msg string, transient bool) func(*testing.T, error) {
	return func(t *testing.T, err error) {
		t.Helper()

		var apiErr *APIError
		if !errors.As(err, &apiErr) {
			t.Fatalf("err = %v (%T), want *APIError", err, err)
		}
		if apiErr.StatusCode != status || apiErr.ErrorType != errType || apiErr.Message != msg {
			t.Errorf("APIError = %+v, want status %d, type %q, message %q", *apiErr, status, errType, msg)
		}
		if IsTransient(err) != transient {
			t.Errorf("IsTransient = %v, want %v", !transient, transient)
		}
	}
}

func TestTransportFailuresAreTransientOrNot(t *testing.T) {
	t.Parallel()

	reset := func(w http.ResponseWriter, _ *http.Request) {
		conn, _, err := w.(http.Hijacker).Hijack()
		if err != nil {
			return
		}
		if tcp, ok := conn.(*net.TCPConn); ok {
			_ = tcp.SetLinger(0)
		}
		_ = conn.Close()
	}
	slow := func(w http.ResponseWriter, r *http.Request) {
		// Reading the body lets the server notice when the client hangs up.
		_, _ = io.Copy(io.Discard, r.Body)
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	}

	tests := []struct {
		name      string
		client    func(t *testing.T) *Client
		ctx       func() (context.Context, context.CancelFunc)
		transient bool
	}{
		{
			name:      "a connection closed without an answer is transient",
			client:    func(t *testing.T) *Client { return newTestClient(t, reset) },
			transient: true,
		},
		{
			name: "an HTTP client timeout is transient",
			client: func(t *testing.T) *Client {
				return newTestClient(t, slow, WithHTTPClient(&http.Client{Timeout: 50 * time.Millisecond}))
			},
			transient: true,
		},
		{
			name:   "a cancelled context is permanent",
			client: func(t *testing.T) *Client { return newTestClient(t, slow) },
			ctx: func() (context.Context, context.CancelFunc) {
				ctx, cancel := context.WithCancel(context.Background())
				cancel()
				return ctx, cancel
			},
			transient: false,
		},
		{
			name:      "a refused connection is permanent",
			client:    refusedClient,
			transient: false,
		},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			ctx, cancel := context.WithCancel(context.Background())
			if tt.ctx != nil {
				ctx, cancel = tt.ctx()
			}
			defer cancel()

			_, err := tt.client(t).GetComponent(ctx, "c1")
			if err == nil {
				t.Fatal("GetComponent returned no error")
			}
			if got := IsTransient(err); got != tt.transient {
				t.Errorf("IsTransient(%v) = %v, want %v", err, got, tt.transient)
			}
		})
	}
}

// refusedClient returns a client for a loopback port nothing listens on.
func refusedClient(t *testing.T) *Client {
	t.Helper()

	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()

	c, err := New("http://"+addr, testEmail, testToken, WithCloudID("cloud-1"))
	if err != nil {
		t.Fatal(err)
	}

	return c
}

func TestIsTransient(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"no error is not transient", nil, false},
		{"a wrapped connection reset is transient", &net.OpError{Op: "read", Err: syscall.ECONNRESET}, true},
		{"a deadline is transient", context.DeadlineExceeded, true},
		{"a 408 is transient", &APIError{StatusCode: 408}, true},
		{"a 502 is transient", &APIError{StatusCode: 502}, true},
		{"a payload error with status 400 is permanent", &APIError{StatusCode: 400, ErrorType: "ARGUMENT_INVALID"}, false},
		{"not found is permanent", &APIError{StatusCode: 404, ErrorType: ErrorTypeComponentNotFound}, false},
		{"a sentinel of this package is permanent", ErrNoCloudID, false},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			if got := IsTransient(tt.err); got != tt.want {
				t.Errorf("IsTransient(%v) = %v, want %v", tt.err, got, tt.want)
			}
		})
	}
}
