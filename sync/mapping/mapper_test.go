package mapping

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// doc decodes an entity written as JSON, as it arrives from the catalog.
func doc(t testing.TB, s string) map[string]any {
	t.Helper()

	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatalf("decoding %s: %v", s, err)
	}

	return m
}

func mustCompile(t testing.TB, r Rules) *Mapper {
	t.Helper()

	m, err := Compile(r)
	if err != nil {
		t.Fatalf("Compile: %v", err)
	}

	return m
}

const plainService = `{"kind":"Component","metadata":{"name":"cart","namespace":"shop",
	"tags":["go","Backend"],"annotations":{"acme.io/team":"x"}},
	"spec":{"type":"service","lifecycle":"production","owner":"web"}}`

func TestMapFilters(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name     string
		include  []FilterRule
		exclude  []FilterRule
		wantRule string
	}{
		{"the default include keeps a component", nil, nil, ""},
		{"an include by another kind skips it", []FilterRule{{Kinds: []string{"API"}}}, nil,
			"mapping.filters.include"},
		{"an include matches kinds without regard to case",
			[]FilterRule{{Kinds: []string{"component"}}}, nil, ""},
		{"one of several include rules is enough",
			[]FilterRule{{Kinds: []string{"API"}}, {Types: []string{"service"}}}, nil, ""},
		{"an exclude by type skips it with its name", nil,
			[]FilterRule{{Name: "no services", Types: []string{"SERVICE"}}}, "no services"},
		{"an exclude without a name is named by its key", nil,
			[]FilterRule{{}, {Namespaces: []string{"shop"}}}, "mapping.filters.exclude[0]"},
		{"an exclude by namespace skips it", nil,
			[]FilterRule{{Name: "shop", Namespaces: []string{"shop"}}}, "shop"},
		{"an exclude by lifecycle skips it", nil,
			[]FilterRule{{Name: "prod", Lifecycles: []string{"production"}}}, "prod"},
		{"an exclude by a short owner ref resolves in the entity's namespace", nil,
			[]FilterRule{{Name: "web", Owners: []string{"group:shop/web"}}}, "web"},
		{"an exclude by another owner keeps it", nil,
			[]FilterRule{{Name: "web", Owners: []string{"web"}}}, ""},
		{"an exclude by any tag skips it", nil,
			[]FilterRule{{Name: "tags", Tags: []string{"python", "backend"}}}, "tags"},
		{"an exclude by annotation presence skips it", nil,
			[]FilterRule{{Name: "team", Annotations: []string{"acme.io/team"}}}, "team"},
		{"an exclude by another annotation value keeps it", nil,
			[]FilterRule{{Name: "team", Annotations: []string{"acme.io/team=y"}}}, ""},
		{"every condition of a rule must hold", nil,
			[]FilterRule{{Name: "both", Types: []string{"service"}, Lifecycles: []string{"experimental"}}}, ""},
		{"an exclude expression that holds skips it", nil,
			[]FilterRule{{Name: "expr", Expression: `"go" in tags && ref == "component:shop/cart"`}}, "expr"},
		{"an exclude expression that does not hold keeps it", nil,
			[]FilterRule{{Name: "expr", Expression: `spec.lifecycle == "experimental"`}}, ""},
		{"an expression that fails to run skips it naming the rule", nil,
			[]FilterRule{{Name: "broken", Expression: `metadata.links[0].url == "x"`}}, "broken"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			rules := Default()
			if tt.include != nil {
				rules.Filters.Include = tt.include
			}
			rules.Filters.Exclude = tt.exclude
			c, skip := mustCompile(t, rules).Map(doc(t, plainService), Env{})

			switch {
			case tt.wantRule == "" && skip != nil:
				t.Fatalf("skipped by %s (%s), want it mapped", skip.Rule, skip.Reason)
			case tt.wantRule == "" && c.Ref != "component:shop/cart":
				t.Fatalf("Ref = %q, want component:shop/cart", c.Ref)
			case tt.wantRule != "" && skip == nil:
				t.Fatalf("mapped, want a skip by %s", tt.wantRule)
			case tt.wantRule != "" && (skip.Rule != tt.wantRule || skip.Ref != "component:shop/cart" || skip.Reason == ""):
				t.Fatalf("skip = %+v, want rule %s with the ref and a reason", skip, tt.wantRule)
			}
		})
	}
}

