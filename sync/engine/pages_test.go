package engine_test

import (
	"context"
	"fmt"
	"maps"
	"strings"
	"testing"

	"github.com/backstage-sync/backstage-sync/sync/backstage/catalogsim"
	"github.com/backstage-sync/backstage-sync/sync/compass"
	"github.com/backstage-sync/backstage-sync/sync/compass/compasssim"
	"github.com/backstage-sync/backstage-sync/sync/engine"
	"github.com/backstage-sync/backstage-sync/sync/plan"
)

// pagedPair is two rigs over copies of one catalog: one plans each run at once, the other goes
// a few entities at a time.
type pagedPair struct {
	whole, paged *rig
}

func newPagedPair(t *testing.T, entities []map[string]any) *pagedPair {
	t.Helper()
	tweak := func(size int) func(*engine.Config) {
		return func(c *engine.Config) {
			c.Policy.DefaultDeletion = plan.ModeDelete
			c.PageSize = size
		}
	}
	return &pagedPair{
		whole: newRig(t, entities, tweak(0)),
		paged: newRig(t, entities, tweak(7)),
	}
}

// each applies a change to both rigs.
func (p *pagedPair) each(t *testing.T, change func(*rig) error) {
	t.Helper()
	for _, r := range []*rig{p.whole, p.paged} {
		if err := change(r); err != nil {
			t.Fatal(err)
		}
	}
}

// run runs both rigs once and fails when their results or their Compass sites differ.
func (p *pagedPair) run(t *testing.T, name string, opts engine.Options) (whole, paged *engine.Result) {
	t.Helper()
	whole, paged = p.whole.run(t, opts), p.paged.run(t, opts)
	if whole.Status != paged.Status || whole.Counts != paged.Counts {
		t.Errorf("%s: paged run %s %+v, whole run %s %+v", name, paged.Status, paged.Counts, whole.Status, whole.Counts)
	}
	if got, want := itemsByRef(paged), itemsByRef(whole); !maps.Equal(got, want) {
		t.Errorf("%s: items differ:\n  paged %v\n  whole %v", name, got, want)
	}

	want, problems := p.whole.compass.Dump().Normalize("backstage")
	got, pagedProblems := p.paged.compass.Dump().Normalize("backstage")
	for _, problem := range append(problems, pagedProblems...) {
		if !strings.Contains(problem, "has no backstage alias") {
			t.Errorf("%s: %s", name, problem)
		}
	}
	if diffs := compasssim.DiffNormal(got, want); len(diffs) > 0 {
		t.Errorf("%s: %d components differ between the paged and the whole run, first ones:\n%s", name,
			len(diffs), strings.Join(diffs[:min(5, len(diffs))], "\n"))
	}

	return whole, paged
}

// itemsByRef sums up a result's items as ref -> action and error.
func itemsByRef(res *engine.Result) map[string]string {
	out := map[string]string{}
	for _, it := range res.Items {
		out[it.Ref] = it.Action + " " + it.Error
	}
	return out
}

