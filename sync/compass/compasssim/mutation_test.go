package compasssim

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// payloadFields is the selection used on every payload in these tests.
const payloadFields = `success errors { message extensions { statusCode errorType } }`

// createDoc creates one component from the $in variable.
const createDoc = `mutation($c: ID!, $in: CreateCompassComponentInput!) {
  compass { createComponent(cloudId: $c, input: $in) { ` + payloadFields + ` componentDetails { id } } }
}`

// mutate runs one mutation field with an input variable and returns its payload.
func mutate(t *testing.T, url, field, inputType string, input map[string]any) map[string]any {
	t.Helper()
	doc := fmt.Sprintf(`mutation($in: %s!) { compass { m: %s(input: $in) { %s } } }`, inputType, field, payloadFields)
	resp := post(t, url, doc, map[string]any{"in": input})
	if len(resp.Errors) > 0 {
		t.Fatalf("%s answered errors: %s", field, resp.Raw)
	}
	p, _ := dig(resp.Data, "compass", "m").(map[string]any)
	return p
}

// create makes a component and fails the test unless it succeeds.
func create(t *testing.T, url string, input map[string]any) string {
	t.Helper()
	resp := post(t, url, createDoc, map[string]any{"c": testCloud, "in": input})
	p := dig(resp.Data, "compass", "createComponent")
	if dig(p, "success") != true {
		t.Fatalf("creating %v: %s", input, resp.Raw)
	}
	return dig(p, "componentDetails", "id").(string)
}

// errorType returns the first payload error's type, or "" for a successful payload.
func errorType(p any) string {
	if dig(p, "success") == true {
		return ""
	}
	got, _ := dig(p, "errors", 0, "extensions", "errorType").(string)
	return got
}

func enumField(def, value string) map[string]any {
	return map[string]any{"definition": def, "value": map[string]any{"enum": map[string]any{"value": []string{value}}}}
}

func TestCreateComponentStoresEveryField(t *testing.T) {
	t.Parallel()
	sim, url := newTestServer(t)
	team := sim.SeedTeam("Platform")

	id := create(t, url, map[string]any{
		"name":        "payments",
		"description": "Takes money",
		"typeId":      "SERVICE",
		"ownerId":     team,
		"slug":        "payments-svc",
		"labels":      []string{"tier-1", "go"},
		"links": []any{
			map[string]any{"type": "REPOSITORY", "url": "https://git.example.com/payments", "name": "Source"},
		},
		"fields": []any{enumField(FieldLifecycle, "Active"), enumField(FieldTier, "1")},
	})

	got, ok := sim.Dump().Component("payments")
	if !ok {
		t.Fatal("component not stored")
	}
	if !strings.HasPrefix(id, "ari:cloud:compass:"+testCloud+":component/") || got.ID != id {
		t.Errorf("id = %q, stored %q", id, got.ID)
	}
	want := Component{
		ID: id, Name: "payments", Description: "Takes money", TypeID: "SERVICE", OwnerID: team,
		Slug: "payments-svc", Labels: []string{"go", "tier-1"},
		Links:     []Link{{ID: got.Links[0].ID, Type: "REPOSITORY", URL: "https://git.example.com/payments", Name: "Source"}},
		Fields:    map[string][]string{FieldLifecycle: {"Active"}, FieldTier: {"1"}},
		CreatedAt: got.CreatedAt, UpdatedAt: got.UpdatedAt,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("stored\n%+v\nwant\n%+v", got, want)
	}
	if got.Links[0].ID == "" || got.CreatedAt.IsZero() {
		t.Errorf("link id %q or creation time %v missing", got.Links[0].ID, got.CreatedAt)
	}
}

