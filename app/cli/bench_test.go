package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http/httptest"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/backstage-sync/backstage-sync/app/syncer"
	"github.com/backstage-sync/backstage-sync/internal/benchtable"
	"github.com/backstage-sync/backstage-sync/store/secret"
	"github.com/backstage-sync/backstage-sync/sync/backstage/catalogsim"
	"github.com/backstage-sync/backstage-sync/sync/compass/compasssim"
	"github.com/backstage-sync/backstage-sync/sync/config"
	"github.com/backstage-sync/backstage-sync/sync/engine"
)

// The 50,000-entity benchmark runs `backstage-sync sync --json` in a child process (this test
// binary started again with envBenchChild naming the data directory), with the real bbolt store,
// so that the peak resident memory it reads is the command's own: the simulators stay in the
// parent. The child runs the command three times in one process, as the window or the service
// would, waiting for a line on stdin between runs; the third run is a full reconcile.
const (
	envBenchChild = "BACKSTAGE_SYNC_BENCH_CHILD"
	bigCatalog    = 50000

	benchEmail          = "admin@example.com"
	benchCompassToken   = "compass-token"
	benchBackstageToken = "backstage-token"
)

// childReport is what the child writes after each run's JSON result.
type childReport struct {
	Exit   int   `json:"exit"`
	WallMS int64 `json:"wall_ms"`
	PeakKB int64 `json:"peak_kb"`
}

// benchChild runs the sync command twice on the data directory and reports after each run.
func benchChild(dir string) int {
	in := bufio.NewReader(os.Stdin)
	env := Env{Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv, GOOS: runtime.GOOS}
	for i, extra := range [][]string{nil, nil, {"--full"}} {
		if i > 0 {
			if _, err := in.ReadString('\n'); err != nil {
				return 2
			}
		}
		start := time.Now()
		code := Execute(context.Background(), env, append([]string{"--data-dir", dir, "sync", "--json"}, extra...))
		rep := childReport{Exit: code, WallMS: time.Since(start).Milliseconds(), PeakKB: peakKB()}
		if err := json.NewEncoder(os.Stdout).Encode(rep); err != nil {
			return 2
		}
	}
	return 0
}

// peakKB reads the peak resident set size of this process from /proc.
func peakKB() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return -1
	}
	for line := range strings.Lines(string(b)) {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb
		}
	}
	return -1
}