func TestMapResolvesOwners(t *testing.T) {
	t.Parallel()

	teams := TeamList{
		{ID: "ari:cloud:identity::team/web", Name: "WEB"},
		{ID: "ari:cloud:identity::team/titled", Name: "The Platform Crew"},
		{ID: "ari:cloud:identity::team/d1", Name: "dup"},
		{ID: "ari:cloud:identity::team/d2", Name: "Dup"},
	}
	groups := GroupMap{"group:default/platform": {Ref: "group:default/platform", Title: "the platform crew"}}

	tests := []struct {
		name    string
		owner   string
		table   map[string]string
		byName  bool
		env     Env
		want    string
		warning string
	}{
		{"the team table wins over a name match", "group:default/web",
			map[string]string{"web": "ari:cloud:identity::team/table"}, true,
			Env{Teams: teams}, "ari:cloud:identity::team/table", ""},
		{"a short owner means a group in the entity's namespace", "web", nil, true,
			Env{Teams: teams}, "ari:cloud:identity::team/web", ""},
		{"the group's title matches when its name does not", "platform", nil, true,
			Env{Teams: teams, Groups: groups}, "ari:cloud:identity::team/titled", ""},
		{"two teams with the name leave the owner empty", "dup", nil, true,
			Env{Teams: teams}, "", "matches 2 teams"},
		{"no team directory leaves the owner empty", "web", nil, true, Env{}, "", "not in the team table"},
		{"name matching switched off leaves the owner empty", "web", nil, false,
			Env{Teams: teams}, "", "not in the team table"},
		{"a user owner is not matched by name", "user:web", nil, true,
			Env{Teams: teams}, "", "not a group"},
		{"a user owner in the team table resolves", "user:default/jane",
			map[string]string{"user:default/jane": "ari:cloud:identity::team/jane"}, true,
			Env{}, "ari:cloud:identity::team/jane", ""},
		{"an unknown group leaves the owner empty", "nobody", nil, true,
			Env{Teams: teams, Groups: groups}, "", "no Compass team"},
		{"no owner leaves it empty", "", nil, true, Env{Teams: teams}, "", "names no owner"},
		{"a malformed owner leaves it empty", "group:a/b/c", nil, true, Env{Teams: teams}, "", "not an entity ref"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			rules := Default()
			rules.Owner.Teams = tt.table
			rules.Owner.MatchByName = tt.byName
			entity := doc(t, `{"kind":"Component","metadata":{"name":"x"},"spec":{}}`)
			entity["spec"].(map[string]any)["owner"] = tt.owner

			c, _ := mustCompile(t, rules).Map(entity, tt.env)

			if c.OwnerID != tt.want {
				t.Errorf("OwnerID = %q, want %q", c.OwnerID, tt.want)
			}
			got := warningsFor(c, FieldOwner)
			wantOne := tt.warning != "" && len(got) == 1 && strings.Contains(got[0], tt.warning)
			if tt.warning == "" && len(got) > 0 || tt.warning != "" && !wantOne {
				t.Errorf("owner warnings = %q, want one with %q", got, tt.warning)
			}
		})
	}
}

func TestMapWithoutOwnerPathMapsNoOwner(t *testing.T) {
	t.Parallel()

	rules := Default()
	rules.Owner.Path = ""
	rules.Owner.Teams = map[string]string{"web": "ari:cloud:identity::team/web"}
	c, _ := mustCompile(t, rules).Map(doc(t, plainService), Env{})

	if c.OwnerID != "" || len(warningsFor(c, FieldOwner)) != 0 {
		t.Errorf("OwnerID = %q, warnings %+v; want no owner and no warning", c.OwnerID, c.Warnings)
	}
}

func warningsFor(c Component, field string) []string {
	var out []string
	for _, w := range c.Warnings {
		if w.Field == field {
			out = append(out, w.Message)
		}
	}

	return out
}

