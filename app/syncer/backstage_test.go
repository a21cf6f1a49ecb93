package syncer_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/backstage-sync/backstage-sync/app/syncer"
	"github.com/backstage-sync/backstage-sync/store/secret"
	"github.com/backstage-sync/backstage-sync/sync/backstage/backstagetest"
	"github.com/backstage-sync/backstage-sync/sync/compass"
	"github.com/backstage-sync/backstage-sync/sync/compass/compasssim"
	"github.com/backstage-sync/backstage-sync/sync/config"
	"github.com/backstage-sync/backstage-sync/sync/engine"
	"github.com/backstage-sync/backstage-sync/sync/mapping"
)

// realRig is a real Backstage catalog backend, a simulated Compass site and a data directory
// whose settings point at both.
type realRig struct {
	backend *backstagetest.Backend
	compass *compasssim.Server
	syncer  *syncer.Syncer
}

const pagerDutyField = "PagerDuty service"

func startRealRig(t *testing.T, components int, deletion config.Policy) *realRig {
	t.Helper()
	backend := backstagetest.Start(t, backstagetest.Options{
		Catalog: backstagetest.GenerateCatalog(backstagetest.CatalogOptions{Components: components}),
	})

	sim := compasssim.New(compasssim.Options{Email: "sync@acme.example", Token: "compass-secret", SiteHost: "127.0.0.1"})
	for _, team := range []string{"Checkout Squad", "Catalog Crew", "Payments Guild", "Infrastructure", "team-sre"} {
		sim.SeedTeam(team)
	}
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	cc, err := compass.New(srv.URL, "sync@acme.example", "compass-secret")
	if err != nil {
		t.Fatal(err)
	}
	_, err = cc.CreateCustomFieldDefinition(context.Background(), compass.CustomFieldDefinitionInput{
		Name: pagerDutyField, Kind: compass.CustomText,
	})
	if err != nil {
		t.Fatalf("seeding custom field definition: %v", err)
	}

	secrets := map[string]string{"BACKSTAGE_TOKEN": backend.Token, "COMPASS_API_TOKEN": "compass-secret"}
	s, err := syncer.Open(syncer.Options{
		DataDir: filepath.Join(t.TempDir(), "data"),
		Getenv:  func(string) string { return "" },
		Secrets: secret.New(secret.WithLookupEnv(func(k string) (string, bool) { v, ok := secrets[k]; return v, ok })),
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })

	st := config.Default()
	st.Backstage.URL = backend.URL
	st.Compass.Site = srv.URL
	st.Compass.Email = "sync@acme.example"
	st.Deletion.DefaultPolicy = deletion
	st.Mapping.Fields = append(st.Mapping.Fields, mapping.FieldRule{
		Target:  mapping.CustomFieldPrefix + pagerDutyField,
		Kind:    mapping.CustomText,
		Sources: []string{`metadata.annotations["pagerduty.com/service-id"]`},
	})
	data, err := config.Marshal(st)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.ImportSettings(data); err != nil {
		t.Fatalf("importing settings: %v", err)
	}

	return &realRig{backend: backend, compass: sim, syncer: s}
}

func (r *realRig) sync(t *testing.T, opts engine.Options) *engine.Result {
	t.Helper()
	res, err := r.syncer.Run(context.Background(), opts, nil)
	if res == nil {
		t.Fatalf("sync: %v", err)
	}
	if res.Status == engine.StatusFailed {
		t.Fatalf("sync failed: %s", res.Error)
	}
	return res
}

// byAlias returns Compass's components by the ref in their backstage alias, failing on an alias
// that sits on two components.
func byAlias(t *testing.T, s compasssim.State) map[string]compasssim.Component {
	t.Helper()
	out := map[string]compasssim.Component{}
	for _, c := range s.Components {
		for _, a := range c.ExternalAliases {
			if a.ExternalSource != "backstage" {
				continue
			}
			if prev, dup := out[a.ExternalID]; dup {
				t.Errorf("alias %s is on %s and %s", a.ExternalID, prev.ID, c.ID)
			}
			out[a.ExternalID] = c
		}
	}
	return out
}

func componentRefs(t *testing.T, b *backstagetest.Backend) []string {
	t.Helper()
	var refs []string
	for _, ref := range b.Catalog().Refs() {
		if strings.HasPrefix(ref, "component:") {
			refs = append(refs, ref)
		}
	}
	return refs
}

