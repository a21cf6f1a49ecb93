package compasssim

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func FuzzServeHTTP(f *testing.F) {
	f.Add(`{"query":"{ tenantContexts(hostNames: [\"example.atlassian.net\"]) { cloudId } }"}`)
	f.Add(`{"query":"mutation($in: CreateCompassComponentInput!) { compass { createComponent(cloudId: \"cloud-1\", input: $in) { success } } }","variables":{"in":{"name":"x","typeId":"SERVICE","labels":["a"]}}}`)
	f.Add(`{"query":"query($c: String!) { compass { searchComponents(cloudId: $c, query: {first: 3, after: \"x\"}) { __typename } } }","variables":{"c":"cloud-1"}}`)
	f.Add(`{"query":"{ compass { component(id: \"ari:cloud:compass:c:component/w/u\") { ... on QueryError { message } } } }"}`)
	f.Add(`{"query": 5}`)
	f.Add(`not json`)

	sim := New(Options{Email: testEmail, Token: testToken, SiteHost: testHost, CloudID: testCloud})
	sim.SeedTeam("Platform")
	f.Fuzz(func(t *testing.T, body string) {
		req := httptest.NewRequest(http.MethodPost, "/gateway/api/graphql", strings.NewReader(body))
		req.SetBasicAuth(testEmail, testToken)
		rec := httptest.NewRecorder()
		sim.ServeHTTP(rec, req)

		switch rec.Code {
		case http.StatusOK, http.StatusBadRequest:
		default:
			t.Fatalf("status %d for %q: %s", rec.Code, body, rec.Body)
		}
		if !json.Valid(rec.Body.Bytes()) {
			t.Fatalf("answer to %q is not JSON: %s", body, rec.Body)
		}
	})
}
