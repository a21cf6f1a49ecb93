package compasssim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

const (
	testEmail = "admin@example.com"
	testToken = "secret-token"
	testHost  = "example.atlassian.net"
	testCloud = "cloud-1"
)

// newTestServer starts a simulator behind httptest and returns it with its URL.
func newTestServer(t *testing.T) (*Server, string) {
	t.Helper()
	sim := New(Options{Email: testEmail, Token: testToken, SiteHost: testHost, CloudID: testCloud, Seed: 1})
	ts := httptest.NewServer(sim)
	t.Cleanup(ts.Close)
	return sim, ts.URL + "/gateway/api/graphql"
}

// response is a decoded GraphQL answer.
type response struct {
	Status int
	Header http.Header
	Data   map[string]any
	Errors []map[string]any
	Raw    []byte
}

// post sends one GraphQL request with the test credentials.
func post(t *testing.T, url, query string, vars map[string]any) response {
	t.Helper()
	return postAs(t, url, testEmail, testToken, query, vars)
}

func postAs(t *testing.T, url, email, token, query string, vars map[string]any) response {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		t.Fatal(err)
	}
	return postRaw(t, url, email, token, body)
}

func postRaw(t *testing.T, url, email, token string, body []byte) response {
	t.Helper()
	resp, err := tryPost(url, email, token, body)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

// tryPost sends one request and decodes the answer; it is safe to call from any goroutine.
func tryPost(url, email, token string, body []byte) (response, error) {
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return response{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	if email != "" || token != "" {
		req.SetBasicAuth(email, token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return response{}, err
	}
	defer resp.Body.Close()

	var buf bytes.Buffer
	if _, err := buf.ReadFrom(resp.Body); err != nil {
		return response{}, err
	}
	out := response{Status: resp.StatusCode, Header: resp.Header, Raw: buf.Bytes()}
	var decoded struct {
		Data   map[string]any   `json:"data"`
		Errors []map[string]any `json:"errors"`
	}
	if err := json.Unmarshal(out.Raw, &decoded); err != nil {
		return out, fmt.Errorf("decoding %q: %w", out.Raw, err)
	}
	out.Data, out.Errors = decoded.Data, decoded.Errors
	return out, nil
}

// dig walks a decoded JSON value along keys and list indexes.
func dig(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[k]
		case int:
			l, _ := v.([]any)
			if k >= len(l) {
				return nil
			}
			v = l[k]
		}
	}
	return v
}

func TestTenantContextsAnswersTheSiteCloudID(t *testing.T) {
	t.Parallel()
	_, url := newTestServer(t)

	tests := []struct {
		name string
		host string
		want any
	}{
		{name: "the configured host gets the cloud id", host: testHost, want: testCloud},
		{name: "another host gets nothing", host: "other.atlassian.net", want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := post(t, url, `query($h: [String!]) { tenantContexts(hostNames: $h) { cloudId } }`,
				map[string]any{"h": []string{tt.host}})
			if resp.Status != http.StatusOK || len(resp.Errors) > 0 {
				t.Fatalf("status %d, body %s", resp.Status, resp.Raw)
			}
			if got := dig(resp.Data, "tenantContexts", 0, "cloudId"); got != tt.want {
				t.Errorf("cloudId = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestServeHTTPRefusesBadCredentials(t *testing.T) {
	t.Parallel()
	sim, url := newTestServer(t)

	tests := []struct {
		name         string
		email, token string
	}{
		{name: "no credentials", email: "", token: ""},
		{name: "a wrong token", email: testEmail, token: "wrong"},
		{name: "a wrong email", email: "someone@example.com", token: testToken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := postAs(t, url, tt.email, tt.token, `{ tenantContexts(hostNames: ["x"]) { cloudId } }`, nil)
			if resp.Status != http.StatusUnauthorized {
				t.Fatalf("status = %d, want 401", resp.Status)
			}
			if !bytes.Contains(resp.Raw, []byte(`"message":"Unauthorized"`)) {
				t.Errorf("body %s lacks the message", resp.Raw)
			}
		})
	}
	if got := sim.Stats().RejectedAuth; got != int64(len(tests)) {
		t.Errorf("RejectedAuth = %d, want %d", got, len(tests))
	}
}

func TestServeHTTPRefusesInvalidDocuments(t *testing.T) {
	t.Parallel()
	_, url := newTestServer(t)

	resp := post(t, url, "query { compass { nope } }", nil)
	if resp.Status != http.StatusOK {
		t.Fatalf("status = %d, want 200", resp.Status)
	}
	if resp.Data != nil || !bytes.Contains(resp.Raw, []byte(`"data":null`)) {
		t.Errorf("data = %v, want null", resp.Data)
	}
	if len(resp.Errors) != 1 {
		t.Fatalf("errors = %v, want one", resp.Errors)
	}
	if got := dig(resp.Errors[0], "extensions", "classification"); got != "ValidationError" {
		t.Errorf("classification = %v", got)
	}
	if got := dig(resp.Errors[0], "locations", 0, "line"); got != float64(1) {
		t.Errorf("line = %v, want 1", got)
	}
}

func TestValidateDocumentListsEveryProblem(t *testing.T) {
	t.Parallel()

	if err := ValidateDocument(`query { tenantContexts(hostNames: ["a"]) { cloudId } }`); err != nil {
		t.Errorf("valid document refused: %v", err)
	}
	err := ValidateDocument(`query { compass { a b } }`)
	if err == nil {
		t.Fatal("invalid document accepted")
	}
	if got := bytes.Count([]byte(err.Error()), []byte("\n")); got != 1 {
		t.Errorf("error %q should list two problems", err)
	}
}

// jsonMarshal encodes like the standard library without escaping HTML, as the simulator does.
func jsonMarshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

func TestServeHTTPRefusesWhatIsNotAGraphQLRequest(t *testing.T) {
	t.Parallel()
	sim, url := newTestServer(t)
	base := strings.TrimSuffix(url, "/gateway/api/graphql")

	tests := []struct {
		name   string
		method string
		url    string
		body   string
		want   int
	}{
		{name: "another path", method: http.MethodPost, url: base + "/rest/api/3/myself", body: "{}", want: http.StatusNotFound},
		{name: "a GET", method: http.MethodGet, url: url, want: http.StatusMethodNotAllowed},
		{name: "a body that is not JSON", method: http.MethodPost, url: url, body: "query { x }", want: http.StatusBadRequest},
		{name: "a body without a query", method: http.MethodPost, url: url, body: `{"variables":{}}`, want: http.StatusBadRequest},
		{name: "the api.atlassian.com path", method: http.MethodPost, url: base + "/graphql",
			body: `{"query":"{ __typename }"}`, want: http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest(tt.method, tt.url, strings.NewReader(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			req.SetBasicAuth(testEmail, testToken)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tt.want {
				t.Errorf("status = %d, want %d", resp.StatusCode, tt.want)
			}
		})
	}
	if got := sim.Stats().Documents; got != 1 {
		t.Errorf("Documents = %d, want 1", got)
	}
}
