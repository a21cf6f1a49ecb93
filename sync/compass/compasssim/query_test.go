package compasssim

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// resultFields reads a CompassComponentResult, either member.
const resultFields = `__typename
  ... on CompassComponent { id name }
  ... on QueryError { message identifier extensions { statusCode errorType } }`

func TestComponentQueriesAnswerQueryErrors(t *testing.T) {
	t.Parallel()
	sim, url := newTestServer(t)
	f := newFixture(t, sim, url)
	missing := f.a[:len(f.a)-4] + "0000"

	byID := `query($id: ID!) { compass { r: component(id: $id) { ` + resultFields + ` } } }`
	byAlias := `query($c: ID!, $id: ID!, $s: ID!) { compass {
  r: componentByExternalAlias(cloudId: $c, externalID: $id, externalSource: $s) { ` + resultFields + ` } } }`

	tests := []struct {
		name      string
		doc       string
		vars      map[string]any
		wantType  string
		wantName  string
		wantError string
		wantCode  float64
	}{
		{
			name: "component finds a component by id", doc: byID,
			vars: map[string]any{"id": f.a}, wantType: "CompassComponent", wantName: "alpha",
		},
		{
			name: "component answers not found for an unknown id", doc: byID,
			vars: map[string]any{"id": missing}, wantType: "QueryError", wantError: errComponentNotFound, wantCode: 404,
		},
		{
			name: "component refuses a malformed id", doc: byID,
			vars: map[string]any{"id": "not-an-ari"}, wantType: "QueryError", wantError: errComponentARIInvalid, wantCode: 400,
		},
		{
			name:     "componentByExternalAlias finds the aliased component",
			doc:      byAlias,
			vars:     map[string]any{"c": testCloud, "id": "component:default/alpha", "s": "backstage"},
			wantType: "CompassComponent", wantName: "alpha",
		},
		{
			name:     "componentByExternalAlias answers Component not found for a missing alias",
			doc:      byAlias,
			vars:     map[string]any{"c": testCloud, "id": "component:default/zeta", "s": "backstage"},
			wantType: "QueryError", wantError: errComponentNotFound, wantCode: 404,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := post(t, url, tt.doc, tt.vars)
			r := dig(resp.Data, "compass", "r")
			if got := dig(r, "__typename"); got != tt.wantType {
				t.Fatalf("__typename = %v, want %s (body %s)", got, tt.wantType, resp.Raw)
			}
			if tt.wantType == "CompassComponent" {
				if got := dig(r, "name"); got != tt.wantName {
					t.Errorf("name = %v, want %s", got, tt.wantName)
				}
				return
			}
			if got := dig(r, "extensions", 0, "errorType"); got != tt.wantError {
				t.Errorf("errorType = %v, want %s", got, tt.wantError)
			}
			if got := dig(r, "extensions", 0, "statusCode"); got != tt.wantCode {
				t.Errorf("statusCode = %v, want %v", got, tt.wantCode)
			}
			if tt.wantError == errComponentNotFound && dig(r, "message") != "Component not found" {
				t.Errorf("message = %v", dig(r, "message"))
			}
		})
	}
}

func TestQueryErrorFragmentsSelectOnlyTheMatchingMember(t *testing.T) {
	t.Parallel()
	sim, url := newTestServer(t)
	f := newFixture(t, sim, url)

	doc := `query($a: ID!, $b: ID!) { compass {
  found: component(id: $a) { ...Result }
  lost: component(id: $b) { ...Result }
} }
fragment Result on CompassComponentResult { ...Component ...Failure }
fragment Component on CompassComponent { id labels { name } }
fragment Failure on QueryError { message extensions { ... on GenericQueryErrorExtension { errorType } } }`
	resp := post(t, url, doc, map[string]any{"a": f.a, "b": f.a[:len(f.a)-4] + "0000"})

	want := map[string]any{
		"found": map[string]any{"id": f.a, "labels": []any{map[string]any{"name": "go"}}},
		"lost": map[string]any{
			"message":    "Component not found",
			"extensions": []any{map[string]any{"errorType": errComponentNotFound}},
		},
	}
	if got := dig(resp.Data, "compass"); !reflect.DeepEqual(got, want) {
		t.Errorf("got  %v\nwant %v", got, want)
	}
}