func TestMutationsChangeTheState(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name   string
		field  string
		input  string
		build  func(ids fixture) map[string]any
		verify func(t *testing.T, st State, ids fixture)
	}{
		{
			name: "updateComponent changes name, description, owner, slug, state and fields", field: "updateComponent",
			input: "UpdateCompassComponentInput",
			build: func(f fixture) map[string]any {
				return map[string]any{
					"id": f.a, "name": "alpha-2", "description": "new", "ownerId": f.team, "slug": "alpha",
					"state": "ACTIVE", "fields": []any{enumField(FieldLifecycle, "Deprecated")},
				}
			},
			verify: func(t *testing.T, st State, f fixture) {
				c, ok := st.Component("alpha-2")
				want := Component{Name: "alpha-2", Description: "new", OwnerID: f.team, Slug: "alpha", State: "ACTIVE"}
				if !ok || c.Description != want.Description || c.OwnerID != want.OwnerID || c.Slug != want.Slug ||
					c.State != want.State || c.Fields[FieldLifecycle][0] != "Deprecated" || c.Fields[FieldTier][0] != "3" {
					t.Errorf("got %+v", c)
				}
			},
		},
		{
			name: "updateComponent with a null owner clears it", field: "updateComponent",
			input: "UpdateCompassComponentInput",
			build: func(f fixture) map[string]any { return map[string]any{"id": f.b, "ownerId": nil} },
			verify: func(t *testing.T, st State, f fixture) {
				if c, _ := st.Component("beta"); c.OwnerID != "" || c.Description != "second" {
					t.Errorf("got %+v", c)
				}
			},
		},
		{
			name: "updateComponentType changes the type", field: "updateComponentType",
			input: "UpdateCompassComponentTypeInput",
			build: func(f fixture) map[string]any { return map[string]any{"id": f.a, "typeId": "WEBSITE"} },
			verify: func(t *testing.T, st State, f fixture) {
				if c, _ := st.Component("alpha"); c.TypeID != "WEBSITE" {
					t.Errorf("type = %q", c.TypeID)
				}
			},
		},
		{
			name: "deleteComponent removes the component, its aliases and relationships", field: "deleteComponent",
			input: "DeleteCompassComponentInput",
			build: func(f fixture) map[string]any { return map[string]any{"id": f.a} },
			verify: func(t *testing.T, st State, f fixture) {
				if _, ok := st.Component("alpha"); ok || len(st.Components) != 1 || len(st.Relationships) != 0 {
					t.Errorf("state after delete: %+v", st)
				}
			},
		},
		{
			name: "deleteComponents removes every listed component", field: "deleteComponents",
			input: "BulkDeleteCompassComponentsInput",
			build: func(f fixture) map[string]any { return map[string]any{"ids": []string{f.a, f.b}} },
			verify: func(t *testing.T, st State, f fixture) {
				if len(st.Components) != 0 {
					t.Errorf("components left: %+v", st.Components)
				}
			},
		},
		{
			name: "createComponentExternalAlias attaches an alias", field: "createComponentExternalAlias",
			input: "CreateCompassComponentExternalAliasInput",
			build: func(f fixture) map[string]any {
				return map[string]any{"componentId": f.b, "externalAlias": map[string]any{
					"externalSource": "backstage", "externalId": "component:default/beta", "url": "https://bs/beta",
				}}
			},
			verify: func(t *testing.T, st State, f fixture) {
				c, _ := st.Component("beta")
				want := []ExternalAlias{{ExternalSource: "backstage", ExternalID: "component:default/beta", URL: "https://bs/beta"}}
				if !reflect.DeepEqual(c.ExternalAliases, want) {
					t.Errorf("aliases = %+v", c.ExternalAliases)
				}
			},
		},
		{
			name: "deleteComponentExternalAlias detaches an alias", field: "deleteComponentExternalAlias",
			input: "DeleteCompassComponentExternalAliasInput",
			build: func(f fixture) map[string]any {
				return map[string]any{"componentId": f.a, "externalAlias": map[string]any{
					"externalSource": "backstage", "externalId": "component:default/alpha",
				}}
			},
			verify: func(t *testing.T, st State, f fixture) {
				if c, _ := st.Component("alpha"); len(c.ExternalAliases) != 0 {
					t.Errorf("aliases = %+v", c.ExternalAliases)
				}
			},
		},
		{
			name: "addComponentLabels adds new labels once", field: "addComponentLabels",
			input: "AddCompassComponentLabelsInput",
			build: func(f fixture) map[string]any {
				return map[string]any{"componentId": f.a, "labelNames": []string{"go", "new", "new"}}
			},
			verify: func(t *testing.T, st State, f fixture) {
				if c, _ := st.Component("alpha"); !reflect.DeepEqual(c.Labels, []string{"go", "new"}) {
					t.Errorf("labels = %v", c.Labels)
				}
			},
		},
		{
			name: "removeComponentLabels removes labels", field: "removeComponentLabels",
			input: "RemoveCompassComponentLabelsInput",
			build: func(f fixture) map[string]any {
				return map[string]any{"componentId": f.a, "labelNames": []string{"go", "absent"}}
			},
			verify: func(t *testing.T, st State, f fixture) {
				if c, _ := st.Component("alpha"); len(c.Labels) != 0 {
					t.Errorf("labels = %v", c.Labels)
				}
			},
		},
		{
			name: "createComponentLink adds a link with an id", field: "createComponentLink",
			input: "CreateCompassComponentLinkInput",
			build: func(f fixture) map[string]any {
				return map[string]any{"componentId": f.b, "link": map[string]any{"type": "DASHBOARD", "url": "http://grafana/b"}}
			},
			verify: func(t *testing.T, st State, f fixture) {
				c, _ := st.Component("beta")
				if len(c.Links) != 1 || c.Links[0].Type != "DASHBOARD" || c.Links[0].ID == "" {
					t.Errorf("links = %+v", c.Links)
				}
			},
		},
		{
			name: "updateComponentLink changes the link in place", field: "updateComponentLink",
			input: "UpdateCompassComponentLinkInput",
			build: func(f fixture) map[string]any {
				return map[string]any{"componentId": f.a, "link": map[string]any{"id": f.link, "url": "https://new", "name": "N"}}
			},
			verify: func(t *testing.T, st State, f fixture) {
				c, _ := st.Component("alpha")
				want := []Link{{ID: f.link, Type: "REPOSITORY", URL: "https://new", Name: "N"}}
				if !reflect.DeepEqual(c.Links, want) {
					t.Errorf("links = %+v", c.Links)
				}
			},
		},
		{
			name: "deleteComponentLink removes the link", field: "deleteComponentLink",
			input: "DeleteCompassComponentLinkInput",
			build: func(f fixture) map[string]any { return map[string]any{"componentId": f.a, "link": f.link} },
			verify: func(t *testing.T, st State, f fixture) {
				if c, _ := st.Component("alpha"); len(c.Links) != 0 {
					t.Errorf("links = %+v", c.Links)
				}
			},
		},
		{
			name: "createRelationship adds a DEPENDS_ON relationship", field: "createRelationship",
			input: "CreateCompassRelationshipInput",
			build: func(f fixture) map[string]any { return map[string]any{"startNodeId": f.b, "endNodeId": f.a} },
			verify: func(t *testing.T, st State, f fixture) {
				if len(st.Relationships) != 2 || !hasRelationship(st, f.b, f.a) {
					t.Errorf("relationships = %+v", st.Relationships)
				}
			},
		},
		{
			name: "deleteRelationship removes the relationship", field: "deleteRelationship",
			input: "DeleteCompassRelationshipInput",
			build: func(f fixture) map[string]any {
				return map[string]any{"startNodeId": f.a, "endNodeId": f.b, "relationshipType": "DEPENDS_ON"}
			},
			verify: func(t *testing.T, st State, f fixture) {
				if len(st.Relationships) != 0 {
					t.Errorf("relationships = %+v", st.Relationships)
				}
			},
		},
		{
			name:  "createCustomFieldDefinition adds a select definition with option ids",
			field: "createCustomFieldDefinition", input: "CompassCreateCustomFieldDefinitionInput",
			build: func(f fixture) map[string]any {
				return map[string]any{"singleSelectFieldDefinition": map[string]any{
					"cloudId": testCloud, "name": "Region", "options": []string{"eu", "us"},
				}}
			},
			verify: func(t *testing.T, st State, f fixture) {
				if len(st.CustomFieldDefinitions) != 2 {
					t.Fatalf("definitions = %+v", st.CustomFieldDefinitions)
				}
				d := st.CustomFieldDefinitions[1]
				if d.Name != "Region" || d.Kind != CustomFieldSingleSelect || len(d.Options) != 2 || d.Options[0].ID == "" {
					t.Errorf("definition = %+v", d)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sim, url := newTestServer(t)
			f := newFixture(t, sim, url)

			p := mutate(t, url, tt.field, tt.input, tt.build(f))
			if p["success"] != true {
				t.Fatalf("%s failed: %v", tt.field, p)
			}
			tt.verify(t, sim.Dump(), f)
		})
	}
}

