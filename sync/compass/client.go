// Package compass is a client for the Atlassian Compass GraphQL API, shaped for a catalog sync:
// component reads and searches, every mutation the sync needs, batches of aliased mutations in
// one request with a result per item, and typed errors for auth failures, rate limits and
// Compass's own error types.
//
// The client does not retry and does not log; callers decide what to do with a
// *RateLimitError or an error for which IsTransient reports true.
package compass

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"

	graphql "github.com/hasura/go-graphql-client"
)

// DefaultUserAgent is sent when no WithUserAgent option is given.
const DefaultUserAgent = "backstage-sync"

// experimentalAPI opts into the beta parts of the Compass API; the core component fields need
// no opt-in, and the header does no harm there.
const experimentalAPI = "compass-beta"

// Client talks to one Compass site. It is safe for concurrent use.
type Client struct {
	site     *url.URL
	endpoint string
	gql      *graphql.Client

	tenantMu sync.Mutex
	tenant   *tenant

	requests  *atomic.Int64
	mutations atomic.Int64
}

// tenant is what tenantContexts tells about the site.
type tenant struct {
	cloudID string
	orgID   string
}

// Stats counts the traffic a client has sent since it was made.
type Stats struct {
	// Requests is the number of HTTP requests sent, whatever their outcome.
	Requests int64
	// Mutations is the number of mutations sent, counting each alias of a batch.
	Mutations int64
}

// Option configures a Client made by New.
type Option func(*config) error

type config struct {
	httpClient *http.Client
	userAgent  string
	cloudID    string
}

// WithHTTPClient sends requests through hc instead of a default client. Timeouts belong there.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) error {
		if hc == nil {
			return fmt.Errorf("%w: nil http client", ErrInvalidOption)
		}

		c.httpClient = hc

		return nil
	}
}

// WithUserAgent sets the User-Agent header of every request.
func WithUserAgent(ua string) Option {
	return func(c *config) error {
		if strings.TrimSpace(ua) == "" {
			return fmt.Errorf("%w: empty user agent", ErrInvalidOption)
		}

		c.userAgent = ua

		return nil
	}
}

// WithCloudID sets the site's cloud id, so that CloudID needs no tenantContexts request.
func WithCloudID(id string) Option {
	return func(c *config) error {
		if strings.TrimSpace(id) == "" {
			return fmt.Errorf("%w: empty cloud id", ErrInvalidOption)
		}

		c.cloudID = id

		return nil
	}
}

// New returns a client for the Compass site at site (for example https://x.atlassian.net, or
// the URL of a simulator), authenticating with Basic auth from the account email and API token.
func New(site, email, token string, opts ...Option) (*Client, error) {
	u, err := parseSite(site)
	if err != nil {
		return nil, err
	}

	cfg := config{httpClient: &http.Client{}, userAgent: DefaultUserAgent}
	for _, opt := range opts {
		if err := opt(&cfg); err != nil {
			return nil, err
		}
	}

	c := &Client{
		site:     u,
		endpoint: u.JoinPath("gateway", "api", "graphql").String(),
		requests: new(atomic.Int64),
	}
	if cfg.cloudID != "" {
		c.tenant = &tenant{cloudID: cfg.cloudID}
	}

	d := &doer{
		http:          cfg.httpClient,
		authorization: "Basic " + base64.StdEncoding.EncodeToString([]byte(email+":"+token)),
		userAgent:     cfg.userAgent,
		requests:      c.requests,
	}
	c.gql = graphql.NewClient(c.endpoint, d)

	return c, nil
}

// parseSite checks that site is an absolute http(s) URL without credentials, path or query.
func parseSite(site string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimRight(strings.TrimSpace(site), "/"))
	switch {
	case err != nil:
		return nil, fmt.Errorf("%w: site is not a URL", ErrInvalidOption)
	case u.Scheme != "https" && u.Scheme != "http":
		return nil, fmt.Errorf("%w: site must be an http or https URL", ErrInvalidOption)
	case u.Host == "":
		return nil, fmt.Errorf("%w: site has no host", ErrInvalidOption)
	case u.User != nil:
		return nil, fmt.Errorf("%w: site must not carry credentials", ErrInvalidOption)
	case (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "":
		return nil, fmt.Errorf("%w: site must be a bare origin such as https://x.atlassian.net", ErrInvalidOption)
	}

	u.Path = ""

	return u, nil
}

// Endpoint returns the GraphQL URL the client posts to.
func (c *Client) Endpoint() string {
	return c.endpoint
}

// Stats returns the requests and mutations sent so far.
func (c *Client) Stats() Stats {
	return Stats{Requests: c.requests.Load(), Mutations: c.mutations.Load()}
}

const tenantQuery = `query TenantContexts($hostNames: [String!]) {
  tenantContexts(hostNames: $hostNames) { cloudId orgId }
}`

// CloudID returns the site's cloud id, asking tenantContexts(hostNames:) the first time and
// remembering the answer. A failed lookup is not remembered.
func (c *Client) CloudID(ctx context.Context) (string, error) {
	t, err := c.lookupTenant(ctx)
	if err != nil {
		return "", err
	}

	return t.cloudID, nil
}

func (c *Client) lookupTenant(ctx context.Context) (*tenant, error) {
	c.tenantMu.Lock()
	defer c.tenantMu.Unlock()

	if c.tenant != nil {
		return c.tenant, nil
	}

	var out struct {
		TenantContexts []*struct {
			CloudID string `json:"cloudId"`
			OrgID   string `json:"orgId"`
		} `json:"tenantContexts"`
	}
	vars := map[string]any{"hostNames": []string{c.site.Hostname()}}
	if err := c.query(ctx, tenantQuery, vars, &out); err != nil {
		return nil, fmt.Errorf("looking up compass cloud id: %w", err)
	}

	for _, tc := range out.TenantContexts {
		if tc != nil && tc.CloudID != "" {
			c.tenant = &tenant{cloudID: tc.CloudID, orgID: tc.OrgID}
			return c.tenant, nil
		}
	}

	return nil, fmt.Errorf("looking up compass cloud id for %s: %w", c.site.Hostname(), ErrNoCloudID)
}

// doer is the transport under the GraphQL client: it adds the headers, counts requests and
// records each answer's status and Retry-After into the exchange carried by the request's
// context, because the GraphQL client drops both.
type doer struct {
	http          *http.Client
	authorization string
	userAgent     string
	requests      *atomic.Int64
}

// Do sends one request.
func (d *doer) Do(req *http.Request) (*http.Response, error) {
	req.Header.Set("Authorization", d.authorization)
	req.Header.Set("X-ExperimentalApi", experimentalAPI)
	req.Header.Set("User-Agent", d.userAgent)
	req.Header.Set("Accept", "application/json")
	d.requests.Add(1)

	resp, err := d.http.Do(req)

	if ex, ok := req.Context().Value(exchangeKey{}).(*exchange); ok {
		ex.err = err
		if resp != nil {
			ex.status = resp.StatusCode
			ex.retryAfter = resp.Header.Get("Retry-After")
		}
	}

	return resp, err
}
