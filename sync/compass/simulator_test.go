package compass_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/backstage-sync/backstage-sync/sync/compass"
	"github.com/backstage-sync/backstage-sync/sync/compass/compasssim"
)

const (
	simEmail = "sync@example.com"
	simToken = "sim-token"
)

// newSim starts a simulator on loopback and returns it with a client for it.
func newSim(tb testing.TB) (*compasssim.Server, *compass.Client) {
	tb.Helper()

	sim := compasssim.New(compasssim.Options{Email: simEmail, Token: simToken, SiteHost: "127.0.0.1", Seed: 1})
	srv := httptest.NewServer(sim)
	tb.Cleanup(srv.Close)

	c, err := compass.New(srv.URL, simEmail, simToken)
	if err != nil {
		tb.Fatal(err)
	}

	return sim, c
}

// mustComponent returns the component with id from the simulator's state.
func mustComponent(t *testing.T, sim *compasssim.Server, id string) compasssim.Component {
	t.Helper()

	for _, c := range sim.Dump().Components {
		if c.ID == id {
			return c
		}
	}
	t.Fatalf("component %s is not in the simulator", id)

	return compasssim.Component{}
}

func TestClientOperationsAgainstTheSimulator(t *testing.T) {
	t.Parallel()

	sim, c := newSim(t)
	ctx := context.Background()
	team := sim.SeedTeam("Payments Team")
	alias := compass.ExternalAlias{Source: "backstage", ID: "component:default/payments"}
	var id, other, linkID string

	steps := []struct {
		name string
		run  func(t *testing.T)
	}{
		{"the cloud id is discovered through tenantContexts", func(t *testing.T) {
			if cloudID, err := c.CloudID(ctx); err != nil || cloudID == "" {
				t.Fatalf("CloudID() = %q, %v", cloudID, err)
			}
		}},
		{"a component is created with every field", func(t *testing.T) {
			var err error
			id, err = c.CreateComponent(ctx, compass.ComponentInput{
				Name: "payments", Description: "Takes payments.", TypeID: "SERVICE", OwnerID: team,
				Labels:    []string{"pay", "core"},
				Links:     []compass.Link{{Type: "REPOSITORY", URL: "https://github.com/example/payments", Name: "Source"}},
				Lifecycle: "Active", Tier: "2",
			})
			if err != nil {
				t.Fatal(err)
			}
			got := mustComponent(t, sim, id)
			if got.Name != "payments" || got.OwnerID != team || got.TypeID != "SERVICE" ||
				!slices.Equal(got.Labels, []string{"core", "pay"}) || len(got.Links) != 1 ||
				!slices.Equal(got.Fields[compass.FieldLifecycle], []string{"Active"}) ||
				!slices.Equal(got.Fields[compass.FieldTier], []string{"2"}) {
				t.Errorf("stored component = %+v", got)
			}
		}},
		{"an external alias is attached and found again", func(t *testing.T) {
			if err := c.CreateExternalAlias(ctx, id, alias); err != nil {
				t.Fatal(err)
			}
			got, err := c.GetComponentByExternalAlias(ctx, alias.Source, alias.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.ID != id || !got.HasAlias(alias.Source, alias.ID) || got.Lifecycle != "Active" || got.Tier != "2" {
				t.Errorf("component by alias = %+v", got)
			}
		}},
		{"the component is updated", func(t *testing.T) {
			name, desc, lifecycle := "payments-api", "Takes card payments.", "Deprecated"
			err := c.UpdateComponent(ctx, compass.ComponentUpdate{ID: id, Name: &name, Description: &desc, Lifecycle: &lifecycle})
			if err != nil {
				t.Fatal(err)
			}
			got := mustComponent(t, sim, id)
			if got.Name != name || got.Description != desc || got.Fields[compass.FieldLifecycle][0] != lifecycle {
				t.Errorf("updated component = %+v", got)
			}
		}},
		{"the owner is removed with an empty owner id", func(t *testing.T) {
			none := ""
			if err := c.UpdateComponent(ctx, compass.ComponentUpdate{ID: id, OwnerID: &none}); err != nil {
				t.Fatal(err)
			}
			if got := mustComponent(t, sim, id); got.OwnerID != "" {
				t.Errorf("owner = %q, want none", got.OwnerID)
			}
		}},
		{"the type is changed", func(t *testing.T) {
			if err := c.UpdateComponentType(ctx, id, "LIBRARY"); err != nil {
				t.Fatal(err)
			}
			if got := mustComponent(t, sim, id); got.TypeID != "LIBRARY" {
				t.Errorf("type = %q, want LIBRARY", got.TypeID)
			}
		}},
		{"labels are added and removed", func(t *testing.T) {
			if err := c.AddLabels(ctx, id, []string{"tier-1"}); err != nil {
				t.Fatal(err)
			}
			if err := c.RemoveLabels(ctx, id, []string{"pay"}); err != nil {
				t.Fatal(err)
			}
			if got := mustComponent(t, sim, id); !slices.Equal(got.Labels, []string{"core", "tier-1"}) {
				t.Errorf("labels = %v, want [core tier-1]", got.Labels)
			}
		}},
		{"a link is created, updated and deleted", func(t *testing.T) {
			var err error
			linkID, err = c.CreateLink(ctx, id, compass.Link{Type: "DASHBOARD", URL: "https://grafana.example.com/a"})
			if err != nil || linkID == "" {
				t.Fatalf("CreateLink() = %q, %v", linkID, err)
			}
			err = c.UpdateLink(ctx, id, compass.Link{ID: linkID, Type: "DASHBOARD", URL: "https://grafana.example.com/b", Name: "Board"})
			if err != nil {
				t.Fatal(err)
			}
			if got := linkByID(mustComponent(t, sim, id), linkID); got.URL != "https://grafana.example.com/b" || got.Name != "Board" {
				t.Errorf("updated link = %+v", got)
			}
			if err := c.DeleteLink(ctx, id, linkID); err != nil {
				t.Fatal(err)
			}
			if got := linkByID(mustComponent(t, sim, id), linkID); got.ID != "" {
				t.Errorf("deleted link is still there: %+v", got)
			}
		}},
		{"a dependency is created and read back", func(t *testing.T) {
			var err error
			other, err = c.CreateComponent(ctx, compass.ComponentInput{Name: "ledger", TypeID: "SERVICE"})
			if err != nil {
				t.Fatal(err)
			}
			if err := c.CreateRelationship(ctx, id, other); err != nil {
				t.Fatal(err)
			}
			got, err := c.GetComponent(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got.DependsOn, []string{other}) || !got.DependsOnComplete {
				t.Errorf("DependsOn = %v (complete %v), want [%s]", got.DependsOn, got.DependsOnComplete, other)
			}
			if rels := sim.Dump().Relationships; len(rels) != 1 || rels[0].StartNodeID != id || rels[0].EndNodeID != other {
				t.Errorf("relationships = %+v", rels)
			}
		}},
		{"the dependency is deleted", func(t *testing.T) {
			if err := c.DeleteRelationship(ctx, id, other); err != nil {
				t.Fatal(err)
			}
			if rels := sim.Dump().Relationships; len(rels) != 0 {
				t.Errorf("relationships = %+v, want none", rels)
			}
		}},
		{"custom fields are defined, listed and set", func(t *testing.T) {
			text, err := c.CreateCustomFieldDefinition(ctx, compass.CustomFieldDefinitionInput{Name: "system", Kind: compass.CustomText})
			if err != nil {
				t.Fatal(err)
			}
			region, err := c.CreateCustomFieldDefinition(ctx, compass.CustomFieldDefinitionInput{
				Name: "region", Kind: compass.CustomSingleSelect, Options: []string{"eu", "us"},
			})
			if err != nil {
				t.Fatal(err)
			}
			defs, err := c.ListCustomFieldDefinitions(ctx)
			if err != nil || len(defs) != 2 {
				t.Fatalf("ListCustomFieldDefinitions() = %+v, %v", defs, err)
			}
			eu, ok := region.Option("eu")
			if !ok || region.Kind != compass.CustomSingleSelect || text.Kind != compass.CustomText {
				t.Fatalf("definitions = %+v and %+v", text, region)
			}

			billing := "billing"
			err = c.UpdateComponent(ctx, compass.ComponentUpdate{ID: id, CustomFields: []compass.CustomFieldValue{
				{DefinitionID: text.ID, Kind: compass.CustomText, Text: &billing},
				{DefinitionID: region.ID, Kind: compass.CustomSingleSelect, OptionID: &eu},
			}})
			if err != nil {
				t.Fatal(err)
			}
			got, err := c.GetComponent(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			values := map[string]string{}
			for _, f := range got.CustomFields {
				switch f.Kind {
				case compass.CustomText:
					values[f.DefinitionName] = *f.Text
				case compass.CustomSingleSelect:
					values[f.DefinitionName] = f.OptionValue
				}
			}
			if !reflect.DeepEqual(values, map[string]string{"system": "billing", "region": "eu"}) {
				t.Errorf("custom fields read back = %v", values)
			}
		}},
		{"component types are listed", func(t *testing.T) {
			types, err := c.ListComponentTypes(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.ContainsFunc(types, func(ct compass.ComponentType) bool { return ct.ID == "SERVICE" }) {
				t.Errorf("types = %+v, want SERVICE among them", types)
			}
		}},
		{"teams are found by name", func(t *testing.T) {
			teams, err := c.SearchTeams(ctx, "payments team")
			if err != nil {
				t.Fatal(err)
			}
			if len(teams) != 1 || teams[0].ID != team {
				t.Errorf("teams = %+v, want %s", teams, team)
			}
		}},
		{"components are read by id and searched", func(t *testing.T) {
			got, err := c.GetComponents(ctx, []string{id, other, "ari:cloud:compass:x:component/y/missing"})
			if err != nil || len(got) != 2 {
				t.Fatalf("GetComponents() = %d components, %v", len(got), err)
			}
			page, err := c.SearchComponents(ctx, compass.SearchOptions{Query: "ledger"})
			if err != nil || len(page.Components) != 1 || page.Components[0].ID != other {
				t.Fatalf("SearchComponents(ledger) = %+v, %v", page, err)
			}
		}},
		{"the alias is removed", func(t *testing.T) {
			if err := c.DeleteExternalAlias(ctx, id, alias); err != nil {
				t.Fatal(err)
			}
			_, err := c.GetComponentByExternalAlias(ctx, alias.Source, alias.ID)
			if !errors.Is(err, compass.ErrNotFound) {
				t.Errorf("lookup after removing the alias: %v, want ErrNotFound", err)
			}
		}},
		{"components are deleted one and many at a time", func(t *testing.T) {
			third, err := c.CreateComponent(ctx, compass.ComponentInput{Name: "third", TypeID: "OTHER"})
			if err != nil {
				t.Fatal(err)
			}
			if err := c.DeleteComponent(ctx, id); err != nil {
				t.Fatal(err)
			}
			deleted, err := c.DeleteComponents(ctx, []string{other, third})
			if err != nil {
				t.Fatal(err)
			}
			slices.Sort(deleted)
			want := []string{other, third}
			slices.Sort(want)
			if !slices.Equal(deleted, want) {
				t.Errorf("deleted = %v, want %v", deleted, want)
			}
			if n := len(sim.Dump().Components); n != 0 {
				t.Errorf("%d components left, want none", n)
			}
			if _, err := c.GetComponent(ctx, id); !errors.Is(err, compass.ErrNotFound) {
				t.Errorf("GetComponent after delete: %v, want ErrNotFound", err)
			}
		}},
	}

	for _, step := range steps {
		if !t.Run(step.name, step.run) {
			t.FailNow()
		}
	}
}

func linkByID(c compasssim.Component, id string) compasssim.Link {
	for _, l := range c.Links {
		if l.ID == id {
			return l
		}
	}

	return compasssim.Link{}
}

func TestSearchAllComponentsReadsEveryPageOfTheSimulator(t *testing.T) {
	t.Parallel()

	sim, c := newSim(t)
	for i := range 7 {
		if _, err := sim.SeedComponent(compasssim.Component{Name: "svc-" + string(rune('a'+i)), TypeID: "SERVICE"}); err != nil {
			t.Fatal(err)
		}
	}

	got, err := c.SearchAllComponents(context.Background(), compass.SearchOptions{First: 3})
	if err != nil {
		t.Fatal(err)
	}

	var names []string
	for _, comp := range got {
		names = append(names, comp.Name)
	}
	if want := []string{"svc-a", "svc-b", "svc-c", "svc-d", "svc-e", "svc-f", "svc-g"}; !slices.Equal(names, want) {
		t.Errorf("names = %v, want %v", names, want)
	}
	if s := c.Stats(); s.Requests != 4 {
		t.Errorf("requests = %d, want 4 (tenant lookup and three pages)", s.Requests)
	}
}

func TestBatchWithFailingAliasesFailsOnlyThoseItems(t *testing.T) {
	t.Parallel()

	sim, c := newSim(t)
	ctx := context.Background()
	existing, err := sim.SeedComponent(compasssim.Component{Name: "existing", TypeID: "SERVICE"})
	if err != nil {
		t.Fatal(err)
	}
	missing := existing[:strings.LastIndexByte(existing, '/')+1] + "00000000-0000-4000-8000-000000000000"

	var b compass.Batch
	ok1 := b.CreateComponent(compass.ComponentInput{Name: "fresh", TypeID: "SERVICE"})
	tooLong := b.CreateComponent(compass.ComponentInput{Name: "long", TypeID: "SERVICE", Description: strings.Repeat("x", 5000)})
	ok2 := b.AddLabels(existing, []string{"kept"})
	noSuch := b.AddLabels(missing, []string{"lost"})
	badURL := b.CreateLink(existing, compass.Link{Type: "REPOSITORY", URL: "javascript:alert(1)"})

	results, err := c.SendBatch(ctx, &b)
	if err != nil {
		t.Fatal(err)
	}

	for _, i := range []int{ok1, ok2} {
		if results[i].Err != nil {
			t.Errorf("result %d (%s) failed: %v", i, results[i].Op, results[i].Err)
		}
	}
	wantTypes := map[int]string{
		tooLong: "COMPONENT_DESCRIPTION_TOO_LONG",
		noSuch:  compass.ErrorTypeComponentNotFound,
		badURL:  "COMPONENT_LINK_URL_NOT_A_VALID_URL",
	}
	for i, want := range wantTypes {
		var apiErr *compass.APIError
		if !errors.As(results[i].Err, &apiErr) || apiErr.ErrorType != want {
			t.Errorf("result %d (%s) error = %v, want an APIError of type %s", i, results[i].Op, results[i].Err, want)
		}
	}
	if !errors.Is(results[noSuch].Err, compass.ErrNotFound) {
		t.Errorf("labels on a missing component: %v, want ErrNotFound", results[noSuch].Err)
	}

	st := sim.Dump()
	if _, found := st.Component("fresh"); !found {
		t.Error("the valid create did not happen")
	}
	if _, found := st.Component("long"); found {
		t.Error("the create with a too long description happened")
	}
	if got, _ := st.Component("existing"); !slices.Equal(got.Labels, []string{"kept"}) || len(got.Links) != 0 {
		t.Errorf("existing component = %+v, want only the label", got)
	}
	if s := sim.Stats(); s.Mutations != 5 || c.Stats().Mutations != 5 {
		t.Errorf("mutations: simulator %d, client %d; want 5 and 5", s.Mutations, c.Stats().Mutations)
	}
}

func TestBatchesSplitIntoRequestsOfNMutations(t *testing.T) {
	t.Parallel()

	sim, c := newSim(t)
	var b compass.Batch
	for i := range 23 {
		b.CreateComponent(compass.ComponentInput{Name: "bulk-" + strings.Repeat("x", i+1), TypeID: "SERVICE"})
	}
	if _, err := c.CloudID(context.Background()); err != nil {
		t.Fatal(err)
	}
	sim.ResetStats()

	results, err := c.SendBatches(context.Background(), &b, 10)
	if err != nil {
		t.Fatal(err)
	}

	if len(results) != 23 {
		t.Fatalf("got %d results, want 23", len(results))
	}
	for i, r := range results {
		if r.Err != nil || r.ComponentID == "" {
			t.Errorf("result %d = %+v", i, r)
		}
	}
	if s := sim.Stats(); s.Requests != 3 || s.Mutations != 23 {
		t.Errorf("simulator saw %d requests and %d mutations, want 3 and 23", s.Requests, s.Mutations)
	}
	if n := len(sim.Dump().Components); n != 23 {
		t.Errorf("%d components stored, want 23", n)
	}
}

func TestSimulatorFailuresBecomeTypedErrors(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name   string
		faults compasssim.Faults
		token  string
		check  func(t *testing.T, err error)
	}{
		{
			name:  "a wrong token is an auth error",
			token: "wrong",
			check: func(t *testing.T, err error) {
				if !errors.Is(err, compass.ErrUnauthorized) {
					t.Errorf("err = %v, want ErrUnauthorized", err)
				}
				if strings.Contains(err.Error(), "wrong") {
					t.Errorf("error names the token: %v", err)
				}
			},
		},
		{
			name:   "an HTTP 429 is a rate limit with a wait",
			faults: compasssim.Faults{StormShare: 1, StormFor: time.Hour, RateLimitAs: compasssim.RateLimitHTTP},
			check:  wantSimRateLimit,
		},
		{
			name:   "an HTTP 200 carrying 429 is a rate limit with a wait",
			faults: compasssim.Faults{StormShare: 1, StormFor: time.Hour, RateLimitAs: compasssim.RateLimitInBody},
			check:  wantSimRateLimit,
		},
		{
			name:   "an HTTP 500 is a transient API error",
			faults: compasssim.Faults{ErrorRate: 1},
			check: func(t *testing.T, err error) {
				var apiErr *compass.APIError
				if !errors.As(err, &apiErr) || apiErr.StatusCode != 500 || !compass.IsTransient(err) {
					t.Errorf("err = %v, want a transient 500", err)
				}
			},
		},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			sim := compasssim.New(compasssim.Options{Email: simEmail, Token: simToken, SiteHost: "127.0.0.1"})
			srv := httptest.NewServer(sim)
			t.Cleanup(srv.Close)
			token := simToken
			if tt.token != "" {
				token = tt.token
			}
			c, err := compass.New(srv.URL, simEmail, token, compass.WithCloudID("any"))
			if err != nil {
				t.Fatal(err)
			}
			sim.SetFaults(tt.faults)

			var b compass.Batch
			b.AddLabels("c1", []string{"a"})
			results, err := c.SendBatch(context.Background(), &b)
			if err == nil {
				t.Fatalf("SendBatch() = %+v, want an error", results)
			}

			tt.check(t, err)
		})
	}
}

func wantSimRateLimit(t *testing.T, err error) {
	t.Helper()

	var rl *compass.RateLimitError
	if !errors.As(err, &rl) {
		t.Fatalf("err = %v, want a RateLimitError", err)
	}
	if rl.RetryAfter < time.Second {
		t.Errorf("RetryAfter = %s, want at least a second", rl.RetryAfter)
	}
}

func TestTokenBucketRefusalsAreRateLimits(t *testing.T) {
	t.Parallel()

	sim, c := newSim(t)
	if _, err := c.CloudID(context.Background()); err != nil {
		t.Fatal(err)
	}
	sim.SetFaults(compasssim.Faults{RatePerSecond: 0.001, Burst: 1})

	_, first := c.GetComponents(context.Background(), nil)
	_, second := c.SearchComponents(context.Background(), compass.SearchOptions{})
	_, third := c.SearchComponents(context.Background(), compass.SearchOptions{})

	if first != nil {
		t.Errorf("an empty read sent a request: %v", first)
	}
	if second != nil {
		t.Errorf("the request within the burst failed: %v", second)
	}
	if !errors.Is(third, compass.ErrRateLimited) {
		t.Errorf("the request past the burst: %v, want ErrRateLimited", third)
	}
}