// fixture is a small site: components alpha (aliased, with a link, label and custom field)
// and beta, alpha depending on beta, a team and a text custom field definition.
type fixture struct {
	a, b, team, link, textField string
}

func newFixture(t *testing.T, sim *Server, url string) fixture {
	t.Helper()
	var f fixture
	f.team = sim.SeedTeam("Platform")

	def := mutate(t, url, "createCustomFieldDefinition", "CompassCreateCustomFieldDefinitionInput", map[string]any{
		"textFieldDefinition": map[string]any{"cloudId": testCloud, "name": "Cost centre"},
	})
	if def["success"] != true {
		t.Fatalf("creating the definition: %v", def)
	}
	f.textField = sim.Dump().CustomFieldDefinitions[0].ID

	f.a = create(t, url, map[string]any{
		"name": "alpha", "typeId": "SERVICE", "labels": []string{"go"},
		"links":        []any{map[string]any{"type": "REPOSITORY", "url": "https://git/alpha"}},
		"fields":       []any{enumField(FieldTier, "3")},
		"customFields": []any{map[string]any{"textField": map[string]any{"definitionId": f.textField, "textValue": "cc-1"}}},
	})
	f.b = create(t, url, map[string]any{"name": "beta", "typeId": "LIBRARY", "description": "second", "ownerId": f.team})
	f.link = sim.Dump().Components[0].Links[0].ID

	alias := mutate(t, url, "createComponentExternalAlias", "CreateCompassComponentExternalAliasInput", map[string]any{
		"componentId": f.a, "externalAlias": map[string]any{"externalSource": "backstage", "externalId": "component:default/alpha"},
	})
	rel := mutate(t, url, "createRelationship", "CreateCompassRelationshipInput",
		map[string]any{"startNodeId": f.a, "endNodeId": f.b})
	if alias["success"] != true || rel["success"] != true {
		t.Fatalf("building the fixture: %v %v", alias, rel)
	}
	return f
}

