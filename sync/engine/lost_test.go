package engine_test

import (
	"strings"
	"testing"
	"time"

	"github.com/backstage-sync/backstage-sync/sync/backstage/catalogsim"
	"github.com/backstage-sync/backstage-sync/sync/compass/compasssim"
	"github.com/backstage-sync/backstage-sync/sync/engine"
)

// TestLostAnswersEndAsIfTheyHadArrived syncs a catalog while Compass runs a third of the
// mutation requests without answering them, then changes dependencies and renames an entity,
// and checks that no item fails and Compass ends as a run without lost answers leaves it: an
// alias or relationship whose second try finds the first one's work is done, not failed.
func TestLostAnswersEndAsIfTheyHadArrived(t *testing.T) {
	t.Parallel()
	entities := catalogsim.Generate(120, 11)
	fast := func(c *engine.Config) {
		c.BatchSize = 10
		c.Pacer = engine.NewPacer(engine.PacerOptions{BaseBackoff: time.Millisecond})
	}
	clean, lossy := newRig(t, entities, fast), newRig(t, entities, fast)
	lossy.compass.SetFaults(compasssim.Faults{LostAnswerRate: 0.3})

	docs := componentDocs(entities)
	undepended := cloneDoc(docs[7])
	delete(undepended["spec"].(map[string]any), "dependsOn")
	redepended := cloneDoc(docs[8])
	redepended["spec"].(map[string]any)["dependsOn"] = []any{refOf(docs[9])}
	renamed := withMetadata(docs[10], "name", "renamed-"+docs[10]["metadata"].(map[string]any)["name"].(string))

	for step, change := range []func(*rig) error{
		nil,
		func(r *rig) error {
			for _, doc := range []map[string]any{undepended, redepended, renamed} {
				if err := r.catalog.Put(doc); err != nil {
					return err
				}
			}
			_, err := r.catalog.Delete(refOf(docs[10]))
			return err
		},
	} {
		for _, r := range []*rig{clean, lossy} {
			if change != nil {
				if err := change(r); err != nil {
					t.Fatal(err)
				}
			}
		}
		clean.run(t, engine.Options{})
		res := lossy.run(t, engine.Options{})
		if res.Counts.Failed != 0 {
			var errs []string
			for _, it := range failedItems(res) {
				errs = append(errs, it.Ref+": "+it.Error)
			}
			t.Errorf("step %d: %d items failed:\n%s", step, res.Counts.Failed, strings.Join(errs[:min(5, len(errs))], "\n"))
		}

		want, _ := clean.compass.Dump().Normalize("backstage")
		got, problems := lossy.compass.Dump().Normalize("backstage")
		for _, p := range problems {
			t.Errorf("step %d: %s", step, p)
		}
		if diffs := compasssim.DiffNormal(got, want); len(diffs) > 0 {
			t.Errorf("step %d: %d components differ from the run without lost answers, first ones:\n%s", step,
				len(diffs), strings.Join(diffs[:min(5, len(diffs))], "\n"))
		}
	}
	if lost := lossy.compass.Stats().LostAnswers; lost < 5 {
		t.Errorf("only %d answers were lost: the test did not test much", lost)
	}
}
