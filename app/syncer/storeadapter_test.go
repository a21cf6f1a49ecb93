package syncer

import (
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/backstage-sync/backstage-sync/store"
	"github.com/backstage-sync/backstage-sync/sync/engine"
	"github.com/backstage-sync/backstage-sync/sync/plan"
)

func TestRunHistoryKeepsWhatRunsDidAndCountsTheRest(t *testing.T) {
	t.Parallel()
	st, err := store.Open(filepath.Join(t.TempDir(), DatabaseFile))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	es := &engineStore{st: st, now: time.Now}

	unchanged := string(plan.KindUnchanged)
	res := &engine.Result{
		RunID: "r1", StartedAt: "2026-12-03T10:00:00Z", Status: engine.StatusSucceeded,
		Counts: engine.Counts{Created: 1, Unchanged: 4},
		Items: []engine.Item{
			{Ref: "component:default/new", Action: string(plan.KindCreate), Reason: "new entity"},
			{Ref: "component:default/quiet", Action: unchanged, Reason: engine.ReasonNotFetched},
			{Ref: "component:default/checked", Action: unchanged, Reason: plan.ReasonInSync},
			{Ref: "component:default/gone", Action: unchanged, Reason: "missing from 1 of 2 complete listings in a row"},
			{Ref: "component:default/warned", Action: unchanged, Reason: plan.ReasonInSync, Warnings: []string{"owner: no team"}},
		},
	}
	if err := es.SaveRun(res); err != nil {
		t.Fatal(err)
	}

	run, err := st.GetRun("r1")
	if err != nil {
		t.Fatal(err)
	}
	var refs []string
	for _, it := range run.Items {
		refs = append(refs, it.Ref)
	}
	want := []string{"component:default/new", "component:default/gone", "component:default/warned"}
	if !slices.Equal(refs, want) {
		t.Errorf("stored items %v, want %v", refs, want)
	}
	if run.Counts["unchanged"] != 4 || run.Counts["created"] != 1 {
		t.Errorf("counts %v, want 4 unchanged and 1 created", run.Counts)
	}
}

func TestRunsOfOneSecondAreListedNewestFirst(t *testing.T) {
	t.Parallel()
	st, err := store.Open(filepath.Join(t.TempDir(), DatabaseFile))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	es := &engineStore{st: st, now: time.Now}

	start := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	// Ids that sort against the order of the runs.
	for i, id := range []string{"run-z", "run-m", "run-a"} {
		res := &engine.Result{
			RunID: id, Status: engine.StatusSucceeded,
			StartedAt: start.Add(time.Duration(i) * 100 * time.Millisecond).Format(time.RFC3339Nano),
		}
		if err := es.SaveRun(res); err != nil {
			t.Fatal(err)
		}
	}

	runs, err := st.ListRuns(0)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, r := range runs {
		ids = append(ids, r.ID)
	}
	if want := []string{"run-a", "run-m", "run-z"}; !slices.Equal(ids, want) {
		t.Errorf("runs listed %v, want the newest first %v", ids, want)
	}
}