func TestMapClassifiesLinks(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name string
		link string
		want string
	}{
		{"a source type is a repository", `{"url":"https://x.example/1","type":"source"}`, LinkRepository},
		{"a github icon is a repository", `{"url":"https://x.example/1","icon":"github"}`, LinkRepository},
		{"a docs type is a document", `{"url":"https://x.example/1","type":"docs"}`, LinkDocument},
		{"a dashboard icon is a dashboard", `{"url":"https://x.example/1","icon":"dashboard"}`, LinkDashboard},
		{"a CI title is a dashboard", `{"url":"https://x.example/1","title":"CI pipeline"}`, LinkDashboard},
		{"a slack title is a chat channel", `{"url":"https://x.example/1","title":"Slack #team"}`, LinkChat},
		{"an on-call title is on call", `{"url":"https://x.example/1","title":"On-call rota"}`, LinkOnCall},
		{"the type wins over the title", `{"url":"https://x.example/1","type":"docs","title":"Logs"}`, LinkDocument},
		{"a keyword must be a whole word", `{"url":"https://x.example/1","title":"Circus"}`, LinkOther},
		{"nothing known is another link", `{"url":"https://x.example/1","title":"Status"}`, LinkOther},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			entity := doc(t, `{"kind":"Component","metadata":{"name":"x","links":[`+tt.link+`]}}`)
			c, _ := mustCompile(t, Default()).Map(entity, Env{})

			if len(c.Links) != 1 || c.Links[0].Type != tt.want {
				t.Errorf("Links = %+v, want one %s link", c.Links, tt.want)
			}
		})
	}
}

