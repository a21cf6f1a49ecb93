package store

import (
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"
)

func run(id string, started time.Time) Run {
	return Run{
		ID: id, Trigger: "schedule", StartedAt: started, FinishedAt: started.Add(time.Minute),
		Status: RunSucceeded, Counts: map[string]int{"created": 1},
		Items: []RunItem{{Ref: "component:default/a", Action: "create"}},
	}
}

func TestSaveAndGetRunWithItems(t *testing.T) {
	t.Parallel()
	s := openTest(t, WithClock(func() time.Time { return seen }))
	r := Run{
		ID: "run-1", Trigger: "manual", StartedAt: seen.Add(-time.Minute), FinishedAt: seen,
		Status: RunPartial, DryRun: true, Counts: map[string]int{"updated": 1, "failed": 1},
		API:   APIFigures{Requests: 12, Mutations: 3, Retries: 1, RateLimited: 1, Throttled: 2 * time.Second},
		Error: "",
		Items: []RunItem{
			{Ref: "component:default/a", Action: "update", ComponentID: "ari:c/a",
				Changes: []Change{{Field: "name", From: "A", To: "Alpha"}}, Reason: "name changed"},
			{Ref: "component:default/b", Action: "create", Error: "name already taken"},
		},
	}
	if err := s.SaveRun(r); err != nil {
		t.Fatalf("SaveRun: %v", err)
	}

	got, err := s.GetRun("run-1")
	if err != nil {
		t.Fatalf("GetRun: %v", err)
	}
	if !reflect.DeepEqual(got, r) {
		t.Errorf("GetRun = %+v\nwant %+v", got, r)
	}
	if _, err := s.GetRun("run-2"); !errors.Is(err, ErrNotFound) {
		t.Errorf("GetRun of an unknown id = %v, want ErrNotFound", err)
	}
}

func TestSavingARunAgainReplacesIt(t *testing.T) {
	t.Parallel()
	s := openTest(t, WithClock(func() time.Time { return seen }))
	started := run("run-1", seen.Add(-time.Hour))
	started.Status, started.Items = RunRunning, nil
	if err := s.SaveRun(started); err != nil {
		t.Fatalf("SaveRun: %v", err)
	}
	if err := s.SaveRun(run("run-1", seen.Add(-time.Hour))); err != nil {
		t.Fatalf("SaveRun: %v", err)
	}

	runs, err := s.ListRuns(0)
	if err != nil {
		t.Fatalf("ListRuns: %v", err)
	}
	if len(runs) != 1 || runs[0].Status != RunSucceeded {
		t.Errorf("ListRuns = %+v, want one succeeded run", runs)
	}
}

func TestListRuns(t *testing.T) {
	t.Parallel()
	now := seen
	tests := []struct {
		name       string
		retention  Option
		saved      int
		spacing    time.Duration
		limit      int
		wantNewest []string
	}{
		{
			"runs come newest first without items", WithRunRetention(200, 90*24*time.Hour),
			3, time.Hour, 0, []string{"run-2", "run-1", "run-0"},
		},
		{
			"a limit returns the newest runs only", WithRunRetention(200, 90*24*time.Hour),
			5, time.Hour, 2, []string{"run-4", "run-3"},
		},
		{
			"runs beyond the count are pruned", WithRunRetention(3, 90*24*time.Hour),
			6, time.Hour, 0, []string{"run-5", "run-4", "run-3"},
		},
		{
			"runs older than the age are pruned", WithRunRetention(200, 30*time.Hour),
			4, 24 * time.Hour, 0, []string{"run-3", "run-2"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := openTest(t, tt.retention, WithClock(func() time.Time { return now }))
			for i := 0; i < tt.saved; i++ {
				started := now.Add(-time.Duration(tt.saved-1-i) * tt.spacing)
				if err := s.SaveRun(run(fmt.Sprintf("run-%d", i), started)); err != nil {
					t.Fatalf("SaveRun: %v", err)
				}
			}

			runs, err := s.ListRuns(tt.limit)
			if err != nil {
				t.Fatalf("ListRuns: %v", err)
			}
			var ids []string
			for _, r := range runs {
				ids = append(ids, r.ID)
				if r.Items != nil {
					t.Errorf("run %s listed with items", r.ID)
				}
			}
			if !reflect.DeepEqual(ids, tt.wantNewest) {
				t.Errorf("ListRuns = %v, want %v", ids, tt.wantNewest)
			}
		})
	}
}

func TestPrunedRunsAreGoneFromEveryIndex(t *testing.T) {
	t.Parallel()
	s := openTest(t, WithRunRetention(1, time.Hour*24*365), WithClock(func() time.Time { return seen }))
	for i, id := range []string{"old", "new"} {
		if err := s.SaveRun(run(id, seen.Add(time.Duration(i)*time.Minute))); err != nil {
			t.Fatalf("SaveRun: %v", err)
		}
	}

	if _, err := s.GetRun("old"); !errors.Is(err, ErrNotFound) {
		t.Errorf("GetRun of a pruned run = %v, want ErrNotFound", err)
	}
	if _, err := s.GetRun("new"); err != nil {
		t.Errorf("GetRun of the kept run: %v", err)
	}
}

func TestSaveRunRefusesARunWithoutIDOrStart(t *testing.T) {
	t.Parallel()
	s := openTest(t)
	for _, r := range []Run{{StartedAt: seen}, {ID: "run-1"}} {
		if err := s.SaveRun(r); !errors.Is(err, ErrInvalidRecord) {
			t.Errorf("SaveRun(%+v) = %v, want ErrInvalidRecord", r, err)
		}
	}
}
