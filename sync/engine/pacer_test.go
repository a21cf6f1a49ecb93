package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/backstage-sync/backstage-sync/sync/compass"
	"github.com/backstage-sync/backstage-sync/sync/compass/compasssim"
)

// sleeps records the waits of a Pacer instead of sleeping.
type sleeps struct {
	waits []time.Duration
}

func (s *sleeps) sleep(ctx context.Context, d time.Duration) error {
	s.waits = append(s.waits, d)
	return ctx.Err()
}

func (s *sleeps) total() time.Duration {
	var sum time.Duration
	for _, d := range s.waits {
		sum += d
	}
	return sum
}

// failing returns a function that fails with the errors in order, then succeeds.
func failing(errs ...error) (func() error, *int) {
	calls := 0
	return func() error {
		calls++
		if calls <= len(errs) {
			return errs[calls-1]
		}
		return nil
	}, &calls
}

func TestPacerRetries(t *testing.T) {
	t.Parallel()
	serverError := &compass.APIError{StatusCode: 503, Message: "unavailable"}
	limited := &compass.RateLimitError{RetryAfter: 2 * time.Second}
	refused := &compass.APIError{StatusCode: 400, Message: "bad input"}

	tests := []struct {
		name      string
		errs      []error
		once      bool
		wantErr   error
		wantCalls int
		// minWait is the least the pacer must have waited in all.
		minWait time.Duration
	}{
		{name: "a 5xx answer is retried after a backoff", errs: []error{serverError, serverError},
			wantCalls: 3, minWait: 200*time.Millisecond + 400*time.Millisecond},
		{name: "a connection cut short is retried", errs: []error{fmt.Errorf("posting: %w", io.ErrUnexpectedEOF)},
			wantCalls: 2, minWait: 200 * time.Millisecond},
		{name: "a rate-limit answer waits its Retry-After", errs: []error{limited},
			wantCalls: 2, minWait: 2 * time.Second},
		{name: "a permanent error is not retried", errs: []error{refused},
			wantErr: refused, wantCalls: 1},
		{name: "retries stop after the configured number", errs: []error{serverError, serverError, serverError, serverError},
			wantErr: serverError, wantCalls: 4},
		{name: "a request that may have run is not sent twice", errs: []error{serverError},
			once: true, wantErr: serverError, wantCalls: 1},
		{name: "a request refused by the rate limit is sent again even once-only", errs: []error{limited},
			once: true, wantCalls: 2, minWait: 2 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var s sleeps
			p := NewPacer(PacerOptions{MaxRetries: 3, Sleep: s.sleep})
			fn, calls := failing(tt.errs...)

			do := p.Do
			if tt.once {
				do = p.DoOnce
			}
			err := do(context.Background(), fn)

			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil && err != nil) {
				t.Errorf("error = %v, want %v", err, tt.wantErr)
			}
			if *calls != tt.wantCalls {
				t.Errorf("%d calls, want %d", *calls, tt.wantCalls)
			}
			if got := s.total(); got < tt.minWait {
				t.Errorf("waited %s in all, want at least %s", got, tt.minWait)
			}
			if _, _, waited := p.Figures(); waited != s.total() {
				t.Errorf("figures report %s waited, the pacer slept %s", waited, s.total())
			}
		})
	}
}

func TestPacerAdaptsItsLimit(t *testing.T) {
	t.Parallel()
	var s sleeps
	p := NewPacer(PacerOptions{Rate: 10, Sleep: s.sleep})
	limited := &compass.RateLimitError{RetryAfter: time.Second}

	if err := p.Do(context.Background(), func() error { return nil }); err != nil {
		t.Fatal(err)
	}
	t.Run("a rate-limit answer lowers the limit to 80 %", func(t *testing.T) {
		before := p.Rate()
		fn, _ := failing(limited)
		if err := p.Do(context.Background(), fn); err != nil {
			t.Fatal(err)
		}
		// One success followed the drop.
		if got, want := p.Rate(), before*0.8*1.02; got > want+1e-9 || got < before*0.8 {
			t.Errorf("rate = %.3f after a rate-limit answer at %.3f, want %.3f", got, before, want)
		}
	})
	t.Run("answers of the same episode lower it once", func(t *testing.T) {
		before := p.Rate()
		p.mu.Lock()
		p.calm = time.Now().Add(time.Hour)
		p.mu.Unlock()
		fn, _ := failing(limited, limited, limited)
		if err := p.Do(context.Background(), fn); err != nil {
			t.Fatal(err)
		}
		if got := p.Rate(); got < before {
			t.Errorf("rate = %.3f, want no drop below %.3f inside one episode", got, before)
		}
	})
	t.Run("successes climb back under the ceiling, then slowly", func(t *testing.T) {
		for range 200 {
			if err := p.Do(context.Background(), func() error { return nil }); err != nil {
				t.Fatal(err)
			}
		}
		got, ceiling := p.Rate(), p.ceiling
		// 90 % of the ceiling quickly, then 0.01 per request at most.
		if low, high := 0.9*ceiling, 0.9*ceiling+200*0.01+1e-9; got < low || got > high {
			t.Errorf("rate = %.3f after 200 successes under a ceiling of %.3f, want between %.3f and %.3f",
				got, ceiling, low, high)
		}
	})
}