func TestSyncFromARealBackstage(t *testing.T) {
	t.Parallel()
	r := startRealRig(t, 24, config.PolicyDelete)
	refs := componentRefs(t, r.backend)
	// A component a person made in Compass before the sync, named like an entity: adopted.
	adoptRef := "component:default/" + backstagetest.ComponentName(5)
	adoptID, err := r.compass.SeedComponent(compasssim.Component{Name: backstagetest.ComponentName(5), TypeID: "OTHER"})
	if err != nil {
		t.Fatal(err)
	}

	preview := r.sync(t, engine.Options{DryRun: true})
	if preview.Counts.Created != len(refs)-1 || preview.Counts.Adopted != 1 {
		t.Fatalf("dry run plans %+v for %d components", preview.Counts, len(refs))
	}
	if n := len(r.compass.Dump().Components); n != 1 {
		t.Fatalf("dry run changed compass: %d components", n)
	}

	first := r.sync(t, engine.Options{})
	if first.Status != engine.StatusSucceeded {
		t.Fatalf("initial sync: %s %+v", first.Status, first.Counts)
	}
	state := r.compass.Dump()
	got := byAlias(t, state)
	if len(got) != len(refs) || len(state.Components) != len(refs) {
		t.Fatalf("compass holds %d components, %d aliased; the catalog has %d", len(state.Components), len(got), len(refs))
	}
	if got[adoptRef].ID != adoptID {
		t.Errorf("%s was not adopted: alias on %s, seeded %s", adoptRef, got[adoptRef].ID, adoptID)
	}
	checkMapped(t, r, got, state)

	second := r.sync(t, engine.Options{})
	if second.Counts.Unchanged != len(refs) || second.API.CompassMutations != 0 {
		t.Errorf("second sync: %+v, %d mutations; want all unchanged and none", second.Counts, second.API.CompassMutations)
	}

	t.Run("catalog edits are picked up by the next incremental run", func(t *testing.T) {
		editCatalog(t, r)
	})
	t.Run("a field edited in Compass is reported as drift and overwritten", func(t *testing.T) {
		target := byAlias(t, r.compass.Dump())["component:default/"+backstagetest.ComponentName(3)]
		if err := r.compass.EditComponent(target.ID, func(c *compasssim.Component) { c.Name = "Renamed by hand" }); err != nil {
			t.Fatal(err)
		}
		res := r.sync(t, engine.Options{Full: true})
		if res.Counts.Updated != 1 || len(findItem(res, "component:default/"+backstagetest.ComponentName(3)).Drift) == 0 {
			t.Errorf("full run: %+v, want one update reporting drift", res.Counts)
		}
		if n := byAlias(t, r.compass.Dump())["component:default/"+backstagetest.ComponentName(3)].Name; n == "Renamed by hand" {
			t.Error("drift was not overwritten")
		}
	})
	t.Run("removing half the catalog trips the guard", func(t *testing.T) {
		removeHalf(t, r)
	})
}

func findItem(res *engine.Result, ref string) engine.Item {
	for _, it := range res.Items {
		if it.Ref == ref {
			return it
		}
	}
	return engine.Item{}
}

// checkMapped checks the fields the mapping fills in against the catalog.
func checkMapped(t *testing.T, r *realRig, got map[string]compasssim.Component, state compasssim.State) {
	t.Helper()
	zero := got["component:default/"+backstagetest.ComponentName(0)]
	if zero.Name != "Component Zero (the first one)" {
		t.Errorf("title not mapped to name: %q", zero.Name)
	}
	if d := got["component:default/"+backstagetest.ComponentName(1)].Description; len(d) != 4096 {
		t.Errorf("long description is %d chars, want cut to 4096", len(d))
	}
	for i, want := range map[int]string{0: "SERVICE", 1: "WEBSITE", 2: "LIBRARY"} {
		ref := "component:default/" + backstagetest.ComponentName(i)
		if got[ref].TypeID != want {
			t.Errorf("%s (spec.type %s) has type %q, want %s", ref, backstagetest.ComponentTypes[i], got[ref].TypeID, want)
		}
	}
	owned, withField := 0, 0
	for ref, c := range got {
		if len(c.Labels) > 10 {
			t.Errorf("%s has %d labels", ref, len(c.Labels))
		}
		for _, l := range c.Labels {
			if l != strings.ToLower(l) || strings.ContainsAny(l, " \t") || len(l) > 40 {
				t.Errorf("%s has label %q that breaks Compass's rules", ref, l)
			}
		}
		if len(c.Links) == 0 {
			t.Errorf("%s has no links", ref)
		}
		if len(c.Fields["compass:lifecycle"]) != 1 {
			t.Errorf("%s has lifecycle %v", ref, c.Fields["compass:lifecycle"])
		}
		if c.OwnerID != "" {
			owned++
		}
		if len(c.CustomFields) > 0 {
			withField++
		}
	}
	if owned == 0 || withField == 0 {
		t.Errorf("%d components got an owner and %d the custom field; want some of each", owned, withField)
	}

	// Every dependsOn between two synced components is one DEPENDS_ON relationship.
	want := map[string]bool{}
	for _, e := range r.backend.Catalog().Entities() {
		if e["kind"] != "Component" {
			continue
		}
		from := got[backstagetest.Ref(e)].ID
		deps, _ := e["spec"].(map[string]any)["dependsOn"].([]any)
		for _, d := range deps {
			ref := strings.ToLower(fmt.Sprint(d))
			if !strings.Contains(ref, "/") {
				ref = strings.Replace(ref, ":", ":default/", 1)
			}
			if to, ok := got[ref]; ok {
				want[from+" -> "+to.ID] = true
			}
		}
	}
	have := map[string]bool{}
	for _, rel := range state.Relationships {
		have[rel.StartNodeID+" -> "+rel.EndNodeID] = true
	}
	if len(want) == 0 || fmt.Sprint(want) != fmt.Sprint(have) {
		t.Errorf("relationships: have %d, want %d", len(have), len(want))
	}
}

