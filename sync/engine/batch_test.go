package engine_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/backstage-sync/backstage-sync/sync/backstage/catalogsim"
	"github.com/backstage-sync/backstage-sync/sync/compass"
	"github.com/backstage-sync/backstage-sync/sync/compass/compasssim"
	"github.com/backstage-sync/backstage-sync/sync/engine"
)

// aliasThief is a Target that, just before the first request attaching aliases, gives two of
// those aliases to other components, as someone editing Compass at that moment could.
type aliasThief struct {
	engine.Target
	sim  *compasssim.Server
	refs []string

	once sync.Once
	err  error
}

func (a *aliasThief) SendBatch(ctx context.Context, b *compass.Batch) ([]compass.Result, error) {
	if ops := b.Ops(); len(ops) > 0 && ops[0] == "createComponentExternalAlias" {
		a.once.Do(func() {
			for _, ref := range a.refs {
				_, err := a.sim.SeedComponent(compasssim.Component{
					Name: "taken " + ref, TypeID: "SERVICE",
					ExternalAliases: []compasssim.ExternalAlias{{ExternalSource: "backstage", ExternalID: ref}},
				})
				if err != nil {
					a.err = err
				}
			}
		})
	}
	return a.Target.SendBatch(ctx, b)
}

func TestAFailingAliasFailsOnlyItsOwnItem(t *testing.T) {
	t.Parallel()
	entities := catalogsim.Generate(60, 5)
	docs := componentDocs(entities)
	stolen := []string{refOf(docs[7]), refOf(docs[31])}
	var thief *aliasThief
	r := newRig(t, entities, func(cfg *engine.Config) {
		thief = &aliasThief{Target: cfg.Target}
		cfg.Target, cfg.BatchSize = thief, 20
	})
	thief.sim, thief.refs = r.compass, stolen

	res, err := r.engine.Run(context.Background(), engine.Options{})
	if err != nil {
		t.Fatalf("run failed: %v", err)
	}
	if thief.err != nil {
		t.Fatal(thief.err)
	}

	failed := map[string]string{}
	for _, it := range failedItems(res) {
		failed[it.Ref] = it.Error
	}
	if len(failed) != len(stolen) {
		t.Errorf("%d items failed, want %d: %v", len(failed), len(stolen), failed)
	}
	for _, ref := range stolen {
		if !strings.Contains(failed[ref], "alias") {
			t.Errorf("item %s: error %q, want the alias failure", ref, failed[ref])
		}
	}
	if res.Counts.Created != len(docs)-len(stolen) {
		t.Errorf("%d created, want %d", res.Counts.Created, len(docs)-len(stolen))
	}
	// The components made for the failed items are gone again: each alias is on one component,
	// and nothing is left without one.
	state := r.compass.Dump()
	if n := len(aliased(t, state)); n != len(docs) || len(state.Components) != len(docs) {
		t.Errorf("compass holds %d components, %d aliased, want %d of each", len(state.Components), n, len(docs))
	}
}

func TestTheAdaptedLimitIsRememberedBetweenRuns(t *testing.T) {
	t.Parallel()
	entities := catalogsim.Generate(40, 9)
	var first *engine.Pacer
	r := newRig(t, entities, func(cfg *engine.Config) {
		first = engine.NewPacer(engine.PacerOptions{})
		cfg.Pacer, cfg.BatchSize = first, 5
	})
	r.compass.SetFaults(compasssim.Faults{RatePerSecond: 20, Burst: 1, Latency: 5 * time.Millisecond})

	res := r.run(t, engine.Options{})

	if res.API.RateLimited == 0 || res.API.WaitedMS == 0 {
		t.Fatalf("the run met %d rate-limit answers and waited %d ms; the test needs some",
			res.API.RateLimited, res.API.WaitedMS)
	}
	saved, err := r.store.GetMeta("engine.rate")
	if err != nil || string(saved) != fmt.Sprintf("%g", first.Rate()) {
		t.Fatalf("stored rate %q (%v), want the pacer's %g", saved, err, first.Rate())
	}

	// The next run meets no limit, so its rate can only climb from where it starts.
	r.compass.SetFaults(compasssim.Faults{})
	second := engine.NewPacer(engine.PacerOptions{})
	cfg := r.cfg
	cfg.Pacer = second
	next, err := engine.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := next.Run(context.Background(), engine.Options{Full: true}); err != nil {
		t.Fatal(err)
	}
	if second.Rate() < first.Rate() {
		t.Errorf("the next run's limit is %g, want it to start from the remembered %g", second.Rate(), first.Rate())
	}
}

// lossyTarget is a Target whose first request of creates fails with a 503: after Compass ran
// it (the answer was lost) or before.
type lossyTarget struct {
	engine.Target
	ran bool

	mu      sync.Mutex
	done    bool
	creates int
}

func (l *lossyTarget) SendBatch(ctx context.Context, b *compass.Batch) ([]compass.Result, error) {
	ops := b.Ops()
	l.mu.Lock()
	first := !l.done && len(ops) > 0 && ops[0] == "createComponent"
	if first {
		l.done = true
	}
	if len(ops) > 0 && ops[0] == "createComponent" {
		l.creates++
	}
	l.mu.Unlock()
	if !first {
		return l.Target.SendBatch(ctx, b)
	}

	lost := &compass.APIError{StatusCode: 503, Message: "service unavailable"}
	if l.ran {
		if _, err := l.Target.SendBatch(ctx, b); err != nil {
			return nil, err
		}
	}
	return nil, lost
}

func TestAnUnansweredCreateIsLookedUpBeforeItIsSentAgain(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		ran  bool
	}{
		{"the answer was lost after the creates ran", true},
		{"the request failed before the creates ran", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			entities := catalogsim.Generate(30, 11)
			docs := componentDocs(entities)
			lossy := &lossyTarget{ran: tt.ran}
			r := newRig(t, entities, func(cfg *engine.Config) {
				lossy.Target = cfg.Target
				cfg.Target, cfg.BatchSize = lossy, 10
			})

			res := r.run(t, engine.Options{})

			if res.Counts.Failed != 0 || res.Counts.Created != len(docs) {
				t.Errorf("%d created, %d failed, want %d created: %v", res.Counts.Created, res.Counts.Failed,
					len(docs), failedItems(res))
			}
			state := r.compass.Dump()
			if n := len(aliased(t, state)); n != len(docs) || len(state.Components) != len(docs) {
				t.Errorf("compass holds %d components, %d aliased, want %d of each", len(state.Components), n, len(docs))
			}
			// Three requests of ten creates, and the failed one again only when it had not run.
			want := 3
			if !tt.ran {
				want = 4
			}
			if lossy.creates != want {
				t.Errorf("%d requests of creates, want %d", lossy.creates, want)
			}
			if pending, _ := r.store.PendingIntents(); len(pending) != 0 {
				t.Errorf("%d intents still pending", len(pending))
			}
		})
	}
}
