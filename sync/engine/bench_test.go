package engine_test

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/backstage-sync/backstage-sync/sync/backstage"
	"github.com/backstage-sync/backstage-sync/sync/backstage/catalogsim"
	"github.com/backstage-sync/backstage-sync/sync/compass"
	"github.com/backstage-sync/backstage-sync/sync/compass/compasssim"
	"github.com/backstage-sync/backstage-sync/sync/engine"
	"github.com/backstage-sync/backstage-sync/sync/mapping"
	"github.com/backstage-sync/backstage-sync/sync/plan"
)

// The settings of the targets.
const (
	benchComponents = 5000
	benchLatency    = 50 * time.Millisecond
	benchRate       = 20.0
	// naiveComponents is how many components the naive sync creates by default: it needs about
	// 0.15 s each at 20 requests per second, so 5,000 would take some 13 minutes. Its time per
	// component is multiplied out to benchComponents; BENCH_NAIVE_COMPONENTS=5000 runs it whole.
	naiveComponents = 500
)

// benchFaults is the simulator's answer to the issue's "50 ms latency and a limit of 20 requests
// per second": every request waits 50 ms and a token bucket without burst refuses the rest.
var benchFaults = compasssim.Faults{Latency: benchLatency, RatePerSecond: benchRate, Burst: 1}

// benchSite is a catalog and a Compass site on loopback.
type benchSite struct {
	catalog    *catalogsim.Server
	compass    *compasssim.Server
	catalogURL string
	compassURL string
}

func newBenchSite(tb testing.TB, entities []map[string]any) *benchSite {
	tb.Helper()
	cat := catalogsim.New(catalogsim.Options{Token: testBS})
	for _, e := range entities {
		if err := cat.Put(e); err != nil {
			tb.Fatalf("seeding catalog: %v", err)
		}
	}
	bsSrv := httptest.NewServer(cat)
	tb.Cleanup(bsSrv.Close)
	sim := compasssim.New(compasssim.Options{Email: testEmail, Token: testToken, SiteHost: "127.0.0.1"})
	csSrv := httptest.NewServer(sim)
	tb.Cleanup(csSrv.Close)

	return &benchSite{catalog: cat, compass: sim, catalogURL: bsSrv.URL, compassURL: csSrv.URL}
}

// benchEngine is an engine with default settings between the two sites.
type benchEngine struct {
	engine *engine.Engine
	source *engine.Catalog
	target *compass.Client
	mapper *mapping.Mapper
}

func newBenchEngine(catalogURL, compassURL string, st engine.Store) (*benchEngine, error) {
	return newBenchEngineProgress(catalogURL, compassURL, st, nil)
}

func newBenchEngineProgress(catalogURL, compassURL string, st engine.Store, progress engine.Progress) (*benchEngine, error) {
	bc, err := backstage.New(catalogURL, backstage.StaticToken(testBS))
	if err != nil {
		return nil, err
	}
	cc, err := compass.New(compassURL, testEmail, testToken)
	if err != nil {
		return nil, err
	}
	mapper, err := mapping.Compile(mapping.Default())
	if err != nil {
		return nil, err
	}
	source := engine.NewCatalog(bc, []string{"kind=component", "kind=group"})
	eng, err := engine.New(engine.Config{
		Source: source, Target: cc, Store: st, Mapper: mapper,
		Policy: plan.DefaultPolicy("backstage"), RulesHash: "bench", Progress: progress,
	})
	if err != nil {
		return nil, err
	}

	return &benchEngine{engine: eng, source: source, target: cc, mapper: mapper}, nil
}

func (s *benchSite) engine(b *testing.B, st engine.Store) *benchEngine {
	b.Helper()
	e, err := newBenchEngine(s.catalogURL, s.compassURL, st)
	if err != nil {
		b.Fatal(err)
	}
	return e
}

// runClean runs one sync and fails the benchmark unless every item succeeded.
func runClean(b *testing.B, e *benchEngine, opts engine.Options) *engine.Result {
	b.Helper()
	res, err := e.engine.Run(context.Background(), opts)
	if err != nil {
		b.Fatalf("run failed: %v", err)
	}
	if res.Counts.Failed > 0 || res.Status != engine.StatusSucceeded {
		b.Fatalf("run %s with %d failed items", res.Status, res.Counts.Failed)
	}
	return res
}

func seconds(d time.Duration) string {
	return strconv.FormatFloat(d.Seconds(), 'f', 2, 64) + " s"
}

