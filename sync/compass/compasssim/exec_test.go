package compasssim

import (
	"reflect"
	"testing"
)

func TestExecutorFollowsGraphQLRules(t *testing.T) {
	t.Parallel()
	sim, url := newTestServer(t)
	f := newFixture(t, sim, url)

	tests := []struct {
		name string
		doc  string
		op   string
		vars map[string]any
		want map[string]any
	}{
		{
			name: "__typename answers the root and nested types",
			doc:  `{ __typename compass { __typename } }`,
			want: map[string]any{"__typename": "Query", "compass": map[string]any{"__typename": "CompassCatalogQueryApi"}},
		},
		{
			name: "fields selected twice under one key are merged",
			doc: `query($id: ID!) { compass { c: component(id: $id) { ... on CompassComponent { id } }
  c: component(id: $id) { ... on CompassComponent { name } } } }`,
			vars: map[string]any{"id": f.b},
			want: map[string]any{"compass": map[string]any{"c": map[string]any{"id": f.b, "name": "beta"}}},
		},
		{
			name: "skip and include drop fields",
			doc: `query($no: Boolean!) { compass { component(id: "` + f.b + `") {
  ... on CompassComponent { name @skip(if: true) slug @include(if: $no) typeId } } } }`,
			vars: map[string]any{"no": false},
			want: map[string]any{"compass": map[string]any{"component": map[string]any{"typeId": "LIBRARY"}}},
		},
		{
			name: "the optIn directive is accepted on operations and fields",
			doc:  `query @optIn(to: ["compass-beta"]) { compass @optIn(to: ["compass-prototype"]) { __typename } }`,
			want: map[string]any{"compass": map[string]any{"__typename": "CompassCatalogQueryApi"}},
		},
		{
			name: "operationName picks one of several operations",
			doc:  `query A { __typename } query B { compass { __typename } }`,
			op:   "B",
			want: map[string]any{"compass": map[string]any{"__typename": "CompassCatalogQueryApi"}},
		},
		{
			name: "inline literals reach nested field arguments",
			doc: `{ compass { component(id: "` + f.b + `") { ... on CompassComponent {
  relationships(query: {direction: INWARD, first: 1}) { ... on CompassRelationshipConnection {
    nodes { startNode { name } } pageInfo { hasNextPage } } } } } } }`,
			want: map[string]any{"compass": map[string]any{"component": map[string]any{"relationships": map[string]any{
				"nodes":    []any{map[string]any{"startNode": map[string]any{"name": "alpha"}}},
				"pageInfo": map[string]any{"hasNextPage": false},
			}}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := postOp(t, url, tt.doc, tt.op, tt.vars)
			if len(resp.Errors) > 0 {
				t.Fatalf("errors: %s", resp.Raw)
			}
			if !reflect.DeepEqual(resp.Data, tt.want) {
				t.Errorf("data = %v\nwant   %v", resp.Data, tt.want)
			}
		})
	}
}

func TestVariablesAreCoercedOrRefused(t *testing.T) {
	t.Parallel()
	_, url := newTestServer(t)
	doc := `query($c: String!, $q: CompassSearchComponentQuery) { compass { searchComponents(cloudId: $c, query: $q) {
  __typename } } }`

	tests := []struct {
		name    string
		vars    map[string]any
		refused bool
	}{
		{name: "matching variables run", vars: map[string]any{"c": testCloud, "q": map[string]any{"first": 5}}},
		{name: "a missing required variable is refused", vars: map[string]any{}, refused: true},
		{name: "a string for an Int is refused", vars: map[string]any{"c": testCloud, "q": map[string]any{"first": "five"}}, refused: true},
		{name: "an unknown input field is refused", vars: map[string]any{"c": testCloud, "q": map[string]any{"colour": 1}}, refused: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := post(t, url, doc, tt.vars)
			if got := len(resp.Errors) > 0; got != tt.refused {
				t.Fatalf("refused = %v, want %v: %s", got, tt.refused, resp.Raw)
			}
			if tt.refused && (resp.Data != nil || dig(resp.Errors[0], "extensions", "classification") != "ValidationError" ||
				dig(resp.Errors[0], "locations", 0, "line") != float64(1)) {
				t.Errorf("refusal = %s", resp.Raw)
			}
		})
	}
}

func postOp(t *testing.T, url, doc, op string, vars map[string]any) response {
	t.Helper()
	body := map[string]any{"query": doc, "variables": vars}
	if op != "" {
		body["operationName"] = op
	}
	raw, err := jsonMarshal(body)
	if err != nil {
		t.Fatal(err)
	}
	return postRaw(t, url, testEmail, testToken, raw)
}

func TestAppendStringEscapesLikeEncodingJSON(t *testing.T) {
	t.Parallel()

	for _, s := range []string{"plain", `quote " and \ slash`, "tab\tnewline\n", "\x00\x1f\b\f\r", "caf\u00e9 \u2028", "bad \xff byte"} {
		want, err := jsonMarshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendString(nil, s); string(got) != string(want) {
			t.Errorf("appendString(%q) = %s, want %s", s, got, want)
		}
	}
}
