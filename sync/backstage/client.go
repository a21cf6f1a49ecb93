// Package backstage reads the Backstage Software Catalog over its REST API: cursor-paged
// listings with fields, batch reads by ref and single reads by name, with static-token or
// OAuth2 client-credentials auth. Failures come back as typed errors (see errors.go). The
// client never logs and never writes to the catalog.
package backstage

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"
)

// catalogPath is where the catalog plugin lives under the backend's base URL.
const catalogPath = "/api/catalog"

// maxErrorBody bounds how much of an error answer is read.
const maxErrorBody = 64 << 10

// Client reads one Backstage catalog. It is safe for concurrent use.
type Client struct {
	base      *url.URL
	http      *http.Client
	auth      authorizer
	userAgent string
	pageSize  int
	refChunk  int
	now       func() time.Time

	requests      atomic.Int64
	tokenRequests atomic.Int64
}

// Option configures a Client.
type Option func(*Client) error

// WithHTTPClient sets the HTTP client used for the catalog and the token endpoint. The default
// is a client with a 60 second timeout.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *Client) error {
		if hc == nil {
			return fmt.Errorf("%w: nil http client", ErrInvalidConfig)
		}
		c.http = hc
		return nil
	}
}

// WithUserAgent sets the User-Agent header of every request.
func WithUserAgent(ua string) Option {
	return func(c *Client) error {
		c.userAgent = ua
		return nil
	}
}

// WithPageSize sets the page size of listings whose ListOptions.Limit is 0. The default is
// DefaultPageSize.
func WithPageSize(n int) Option {
	return func(c *Client) error {
		if n < 1 {
			return fmt.Errorf("%w: page size %d", ErrInvalidConfig, n)
		}
		c.pageSize = n
		return nil
	}
}

// WithRefChunk sets how many refs GetEntitiesByRefs sends per request. The default is
// DefaultRefChunk.
func WithRefChunk(n int) Option {
	return func(c *Client) error {
		if n < 1 {
			return fmt.Errorf("%w: ref chunk %d", ErrInvalidConfig, n)
		}
		c.refChunk = n
		return nil
	}
}

// WithClock sets the clock used for token expiry; tests use it to age tokens.
func WithClock(now func() time.Time) Option {
	return func(c *Client) error {
		c.now = now
		return nil
	}
}

// Defaults for the options.
const (
	DefaultPageSize = 500
	DefaultRefChunk = 200
)

// New returns a client for the catalog behind baseURL, the backend's base URL such as
// https://backstage.example.com (a trailing /api/catalog is accepted too). It fails with
// ErrInvalidConfig when baseURL is not an absolute http or https URL or carries credentials.
func New(baseURL string, auth Auth, opts ...Option) (*Client, error) {
	base, err := parseBase(baseURL)
	if err != nil {
		return nil, err
	}

	c := &Client{
		base:      base,
		http:      &http.Client{Timeout: 60 * time.Second},
		userAgent: "backstage-sync",
		pageSize:  DefaultPageSize,
		refChunk:  DefaultRefChunk,
		now:       time.Now,
	}
	for _, opt := range opts {
		if err := opt(c); err != nil {
			return nil, err
		}
	}
	if auth != nil {
		if err := checkAuth(auth); err != nil {
			return nil, err
		}
		c.auth = auth.authorizer(c)
	}
	return c, nil
}

func parseBase(raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	switch {
	case err != nil:
		return nil, fmt.Errorf("%w: base URL does not parse", ErrInvalidConfig)
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, fmt.Errorf("%w: base URL must start with http:// or https://", ErrInvalidConfig)
	case u.Host == "":
		return nil, fmt.Errorf("%w: base URL has no host", ErrInvalidConfig)
	case u.User != nil:
		return nil, fmt.Errorf("%w: base URL must not hold credentials", ErrInvalidConfig)
	}
	u.Path = strings.TrimSuffix(strings.TrimRight(u.Path, "/"), catalogPath)
	u.RawPath, u.RawQuery, u.Fragment = "", "", ""
	return u, nil
}

func checkAuth(auth Auth) error {
	switch a := auth.(type) {
	case StaticToken:
		if strings.TrimSpace(string(a)) == "" {
			return fmt.Errorf("%w: empty token", ErrInvalidConfig)
		}
	case ClientCredentials:
		u, err := url.Parse(a.TokenURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("%w: token URL must be an absolute http or https URL", ErrInvalidConfig)
		}
		if a.ClientID == "" || a.ClientSecret == "" {
			return fmt.Errorf("%w: client id and secret are required", ErrInvalidConfig)
		}
	}
	return nil
}

// Stats counts the client's traffic since it was made.
type Stats struct {
	// Requests is the number of catalog requests sent, retries included.
	Requests int64
	// TokenRequests is the number of token endpoint requests sent.
	TokenRequests int64
}

// Stats returns the request counters.
func (c *Client) Stats() Stats {
	return Stats{Requests: c.requests.Load(), TokenRequests: c.tokenRequests.Load()}
}

// BaseURL returns the backend base URL the client reads from.
func (c *Client) BaseURL() string {
	return c.base.String()
}