func TestMapAnnotationLinks(t *testing.T) {
	t.Parallel()

	entity := doc(t, `{"kind":"Component","metadata":{"name":"cart","namespace":"Shop","annotations":{
		"backstage.io/source-location":"url:https://github.com/acme/cart/",
		"backstage.io/techdocs-ref":"dir:.","pagerduty.com/service-id":"P1 2"}}}`)

	tests := []struct {
		name      string
		techDocs  string
		pagerDuty string
		want      []Link
	}{
		{"only the source location without base URLs", "", "", []Link{
			{Type: LinkRepository, URL: "https://github.com/acme/cart/", Name: "Source"},
		}},
		{"techdocs and PagerDuty links with base URLs", "https://bs.example/docs/", "https://acme.pagerduty.com", []Link{
			{Type: LinkRepository, URL: "https://github.com/acme/cart/", Name: "Source"},
			{Type: LinkDocument, URL: "https://bs.example/docs/Shop/component/cart", Name: "TechDocs"},
			{Type: LinkOnCall, URL: "https://acme.pagerduty.com/service-directory/P1%202", Name: "PagerDuty"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			rules := Default()
			rules.Links.TechDocsBaseURL = tt.techDocs
			rules.Links.PagerDutyBaseURL = tt.pagerDuty
			c, _ := mustCompile(t, rules).Map(entity, Env{})

			if !reflect.DeepEqual(c.Links, tt.want) {
				t.Errorf("Links = %+v, want %+v", c.Links, tt.want)
			}
		})
	}
}

func TestMapFields(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name  string
		rule  FieldRule
		check func(t *testing.T, c Component)
	}{
		{"a lifecycle outside Compass's values is left empty with a warning",
			FieldRule{Target: FieldLifecycle, Sources: []string{"spec.type"}},
			func(t *testing.T, c Component) {
				if c.Lifecycle != "" || len(warningsFor(c, FieldLifecycle)) != 1 {
					t.Errorf("Lifecycle = %q, warnings %q", c.Lifecycle, warningsFor(c, FieldLifecycle))
				}
			}},
		{"a tier written as tier-3 becomes 3",
			FieldRule{Target: FieldTier, Sources: []string{`metadata.labels["acme.io/tier"]`}},
			func(t *testing.T, c Component) {
				if c.Tier != "3" {
					t.Errorf("Tier = %q, want 3", c.Tier)
				}
			}},
		{"a number custom field parses the text",
			FieldRule{Target: "custom:Port", Kind: CustomNumber, Sources: []string{"spec.port"}},
			func(t *testing.T, c Component) {
				if len(c.CustomFields) != 1 || c.CustomFields[0].Number == nil || *c.CustomFields[0].Number != 8080 {
					t.Errorf("CustomFields = %+v, want Port 8080", c.CustomFields)
				}
			}},
		{"a number custom field refuses words with a warning",
			FieldRule{Target: "custom:Port", Kind: CustomNumber, Sources: []string{"spec.type"}},
			func(t *testing.T, c Component) {
				if len(c.CustomFields) != 0 || len(warningsFor(c, "custom:Port")) != 1 {
					t.Errorf("CustomFields = %+v, warnings %q", c.CustomFields, c.Warnings)
				}
			}},
		{"a boolean custom field reads true",
			FieldRule{Target: "custom:Public", Kind: CustomBoolean, Sources: []string{"spec.public"}},
			func(t *testing.T, c Component) {
				if len(c.CustomFields) != 1 || c.CustomFields[0].Boolean == nil || !*c.CustomFields[0].Boolean {
					t.Errorf("CustomFields = %+v, want Public true", c.CustomFields)
				}
			}},
		{"an absent source gives no custom field and no warning",
			FieldRule{Target: "custom:Cost", Kind: CustomText, Sources: []string{"spec.cost"}},
			func(t *testing.T, c Component) {
				if len(c.CustomFields) != 0 || len(warningsFor(c, "custom:Cost")) != 0 {
					t.Errorf("CustomFields = %+v, warnings %+v", c.CustomFields, c.Warnings)
				}
			}},
		{"the later source is used when the first is empty",
			FieldRule{Target: FieldDescription, Sources: []string{"metadata.description", "spec.type"}},
			func(t *testing.T, c Component) {
				if c.Description != "service" {
					t.Errorf("Description = %q, want service", c.Description)
				}
			}},
		{"a pipeline runs its steps in order",
			FieldRule{Target: FieldDescription, Sources: []string{"metadata.tags"}, Transforms: []Transform{
				{Op: OpLower}, {Op: OpMap, Values: map[string]string{"go": "golang"}},
				{Op: OpJoin, Separator: "+"}, {Op: OpReplace, Pattern: `\+`, Replacement: " and "},
				{Op: OpTruncate, Max: 13}, {Op: OpSlug},
			}},
			func(t *testing.T, c Component) {
				if c.Description != "golang-and-ba" {
					t.Errorf("Description = %q, want golang-and-ba", c.Description)
				}
			}},
		{"a template reads annotations through Get",
			FieldRule{Target: FieldDescription, Transforms: []Transform{{Op: OpTemplate,
				Template: `{{upper (.Get "metadata.annotations[\"acme.io/team\"]")}}-{{.Value}}`}}},
			func(t *testing.T, c Component) {
				if c.Description != "X-" {
					t.Errorf("Description = %q, want X-", c.Description)
				}
			}},
		{"a failing template leaves the field alone with a warning",
			FieldRule{Target: FieldDescription, Transforms: []Transform{{Op: OpTemplate,
				Template: `{{index .Entity.nothing "a"}}`}}},
			func(t *testing.T, c Component) {
				if c.Description != "" || len(warningsFor(c, FieldDescription)) != 1 {
					t.Errorf("Description = %q, warnings %+v", c.Description, c.Warnings)
				}
			}},
		{"a template that writes too much fails",
			FieldRule{Target: FieldDescription, Transforms: []Transform{{Op: OpTemplate,
				Template: `{{range .Entity.metadata.tags}}{{range $.Entity.spec.big}}{{.}}{{end}}{{end}}`}}},
			func(t *testing.T, c Component) {
				w := warningsFor(c, FieldDescription)
				if c.Description != "" || len(w) != 1 || !strings.Contains(w[0], "64 KiB") {
					t.Errorf("Description = %q, warnings %q", c.Description, w)
				}
			}},
		{"a printf with a huge width fails",
			FieldRule{Target: FieldDescription, Transforms: []Transform{{Op: OpTemplate,
				Template: `{{printf "%999999999d" 1}}`}}},
			func(t *testing.T, c Component) {
				w := warningsFor(c, FieldDescription)
				if c.Description != "" || len(w) != 1 || !strings.Contains(w[0], "width") {
					t.Errorf("Description = %q, warnings %q", c.Description, w)
				}
			}},
		{"a Compass-owned field is marked in Truth",
			FieldRule{Target: FieldDescription, Truth: TruthCompass},
			func(t *testing.T, c Component) {
				if c.Truth[FieldDescription] != TruthCompass || len(c.Truth) != 1 {
					t.Errorf("Truth = %v, want description owned by compass", c.Truth)
				}
			}},
	}
	big := strings.Repeat("y", 40<<10)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			rules := Default()
			rules.Fields = []FieldRule{tt.rule}
			entity := doc(t, `{"kind":"Component","metadata":{"name":"n","tags":["Go","Backend"],
				"labels":{"acme.io/tier":"Tier-3"},"annotations":{"acme.io/team":"x"}},
				"spec":{"type":"service","port":8080,"public":"TRUE","big":["`+big+`","`+big+`"]}}`)

			c, skip := mustCompile(t, rules).Map(entity, Env{})
			if skip != nil {
				t.Fatalf("skipped: %+v", skip)
			}
			tt.check(t, c)
		})
	}
}