func TestComponentAnswersEveryField(t *testing.T) {
	t.Parallel()
	sim, url := newTestServer(t)
	f := newFixture(t, sim, url)

	doc := `query($id: ID!) { compass { component(id: $id) { ... on CompassComponent {
  id name description typeId type ownerId slug state
  labels { name }
  links { id type url name }
  externalAliases { externalAliasId externalSource url }
  fields { __typename definition { id name type } ... on CompassEnumField { value } }
  customFields { __typename definition { id name } ... on CompassCustomTextField { textValue } }
  out: relationships { ... on CompassRelationshipConnection { nodes { relationshipType endNode { name } } } }
  in: relationships(query: {direction: INWARD}) { ... on CompassRelationshipConnection { nodes { startNode { name } } } }
  changeMetadata { createdAt lastUserModificationAt }
} } } }`
	resp := post(t, url, doc, map[string]any{"id": f.a})
	c := dig(resp.Data, "compass", "component")

	checks := []struct {
		path []any
		want any
	}{
		{[]any{"name"}, "alpha"},
		{[]any{"description"}, nil},
		{[]any{"typeId"}, "SERVICE"},
		{[]any{"type"}, "SERVICE"},
		{[]any{"ownerId"}, nil},
		{[]any{"labels", 0, "name"}, "go"},
		{[]any{"links", 0, "id"}, f.link},
		{[]any{"links", 0, "url"}, "https://git/alpha"},
		{[]any{"externalAliases", 0, "externalAliasId"}, "component:default/alpha"},
		{[]any{"externalAliases", 0, "externalSource"}, "backstage"},
		{[]any{"fields", 0, "__typename"}, "CompassEnumField"},
		{[]any{"fields", 0, "definition", "id"}, FieldTier},
		{[]any{"fields", 0, "definition", "type"}, "ENUM"},
		{[]any{"fields", 0, "value", 0}, "3"},
		{[]any{"customFields", 0, "__typename"}, "CompassCustomTextField"},
		{[]any{"customFields", 0, "definition", "id"}, f.textField},
		{[]any{"customFields", 0, "textValue"}, "cc-1"},
		{[]any{"out", "nodes", 0, "relationshipType"}, "DEPENDS_ON"},
		{[]any{"out", "nodes", 0, "endNode", "name"}, "beta"},
		{[]any{"in", "nodes"}, []any{}},
	}
	for _, c2 := range checks {
		if got := dig(c, c2.path...); !reflect.DeepEqual(got, c2.want) {
			t.Errorf("%v = %#v, want %#v", c2.path, got, c2.want)
		}
	}
	if created, _ := dig(c, "changeMetadata", "createdAt").(string); created == "" {
		t.Errorf("createdAt missing: %s", resp.Raw)
	}
}

func TestComponentsAnswersKnownIDsAndRefusesMoreThan30(t *testing.T) {
	t.Parallel()
	sim, url := newTestServer(t)
	f := newFixture(t, sim, url)
	doc := `query($ids: [ID!]!) { compass { components(ids: $ids) { name } } }`

	resp := post(t, url, doc, map[string]any{"ids": []string{f.b, f.a[:len(f.a)-4] + "0000", "junk", f.a}})
	want := []any{map[string]any{"name": "beta"}, map[string]any{"name": "alpha"}}
	if got := dig(resp.Data, "compass", "components"); !reflect.DeepEqual(got, want) {
		t.Errorf("components = %v, want %v", got, want)
	}

	ids := make([]string, 31)
	for i := range ids {
		ids[i] = f.a
	}
	resp = post(t, url, doc, map[string]any{"ids": ids})
	if got := dig(resp.Data, "compass", "components"); got != nil {
		t.Errorf("components = %v, want null", got)
	}
	if len(resp.Errors) != 1 || dig(resp.Errors[0], "extensions", "errorType") != errArgumentInvalid ||
		!reflect.DeepEqual(dig(resp.Errors[0], "path"), []any{"compass", "components"}) {
		t.Errorf("errors = %v", resp.Errors)
	}
}