func hasRelationship(st State, start, end string) bool {
	for _, r := range st.Relationships {
		if r.StartNodeID == start && r.EndNodeID == end && r.Type == "DEPENDS_ON" {
			return true
		}
	}
	return false
}

func TestMutationsRefuseWhatCompassRefuses(t *testing.T) {
	t.Parallel()

	long := func(n int) string { return strings.Repeat("x", n) }
	links := func(n int, url string) []any {
		out := make([]any, n)
		for i := range out {
			out[i] = map[string]any{"type": "DOCUMENT", "url": url}
		}
		return out
	}
	labels := func(n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = fmt.Sprintf("l%d", i)
		}
		return out
	}

	tests := []struct {
		name   string
		field  string
		input  string
		build  func(f fixture) map[string]any
		status float64
		want   string
	}{
		{"a blank name", "createComponent", "", func(fixture) map[string]any {
			return map[string]any{"name": " ", "typeId": "SERVICE"}
		}, 400, errNameInvalid},
		{"a name of 513 characters", "createComponent", "", func(fixture) map[string]any {
			return map[string]any{"name": long(513), "typeId": "SERVICE"}
		}, 400, errNameTooLong},
		{"a description of 4097 characters", "createComponent", "", func(fixture) map[string]any {
			return map[string]any{"name": "n", "typeId": "SERVICE", "description": long(4097)}
		}, 400, errDescriptionTooLong},
		{"a slug with a space", "createComponent", "", func(fixture) map[string]any {
			return map[string]any{"name": "n", "typeId": "SERVICE", "slug": "a b"}
		}, 400, errSlugInvalid},
		{"a slug of 65 characters", "createComponent", "", func(fixture) map[string]any {
			return map[string]any{"name": "n", "typeId": "SERVICE", "slug": long(65)}
		}, 400, errSlugInvalid},
		{"a slug another component uses", "updateComponent", "UpdateCompassComponentInput", func(f fixture) map[string]any {
			return map[string]any{"id": f.b, "slug": "alpha-slug"}
		}, 409, errSlugTaken},
		{"an upper-case label", "createComponent", "", func(fixture) map[string]any {
			return map[string]any{"name": "n", "typeId": "SERVICE", "labels": []string{"Go"}}
		}, 400, errLabelInvalid},
		{"a label with whitespace", "addComponentLabels", "AddCompassComponentLabelsInput", func(f fixture) map[string]any {
			return map[string]any{"componentId": f.a, "labelNames": []string{"two words"}}
		}, 400, errLabelInvalid},
		{"a label of 41 characters", "createComponent", "", func(fixture) map[string]any {
			return map[string]any{"name": "n", "typeId": "SERVICE", "labels": []string{long(41)}}
		}, 400, errLabelInvalid},
		{"an eleventh label", "addComponentLabels", "AddCompassComponentLabelsInput", func(f fixture) map[string]any {
			return map[string]any{"componentId": f.a, "labelNames": labels(10)}
		}, 400, errLabelsMaximum},
		{"an eleventh link of one type", "createComponent", "", func(fixture) map[string]any {
			return map[string]any{"name": "n", "typeId": "SERVICE", "links": links(11, "https://d")}
		}, 400, errLinksMaximumPerType},
		{"a javascript link", "createComponentLink", "CreateCompassComponentLinkInput", func(f fixture) map[string]any {
			return map[string]any{"componentId": f.a, "link": map[string]any{"type": "DOCUMENT", "url": "javascript:alert(1)"}}
		}, 400, errLinkURLInvalid},
		{"a relative link", "createComponent", "", func(fixture) map[string]any {
			return map[string]any{"name": "n", "typeId": "SERVICE", "links": links(1, "/docs")}
		}, 400, errLinkURLInvalid},
		{"an update to a missing link", "updateComponentLink", "UpdateCompassComponentLinkInput", func(f fixture) map[string]any {
			return map[string]any{"componentId": f.a, "link": map[string]any{"id": "nope", "url": "https://x"}}
		}, 404, errLinkNotFound},
		{"an unknown type id", "createComponent", "", func(fixture) map[string]any {
			return map[string]any{"name": "n", "typeId": "MICROSERVICE"}
		}, 400, errTypeInvalid},
		{"an unknown owner team", "createComponent", "", func(fixture) map[string]any {
			return map[string]any{"name": "n", "typeId": "SERVICE", "ownerId": "ari:cloud:identity::team/unknown"}
		}, 400, errOwnerInvalid},
		{"an owner that is not a team ARI", "updateComponent", "UpdateCompassComponentInput", func(f fixture) map[string]any {
			return map[string]any{"id": f.a, "ownerId": "platform"}
		}, 400, errOwnerInvalid},
		{"an alias another component carries", "createComponentExternalAlias", "CreateCompassComponentExternalAliasInput",
			func(f fixture) map[string]any {
				return map[string]any{"componentId": f.b, "externalAlias": map[string]any{
					"externalSource": "backstage", "externalId": "component:default/alpha",
				}}
			}, 409, errAliasTaken},
		{"removing an alias the component lacks", "deleteComponentExternalAlias", "DeleteCompassComponentExternalAliasInput",
			func(f fixture) map[string]any {
				return map[string]any{"componentId": f.b, "externalAlias": map[string]any{
					"externalSource": "backstage", "externalId": "component:default/alpha",
				}}
			}, 404, errAliasNotFound},
		{"a duplicate relationship", "createRelationship", "CreateCompassRelationshipInput", func(f fixture) map[string]any {
			return map[string]any{"startNodeId": f.a, "endNodeId": f.b}
		}, 409, errRelationshipExists},
		{"a relationship with itself", "createRelationship", "CreateCompassRelationshipInput", func(f fixture) map[string]any {
			return map[string]any{"startNodeId": f.a, "endNodeId": f.a}
		}, 400, errRelationshipSelf},
		{"a relationship to a missing component", "createRelationship", "CreateCompassRelationshipInput",
			func(f fixture) map[string]any {
				return map[string]any{"startNodeId": f.a, "endNodeId": f.a[:len(f.a)-4] + "0000"}
			}, 404, errComponentNotFound},
		{"deleting a missing relationship", "deleteRelationship", "DeleteCompassRelationshipInput", func(f fixture) map[string]any {
			return map[string]any{"startNodeId": f.b, "endNodeId": f.a}
		}, 404, errRelationshipNotFound},
		{"a malformed component ARI", "deleteComponent", "DeleteCompassComponentInput", func(fixture) map[string]any {
			return map[string]any{"id": "component-1"}
		}, 400, errComponentARIInvalid},
		{"a missing component", "updateComponent", "UpdateCompassComponentInput", func(f fixture) map[string]any {
			return map[string]any{"id": f.a[:len(f.a)-4] + "0000", "name": "x"}
		}, 404, errComponentNotFound},
		{"an unknown lifecycle value", "updateComponent", "UpdateCompassComponentInput", func(f fixture) map[string]any {
			return map[string]any{"id": f.a, "fields": []any{enumField(FieldLifecycle, "Production")}}
		}, 400, errFieldValueInvalid},
		{"a tier of 5", "createComponent", "", func(fixture) map[string]any {
			return map[string]any{"name": "n", "typeId": "SERVICE", "fields": []any{enumField(FieldTier, "5")}}
		}, 400, errFieldValueInvalid},
		{"an unknown field definition", "createComponent", "", func(fixture) map[string]any {
			return map[string]any{"name": "n", "typeId": "SERVICE", "fields": []any{enumField("compass:colour", "red")}}
		}, 404, errFieldDefinitionUnknown},
		{"a custom field value of the wrong kind", "updateComponent", "UpdateCompassComponentInput", func(f fixture) map[string]any {
			return map[string]any{"id": f.a, "customFields": []any{
				map[string]any{"numberField": map[string]any{"definitionId": f.textField, "numberValue": 3}},
			}}
		}, 400, errCustomFieldInvalid},
		{"a custom field without a definition", "createComponent", "", func(fixture) map[string]any {
			return map[string]any{"name": "n", "typeId": "SERVICE", "customFields": []any{
				map[string]any{"textField": map[string]any{"definitionId": "missing", "textValue": "v"}},
			}}
		}, 404, errCustomFieldUnknown},
		{"a second definition with the same name", "createCustomFieldDefinition", "CompassCreateCustomFieldDefinitionInput",
			func(fixture) map[string]any {
				return map[string]any{"numberFieldDefinition": map[string]any{"cloudId": testCloud, "name": "cost centre"}}
			}, 409, errCustomFieldNameTaken},
		{"a definition with two kinds", "createCustomFieldDefinition", "CompassCreateCustomFieldDefinitionInput",
			func(fixture) map[string]any {
				return map[string]any{
					"numberFieldDefinition":  map[string]any{"cloudId": testCloud, "name": "a"},
					"booleanFieldDefinition": map[string]any{"cloudId": testCloud, "name": "b"},
				}
			}, 400, errArgumentInvalid},
	}
	for _, tt := range tests {
		t.Run("refuses "+tt.name, func(t *testing.T) {
			t.Parallel()
			sim, url := newTestServer(t)
			f := newFixture(t, sim, url)
			if p := mutate(t, url, "updateComponent", "UpdateCompassComponentInput",
				map[string]any{"id": f.a, "slug": "alpha-slug"}); p["success"] != true {
				t.Fatalf("setting the slug: %v", p)
			}
			before := sim.Dump()

			var p map[string]any
			if tt.field == "createComponent" {
				resp := post(t, url, createDoc, map[string]any{"c": testCloud, "in": tt.build(f)})
				p, _ = dig(resp.Data, "compass", "createComponent").(map[string]any)
			} else {
				p = mutate(t, url, tt.field, tt.input, tt.build(f))
			}

			if got := errorType(p); got != tt.want {
				t.Errorf("error type = %q, want %q (payload %v)", got, tt.want, p)
			}
			if got := dig(p, "errors", 0, "extensions", "statusCode"); got != tt.status {
				t.Errorf("status = %v, want %v", got, tt.status)
			}
			if after := sim.Dump(); !reflect.DeepEqual(before, after) {
				t.Errorf("a refused mutation changed the state:\n%+v\n%+v", before, after)
			}
		})
	}
}