// request describes one catalog call; body is re-read when the call is retried.
type request struct {
	method string
	// path is escaped and relative to the catalog plugin, such as "/entities/by-query".
	path  string
	query url.Values
	body  []byte
}

// call sends r to the catalog and decodes a 200 answer into out.
func (c *Client) call(ctx context.Context, r request, out any) error {
	resp, err := c.sendCatalog(ctx, r)
	if err != nil {
		return err
	}
	defer resp.Body.Close()

	if resp.StatusCode != http.StatusOK {
		return c.apiError(resp, r)
	}
	return decodeBody(resp, out)
}

// sendCatalog sends r with credentials. A 401 to a cached OAuth2 token (revoked or rotated
// early) is retried once with a fresh token.
func (c *Client) sendCatalog(ctx context.Context, r request) (*http.Response, error) {
	for attempt := 0; ; attempt++ {
		req, err := c.newRequest(ctx, r)
		if err != nil {
			return nil, err
		}
		if c.auth != nil {
			if err := c.auth.authorize(ctx, req); err != nil {
				return nil, err
			}
		}

		c.requests.Add(1)
		resp, err := c.send(req)
		if err != nil {
			return nil, err
		}
		if resp.StatusCode != http.StatusUnauthorized || attempt > 0 || c.auth == nil || !c.auth.forget(req) {
			return resp, nil
		}
		drain(resp)
	}
}

func (c *Client) newRequest(ctx context.Context, r request) (*http.Request, error) {
	target := c.base.String() + catalogPath + r.path
	if len(r.query) > 0 {
		target += "?" + r.query.Encode()
	}

	var body io.Reader
	if r.body != nil {
		body = bytes.NewReader(r.body)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, target, body)
	if err != nil {
		return nil, fmt.Errorf("building request: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)
	if r.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return req, nil
}

// send does one HTTP exchange and turns transport failures into *UnreachableError. A cancelled
// or expired context is returned as the context's error instead.
func (c *Client) send(req *http.Request) (*http.Response, error) {
	resp, err := c.http.Do(req)
	if err == nil {
		return resp, nil
	}

	if ctxErr := req.Context().Err(); ctxErr != nil {
		return nil, ctxErr
	}
	var uerr *url.Error
	if errors.As(err, &uerr) {
		err = uerr.Err
	}
	return nil, &UnreachableError{Host: req.URL.Host, Err: err}
}

func drain(resp *http.Response) {
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxErrorBody))
	resp.Body.Close()
}

// decodeBody decodes a success answer. An answer that is not a JSON object came from
// something other than the catalog, such as a web frontend at the base URL.
func decodeBody(resp *http.Response, out any) error {
	br := bufio.NewReader(resp.Body)
	first, err := firstByte(br)
	if err != nil {
		return fmt.Errorf("reading answer: %w", err)
	}
	if first != '{' {
		mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
		return fmt.Errorf("decoding answer of type %q: %w", mt, ErrNotCatalog)
	}

	if err := json.NewDecoder(br).Decode(out); err != nil {
		return fmt.Errorf("decoding answer: %w", err)
	}
	return nil
}

// firstByte peeks at the first byte that is not white space.
func firstByte(br *bufio.Reader) (byte, error) {
	for {
		b, err := br.ReadByte()
		if err == io.EOF {
			return 0, nil
		}
		if err != nil {
			return 0, err
		}
		if b != ' ' && b != '\t' && b != '\n' && b != '\r' {
			return b, br.UnreadByte()
		}
	}
}

// errorBody is Backstage's error JSON.
type errorBody struct {
	Error *struct {
		Name    string `json:"name"`
		Message string `json:"message"`
	} `json:"error"`
}

// apiError turns a non-200 answer into ErrNotCatalog or an *APIError.
func (c *Client) apiError(resp *http.Response, r request) error {
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	if resp.StatusCode == http.StatusNotFound && len(bytes.TrimSpace(body)) == 0 {
		return fmt.Errorf("calling %s %s%s: %w", r.method, catalogPath, r.path, ErrNotCatalog)
	}

	apiErr := &APIError{StatusCode: resp.StatusCode}
	var eb errorBody
	if json.Unmarshal(body, &eb) == nil && eb.Error != nil {
		apiErr.Name, apiErr.Message = eb.Error.Name, eb.Error.Message
	} else {
		apiErr.Message = excerpt(body)
	}

	switch {
	case resp.StatusCode == http.StatusUnauthorized:
		apiErr.kind = ErrUnauthorized
	case resp.StatusCode == http.StatusForbidden:
		apiErr.kind = ErrForbidden
	case resp.StatusCode == http.StatusNotFound && apiErr.Name == "NotFoundError":
		apiErr.kind = ErrNotFound
	case resp.StatusCode == http.StatusNotFound:
		return fmt.Errorf("calling %s %s%s: %w", r.method, catalogPath, r.path, ErrNotCatalog)
	case resp.StatusCode == http.StatusBadRequest && r.query.Has("cursor"):
		apiErr.kind = ErrBadCursor
	}
	return apiErr
}

// excerpt returns the start of a body that was not Backstage's error JSON, on one line.
func excerpt(body []byte) string {
	s := strings.Join(strings.Fields(string(body)), " ")
	if len(s) > 200 {
		s = s[:200] + "..."
	}
	return s
}