// BenchmarkInitialSync creates 5,000 components at 50 ms latency and 20 requests per second,
// with the engine and with a naive sequential sync, and checks the targets.
func BenchmarkInitialSync(b *testing.B) {
	var product time.Duration
	b.Run("engine", func(b *testing.B) {
		for range b.N {
			product = benchEngineInitial(b)
		}
	})
	b.Run("naive", func(b *testing.B) {
		for range b.N {
			benchNaiveInitial(b, product)
		}
	})
}

func benchEngineInitial(b *testing.B) time.Duration {
	site := newBenchSite(b, catalogsim.Generate(benchComponents, 1))
	e := site.engine(b, newMemStore())
	site.compass.SetFaults(benchFaults)

	start := time.Now()
	res := runClean(b, e, engine.Options{})
	wall := time.Since(start)

	st := site.compass.Stats()
	// Refused requests cost no work but are counted apart: the floor is the requests that had
	// to be answered, at the rate the site allows.
	floor := time.Duration(float64(st.Documents) / benchRate * float64(time.Second))
	perRequest := float64(st.Mutations) / float64(st.Documents)
	b.ReportMetric(perRequest, "mutations/request")
	b.ReportMetric(wall.Seconds(), "wall_s")
	b.ReportMetric(float64(st.Documents), "requests")
	b.ReportMetric(float64(st.RejectedRateLimit), "refused")
	check(b, "initial 5,000: components created", res.Counts.Created == benchComponents,
		strconv.Itoa(res.Counts.Created), strconv.Itoa(benchComponents))
	check(b, "initial 5,000: mutations per request", perRequest >= 10,
		fmt.Sprintf("%.1f (%d in %d requests)", perRequest, st.Mutations, st.Documents), ">= 10")
	check(b, "initial 5,000: wall time / rate floor", wall <= floor*3/2,
		fmt.Sprintf("%s / %s = %.2fx (%d refused, waited %d ms)", seconds(wall), seconds(floor),
			wall.Seconds()/floor.Seconds(), st.RejectedRateLimit, res.API.WaitedMS), "<= 1.5x")

	return wall
}

func benchNaiveInitial(b *testing.B, product time.Duration) {
	n := naiveComponents
	if v, err := strconv.Atoi(os.Getenv("BENCH_NAIVE_COMPONENTS")); err == nil && v > 0 {
		n = v
	}
	site := newBenchSite(b, catalogsim.Generate(n, 1))
	e := site.engine(b, newMemStore())
	site.compass.SetFaults(benchFaults)

	start := time.Now()
	if err := naiveSync(context.Background(), e); err != nil {
		b.Fatalf("naive sync: %v", err)
	}
	wall := time.Since(start)

	st := site.compass.Stats()
	scaled := time.Duration(float64(wall) * benchComponents / float64(n))
	b.ReportMetric(wall.Seconds(), "wall_s")
	b.ReportMetric(float64(st.Documents), "requests")
	if product == 0 {
		return
	}
	speedup := scaled.Seconds() / product.Seconds()
	check(b, "initial 5,000: speed-up over naive sync", speedup >= 20,
		fmt.Sprintf("%.0fx (naive %s for %d, %d requests; %s for 5,000)", speedup, seconds(wall), n,
			st.Documents, seconds(scaled)), ">= 20x")
}