func TestMapFitsNameAndDescription(t *testing.T) {
	t.Parallel()

	long := strings.Repeat("é", 5000)
	entity := doc(t, `{"kind":"Component","metadata":{"name":"n","title":"`+long+`","description":"`+long+`"}}`)

	c, _ := mustCompile(t, Default()).Map(entity, Env{})

	if n := utf8.RuneCountInString(c.Name); n != MaxNameLength {
		t.Errorf("name has %d characters, want %d", n, MaxNameLength)
	}
	if n := utf8.RuneCountInString(c.Description); n != MaxDescriptionLength {
		t.Errorf("description has %d characters, want %d", n, MaxDescriptionLength)
	}
	if len(warningsFor(c, FieldName)) != 1 || len(warningsFor(c, FieldDescription)) != 1 {
		t.Errorf("warnings = %+v, want one for name and one for description", c.Warnings)
	}
}

func TestMapFallsBackToTheEntityName(t *testing.T) {
	t.Parallel()

	rules := Default()
	rules.Fields[0].Sources = []string{"metadata.title"}
	c, _ := mustCompile(t, rules).Map(doc(t, `{"kind":"Component","metadata":{"name":"cart"}}`), Env{})

	if c.Name != "cart" || len(warningsFor(c, FieldName)) != 1 {
		t.Errorf("Name = %q, warnings %+v; want cart with one warning", c.Name, c.Warnings)
	}
}

func TestMapLabels(t *testing.T) {
	t.Parallel()

	rules := Default()
	rules.Labels.Extra = []string{"imported:backstage"}
	entity := doc(t, `{"kind":"Component","metadata":{"name":"n","tags":
		["Zed","two  words","zed","`+strings.Repeat("k", 45)+`","b","c","d","e","f","g","h","i"]}}`)

	c, _ := mustCompile(t, rules).Map(entity, Env{})

	want := []string{"b", "c", "d", "e", "f", "imported:backstage", strings.Repeat("k", 40), "two-words", "zed", "g"}
	slices.Sort(want)
	if !reflect.DeepEqual(c.Labels, want) {
		t.Errorf("Labels = %q, want %q", c.Labels, want)
	}
	if got := len(warningsFor(c, FieldLabels)); got != 5 {
		t.Errorf("label warnings = %d (%+v), want 5: Zed, two words, the long tag, h and i", got, c.Warnings)
	}
}

func TestMapDependsOn(t *testing.T) {
	t.Parallel()

	entity := doc(t, `{"kind":"Component","metadata":{"name":"n","namespace":"shop"},
		"spec":{"dependsOn":["Checkout","resource:db","API:Other/Pay","component:shop/checkout","n"]}}`)

	c, _ := mustCompile(t, Default()).Map(entity, Env{})

	want := []string{"api:other/pay", "component:shop/checkout", "resource:shop/db"}
	if !reflect.DeepEqual(c.DependsOn, want) {
		t.Errorf("DependsOn = %q, want %q", c.DependsOn, want)
	}
	if w := warningsFor(c, FieldDependsOn); len(w) != 1 || !strings.Contains(w[0], "itself") {
		t.Errorf("dependency warnings = %q, want one about the entity itself", w)
	}
}

