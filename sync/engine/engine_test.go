package engine_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/backstage-sync/backstage-sync/sync/backstage"
	"github.com/backstage-sync/backstage-sync/sync/backstage/catalogsim"
	"github.com/backstage-sync/backstage-sync/sync/compass"
	"github.com/backstage-sync/backstage-sync/sync/compass/compasssim"
	"github.com/backstage-sync/backstage-sync/sync/engine"
	"github.com/backstage-sync/backstage-sync/sync/mapping"
	"github.com/backstage-sync/backstage-sync/sync/plan"
)

const (
	testEmail = "admin@example.com"
	testToken = "compass-token"
	testBS    = "backstage-token"
)

// rig is a catalog, a Compass site and an engine between them.
type rig struct {
	catalog *catalogsim.Server
	compass *compasssim.Server
	store   *memStore
	engine  *engine.Engine
	source  *engine.Catalog
	// cfg is the configuration the engine was built from.
	cfg engine.Config
}

func newRig(t *testing.T, entities []map[string]any, tweak func(*engine.Config)) *rig {
	t.Helper()
	cat := catalogsim.New(catalogsim.Options{Token: testBS})
	for _, e := range entities {
		if err := cat.Put(e); err != nil {
			t.Fatalf("seeding catalog: %v", err)
		}
	}
	bsSrv := httptest.NewServer(cat)
	t.Cleanup(bsSrv.Close)

	sim := compasssim.New(compasssim.Options{Email: testEmail, Token: testToken, SiteHost: "127.0.0.1"})
	csSrv := httptest.NewServer(sim)
	t.Cleanup(csSrv.Close)

	bc, err := backstage.New(bsSrv.URL, backstage.StaticToken(testBS))
	if err != nil {
		t.Fatal(err)
	}
	cc, err := compass.New(csSrv.URL, testEmail, testToken)
	if err != nil {
		t.Fatal(err)
	}
	mapper, err := mapping.Compile(mapping.Default())
	if err != nil {
		t.Fatal(err)
	}
	r := &rig{catalog: cat, compass: sim, store: newMemStore(), source: engine.NewCatalog(bc, []string{"kind=component", "kind=group"})}
	cfg := engine.Config{
		Source: r.source, Target: cc, Store: r.store, Mapper: mapper,
		Policy: plan.DefaultPolicy("backstage"), RulesHash: "v1",
	}
	if tweak != nil {
		tweak(&cfg)
	}
	r.cfg = cfg
	r.engine, err = engine.New(cfg)
	if err != nil {
		t.Fatal(err)
	}

	return r
}

func (r *rig) run(t *testing.T, opts engine.Options) *engine.Result {
	t.Helper()
	res, err := r.engine.Run(context.Background(), opts)
	if err != nil && !errors.Is(err, engine.ErrNeedsConfirmation) && res.Status != engine.StatusNeedsConfirmation {
		t.Fatalf("run failed: %v (result %+v)", err, res)
	}
	return res
}

// aliased returns the components carrying the backstage alias, by alias id.
func aliased(t *testing.T, s compasssim.State) map[string]compasssim.Component {
	t.Helper()
	out := map[string]compasssim.Component{}
	for _, c := range s.Components {
		for _, a := range c.ExternalAliases {
			if a.ExternalSource != "backstage" {
				continue
			}
			if _, dup := out[a.ExternalID]; dup {
				t.Errorf("alias %s is on two components", a.ExternalID)
			}
			out[a.ExternalID] = c
		}
	}
	return out
}

func components(t *testing.T, s compasssim.State) int {
	t.Helper()
	return len(s.Components)
}

func demoComponents(entities []map[string]any) map[string]bool {
	out := map[string]bool{}
	for _, e := range entities {
		if strings.EqualFold(e["kind"].(string), "component") {
			md := e["metadata"].(map[string]any)
			ns, _ := md["namespace"].(string)
			if ns == "" {
				ns = "default"
			}
			out[strings.ToLower("component:"+ns+"/"+md["name"].(string))] = true
		}
	}
	return out
}

func TestInitialSyncCreatesOneAliasedComponentPerEntity(t *testing.T) {
	t.Parallel()
	entities := catalogsim.DemoCatalog()
	r := newRig(t, entities, nil)
	want := demoComponents(entities)

	preview := r.run(t, engine.Options{DryRun: true})
	if preview.Counts.Created != len(want) {
		t.Fatalf("dry run plans %d creates, want %d", preview.Counts.Created, len(want))
	}
	if n := components(t, r.compass.Dump()); n != 0 {
		t.Fatalf("dry run changed compass: %d components", n)
	}
	if preview.API.CompassMutations != 0 {
		t.Fatalf("dry run sent %d mutations", preview.API.CompassMutations)
	}

	res := r.run(t, engine.Options{})
	if res.Status != engine.StatusSucceeded {
		t.Fatalf("status %s, items %+v", res.Status, failedItems(res))
	}
	if res.Counts.Created != len(want) {
		t.Fatalf("created %d, want %d", res.Counts.Created, len(want))
	}
	got := aliased(t, r.compass.Dump())
	for ref := range want {
		if _, ok := got[ref]; !ok {
			t.Errorf("no component carries the alias %s", ref)
		}
	}
	if len(got) != len(want) || components(t, r.compass.Dump()) != len(want) {
		t.Errorf("compass holds %d components (%d aliased), want %d", components(t, r.compass.Dump()), len(got), len(want))
	}
	if res.API.CompassMutations <= res.API.CompassRequests {
		t.Errorf("apply sent %d mutations in %d requests: not batched", res.API.CompassMutations, res.API.CompassRequests)
	}
	if len(r.compass.Dump().Relationships) == 0 {
		t.Error("no DEPENDS_ON relationship was created")
	}

	again := r.run(t, engine.Options{})
	if again.Counts.Unchanged != len(want) || again.API.CompassMutations != 0 {
		t.Errorf("second run: unchanged %d (want %d), mutations %d (want 0)",
			again.Counts.Unchanged, len(want), again.API.CompassMutations)
	}
	if again.API.CompassRequests > 1 {
		t.Errorf("second run sent %d compass requests, want at most 1", again.API.CompassRequests)
	}
}

func failedItems(res *engine.Result) []engine.Item {
	var out []engine.Item
	for _, it := range res.Items {
		if it.Error != "" {
			out = append(out, it)
		}
	}
	return out
}