func TestCreateComponentRefusesAnotherCloudID(t *testing.T) {
	t.Parallel()
	sim, url := newTestServer(t)

	resp := post(t, url, createDoc, map[string]any{"c": "other-cloud", "in": map[string]any{"name": "n", "typeId": "SERVICE"}})
	if got := errorType(dig(resp.Data, "compass", "createComponent")); got != errCloudIDInvalid {
		t.Errorf("error type = %q, want %q", got, errCloudIDInvalid)
	}
	if n := len(sim.Dump().Components); n != 0 {
		t.Errorf("%d components stored", n)
	}
}

func TestBatchReportsEachAliasOnItsOwn(t *testing.T) {
	t.Parallel()
	sim, url := newTestServer(t)

	doc := `mutation($c: ID!) { compass {
  ok1: createComponent(cloudId: $c, input: {name: "one", typeId: "SERVICE"}) { ...P }
  bad: createComponent(cloudId: $c, input: {name: "two", typeId: "NOPE"}) { ...P }
  ok2: createComponent(cloudId: $c, input: {name: "three", typeId: "LIBRARY", labels: ["x"]}) { ...P }
  gone: deleteComponent(input: {id: "ari:cloud:compass:cloud-1:component/w/missing"}) { success errors { message } }
} }
fragment P on CreateCompassComponentPayload { success errors { extensions { errorType } } componentDetails { name } }`
	resp := post(t, url, doc, map[string]any{"c": testCloud})
	if len(resp.Errors) > 0 {
		t.Fatalf("errors: %s", resp.Raw)
	}

	compass := dig(resp.Data, "compass")
	for alias, want := range map[string]bool{"ok1": true, "bad": false, "ok2": true, "gone": false} {
		if got := dig(compass, alias, "success"); got != want {
			t.Errorf("%s success = %v, want %v", alias, got, want)
		}
	}
	if got := dig(compass, "gone", "errors", 0, "message"); got != "Component not found" {
		t.Errorf("gone message = %v", got)
	}
	if got := dig(compass, "ok2", "componentDetails", "name"); got != "three" {
		t.Errorf("ok2 details = %v", got)
	}
	if n := len(sim.Dump().Components); n != 2 {
		t.Errorf("%d components stored, want 2", n)
	}
	if got := sim.Stats().Mutations; got != 4 {
		t.Errorf("mutations counted = %d, want 4", got)
	}
}