const searchDoc = `query($c: String!, $q: CompassSearchComponentQuery) { compass { searchComponents(cloudId: $c, query: $q) {
  ... on CompassSearchComponentConnection { totalCount nodes { link component { name } } pageInfo { hasNextPage endCursor } }
  ... on QueryError { message extensions { errorType } }
} } }`

func TestSearchComponentsPagesThroughEveryComponentOnce(t *testing.T) {
	t.Parallel()
	sim, url := newTestServer(t)
	for i := range 60 {
		if _, err := sim.SeedComponent(Component{Name: fmt.Sprintf("svc-%02d", i), TypeID: "SERVICE"}); err != nil {
			t.Fatal(err)
		}
	}

	tests := []struct {
		name      string
		first     any
		sort      bool
		wantPages int
	}{
		{name: "the default page size is 25", first: nil, wantPages: 3},
		{name: "a page size of 100 takes one page", first: 100, wantPages: 1},
		{name: "a page size of 7 takes nine pages", first: 7, wantPages: 9},
		{name: "pages sorted by name take the same pages", first: 7, sort: true, wantPages: 9},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			seen := map[string]int{}
			pages := 0
			query := map[string]any{}
			if tt.first != nil {
				query["first"] = tt.first
			}
			if tt.sort {
				query["sort"] = []any{map[string]any{"name": "name", "order": "DESC"}}
			}
			for {
				resp := post(t, url, searchDoc, map[string]any{"c": testCloud, "q": query})
				conn := dig(resp.Data, "compass", "searchComponents")
				pages++
				for _, n := range dig(conn, "nodes").([]any) {
					seen[dig(n, "component", "name").(string)]++
				}
				if dig(conn, "totalCount") != float64(60) {
					t.Fatalf("totalCount = %v", dig(conn, "totalCount"))
				}
				if dig(conn, "pageInfo", "hasNextPage") != true {
					break
				}
				query["after"] = dig(conn, "pageInfo", "endCursor")
				if pages > 100 {
					t.Fatal("paging does not end")
				}
			}
			if pages != tt.wantPages || len(seen) != 60 {
				t.Errorf("pages = %d, components = %d, want %d and 60", pages, len(seen), tt.wantPages)
			}
			for name, n := range seen {
				if n != 1 {
					t.Errorf("%s seen %d times", name, n)
				}
			}
		})
	}
}

func TestSearchComponentsFilters(t *testing.T) {
	t.Parallel()
	sim, url := newTestServer(t)
	for _, c := range []Component{
		{Name: "Payments API", TypeID: "SERVICE", Labels: []string{"money"}},
		{Name: "payments-ui", TypeID: "WEBSITE"},
		{Name: "billing", TypeID: "SERVICE", Labels: []string{"money"}},
	} {
		if _, err := sim.SeedComponent(c); err != nil {
			t.Fatal(err)
		}
	}

	tests := []struct {
		name  string
		query map[string]any
		want  []string
	}{
		{"a name query matches without case", map[string]any{"query": "PAYMENTS"}, []string{"Payments API", "payments-ui"}},
		{"a type filter", map[string]any{"fieldFilters": []any{map[string]any{
			"name": "type", "filter": map[string]any{"eq": "SERVICE"},
		}}}, []string{"Payments API", "billing"}},
		{"a label filter with a name query", map[string]any{"query": "bill", "fieldFilters": []any{map[string]any{
			"name": "labels", "filter": map[string]any{"in": []string{"money"}},
		}}}, []string{"billing"}},
		{"nothing matches", map[string]any{"query": "nothing"}, []string{}},
		{"a sort by name", map[string]any{"sort": []any{map[string]any{"name": "name", "order": "ASC"}}},
			[]string{"billing", "Payments API", "payments-ui"}},
		{"a descending sort by name with a page of two", map[string]any{"first": 2,
			"sort": []any{map[string]any{"name": "name", "order": "DESC"}}},
			[]string{"payments-ui", "Payments API"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := post(t, url, searchDoc, map[string]any{"c": testCloud, "q": tt.query})
			got := []string{}
			nodes, _ := dig(resp.Data, "compass", "searchComponents", "nodes").([]any)
			for _, n := range nodes {
				got = append(got, dig(n, "component", "name").(string))
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("names = %v, want %v (body %s)", got, tt.want, resp.Raw)
			}
		})
	}
}

