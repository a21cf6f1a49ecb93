package syncer

import (
	"bytes"
	"context"
	"math/rand/v2"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/backstage-sync/backstage-sync/store"
	"github.com/backstage-sync/backstage-sync/sync/backstage"
	"github.com/backstage-sync/backstage-sync/sync/backstage/catalogsim"
	"github.com/backstage-sync/backstage-sync/sync/compass"
	"github.com/backstage-sync/backstage-sync/sync/compass/compasssim"
	"github.com/backstage-sync/backstage-sync/sync/engine"
	"github.com/backstage-sync/backstage-sync/sync/mapping"
	"github.com/backstage-sync/backstage-sync/sync/plan"
)

// The crash test runs each sync in a child process: this test binary started again with the
// environment below, so that SIGKILL stops it at any instruction, as a power cut would.
const (
	envCrashChild   = "BACKSTAGE_SYNC_CRASH_CHILD"
	envCrashCatalog = "BACKSTAGE_SYNC_CRASH_CATALOG"
	envCrashCompass = "BACKSTAGE_SYNC_CRASH_COMPASS"
	envCrashDB      = "BACKSTAGE_SYNC_CRASH_DB"
	envCrashSeed    = "BACKSTAGE_SYNC_CRASH_SEED"

	crashEmail = "admin@example.com"
	crashToken = "compass-token"
	crashBS    = "backstage-token"
)

// TestHelperSyncProcess is the child of the crash test: one sync run against the simulators of
// the parent, with the real bbolt store. It does nothing in an ordinary test run.
func TestHelperSyncProcess(t *testing.T) {
	if os.Getenv(envCrashChild) != "1" {
		t.Skip("runs only as the child of TestSyncSurvivesSIGKILL")
	}

	st, err := store.Open(os.Getenv(envCrashDB))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	bc, err := backstage.New(os.Getenv(envCrashCatalog), backstage.StaticToken(crashBS))
	if err != nil {
		t.Fatal(err)
	}
	cc, err := compass.New(os.Getenv(envCrashCompass), crashEmail, crashToken)
	if err != nil {
		t.Fatal(err)
	}
	mapper, err := mapping.Compile(mapping.Default())
	if err != nil {
		t.Fatal(err)
	}
	eng, err := engine.New(engine.Config{
		Source:    engine.NewCatalog(bc, []string{"kind=component", "kind=group"}),
		Target:    cc,
		Store:     &engineStore{st: st, now: time.Now},
		Mapper:    mapper,
		Policy:    plan.DefaultPolicy("backstage"),
		RulesHash: "crash",
		// Small requests put more request boundaries, and so more crash points, in the run;
		// small pages put crash points between pages and in the step after them.
		BatchSize: 20,
		PageSize:  300,
	})
	if err != nil {
		t.Fatal(err)
	}

	res, err := eng.Run(context.Background(), engine.Options{Trigger: "crash-test"})
	if err != nil {
		t.Fatalf("run failed: %v", err)
	}
	if res.Counts.Failed > 0 {
		t.Fatalf("%d items failed: %+v", res.Counts.Failed, res.Items[0])
	}
}

// crashSite is a catalog and a Compass site served to child processes.
type crashSite struct {
	compass    *compasssim.Server
	catalogURL string
	compassURL string
	db         string
}

func newCrashSite(t *testing.T, entities []map[string]any) *crashSite {
	t.Helper()
	cat := catalogsim.New(catalogsim.Options{Token: crashBS})
	for _, e := range entities {
		if err := cat.Put(e); err != nil {
			t.Fatalf("seeding catalog: %v", err)
		}
	}
	bsSrv := httptest.NewServer(cat)
	t.Cleanup(bsSrv.Close)
	sim := compasssim.New(compasssim.Options{Email: crashEmail, Token: crashToken, SiteHost: "127.0.0.1"})
	csSrv := httptest.NewServer(sim)
	t.Cleanup(csSrv.Close)

	return &crashSite{
		compass: sim, catalogURL: bsSrv.URL, compassURL: csSrv.URL,
		db: filepath.Join(t.TempDir(), "data", "backstage-sync.db"),
	}
}

// start starts one sync child.
func (s *crashSite) start(t *testing.T, out *bytes.Buffer) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperSyncProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), envCrashChild+"=1", envCrashCatalog+"="+s.catalogURL,
		envCrashCompass+"="+s.compassURL, envCrashDB+"="+s.db)
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting sync process: %v", err)
	}
	return cmd
}

