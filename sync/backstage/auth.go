package backstage

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// Auth says how the client authenticates to the catalog: StaticToken or ClientCredentials.
// A nil Auth sends no credentials, for catalogs that allow anonymous reads.
type Auth interface {
	authorizer(c *Client) authorizer
}

// authorizer sets credentials on a request. forget drops the cached token that req carried
// after the catalog refused it, and reports whether a new one can be fetched.
type authorizer interface {
	authorize(ctx context.Context, req *http.Request) error
	forget(req *http.Request) bool
}

// StaticToken authenticates with a fixed token sent as "Authorization: Bearer <token>", such
// as a token from backend.auth.externalAccess of type static.
type StaticToken string

func (t StaticToken) authorizer(*Client) authorizer { return staticAuth(t) }

type staticAuth string

func (t staticAuth) authorize(_ context.Context, req *http.Request) error {
	req.Header.Set("Authorization", "Bearer "+string(t))
	return nil
}

func (staticAuth) forget(*http.Request) bool { return false }

// ClientCredentials authenticates with an OAuth2 client credentials grant at TokenURL and
// sends the access token as a Bearer token. The token is reused until shortly before it expires.
// The client id and secret go in an HTTP Basic header; a token endpoint that refuses that gets
// them as form fields instead, and keeps getting them that way.
type ClientCredentials struct {
	TokenURL     string
	ClientID     string
	ClientSecret string
	// Scopes are sent space-separated as the scope parameter when not empty.
	Scopes []string
	// Audience is sent as the audience parameter when not empty (Auth0, Okta and others need it).
	Audience string
}

func (cc ClientCredentials) authorizer(c *Client) authorizer {
	return &tokenSource{cfg: cc, client: c, lock: make(chan struct{}, 1)}
}

// tokenEarly is how long before its expiry a token is replaced.
const tokenEarly = 30 * time.Second

// tokenSource caches one access token. lock is a one-slot semaphore rather than a mutex so a
// caller waiting behind a slow token request can give up with its context.
type tokenSource struct {
	cfg       ClientCredentials
	client    *Client
	lock      chan struct{}
	token     string
	expiry    time.Time
	postStyle atomic.Bool
}

type tokenAnswer struct {
	AccessToken string          `json:"access_token"`
	TokenType   string          `json:"token_type"`
	ExpiresIn   json.RawMessage `json:"expires_in"`
	Error       string          `json:"error"`
	Description string          `json:"error_description"`
}

func (ts *tokenSource) authorize(ctx context.Context, req *http.Request) error {
	token, err := ts.get(ctx)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	return nil
}

func (ts *tokenSource) forget(req *http.Request) bool {
	ts.lock <- struct{}{}
	defer func() { <-ts.lock }()

	if req.Header.Get("Authorization") == "Bearer "+ts.token {
		ts.token = ""
	}
	return true
}

func (ts *tokenSource) get(ctx context.Context) (string, error) {
	select {
	case ts.lock <- struct{}{}:
	case <-ctx.Done():
		return "", fmt.Errorf("waiting for an access token: %w", ctx.Err())
	}
	defer func() { <-ts.lock }()

	if ts.token != "" && ts.client.now().Before(ts.expiry) {
		return ts.token, nil
	}
	token, lifetime, err := ts.fetch(ctx)
	if err != nil {
		return "", fmt.Errorf("getting an access token: %w", err)
	}

	ts.token = token
	ts.expiry = ts.client.now().Add(lifetime - min(tokenEarly, lifetime/10))
	return token, nil
}

// fetch runs the grant, switching to form-field client authentication when the endpoint
// refuses the Basic header.
func (ts *tokenSource) fetch(ctx context.Context) (string, time.Duration, error) {
	if !ts.postStyle.Load() {
		token, lifetime, err := ts.request(ctx, false)
		if !refusedClient(err) {
			return token, lifetime, err
		}
	}
	token, lifetime, err := ts.request(ctx, true)
	if err == nil {
		ts.postStyle.Store(true)
	}
	return token, lifetime, err
}

func refusedClient(err error) bool {
	te, ok := err.(*TokenError)
	return ok && (te.StatusCode == http.StatusBadRequest || te.StatusCode == http.StatusUnauthorized)
}

func (ts *tokenSource) request(ctx context.Context, inBody bool) (string, time.Duration, error) {
	req, err := ts.newRequest(ctx, inBody)
	if err != nil {
		return "", 0, err
	}

	ts.client.tokenRequests.Add(1)
	resp, err := ts.client.send(req)
	if err != nil {
		return "", 0, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return "", 0, fmt.Errorf("reading token answer: %w", err)
	}

	return decodeToken(resp.StatusCode, body)
}

func (ts *tokenSource) newRequest(ctx context.Context, inBody bool) (*http.Request, error) {
	form := url.Values{"grant_type": {"client_credentials"}}
	if len(ts.cfg.Scopes) > 0 {
		form.Set("scope", strings.Join(ts.cfg.Scopes, " "))
	}
	if ts.cfg.Audience != "" {
		form.Set("audience", ts.cfg.Audience)
	}
	if inBody {
		form.Set("client_id", ts.cfg.ClientID)
		form.Set("client_secret", ts.cfg.ClientSecret)
	}

	req, err := http.NewRequestWithContext(ctx, http.MethodPost, ts.cfg.TokenURL, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, fmt.Errorf("building token request: %w", ErrInvalidConfig)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	if !inBody {
		req.SetBasicAuth(url.QueryEscape(ts.cfg.ClientID), url.QueryEscape(ts.cfg.ClientSecret))
	}
	return req, nil
}

func decodeToken(status int, body []byte) (string, time.Duration, error) {
	var ans tokenAnswer
	jsonErr := json.Unmarshal(body, &ans)

	if status != http.StatusOK || ans.AccessToken == "" {
		te := &TokenError{StatusCode: status, Code: ans.Error, Description: ans.Description}
		switch {
		case status == http.StatusUnauthorized || status == http.StatusForbidden:
			te.kind = ErrUnauthorized
		case ans.Error == "invalid_client" || ans.Error == "unauthorized_client":
			te.kind = ErrUnauthorized
		}
		if jsonErr != nil && te.Description == "" {
			te.Description = "answer is not JSON"
		} else if status == http.StatusOK {
			te.Description = "answer holds no access_token"
		}
		return "", 0, te
	}
	if tt := ans.TokenType; tt != "" && !strings.EqualFold(tt, "bearer") {
		return "", 0, &TokenError{StatusCode: status, Description: "token type " + strconv.Quote(tt) + " is not bearer"}
	}

	return ans.AccessToken, expiresIn(ans.ExpiresIn), nil
}

// expiresIn reads expires_in, a number of seconds that some endpoints send as a string. A token
// without one is assumed to last an hour.
func expiresIn(raw json.RawMessage) time.Duration {
	s := strings.Trim(string(raw), `"`)
	secs, err := strconv.ParseFloat(s, 64)
	if err != nil || secs <= 0 {
		return time.Hour
	}
	return time.Duration(secs * float64(time.Second))
}