func TestBatchRunsMutationsInDocumentOrder(t *testing.T) {
	t.Parallel()
	sim, url := newTestServer(t)
	id := create(t, url, map[string]any{"name": "n", "typeId": "SERVICE"})

	doc := `mutation($id: ID!) { compass {
  a: addComponentLabels(input: {componentId: $id, labelNames: ["one"]}) { success }
  b: removeComponentLabels(input: {componentId: $id, labelNames: ["one"]}) { success removedLabelNames }
  c: addComponentLabels(input: {componentId: $id, labelNames: ["two"]}) { success addedLabels { name } }
} }`
	resp := post(t, url, doc, map[string]any{"id": id})
	if got := dig(resp.Data, "compass", "b", "removedLabelNames", 0); got != "one" {
		t.Errorf("removed = %v, want one (body %s)", got, resp.Raw)
	}
	if c, _ := sim.Dump().Component("n"); !reflect.DeepEqual(c.Labels, []string{"two"}) {
		t.Errorf("labels = %v, want [two]", c.Labels)
	}
}

func TestDeleteComponentsReportsMissingIDs(t *testing.T) {
	t.Parallel()
	sim, url := newTestServer(t)
	id := create(t, url, map[string]any{"name": "n", "typeId": "SERVICE"})
	missing := id[:len(id)-4] + "0000"

	resp := post(t, url, `mutation($in: BulkDeleteCompassComponentsInput!) { compass { deleteComponents(input: $in) {
  success deletedComponentIds errors { extensions { errorType } } } } }`,
		map[string]any{"in": map[string]any{"ids": []string{id, missing}}})
	p := dig(resp.Data, "compass", "deleteComponents")
	if dig(p, "success") != false || dig(p, "deletedComponentIds", 0) != id ||
		dig(p, "errors", 0, "extensions", "errorType") != errComponentNotFound {
		t.Errorf("payload = %s", resp.Raw)
	}
	if n := len(sim.Dump().Components); n != 0 {
		t.Errorf("%d components left", n)
	}
}