func TestPacerStartsFromTheObservedRate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		// old and recent are requests started two seconds and a tenth of a second ago.
		old, recent int
		want        float64
	}{
		{name: "requests of the last second are counted", old: 10, recent: 5, want: 6},
		{name: "a run younger than a second is extrapolated", recent: 7, want: 80},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var s sleeps
			p := NewPacer(PacerOptions{Sleep: s.sleep})
			now := time.Now()
			for i := range tt.old + tt.recent {
				at := now.Add(-100 * time.Millisecond)
				if i < tt.old {
					at = now.Add(-2 * time.Second)
				}
				p.starts[i] = at
			}
			p.nstart = tt.old + tt.recent

			fn, _ := failing(&compass.RateLimitError{RetryAfter: time.Second})
			if err := p.Do(context.Background(), fn); err != nil {
				t.Fatal(err)
			}

			// The refused request counts too, and one success follows at 3 %.
			if got := p.Rate(); got < tt.want*0.95 || got > tt.want*1.03*1.05 {
				t.Errorf("rate = %.3f, want about %.0f", got, tt.want)
			}
		})
	}
}

// TestPacerHonoursBothFormsOfRateLimit sends through the real client to the simulator, which
// refuses every other request either with HTTP 429 or with HTTP 200 carrying a 429 error.
func TestPacerHonoursBothFormsOfRateLimit(t *testing.T) {
	t.Parallel()
	for _, form := range []struct {
		name string
		as   compasssim.RateLimitForm
	}{
		{"HTTP 429 with Retry-After", compasssim.RateLimitHTTP},
		{"HTTP 200 with a 429 error", compasssim.RateLimitInBody},
	} {
		t.Run(form.name, func(t *testing.T) {
			t.Parallel()
			sim := compasssim.New(compasssim.Options{Email: "a@example.com", Token: "t", SiteHost: "127.0.0.1"})
			srv := httptest.NewServer(sim)
			t.Cleanup(srv.Close)
			cc, err := compass.New(srv.URL, "a@example.com", "t")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := cc.CloudID(context.Background()); err != nil {
				t.Fatal(err)
			}
			sim.SetFaults(compasssim.Faults{StormShare: 0.5, StormFor: time.Hour, RateLimitAs: form.as})
			var s sleeps
			p := NewPacer(PacerOptions{Sleep: s.sleep})

			for i := range 20 {
				var b compass.Batch
				b.CreateComponent(compass.ComponentInput{Name: fmt.Sprintf("svc-%d", i), TypeID: "SERVICE"})
				err := p.Do(context.Background(), func() error {
					_, err := cc.SendBatch(context.Background(), &b)
					return err
				})
				if err != nil {
					t.Fatalf("request %d failed: %v", i, err)
				}
			}

			limited, _, _ := p.Figures()
			if limited == 0 || limited != sim.Stats().RejectedStorm {
				t.Errorf("pacer counted %d rate-limit answers, the simulator sent %d", limited, sim.Stats().RejectedStorm)
			}
			if n := len(sim.Dump().Components); n != 20 {
				t.Errorf("compass holds %d components, want 20", n)
			}
			// The storm lasts an hour, so every Retry-After is about that long.
			if s.total() < time.Duration(limited)*time.Hour-time.Duration(limited)*time.Second {
				t.Errorf("waited %s for %d answers, want their Retry-After honoured", s.total(), limited)
			}
		})
	}
}

// TestSendRetriesServerErrors sends a stage to a site that answers HTTP 500 to a share of the
// requests: every mutation still lands once.
func TestSendRetriesServerErrors(t *testing.T) {
	t.Parallel()
	var calls atomic.Int64
	sim := compasssim.New(compasssim.Options{Email: "a@example.com", Token: "t", SiteHost: "127.0.0.1", Seed: 3})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		sim.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	cc, err := compass.New(srv.URL, "a@example.com", "t")
	if err != nil {
		t.Fatal(err)
	}
	id, err := sim.SeedComponent(compasssim.Component{Name: "svc", TypeID: "SERVICE"})
	if err != nil {
		t.Fatal(err)
	}
	sim.SetFaults(compasssim.Faults{ErrorRate: 0.5})
	var s sleeps
	r := &run{cfg: &Config{
		Target: cc, Store: nopStore{}, BatchSize: 5, Concurrency: 2, Progress: noProgress{},
		Pacer: NewPacer(PacerOptions{MaxRetries: 20, Sleep: s.sleep}),
	}, result: &Result{}}

	var st stage
	for i := range 20 {
		st.own("component:default/svc", st.batch.AddLabels(id, []string{fmt.Sprintf("l%d", i%10)}))
	}
	results, err := r.send(context.Background(), &st)
	if err != nil {
		t.Fatal(err)
	}

	for i, res := range results {
		if res.Err != nil {
			t.Errorf("mutation %d failed: %v", i, res.Err)
		}
	}
	if sim.Stats().InjectedErrors == 0 {
		t.Fatal("the simulator injected no error; the test proves nothing")
	}
	if _, retries, _ := r.cfg.Pacer.Figures(); retries != sim.Stats().InjectedErrors {
		t.Errorf("%d retries for %d server errors", retries, sim.Stats().InjectedErrors)
	}
}

// nopStore is a Store that keeps nothing.
type nopStore struct{ Store }

func (nopStore) PutIntents([]Intent) error { return nil }
