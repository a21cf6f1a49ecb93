package compass

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"sync/atomic"
	"testing"
)

// graphqlBody is a decoded request body.
type graphqlBody struct {
	Query     string         `json:"query"`
	Variables map[string]any `json:"variables"`
}

func decodeBody(t *testing.T, r *http.Request) graphqlBody {
	t.Helper()

	var body graphqlBody
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		t.Errorf("decoding request body: %v", err)
	}

	return body
}

func TestNewRefusesSitesItCannotUse(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name string
		site string
	}{
		{"an empty site is refused", ""},
		{"a site without a scheme is refused", "example.atlassian.net"},
		{"a non-http scheme is refused", "ftp://example.atlassian.net"},
		{"a site with credentials is refused", "https://user:pass@example.atlassian.net"},
		{"a site with a path is refused", "https://example.atlassian.net/wiki"},
		{"a site with a query is refused", "https://example.atlassian.net?x=1"},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			_, err := New(tt.site, testEmail, testToken)
			if !errors.Is(err, ErrInvalidOption) {
				t.Errorf("New(%q) error = %v, want ErrInvalidOption", tt.site, err)
			}
		})
	}
}

func TestNewBuildsTheGatewayEndpoint(t *testing.T) {
	t.Parallel()

	c, err := New("https://example.atlassian.net/", testEmail, testToken)
	if err != nil {
		t.Fatal(err)
	}

	if got, want := c.Endpoint(), "https://example.atlassian.net/gateway/api/graphql"; got != want {
		t.Errorf("Endpoint() = %q, want %q", got, want)
	}
}

func TestRequestsCarryAuthAndHeaders(t *testing.T) {
	t.Parallel()

	var got http.Header
	var path string
	c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		got, path = r.Header.Clone(), r.URL.Path
		respond(200, `{"data":{"compass":{"components":[]}}}`)(w, r)
	}, WithUserAgent("sync-test/1.0"))

	if _, err := c.GetComponents(context.Background(), []string{"c1"}); err != nil {
		t.Fatal(err)
	}

	wantAuth := "Basic " + base64.StdEncoding.EncodeToString([]byte(testEmail+":"+testToken))
	checks := map[string]string{
		"Authorization":     wantAuth,
		"X-Experimentalapi": "compass-beta",
		"User-Agent":        "sync-test/1.0",
		"Content-Type":      "application/json",
	}
	for key, want := range checks {
		if got.Get(key) != want {
			t.Errorf("header %s = %q, want %q", key, got.Get(key), want)
		}
	}
	if path != "/gateway/api/graphql" {
		t.Errorf("path = %q, want /gateway/api/graphql", path)
	}
}

func TestCloudIDIsDiscoveredOnceAndCached(t *testing.T) {
	t.Parallel()

	var calls atomic.Int32
	var hosts []any
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		hosts, _ = decodeBody(t, r).Variables["hostNames"].([]any)
		respond(200, `{"data":{"tenantContexts":[{"cloudId":"cloud-42","orgId":"org-1"}]}}`)(w, r)
	}))
	t.Cleanup(srv.Close)
	c, err := New(srv.URL, testEmail, testToken)
	if err != nil {
		t.Fatal(err)
	}

	for range 3 {
		id, err := c.CloudID(context.Background())
		if err != nil || id != "cloud-42" {
			t.Fatalf("CloudID() = %q, %v; want cloud-42", id, err)
		}
	}

	if n := calls.Load(); n != 1 {
		t.Errorf("tenantContexts was asked %d times, want 1", n)
	}
	if len(hosts) != 1 || hosts[0] != "127.0.0.1" {
		t.Errorf("hostNames = %v, want [127.0.0.1]", hosts)
	}
}

func TestCloudIDFailuresAreNotCached(t *testing.T) {
	t.Parallel()

	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			respond(200, `{"data":{"tenantContexts":[]}}`)(w, r)
			return
		}
		respond(200, `{"data":{"tenantContexts":[{"cloudId":"cloud-7"}]}}`)(w, r)
	}))
	t.Cleanup(srv.Close)
	c, err := New(srv.URL, testEmail, testToken)
	if err != nil {
		t.Fatal(err)
	}

	if _, err := c.CloudID(context.Background()); !errors.Is(err, ErrNoCloudID) {
		t.Fatalf("first CloudID() error = %v, want ErrNoCloudID", err)
	}
	if id, err := c.CloudID(context.Background()); err != nil || id != "cloud-7" {
		t.Errorf("second CloudID() = %q, %v; want cloud-7", id, err)
	}
}

