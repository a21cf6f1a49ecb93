package engine_test

import (
	"context"
	"errors"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/backstage-sync/backstage-sync/sync/backstage/catalogsim"
	"github.com/backstage-sync/backstage-sync/sync/compass/compasssim"
	"github.com/backstage-sync/backstage-sync/sync/engine"
	"github.com/backstage-sync/backstage-sync/sync/plan"
)

// componentDocs returns the demo catalog's component documents, sorted as the catalog has them.
func componentDocs(entities []map[string]any) []map[string]any {
	var out []map[string]any
	for _, e := range entities {
		if e["kind"] == "Component" {
			out = append(out, e)
		}
	}
	return out
}

func refOf(doc map[string]any) string {
	md := doc["metadata"].(map[string]any)
	ns, _ := md["namespace"].(string)
	if ns == "" {
		ns = "default"
	}
	return strings.ToLower("component:" + ns + "/" + md["name"].(string))
}

func withMetadata(doc map[string]any, key string, value any) map[string]any {
	out := maps.Clone(doc)
	md := maps.Clone(doc["metadata"].(map[string]any))
	md[key] = value
	out["metadata"] = md
	return out
}

func TestIncrementalRunPicksUpAnEditedEntity(t *testing.T) {
	t.Parallel()
	entities := catalogsim.DemoCatalog()
	r := newRig(t, entities, nil)
	r.run(t, engine.Options{})

	doc := componentDocs(entities)[0]
	if err := r.catalog.Put(withMetadata(doc, "description", "A new description.")); err != nil {
		t.Fatal(err)
	}
	res := r.run(t, engine.Options{})

	if res.Counts.Updated != 1 || res.Counts.Created != 0 {
		t.Fatalf("counts %+v, want one update", res.Counts)
	}
	got := aliased(t, r.compass.Dump())[refOf(doc)]
	if got.Description != "A new description." {
		t.Errorf("description in compass = %q", got.Description)
	}
	if res.API.CompassRequests > 3 {
		t.Errorf("one changed entity cost %d compass requests, want at most 3", res.API.CompassRequests)
	}
}

func TestFullRunReportsAndOverwritesDrift(t *testing.T) {
	t.Parallel()
	entities := catalogsim.DemoCatalog()
	r := newRig(t, entities, nil)
	r.run(t, engine.Options{})

	ref := refOf(componentDocs(entities)[1])
	target := aliased(t, r.compass.Dump())[ref]
	err := r.compass.EditComponent(target.ID, func(c *compasssim.Component) { c.Description = "edited by hand" })
	if err != nil {
		t.Fatal(err)
	}

	res := r.run(t, engine.Options{Full: true})

	item := findItem(res, ref)
	if item.Action != string(plan.KindUpdate) || len(item.Drift) == 0 {
		t.Fatalf("item %+v: want an update reporting drift", item)
	}
	if got := aliased(t, r.compass.Dump())[ref]; got.Description == "edited by hand" {
		t.Error("drifted description was not overwritten")
	}
}

func findItem(res *engine.Result, ref string) engine.Item {
	for _, it := range res.Items {
		if it.Ref == ref {
			return it
		}
	}
	return engine.Item{}
}

func deletingRig(t *testing.T, entities []map[string]any) *rig {
	return newRig(t, entities, func(c *engine.Config) {
		c.Policy.DefaultDeletion = plan.ModeDelete
	})
}

func TestRemovingHalfTheCatalogTripsTheGuard(t *testing.T) {
	t.Parallel()
	entities := catalogsim.DemoCatalog()
	r := deletingRig(t, entities)
	r.run(t, engine.Options{})
	docs := componentDocs(entities)
	before := components(t, r.compass.Dump())

	for _, doc := range docs[:len(docs)/2] {
		if _, err := r.catalog.Delete(refOf(doc)); err != nil {
			t.Fatal(err)
		}
	}
	first := r.run(t, engine.Options{})
	second, err := r.engine.Run(context.Background(), engine.Options{})

	if first.Counts.Deleted != 0 {
		t.Errorf("first run after removal deleted %d: entities must be missing twice", first.Counts.Deleted)
	}
	if second.Status != engine.StatusNeedsConfirmation || err == nil {
		t.Fatalf("second run status %s, err %v: want needs_confirmation", second.Status, err)
	}
	if n := components(t, r.compass.Dump()); n != before {
		t.Fatalf("guarded run changed compass: %d components, had %d", n, before)
	}

	confirmed := r.run(t, engine.Options{Confirmed: true})
	if confirmed.Counts.Deleted != len(docs)/2 {
		t.Errorf("confirmed run deleted %d, want %d", confirmed.Counts.Deleted, len(docs)/2)
	}
}

// failingSource fails its fields-only listing after the first page.
type failingSource struct {
	engine.Source
}

func (f failingSource) ListStubs(ctx context.Context, fn func([]engine.Stub) error) error {
	calls := 0
	err := f.Source.ListStubs(ctx, func(page []engine.Stub) error {
		calls++
		if calls > 1 {
			return errors.New("connection reset")
		}
		return fn(page[:len(page)/2])
	})
	if err == nil {
		err = errors.New("listing cut short")
	}
	return err
}

