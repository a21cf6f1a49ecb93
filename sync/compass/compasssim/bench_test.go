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

// batchDocument builds one request holding n aliased createComponent mutations.
func batchDocument(n int) string {
	var b strings.Builder
	b.WriteString("mutation($c: ID!")
	for i := range n {
		fmt.Fprintf(&b, ", $in%d: CreateCompassComponentInput!", i)
	}
	b.WriteString(") { compass {\n")
	for i := range n {
		fmt.Fprintf(&b, "  c%d: createComponent(cloudId: $c, input: $in%d) { success errors { message "+
			"extensions { statusCode errorType } } componentDetails { id } }\n", i, i)
	}
	b.WriteString("} }")
	return b.String()
}

func BenchmarkBatchOf50Creates(b *testing.B) {
	sim := New(Options{Email: testEmail, Token: testToken, SiteHost: testHost, CloudID: testCloud})
	doc := batchDocument(50)

	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		vars := map[string]any{"c": testCloud}
		for j := range 50 {
			vars[fmt.Sprintf("in%d", j)] = map[string]any{
				"name": fmt.Sprintf("svc-%d-%d", i, j), "typeId": "SERVICE", "labels": []string{"bench"},
				"links": []any{map[string]any{"type": "REPOSITORY", "url": "https://git/x"}},
			}
		}
		body, err := json.Marshal(map[string]any{"query": doc, "variables": vars})
		if err != nil {
			b.Fatal(err)
		}
		req := httptest.NewRequest(http.MethodPost, "/gateway/api/graphql", bytes.NewReader(body))
		req.SetBasicAuth(testEmail, testToken)
		rec := httptest.NewRecorder()
		sim.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK || bytes.Contains(rec.Body.Bytes(), []byte(`"success":false`)) {
			b.Fatalf("status %d: %.300s", rec.Code, rec.Body)
		}
	}
}

func BenchmarkSearchPageAt20000Components(b *testing.B) {
	sim := New(Options{Email: testEmail, Token: testToken, SiteHost: testHost, CloudID: testCloud})
	for i := range 20000 {
		if _, err := sim.SeedComponent(Component{Name: fmt.Sprintf("svc-%05d", i), TypeID: "SERVICE"}); err != nil {
			b.Fatal(err)
		}
	}
	body := []byte(`{"query":"query { compass { searchComponents(cloudId: \"cloud-1\", query: {first: 100}) {
  ... on CompassSearchComponentConnection { nodes { component { id name labels { name } } } pageInfo { endCursor } } } } }"}`)
	body = bytes.ReplaceAll(body, []byte("\n"), []byte(" "))

	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodPost, "/gateway/api/graphql", bytes.NewReader(body))
		req.SetBasicAuth(testEmail, testToken)
		rec := httptest.NewRecorder()
		sim.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d", rec.Code)
		}
	}
}