// complete runs one sync child to its end and fails the test when the run failed.
func (s *crashSite) complete(t *testing.T) {
	t.Helper()
	var out bytes.Buffer
	if err := s.start(t, &out).Wait(); err != nil {
		t.Fatalf("sync process failed: %v\n%s", err, out.String())
	}
}

// runUntilKilled starts a child and kills it once the site has executed `after` more
// mutations, or once `delay` has passed when after is zero. It reports whether it killed the
// child before the child finished.
func (s *crashSite) runUntilKilled(t *testing.T, after int64, delay time.Duration) bool {
	t.Helper()
	var out bytes.Buffer
	base := s.compass.Stats().Mutations
	cmd := s.start(t, &out)
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()

	deadline := time.Now().Add(delay)
	tick := time.NewTicker(200 * time.Microsecond)
	defer tick.Stop()
	for {
		select {
		case err := <-exited:
			if err != nil {
				t.Fatalf("sync process failed on its own: %v\n%s", err, out.String())
			}
			return false
		case <-tick.C:
		}
		reached := after > 0 && s.compass.Stats().Mutations-base >= after
		if reached || (after == 0 && time.Now().After(deadline)) {
			if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatalf("killing sync process: %v", err)
			}
			<-exited
			return true
		}
	}
}

// TestSyncSurvivesSIGKILL kills an initial sync of 2,000 components at least 20 times, at random
// points, restarting it each time, and checks that Compass ends up as an uninterrupted run
// leaves it: no duplicate, no missing component, none without our alias.
func TestSyncSurvivesSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("starts 20 to 60 sync processes")
	}
	seed := time.Now().UnixNano()
	if s := os.Getenv(envCrashSeed); s != "" {
		seed, _ = strconv.ParseInt(s, 10, 64)
	}
	t.Logf("kill points drawn with seed %d (%s=%d repeats them)", seed, envCrashSeed, seed)
	rng := rand.New(rand.NewPCG(uint64(seed), 7))
	entities := catalogsim.Generate(2000, 42)

	ref := newCrashSite(t, entities)
	ref.complete(t)
	want := normalState(t, ref.compass.Dump())
	total := ref.compass.Stats().Mutations

	// Most kills land when the site has executed a random number of mutations, drawn so that
	// the kills spread over the rest of the run (creates, aliases, relationships); one attempt
	// in five kills after a random delay instead, so that listing, repair and recording are hit
	// too. A kill misses when its run ends first.
	site := newCrashSite(t, entities)
	var kills []string
	for attempt := 0; len(kills) < 20; attempt++ {
		if attempt == 60 {
			t.Fatalf("only %d kills landed in %d attempts: %v", len(kills), attempt, kills)
		}
		if attempt%5 == 4 {
			delay := time.Duration(rng.Int64N(int64(300 * time.Millisecond)))
			if site.runUntilKilled(t, 0, delay) {
				kills = append(kills, delay.Round(time.Millisecond).String())
			}
			continue
		}
		left := max(1, (total-site.compass.Stats().Mutations)/int64(20-len(kills)))
		if site.runUntilKilled(t, 1+rng.Int64N(left), 0) {
			kills = append(kills, strconv.FormatInt(site.compass.Stats().Mutations, 10))
		}
	}
	site.complete(t)

	got := normalState(t, site.compass.Dump())
	compareStates(t, got, want)
	t.Logf("%d kills, after these delays or numbers of mutations: %v", len(kills), kills)
	t.Logf("%d mutations in all, against %d for the uninterrupted run",
		site.compass.Stats().Mutations, total)
}

// normalState keys the components by our alias and fails on a component without it.
func normalState(t *testing.T, s compasssim.State) map[string]compasssim.Normal {
	t.Helper()
	out, problems := s.Normalize("backstage")
	for _, p := range problems {
		t.Error(p)
	}
	return out
}

func compareStates(t *testing.T, got, want map[string]compasssim.Normal) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("compass holds %d components after the crashes, want %d", len(got), len(want))
	}
	if diffs := compasssim.DiffNormal(got, want); len(diffs) > 0 {
		t.Errorf("%d components differ from the uninterrupted run, first ones:\n%s", len(diffs),
			strings.Join(diffs[:min(5, len(diffs))], "\n"))
	}
}