// BenchmarkFiftyThousand syncs 50,000 components, changes one entity, syncs again, runs a full
// reconcile, and checks the requests of the last two runs and the peak memory of the process.
func BenchmarkFiftyThousand(b *testing.B) {
	for range b.N {
		entities := catalogsim.Generate(bigCatalog, 1)
		cat := catalogsim.New(catalogsim.Options{Token: benchBackstageToken})
		for _, e := range entities {
			if err := cat.Put(e); err != nil {
				b.Fatal(err)
			}
		}
		bsSrv := httptest.NewServer(cat)
		defer bsSrv.Close()
		sim := compasssim.New(compasssim.Options{Email: benchEmail, Token: benchCompassToken, SiteHost: "127.0.0.1"})
		csSrv := httptest.NewServer(sim)
		defer csSrv.Close()
		dir := b.TempDir()
		writeBenchSettings(b, dir, bsSrv.URL, csSrv.URL)

		cmd := exec.Command(os.Args[0], "-test.run=^$", "-test.bench=^$")
		cmd.Env = append(os.Environ(), envBenchChild+"="+dir,
			secret.BackstageToken.EnvVar()+"="+benchBackstageToken,
			secret.CompassAPIToken.EnvVar()+"="+benchCompassToken)
		cmd.Stderr = os.Stderr
		stdin, err := cmd.StdinPipe()
		if err != nil {
			b.Fatal(err)
		}
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			b.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		dec := json.NewDecoder(stdout)

		initial, initialRep := readChildRun(b, dec)
		edited := entities[len(entities)-1]
		edited["metadata"].(map[string]any)["description"] = "Changed for the benchmark."
		if err := cat.Put(edited); err != nil {
			b.Fatal(err)
		}
		if _, err := io.WriteString(stdin, "go\n"); err != nil {
			b.Fatal(err)
		}
		changed, changedRep := readChildRun(b, dec)
		if _, err := io.WriteString(stdin, "go\n"); err != nil {
			b.Fatal(err)
		}
		full, fullRep := readChildRun(b, dec)
		if err := cmd.Wait(); err != nil {
			b.Fatalf("child failed: %v", err)
		}

		b.ReportMetric(float64(initialRep.WallMS)/1000, "initial_s")
		b.ReportMetric(float64(initialRep.PeakKB)/1024, "initial_peak_MB")
		b.ReportMetric(float64(changedRep.PeakKB)/1024, "changed_peak_MB")
		b.ReportMetric(float64(fullRep.PeakKB)/1024, "peak_MB")
		benchtable.Check(b, "initial 50,000: created, failed",
			initial.Counts.Created == bigCatalog && initial.Counts.Failed == 0,
			fmt.Sprintf("%d created, %d failed in %.1f s", initial.Counts.Created, initial.Counts.Failed,
				float64(initialRep.WallMS)/1000), "50000, 0")
		benchtable.Check(b, "one change among 50,000: compass requests",
			changed.API.CompassRequests <= 3 && changed.Counts.Updated == 1 && changed.Counts.Failed == 0,
			fmt.Sprintf("%d (%d updated, %d mutations, %d ms)", changed.API.CompassRequests,
				changed.Counts.Updated, changed.API.CompassMutations, changedRep.WallMS), "<= 3")
		benchtable.Check(b, "full reconcile of 50,000 unchanged: mutations",
			full.Counts.Unchanged == bigCatalog && full.API.CompassMutations == 0 && full.Counts.Failed == 0,
			fmt.Sprintf("%d (%d unchanged, %d compass requests, %.1f s)", full.API.CompassMutations,
				full.Counts.Unchanged, full.API.CompassRequests, float64(fullRep.WallMS)/1000), "0")
		benchtable.Check(b, "50,000 entities: peak resident memory",
			changedRep.PeakKB > 0 && changedRep.PeakKB < 200*1024,
			fmt.Sprintf("%.0f MB (%.0f MB after the first run)", float64(changedRep.PeakKB)/1024,
				float64(initialRep.PeakKB)/1024), "< 200 MB")
		// VmHWM only grows: after the full reconcile it is the peak of all three runs. The
		// issue's targets do not bound a full reconcile; its figure is shown as measured.
		benchtable.Note("full reconcile of 50,000: peak resident memory",
			fmt.Sprintf("%.0f MB", float64(fullRep.PeakKB)/1024))
	}
}

// writeBenchSettings stores settings that point at the two simulators, as `config import`
// would.
func writeBenchSettings(b *testing.B, dir, backstageURL, compassURL string) {
	b.Helper()
	s, err := syncer.Open(syncer.Options{DataDir: dir})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	st := config.Default()
	st.Backstage.URL = backstageURL
	st.Compass.Site = compassURL
	st.Compass.Email = benchEmail
	data, err := config.Marshal(st)
	if err != nil {
		b.Fatal(err)
	}
	if err := s.ImportSettings(data); err != nil {
		b.Fatal(err)
	}
}

// readChildRun reads one run's JSON result and the child's report after it.
func readChildRun(b *testing.B, dec *json.Decoder) (engine.Result, childReport) {
	b.Helper()
	var res engine.Result
	var rep childReport
	if err := dec.Decode(&res); err != nil {
		b.Fatalf("reading the run's result: %v", err)
	}
	if err := dec.Decode(&rep); err != nil {
		b.Fatalf("reading the child's report: %v", err)
	}
	if rep.Exit != ExitOK {
		b.Fatalf("sync exited %d: %s (%+v)", rep.Exit, res.Error, res.Counts)
	}
	return res, rep
}