// naiveSync is what a sync without batching or concurrency does: list, map, then one request per
// operation, one at a time: create each component, attach its alias, then add each dependency.
// It waits out rate-limit answers so that it finishes.
func naiveSync(ctx context.Context, e *benchEngine) error {
	groups, err := e.source.ListGroups(ctx)
	if err != nil {
		return err
	}
	env := mapping.Env{Teams: noTeams{}, Groups: groups}
	var comps []mapping.Component
	err = e.source.ListEntities(ctx, func(page []map[string]any) error {
		for _, doc := range page {
			if c, skip := e.mapper.Map(doc, env); skip == nil {
				comps = append(comps, c)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}

	ids := map[string]string{}
	for _, c := range comps {
		var create compass.Batch
		create.CreateComponent(compass.ComponentInput{
			Name: c.Name, Description: c.Description, TypeID: c.TypeID, OwnerID: c.OwnerID,
			Labels: c.Labels, Links: naiveLinks(c.Links), Lifecycle: c.Lifecycle, Tier: c.Tier,
		})
		res, err := sendOne(ctx, e.target, &create)
		if err != nil {
			return err
		}
		ids[c.Ref] = res.ComponentID
		var alias compass.Batch
		alias.CreateExternalAlias(res.ComponentID, compass.ExternalAlias{Source: "backstage", ID: c.Ref})
		if _, err := sendOne(ctx, e.target, &alias); err != nil {
			return err
		}
	}
	for _, c := range comps {
		for _, dep := range c.DependsOn {
			if ids[dep] == "" {
				continue
			}
			var rel compass.Batch
			rel.CreateRelationship(ids[c.Ref], ids[dep])
			if _, err := sendOne(ctx, e.target, &rel); err != nil {
				return err
			}
		}
	}

	return nil
}

func sendOne(ctx context.Context, target *compass.Client, b *compass.Batch) (compass.Result, error) {
	for {
		res, err := target.SendBatch(ctx, b)
		var rl *compass.RateLimitError
		if errors.As(err, &rl) {
			time.Sleep(max(rl.RetryAfter, 50*time.Millisecond))
			continue
		}
		if err != nil {
			return compass.Result{}, err
		}
		return res[0], res[0].Err
	}
}

func naiveLinks(links []mapping.Link) []compass.Link {
	out := make([]compass.Link, 0, len(links))
	for _, l := range links {
		out = append(out, compass.Link{Type: l.Type, URL: l.URL, Name: l.Name})
	}
	return out
}

type noTeams struct{}

func (noTeams) SearchTeams(string) []mapping.Team { return nil }

// BenchmarkQuietRun runs again over 5,000 unchanged entities and compares its wall time with
// paging the fields-only listing alone; the best of three of each counts.
func BenchmarkQuietRun(b *testing.B) {
	site := newBenchSite(b, catalogsim.Generate(benchComponents, 1))
	e := site.engine(b, newMemStore())
	runClean(b, e, engine.Options{})
	site.compass.SetFaults(benchFaults)
	b.ResetTimer()

	for range b.N {
		var quiet, listing time.Duration
		var res *engine.Result
		for range 3 {
			start := time.Now()
			res = runClean(b, e, engine.Options{})
			quiet = minPositive(quiet, time.Since(start))

			start = time.Now()
			err := e.source.ListStubs(context.Background(), func([]engine.Stub) error { return nil })
			if err != nil {
				b.Fatal(err)
			}
			listing = minPositive(listing, time.Since(start))
		}

		b.ReportMetric(quiet.Seconds()*1000, "quiet_ms")
		b.ReportMetric(listing.Seconds()*1000, "listing_ms")
		check(b, "quiet 5,000: compass mutations", res.API.CompassMutations == 0,
			strconv.FormatInt(res.API.CompassMutations, 10), "0")
		check(b, "quiet 5,000: compass requests", res.API.CompassRequests <= 1,
			strconv.FormatInt(res.API.CompassRequests, 10), "<= 1")
		check(b, "quiet 5,000: wall time / fields-only listing", quiet <= 2*listing,
			fmt.Sprintf("%d ms / %d ms = %.2fx", quiet.Milliseconds(), listing.Milliseconds(),
				quiet.Seconds()/listing.Seconds()), "<= 2x")
	}
}

func minPositive(a, b time.Duration) time.Duration {
	if a == 0 {
		return b
	}
	return min(a, b)
}

// BenchmarkStorm syncs 1,000 components while the site refuses 80 % of requests for 30 s.
func BenchmarkStorm(b *testing.B) {
	for range b.N {
		site := newBenchSite(b, catalogsim.Generate(1000, 1))
		e := site.engine(b, newMemStore())
		faults := benchFaults
		faults.StormShare, faults.StormFor = 0.8, 30*time.Second
		site.compass.SetFaults(faults)

		start := time.Now()
		res, err := e.engine.Run(context.Background(), engine.Options{})
		wall := time.Since(start)
		if err != nil {
			b.Fatalf("run failed: %v", err)
		}

		st := site.compass.Stats()
		b.ReportMetric(wall.Seconds(), "wall_s")
		check(b, "429 storm (80 % for 30 s), 1,000 components: failed items",
			res.Counts.Failed == 0 && res.Counts.Created == 1000,
			fmt.Sprintf("%d failed, %d created in %s (%d refused)", res.Counts.Failed,
				res.Counts.Created, seconds(wall), st.RejectedStorm+st.RejectedRateLimit), "0 failed")
	}
}