func TestSearchComponentsRefusesBadArguments(t *testing.T) {
	t.Parallel()
	_, url := newTestServer(t)

	tests := []struct {
		name  string
		cloud string
		query map[string]any
		want  string
	}{
		{"another cloud id", "other", nil, errCloudIDInvalid},
		{"a page of 101", testCloud, map[string]any{"first": 101}, errArgumentInvalid},
		{"a made-up cursor", testCloud, map[string]any{"after": "???"}, errArgumentInvalid},
		{"an unknown field filter", testCloud, map[string]any{"fieldFilters": []any{map[string]any{"name": "colour"}}}, errArgumentInvalid},
		{"an unsupported sort", testCloud, map[string]any{"sort": []any{map[string]any{"name": "score"}}}, errArgumentInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := post(t, url, searchDoc, map[string]any{"c": tt.cloud, "q": tt.query})
			if got := dig(resp.Data, "compass", "searchComponents", "extensions", 0, "errorType"); got != tt.want {
				t.Errorf("errorType = %v, want %s (body %s)", got, tt.want, resp.Raw)
			}
		})
	}
}

func TestComponentTypesListsTheBuiltInTypes(t *testing.T) {
	t.Parallel()
	sim, url := newTestServer(t)
	if _, err := sim.SeedComponent(Component{Name: "w", TypeID: "WEBSITE"}); err != nil {
		t.Fatal(err)
	}

	resp := post(t, url, `query($c: ID!) { compass { componentTypes(cloudId: $c) {
  ... on CompassComponentTypeConnection { totalCount nodes { id name componentCount } }
} } }`, map[string]any{"c": testCloud})
	nodes, _ := dig(resp.Data, "compass", "componentTypes", "nodes").([]any)
	var ids []string
	counts := map[string]any{}
	for _, n := range nodes {
		ids = append(ids, dig(n, "id").(string))
		counts[dig(n, "id").(string)] = dig(n, "componentCount")
	}
	if !reflect.DeepEqual(ids, typeIDs) {
		t.Errorf("ids = %v", ids)
	}
	if counts["WEBSITE"] != float64(1) || counts["SERVICE"] != float64(0) {
		t.Errorf("counts = %v", counts)
	}
}

func TestCustomFieldDefinitionsListsDefinitionsWithOptions(t *testing.T) {
	t.Parallel()
	sim, url := newTestServer(t)
	newFixture(t, sim, url)
	mutate(t, url, "createCustomFieldDefinition", "CompassCreateCustomFieldDefinitionInput", map[string]any{
		"singleSelectFieldDefinition": map[string]any{"cloudId": testCloud, "name": "Region", "options": []string{"eu"}},
	})

	resp := post(t, url, `query($q: CompassCustomFieldDefinitionsQuery!) { compass { customFieldDefinitions(query: $q) {
  ... on CompassCustomFieldDefinitionsConnection { nodes { __typename name
    ... on CompassCustomSingleSelectFieldDefinition { options { value } } } }
} } }`, map[string]any{"q": map[string]any{"cloudId": testCloud}})
	want := []any{
		map[string]any{"__typename": "CompassCustomTextFieldDefinition", "name": "Cost centre"},
		map[string]any{"__typename": "CompassCustomSingleSelectFieldDefinition", "name": "Region",
			"options": []any{map[string]any{"value": "eu"}}},
	}
	if got := dig(resp.Data, "compass", "customFieldDefinitions", "nodes"); !reflect.DeepEqual(got, want) {
		t.Errorf("nodes = %v\nwant %v", got, want)
	}
}

