package store

import (
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
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
	if n := itemKeys(t, s); n != 1 {
		t.Errorf("%d item keys, want only the kept run's", n)
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

func TestRunItemsAreKeptInChunks(t *testing.T) {
	t.Parallel()
	s := openTest(t, WithClock(func() time.Time { return seen }))
	r := run("big", seen.Add(-time.Minute))
	r.Items = nil
	for i := range 2*runItemChunk + 500 {
		r.Items = append(r.Items, RunItem{Ref: fmt.Sprintf("component:default/c%05d", i), Action: "create"})
	}
	if err := s.SaveRun(r); err != nil {
		t.Fatalf("SaveRun: %v", err)
	}
	got, err := s.GetRun("big")
	if err != nil {
		t.Fatalf("GetRun: %v", err)
	}
	if !reflect.DeepEqual(got.Items, r.Items) {
		t.Fatalf("GetRun returned %d items, want the %d saved, in order", len(got.Items), len(r.Items))
	}
	if n := itemKeys(t, s); n != 3 {
		t.Errorf("%d item keys, want 3 chunks", n)
	}

	// Saving the run again with fewer items leaves no chunk of the longer list behind.
	r.Items = r.Items[:10]
	if err := s.SaveRun(r); err != nil {
		t.Fatalf("SaveRun: %v", err)
	}
	if got, err = s.GetRun("big"); err != nil || len(got.Items) != 10 {
		t.Fatalf("GetRun after saving again: %d items, %v; want 10", len(got.Items), err)
	}
	if n := itemKeys(t, s); n != 1 {
		t.Errorf("%d item keys after saving again, want 1", n)
	}
}

func TestRunItemsOfOlderStoresAreRead(t *testing.T) {
	t.Parallel()
	s := openTest(t, WithClock(func() time.Time { return seen }))
	r := run("old-format", seen.Add(-time.Minute))
	// Before items were chunked, all of a run's items were one value under the run key.
	err := s.db.Update(func(tx *bolt.Tx) error {
		summary, err := encode(Run{ID: r.ID, Trigger: r.Trigger, StartedAt: r.StartedAt, FinishedAt: r.FinishedAt,
			Status: r.Status, Counts: r.Counts})
		if err != nil {
			return err
		}
		items, err := encode(r.Items)
		if err != nil {
			return err
		}
		key := runKey(r)
		if err := tx.Bucket(bucketRuns).Put(key, summary); err != nil {
			return err
		}
		if err := tx.Bucket(bucketRunItems).Put(key, items); err != nil {
			return err
		}
		return tx.Bucket(bucketRunIDs).Put([]byte(r.ID), key)
	})
	if err != nil {
		t.Fatal(err)
	}

	got, err := s.GetRun(r.ID)
	if err != nil || !reflect.DeepEqual(got.Items, r.Items) {
		t.Fatalf("GetRun = %+v, %v; want the items %+v", got.Items, err, r.Items)
	}
	if err := s.SaveRun(r); err != nil {
		t.Fatalf("SaveRun over the old form: %v", err)
	}
	if n := itemKeys(t, s); n != 1 {
		t.Errorf("%d item keys after saving over the old form, want the 1 new chunk", n)
	}
}

// itemKeys counts the keys of the run items bucket.
func itemKeys(t *testing.T, s *Store) int {
	t.Helper()
	n := 0
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketRunItems).ForEach(func(_, _ []byte) error {
			n++
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestItemsOfARunNeverWrittenAreRemoved(t *testing.T) {
	t.Parallel()
	s := openTest(t, WithClock(func() time.Time { return seen }))
	// The items of a run whose last transaction a crash prevented.
	lost := run("lost", seen.Add(-2*time.Minute))
	err := s.db.Update(func(tx *bolt.Tx) error {
		return putRunItems(tx.Bucket(bucketRunItems), runKey(lost), lost.Items, 0, chunksPerTx)
	})
	if err != nil {
		t.Fatal(err)
	}

	// A run of more chunks than one transaction writes.
	big := run("big", seen.Add(-time.Minute))
	big.Items = nil
	for i := range (chunksPerTx+1)*runItemChunk + 7 {
		big.Items = append(big.Items, RunItem{Ref: fmt.Sprintf("component:default/c%06d", i), Action: "create"})
	}
	if err := s.SaveRun(big); err != nil {
		t.Fatalf("SaveRun: %v", err)
	}

	got, err := s.GetRun("big")
	if err != nil || !reflect.DeepEqual(got.Items, big.Items) {
		t.Fatalf("GetRun: %d items, %v; want the %d saved", len(got.Items), err, len(big.Items))
	}
	if n, want := itemKeys(t, s), chunksPerTx+2; n != want {
		t.Errorf("%d item keys, want the %d chunks of the saved run and none of the lost one", n, want)
	}
	if _, err := s.GetRun("lost"); !errors.Is(err, ErrNotFound) {
		t.Errorf("GetRun of the run never written = %v, want ErrNotFound", err)
	}
}