func TestGetComponentReadsEveryField(t *testing.T) {
	t.Parallel()

	body, err := os.ReadFile("testdata/component.json")
	if err != nil {
		t.Fatal(err)
	}
	var id string
	c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		id, _ = decodeBody(t, r).Variables["id"].(string)
		respond(200, string(body))(w, r)
	})

	got, err := c.GetComponent(context.Background(), "c1")
	if err != nil {
		t.Fatal(err)
	}

	text, replicas, pci, eu := "billing", 3.0, true, "opt-eu"
	want := &Component{
		ID:          "ari:cloud:compass:0f4c5a1e-6f0b-4b8e-9d3a-2c7e8b1f5a90:component/b7e2d9c4-3a61-4f85-8e0d-41c9a6f3d2b8/7d1e2f3a-0000-4000-8000-000000000001",
		Name:        "payments-api",
		Description: "Takes card payments.",
		TypeID:      "SERVICE",
		OwnerID:     "ari:cloud:identity::team/5f0e9c1d-2b3a-4c5d-8e9f-0a1b2c3d4e5f",
		Slug:        "payments-api",
		Labels:      []string{"payments", "tier-1"},
		Links: []Link{
			{ID: "link-1", Type: "REPOSITORY", URL: "https://github.com/example/payments-api", Name: "Source"},
			{ID: "link-2", Type: "DASHBOARD", URL: "https://grafana.example.com/d/pay"},
		},
		ExternalAliases: []ExternalAlias{{
			Source: "backstage", ID: "component:default/payments-api",
			URL: "https://backstage.example.com/catalog/default/component/payments-api",
		}},
		Lifecycle: "Active",
		Tier:      "1",
		CustomFields: []CustomFieldValue{
			{DefinitionID: "cfd-text", DefinitionName: "system", Kind: CustomText, Text: &text},
			{DefinitionID: "cfd-number", DefinitionName: "replicas", Kind: CustomNumber, Number: &replicas},
			{DefinitionID: "cfd-bool", DefinitionName: "pci", Kind: CustomBoolean, Boolean: &pci},
			{DefinitionID: "cfd-select", DefinitionName: "region", Kind: CustomSingleSelect, OptionID: &eu, OptionValue: "eu"},
		},
		DependsOn:         []string{"component-a", "component-z"},
		DependsOnComplete: true,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("GetComponent() =\n%+v\nwant\n%+v", got, want)
	}
	if id != "c1" {
		t.Errorf("id variable = %q, want c1", id)
	}
	if !got.HasAlias("backstage", "component:default/payments-api") || got.HasAlias("backstage", "other") {
		t.Error("HasAlias does not match the component's aliases")
	}
}

func TestGetComponentsReadsThirtyIDsPerRequest(t *testing.T) {
	t.Parallel()

	var sizes []int
	c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		ids, _ := decodeBody(t, r).Variables["ids"].([]any)
		sizes = append(sizes, len(ids))
		nodes := make([]map[string]any, len(ids))
		for i, id := range ids {
			nodes[i] = map[string]any{"id": id, "name": id, "typeId": "SERVICE"}
		}
		out, _ := json.Marshal(map[string]any{"data": map[string]any{"compass": map[string]any{"components": nodes}}})
		respond(200, string(out))(w, r)
	})

	ids := make([]string, 65)
	for i := range ids {
		ids[i] = "c" + string(rune('A'+i%26)) + string(rune('a'+i/26))
	}
	got, err := c.GetComponents(context.Background(), ids)
	if err != nil {
		t.Fatal(err)
	}

	if !reflect.DeepEqual(sizes, []int{30, 30, 5}) {
		t.Errorf("request sizes = %v, want [30 30 5]", sizes)
	}
	if len(got) != len(ids) || got[64].ID != ids[64] {
		t.Errorf("got %d components, last %q; want %d, last %q", len(got), got[len(got)-1].ID, len(ids), ids[64])
	}
	if s := c.Stats(); s.Requests != 3 || s.Mutations != 0 {
		t.Errorf("Stats() = %+v, want 3 requests and no mutations", s)
	}
}

func TestSearchAllComponentsWalksEveryPage(t *testing.T) {
	t.Parallel()

	pages := map[string]string{
		"":   `{"nodes":[{"component":{"id":"c1","name":"a"}}],"pageInfo":{"hasNextPage":true,"endCursor":"p2"},"totalCount":3}`,
		"p2": `{"nodes":[{"component":{"id":"c2","name":"b"}},{"component":null}],"pageInfo":{"hasNextPage":true,"endCursor":"p3"},"totalCount":3}`,
		"p3": `{"nodes":[{"component":{"id":"c3","name":"c"}}],"pageInfo":{"hasNextPage":false,"endCursor":"p4"},"totalCount":3}`,
	}
	var queries []any
	c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		q, _ := decodeBody(t, r).Variables["query"].(map[string]any)
		queries = append(queries, q["query"])
		after, _ := q["after"].(string)
		respond(200, `{"data":{"compass":{"searchComponents":`+pages[after]+`}}}`)(w, r)
	})

	got, err := c.SearchAllComponents(context.Background(), SearchOptions{Query: "pay", First: 1})
	if err != nil {
		t.Fatal(err)
	}

	var ids []string
	for _, comp := range got {
		ids = append(ids, comp.ID)
	}
	if !reflect.DeepEqual(ids, []string{"c1", "c2", "c3"}) {
		t.Errorf("ids = %v, want [c1 c2 c3]", ids)
	}
	if !reflect.DeepEqual(queries, []any{"pay", "pay", "pay"}) {
		t.Errorf("search terms sent = %v, want pay three times", queries)
	}
}

func TestSearchComponentsReportsAQueryError(t *testing.T) {
	t.Parallel()

	c := newTestClient(t, respond(200, `{"data":{"compass":{"searchComponents":{"__typename":"QueryError",`+
		`"message":"bad cloud","extensions":[{"statusCode":400,"errorType":"CLOUD_ID_INVALID"}]}}}}`))

	_, err := c.SearchComponents(context.Background(), SearchOptions{})

	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.ErrorType != "CLOUD_ID_INVALID" {
		t.Errorf("err = %v, want an APIError of type CLOUD_ID_INVALID", err)
	}
}