func TestSearchTeamsFindsTeamsByName(t *testing.T) {
	t.Parallel()
	sim, url := newTestServer(t)
	infra := sim.SeedTeam("Platform Infra")
	platform := sim.SeedTeam("Platform")
	sim.SeedTeam("Payments")

	tests := []struct {
		term string
		want []any
	}{
		{term: "platform", want: []any{platform, infra}},
		{term: "INFRA", want: []any{infra}},
		{term: "nobody", want: []any{}},
	}
	for _, tt := range tests {
		t.Run("the term "+tt.term, func(t *testing.T) {
			resp := post(t, url, `query($in: CompassSearchTeamsInput!) { compass { searchTeams(input: $in) {
  ... on CompassSearchTeamsConnection { nodes { teamId } } } } }`,
				map[string]any{"in": map[string]any{"cloudId": testCloud, "term": tt.term}})
			got := []any{}
			nodes, _ := dig(resp.Data, "compass", "searchTeams", "nodes").([]any)
			for _, n := range nodes {
				got = append(got, dig(n, "teamId"))
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("teams = %v, want %v", got, tt.want)
			}
		})
	}
	if !strings.HasPrefix(platform, "ari:cloud:identity::team/") {
		t.Errorf("team ARI = %q", platform)
	}
}

func TestSelectCustomFieldsAnswerTheirOptions(t *testing.T) {
	t.Parallel()
	sim, url := newTestServer(t)
	f := newFixture(t, sim, url)
	for _, in := range []map[string]any{
		{"singleSelectFieldDefinition": map[string]any{"cloudId": testCloud, "name": "Region", "options": []string{"eu", "us"}}},
		{"multiSelectFieldDefinition": map[string]any{"cloudId": testCloud, "name": "Stacks", "options": []string{"go", "js"}}},
	} {
		if p := mutate(t, url, "createCustomFieldDefinition", "CompassCreateCustomFieldDefinitionInput", in); p["success"] != true {
			t.Fatalf("creating %v: %v", in, p)
		}
	}
	defs := sim.Dump().CustomFieldDefinitions // sorted by name: Cost centre, Region, Stacks
	region, stacks := defs[1], defs[2]

	p := mutate(t, url, "updateComponent", "UpdateCompassComponentInput", map[string]any{"id": f.b, "customFields": []any{
		map[string]any{"singleSelectField": map[string]any{"definitionId": region.ID, "option": region.Options[1].ID}},
		map[string]any{"multiSelectField": map[string]any{"definitionId": stacks.ID,
			"options": []string{stacks.Options[0].ID, stacks.Options[1].ID}}},
	}})
	if p["success"] != true {
		t.Fatalf("setting values: %v", p)
	}

	resp := post(t, url, `query($id: ID!) { compass { component(id: $id) { ... on CompassComponent { customFields {
  ... on CompassCustomSingleSelectField { option { value } }
  ... on CompassCustomMultiSelectField { options { value } } } } } } }`, map[string]any{"id": f.b})
	want := []any{
		map[string]any{"option": map[string]any{"value": "us"}},
		map[string]any{"options": []any{map[string]any{"value": "go"}, map[string]any{"value": "js"}}},
	}
	if got := dig(resp.Data, "compass", "component", "customFields"); !reflect.DeepEqual(got, want) {
		t.Errorf("customFields = %v\nwant %v", got, want)
	}

	p = mutate(t, url, "updateComponent", "UpdateCompassComponentInput", map[string]any{"id": f.b, "customFields": []any{
		map[string]any{"singleSelectField": map[string]any{"definitionId": region.ID, "option": "not-an-option"}},
	}})
	if got := errorType(p); got != errCustomFieldInvalid {
		t.Errorf("an unknown option: error type %q", got)
	}
}