func TestMapStableKey(t *testing.T) {
	t.Parallel()

	entity := doc(t, `{"kind":"Component","metadata":{"name":"n","annotations":
		{"github.com/project-slug":"acme/n","acme.io/id":"42"}}}`)

	tests := []struct {
		name       string
		annotation string
		want       string
	}{
		{"the default annotation is read", DefaultStableKeyAnnotation, "acme/n"},
		{"another annotation can be configured", "acme.io/id", "42"},
		{"a missing annotation gives no key", "acme.io/none", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			rules := Default()
			rules.StableKeyAnnotation = tt.annotation
			c, _ := mustCompile(t, rules).Map(entity, Env{})

			if c.StableKey != tt.want {
				t.Errorf("StableKey = %q, want %q", c.StableKey, tt.want)
			}
		})
	}
}

func TestMapTypeTable(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name string
		kind string
		typ  string
		want string
	}{
		{"a service", "Component", "service", "SERVICE"},
		{"a website written in capitals", "component", "WEBSITE", "WEBSITE"},
		{"an sdk is a library", "Component", "sdk", "LIBRARY"},
		{"an API of any type", "API", "openapi", "OTHER"},
		{"a resource", "Resource", "s3-bucket", "CLOUD_RESOURCE"},
		{"an unknown component type takes the default", "Component", "mainframe", "SERVICE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			rules := Default()
			rules.Filters.Include = []FilterRule{KindFilter("Component", "API", "Resource")}
			entity := doc(t, `{"kind":"`+tt.kind+`","metadata":{"name":"n"},"spec":{"type":"`+tt.typ+`"}}`)
			c, skip := mustCompile(t, rules).Map(entity, Env{})

			if skip != nil || c.TypeID != tt.want {
				t.Errorf("TypeID = %q (skip %+v), want %s", c.TypeID, skip, tt.want)
			}
		})
	}
}

func TestPreviewShowsEachStep(t *testing.T) {
	t.Parallel()

	rules := Default()
	rules.Fields = []FieldRule{{
		Target:     FieldDescription,
		Sources:    []string{"metadata.description", "spec.type"},
		Transforms: []Transform{{Op: OpLower}, {Op: OpTruncate, Max: 3}},
	}}
	entity := doc(t, `{"kind":"API","metadata":{"name":"n"},"spec":{"type":"GraphQL"}}`)

	p := mustCompile(t, rules).Preview(entity, Env{})

	if p.Skip == nil || p.Skip.Rule != "mapping.filters.include" {
		t.Errorf("Skip = %+v, want the include filter", p.Skip)
	}
	if p.Component.Description != "gra" {
		t.Errorf("Description = %q, want gra even for a skipped entity", p.Component.Description)
	}
	want := []FieldTrace{{Target: FieldDescription, Source: "spec.type", Input: "GraphQL", Steps: []StepTrace{
		{Op: OpLower, Output: "graphql"}, {Op: OpTruncate, Output: "gra"},
	}}}
	if !reflect.DeepEqual(p.Fields, want) {
		t.Errorf("Fields = %+v, want %+v", p.Fields, want)
	}
}

func TestMapSkipsEntitiesWithoutIdentity(t *testing.T) {
	t.Parallel()

	for _, s := range []string{
		`{}`, `{"kind":"Component"}`, `{"metadata":{"name":"n"}}`, `{"kind":"Component","metadata":[]}`,
	} {
		_, skip := mustCompile(t, Default()).Map(doc(t, s), Env{})
		if skip == nil || skip.Rule != "entity" {
			t.Errorf("Map(%s) skip = %+v, want the entity rule", s, skip)
		}
	}
}

func TestMapIsSafeForConcurrentUse(t *testing.T) {
	t.Parallel()

	m := mustCompile(t, readRules(t, "testdata/rich-rules.yaml"))
	docs := readEntities(t)
	want, err := mapDocs(m, docs)
	if err != nil {
		t.Fatal(err)
	}

	done := make(chan []byte)
	for range 4 {
		go func() {
			got, _ := mapDocs(m, docs)
			done <- got
		}()
	}
	for range 4 {
		if got := <-done; string(got) != string(want) {
			t.Error("a concurrent Map gave another result than a lone one")
		}
	}
}