func TestCustomFieldValuesAreStoredAndMerged(t *testing.T) {
	t.Parallel()
	sim, url := newTestServer(t)
	f := newFixture(t, sim, url)

	p := mutate(t, url, "createCustomFieldDefinition", "CompassCreateCustomFieldDefinitionInput", map[string]any{
		"booleanFieldDefinition": map[string]any{"cloudId": testCloud, "name": "Public"},
	})
	if p["success"] != true {
		t.Fatalf("creating the definition: %v", p)
	}
	boolDef := sim.Dump().CustomFieldDefinitions[1].ID

	p = mutate(t, url, "updateComponent", "UpdateCompassComponentInput", map[string]any{"id": f.a, "customFields": []any{
		map[string]any{"booleanField": map[string]any{"definitionId": boolDef, "booleanValue": true}},
	}})
	if p["success"] != true {
		t.Fatalf("updating: %v", p)
	}

	c, _ := sim.Dump().Component("alpha")
	if len(c.CustomFields) != 2 {
		t.Fatalf("custom fields = %+v", c.CustomFields)
	}
	for _, v := range c.CustomFields {
		switch v.DefinitionID {
		case f.textField:
			if v.Text == nil || *v.Text != "cc-1" {
				t.Errorf("text value = %v", v.Text)
			}
		case boolDef:
			if v.Boolean == nil || !*v.Boolean {
				t.Errorf("boolean value = %v", v.Boolean)
			}
		}
	}
}