// TestPagedRunsEndLikeWholeRuns runs the same catalog changes through an engine that plans each
// run at once and one that maps, plans, applies and records seven entities at a time, and checks
// that every run does the same: adoption, creates, dependencies across pages, an edit, a
// rename, removals and their deletion two listings later.
func TestPagedRunsEndLikeWholeRuns(t *testing.T) {
	t.Parallel()
	entities := catalogsim.Generate(60, 3)
	docs := componentDocs(entities)
	p := newPagedPair(t, entities)

	// An unaliased namesake in Compass, for an entity of a middle page to adopt.
	adoptee := docs[30]
	p.each(t, func(r *rig) error {
		_, err := r.compass.SeedComponent(compasssim.Component{Name: title(adoptee), TypeID: "SERVICE"})
		return err
	})
	whole, paged := p.run(t, "initial run", engine.Options{})
	if whole.Counts.Created != len(docs)-1 || whole.Counts.Adopted != 1 {
		t.Errorf("initial run: %+v, want %d created and 1 adopted", whole.Counts, len(docs)-1)
	}
	if p.paged.store.writes < len(docs)/7 || p.whole.store.writes > 2 {
		t.Errorf("the paged rig wrote its records %d times and the whole one %d times: no paging",
			p.paged.store.writes, p.whole.store.writes)
	}
	if it := findItem(paged, refOf(adoptee)); it.Action != string(plan.KindAdopt) {
		t.Errorf("paged run: %s: %+v, want adopt", refOf(adoptee), it)
	}

	// Edit one entity, drop another's dependency, rename a third (its stable key stays), remove
	// two, add one.
	edited := withMetadata(docs[3], "description", "Edited in the catalog.")
	undepended := cloneDoc(docs[10])
	delete(undepended["spec"].(map[string]any), "dependsOn")
	renamed := withMetadata(docs[20], "name", "renamed-"+docs[20]["metadata"].(map[string]any)["name"].(string))
	added := catalogsim.Generate(1, 99)[1]
	p.each(t, func(r *rig) error {
		for _, doc := range []map[string]any{edited, undepended, renamed, added} {
			if err := r.catalog.Put(doc); err != nil {
				return err
			}
		}
		for _, doc := range []map[string]any{docs[20], docs[40], docs[50]} {
			if _, err := r.catalog.Delete(refOf(doc)); err != nil {
				return err
			}
		}
		return nil
	})
	whole, _ = p.run(t, "run after the edits", engine.Options{})
	if whole.Counts.Renamed != 1 || whole.Counts.Created != 1 || whole.Counts.Updated != 1 {
		t.Errorf("run after the edits: %+v, want a rename, a create and an update", whole.Counts)
	}
	state, _ := p.paged.compass.Dump().Normalize("backstage")
	if deps := state[refOf(undepended)].DependsOn; len(deps) != 0 {
		t.Errorf("paged run: %s still depends on %v", refOf(undepended), deps)
	}

	whole, _ = p.run(t, "second listing without the removed entities", engine.Options{})
	if whole.Counts.Deleted != 2 {
		t.Errorf("second listing: %+v, want 2 deleted", whole.Counts)
	}

	// A full run finds a hand edit in Compass. Both rigs go through pages for it (every applied
	// full run compares summaries of the components it reads), the whole rig in one.
	drifted := refOf(docs[45])
	// Someone also removes a relationship in Compass from an entity that is otherwise as it
	// was: the full run puts it back.
	unlinked := refOf(docs[46])
	p.each(t, func(r *rig) error {
		state := r.compass.Dump()
		id := aliased(t, state)[drifted].ID
		if err := r.compass.EditComponent(id, func(c *compasssim.Component) { c.Description = "edited by hand" }); err != nil {
			return err
		}
		from := aliased(t, state)[unlinked].ID
		for _, rel := range state.Relationships {
			if rel.StartNodeID == from {
				var b compass.Batch
				b.DeleteRelationship(rel.StartNodeID, rel.EndNodeID)
				res, err := r.cfg.Target.(*compass.Client).SendBatch(context.Background(), &b)
				if err == nil && res[0].Err != nil {
					err = res[0].Err
				}
				return err
			}
		}
		return fmt.Errorf("%s has no relationship to remove", unlinked)
	})
	statusesBefore, putsBefore := p.paged.store.statusWrites, p.paged.store.puts
	whole, paged = p.run(t, "full run", engine.Options{Full: true})
	if it := findItem(paged, drifted); it.Action != string(plan.KindUpdate) || len(it.Drift) == 0 {
		t.Errorf("paged full run: %s: %+v, want an update reporting drift", drifted, it)
	}
	if whole.Counts.Updated != 1 || p.paged.store.statusWrites-statusesBefore < len(docs)/7 {
		t.Errorf("full run: %+v, %d status writes in the paged rig: want 1 update, in pages",
			whole.Counts, p.paged.store.statusWrites-statusesBefore)
	}
	// Every record stays as it was: the drifted component was written back to what was
	// applied, and the relationship is not part of a record.
	if n := p.paged.store.puts - putsBefore; n != 0 {
		t.Errorf("the full run wrote %d records again, want none", n)
	}
	for name, r := range map[string]*rig{"whole": p.whole, "paged": p.paged} {
		if deps := normalOf(t, r)[unlinked].DependsOn; len(deps) == 0 {
			t.Errorf("%s full run: the relationship removed by hand from %s is not back", name, unlinked)
		}
	}
	// The pages plan against summaries of the components read at the start, and read again
	// only the drifted one.
	if extra := paged.API.CompassRequests - whole.API.CompassRequests; extra > 1 {
		t.Errorf("the paged full run sent %d requests more than the whole one (%d): want at most the one read of the drifted component",
			extra, whole.API.CompassRequests)
	}
}

// title returns the title of an entity document, which the default mapping names its
// component after.
func title(doc map[string]any) string {
	return doc["metadata"].(map[string]any)["title"].(string)
}

// cloneDoc copies a document deeply enough to change its spec.
func cloneDoc(doc map[string]any) map[string]any {
	out := maps.Clone(doc)
	out["metadata"] = maps.Clone(doc["metadata"].(map[string]any))
	out["spec"] = maps.Clone(doc["spec"].(map[string]any))
	return out
}

// TestARenameAmongManyRecordsIsStored renames an entity in a run that rewrites more records
// than one write holds, after a mapping change: the old ref's record must go before the new
// one takes its component, whichever write the new one falls in.
func TestARenameAmongManyRecordsIsStored(t *testing.T) {
	t.Parallel()
	entities := catalogsim.Generate(700, 5)
	r := newRig(t, entities, nil)
	r.run(t, engine.Options{})

	doc := componentDocs(entities)[300]
	// Sorted first, the new ref falls in the first write, before any later one could delete
	// the old ref.
	renamed := withMetadata(doc, "name", "aaa-renamed")
	if err := r.catalog.Put(renamed); err != nil {
		t.Fatal(err)
	}
	if _, err := r.catalog.Delete(refOf(doc)); err != nil {
		t.Fatal(err)
	}
	cfg := r.cfg
	cfg.RulesHash = "v2" // every entity is mapped and recorded again
	next, err := engine.New(cfg)
	if err != nil {
		t.Fatal(err)
	}

	res, err := next.Run(context.Background(), engine.Options{})
	if err != nil {
		t.Fatalf("run: %v (%+v)", err, res.Counts)
	}
	if res.Counts.Renamed != 1 || res.Counts.Failed != 0 {
		t.Errorf("counts %+v, want one rename and no failure", res.Counts)
	}
	records, _ := r.store.Records()
	if _, still := records[refOf(doc)]; still {
		t.Errorf("the old ref %s keeps its record", refOf(doc))
	}
	if rec := records[refOf(renamed)]; rec.ComponentID == "" {
		t.Errorf("the new ref %s has no component: %+v", refOf(renamed), rec)
	}
}

// normalOf returns a rig's Compass site keyed by alias.
func normalOf(t *testing.T, r *rig) map[string]compasssim.Normal {
	t.Helper()
	state, _ := r.compass.Dump().Normalize("backstage")
	return state
}