// editCatalog changes, adds, renames and removes entities, and checks the next runs.
func editCatalog(t *testing.T, r *realRig) {
	changed := backstagetest.CloneEntity(mustFind(t, r, backstagetest.ComponentName(2)))
	changed["metadata"].(map[string]any)["description"] = "Now with a description."
	added := backstagetest.CloneEntity(mustFind(t, r, backstagetest.ComponentName(4)))
	added["metadata"].(map[string]any)["name"] = "brand-new-service"
	added["metadata"].(map[string]any)["annotations"].(map[string]any)[backstagetest.AnnotationProjectSlug] = "acme/brand-new"
	removed := "component:default/" + backstagetest.ComponentName(10)
	renameFrom := "component:default/" + backstagetest.ComponentName(11)
	before := byAlias(t, r.compass.Dump())

	var wg sync.WaitGroup
	errs := make([]error, 4)
	var renamed string
	wg.Add(4)
	go func() { defer wg.Done(); errs[0] = r.backend.Put(changed) }()
	go func() { defer wg.Done(); errs[1] = r.backend.Put(added) }()
	go func() { defer wg.Done(); errs[2] = r.backend.Remove(removed) }()
	go func() { defer wg.Done(); renamed, errs[3] = r.backend.Rename(renameFrom, "component-eleven") }()
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatalf("editing the catalog: %v", err)
		}
	}

	res := r.sync(t, engine.Options{})
	c := res.Counts
	if c.Updated != 1 || c.Created != 1 || c.Renamed != 1 || c.Deleted != 0 {
		t.Errorf("run after edits: %+v; want 1 update, 1 create, 1 rename and no delete yet; failed: %+v", c, failed(res))
	}
	after := byAlias(t, r.compass.Dump())
	if after[renamed].ID != before[renameFrom].ID {
		t.Errorf("rename moved the alias to %q, want the old component %q", after[renamed].ID, before[renameFrom].ID)
	}
	if _, ok := after["component:default/brand-new-service"]; !ok {
		t.Error("the added entity has no component")
	}

	res = r.sync(t, engine.Options{})
	if res.Counts.Deleted != 1 {
		t.Errorf("second run after removal deleted %d, want 1", res.Counts.Deleted)
	}
	if _, ok := byAlias(t, r.compass.Dump())[removed]; ok {
		t.Errorf("%s still has a component", removed)
	}
}

func mustFind(t *testing.T, r *realRig, name string) backstagetest.Entity {
	t.Helper()
	e, ok := r.backend.Catalog().Find("component:default/" + name)
	if !ok {
		t.Fatalf("catalog has no %s", name)
	}
	return e
}

// removeHalf removes half the components and checks that the guard stops the deletions.
func removeHalf(t *testing.T, r *realRig) {
	refs := componentRefs(t, r.backend)
	before := len(r.compass.Dump().Components)
	var wg sync.WaitGroup
	errs := make([]error, len(refs)/2)
	for i, ref := range refs[:len(refs)/2] {
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = r.backend.Remove(ref) }()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatalf("removing entities: %v", err)
		}
	}

	r.sync(t, engine.Options{})
	res := r.sync(t, engine.Options{})
	if res.Status != engine.StatusNeedsConfirmation {
		t.Fatalf("status %s, want needs_confirmation (%+v)", res.Status, res.Counts)
	}
	if n := len(r.compass.Dump().Components); n != before {
		t.Errorf("guarded run left %d components, had %d", n, before)
	}
}

func failed(res *engine.Result) []engine.Item {
	var out []engine.Item
	for _, it := range res.Items {
		if it.Error != "" {
			out = append(out, it)
		}
	}
	return out
}