func TestAFailedListingDeletesNothing(t *testing.T) {
	t.Parallel()
	entities := catalogsim.DemoCatalog()
	var src engine.Source
	r := newRig(t, entities, func(c *engine.Config) {
		c.Policy.DefaultDeletion = plan.ModeDelete
		c.Policy.MissingRuns = 1
		src = c.Source
		c.Source = failingSource{c.Source}
	})
	_ = src
	// Seed compass through a healthy engine first.
	healthy := deletingRig(t, entities)
	_ = healthy

	res, err := r.engine.Run(context.Background(), engine.Options{})
	if !errors.Is(err, engine.ErrListing) || res.Status != engine.StatusFailed {
		t.Fatalf("status %s, err %v: want a failed run with ErrListing", res.Status, err)
	}
	if res.Counts.Deleted+res.Counts.Created != 0 || res.API.CompassMutations != 0 {
		t.Errorf("failed listing still changed compass: %+v, %d mutations", res.Counts, res.API.CompassMutations)
	}
}

func TestAdoptionAttachesTheAliasInsteadOfDuplicating(t *testing.T) {
	t.Parallel()
	entities := catalogsim.DemoCatalog()
	r := newRig(t, entities, nil)
	preview := r.run(t, engine.Options{DryRun: true})
	doc := componentDocs(entities)[2]
	ref := refOf(doc)
	name := findItemChange(findItem(preview, ref), "name")
	id, err := r.compass.SeedComponent(compasssim.Component{Name: name, TypeID: "SERVICE"})
	if err != nil {
		t.Fatal(err)
	}

	res := r.run(t, engine.Options{})

	if it := findItem(res, ref); it.Action != string(plan.KindAdopt) || it.ComponentID != id {
		t.Fatalf("item %+v: want adoption of %s", it, id)
	}
	if got := aliased(t, r.compass.Dump())[ref]; got.ID != id {
		t.Errorf("alias %s is on %s, want the adopted %s", ref, got.ID, id)
	}
	if n, want := components(t, r.compass.Dump()), len(componentDocs(entities)); n != want {
		t.Errorf("compass holds %d components, want %d", n, want)
	}
}

func findItemChange(it engine.Item, field string) string {
	for _, c := range it.Changes {
		if c.Field == field {
			return c.To
		}
	}
	return ""
}

func TestAnInterruptedCreateIsRepairedNotDuplicated(t *testing.T) {
	t.Parallel()
	entities := catalogsim.DemoCatalog()
	r := newRig(t, entities, nil)
	preview := r.run(t, engine.Options{DryRun: true})
	ref := refOf(componentDocs(entities)[3])
	name := findItemChange(findItem(preview, ref), "name")
	// The state a crash between createComponent and its alias leaves behind.
	id, err := r.compass.SeedComponent(compasssim.Component{Name: name, TypeID: "SERVICE"})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.store.PutIntents([]engine.Intent{{ID: "old/" + ref, Ref: ref, Operation: "create", Name: name}}); err != nil {
		t.Fatal(err)
	}

	r.run(t, engine.Options{})

	if got := aliased(t, r.compass.Dump())[ref]; got.ID != id {
		t.Errorf("alias %s is on %q, want the component the interrupted run made (%s)", ref, got.ID, id)
	}
	if n, want := components(t, r.compass.Dump()), len(componentDocs(entities)); n != want {
		t.Errorf("compass holds %d components, want %d", n, want)
	}
	if pending, _ := r.store.PendingIntents(); len(pending) != 0 {
		t.Errorf("%d intents still pending", len(pending))
	}
}

func TestAnEntityThatReappearsIsNotCreatedAgain(t *testing.T) {
	t.Parallel()
	entities := catalogsim.DemoCatalog()
	r := deletingRig(t, entities)
	r.run(t, engine.Options{})
	doc := componentDocs(entities)[0]

	if _, err := r.catalog.Delete(refOf(doc)); err != nil {
		t.Fatal(err)
	}
	r.run(t, engine.Options{})
	if err := r.catalog.Put(doc); err != nil {
		t.Fatal(err)
	}
	res := r.run(t, engine.Options{})

	if res.Counts.Created != 0 {
		t.Errorf("reappearing entity was created again: %+v", res.Counts)
	}
	if n, want := components(t, r.compass.Dump()), len(componentDocs(entities)); n != want {
		t.Errorf("compass holds %d components, want %d", n, want)
	}
}

func TestARunsStartIsKeptToTheNanosecond(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 12, 3, 10, 0, 0, 123456789, time.UTC)
	r := newRig(t, catalogsim.DemoCatalog(), func(c *engine.Config) {
		c.Now = func() time.Time { return start }
	})
	res := r.run(t, engine.Options{DryRun: true})
	// Runs in one second are ordered by their start in the history.
	if got, err := time.Parse(time.RFC3339Nano, res.StartedAt); err != nil || !got.Equal(start) {
		t.Errorf("started_at %q, want %s", res.StartedAt, start.Format(time.RFC3339Nano))
	}
}
