package compasssim

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeClock is a clock that moves only when told to.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// newClockedServer starts a simulator whose clock the test controls.
func newClockedServer(t *testing.T) (*Server, string, *fakeClock) {
	t.Helper()
	clock := newFakeClock()
	sim := New(Options{
		Email: testEmail, Token: testToken, SiteHost: testHost, CloudID: testCloud, Seed: 7, Now: clock.Now,
	})
	ts := httptest.NewServer(sim)
	t.Cleanup(ts.Close)
	return sim, ts.URL + "/gateway/api/graphql", clock
}

const pingDoc = `{ tenantContexts(hostNames: ["example.atlassian.net"]) { cloudId } }`

func TestRateLimitAnswersInBothForms(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name       string
		form       RateLimitForm
		wantStatus int
	}{
		{name: "as HTTP 429", form: RateLimitHTTP, wantStatus: http.StatusTooManyRequests},
		{name: "as HTTP 200 with statusCode 429 in the errors", form: RateLimitInBody, wantStatus: http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sim, url, clock := newClockedServer(t)
			sim.SetFaults(Faults{RatePerSecond: 0.5, Burst: 2, RateLimitAs: tt.form})

			for i := range 2 {
				if resp := post(t, url, pingDoc, nil); resp.Status != http.StatusOK || len(resp.Errors) > 0 {
					t.Fatalf("request %d within the burst: %d %s", i, resp.Status, resp.Raw)
				}
			}

			resp := post(t, url, pingDoc, nil)
			if resp.Status != tt.wantStatus {
				t.Fatalf("status = %d, want %d", resp.Status, tt.wantStatus)
			}
			if got := resp.Header.Get("Retry-After"); got != "2" {
				t.Errorf("Retry-After = %q, want 2", got)
			}
			if tt.form == RateLimitInBody {
				if len(resp.Errors) != 1 || dig(resp.Errors[0], "extensions", "statusCode") != float64(429) {
					t.Errorf("errors = %v", resp.Errors)
				}
			}

			clock.Advance(2 * time.Second)
			if resp := post(t, url, pingDoc, nil); resp.Status != http.StatusOK || len(resp.Errors) > 0 {
				t.Errorf("after the wait: %d %s", resp.Status, resp.Raw)
			}
			if got := sim.Stats().RejectedRateLimit; got != 1 {
				t.Errorf("RejectedRateLimit = %d, want 1", got)
			}
		})
	}
}

func TestStormRefusesRequestsUntilItEnds(t *testing.T) {
	t.Parallel()
	sim, url, clock := newClockedServer(t)
	sim.SetFaults(Faults{StormShare: 1, StormFor: 10 * time.Second})

	resp := post(t, url, pingDoc, nil)
	if resp.Status != http.StatusTooManyRequests || resp.Header.Get("Retry-After") != "10" {
		t.Errorf("during the storm: %d, Retry-After %q", resp.Status, resp.Header.Get("Retry-After"))
	}

	clock.Advance(10 * time.Second)
	if resp := post(t, url, pingDoc, nil); resp.Status != http.StatusOK {
		t.Errorf("after the storm: %d", resp.Status)
	}
	if got := sim.Stats().RejectedStorm; got != 1 {
		t.Errorf("RejectedStorm = %d, want 1", got)
	}
}

func TestErrorRateAnswersAShareWith500(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name           string
		rate           float64
		minFail, maxOK int
	}{
		{name: "a rate of 1 fails every request", rate: 1, minFail: 40, maxOK: 0},
		{name: "a rate of 0.5 fails some requests", rate: 0.5, minFail: 1, maxOK: 39},
		{name: "a rate of 0 fails none", rate: 0, minFail: 0, maxOK: 40},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sim, url, _ := newClockedServer(t)
			sim.SetFaults(Faults{ErrorRate: tt.rate})

			failed := 0
			for range 40 {
				resp := post(t, url, pingDoc, nil)
				switch resp.Status {
				case http.StatusInternalServerError:
					failed++
				case http.StatusOK:
				default:
					t.Fatalf("status %d", resp.Status)
				}
			}
			if failed < tt.minFail || 40-failed > tt.maxOK {
				t.Errorf("%d of 40 failed", failed)
			}
			if got := sim.Stats().InjectedErrors; got != int64(failed) {
				t.Errorf("InjectedErrors = %d, want %d", got, failed)
			}
		})
	}
}

func TestLatencyGivesUpWhenTheClientLeaves(t *testing.T) {
	t.Parallel()
	sim, url, _ := newClockedServer(t)
	sim.SetFaults(Faults{Latency: time.Hour})

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, strings.NewReader(`{"query":"{ __typename }"}`))
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth(testEmail, testToken)
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("answered %d despite an hour of latency", resp.StatusCode)
	}
	if got := sim.Stats().Documents; got != 0 {
		t.Errorf("Documents = %d, want 0", got)
	}
}

func TestStatsCountRequestsAndReset(t *testing.T) {
	t.Parallel()
	sim, url, _ := newClockedServer(t)

	post(t, url, pingDoc, nil)
	post(t, url, "{ nope }", nil)
	postAs(t, url, testEmail, "wrong", pingDoc, nil)
	postRaw(t, url, testEmail, testToken, []byte(`{"query": 5}`))
	id := create(t, url, map[string]any{"name": "n", "typeId": "SERVICE"})
	if id == "" {
		t.Fatal("no id")
	}

	want := Stats{Requests: 5, Documents: 2, Mutations: 1, RejectedAuth: 1, RejectedInvalid: 1, RejectedMalformed: 1}
	if got := sim.Stats(); got != want {
		t.Errorf("stats = %+v\nwant    %+v", got, want)
	}
	sim.ResetStats()
	if got := sim.Stats(); got != (Stats{}) {
		t.Errorf("after reset: %+v", got)
	}
}

func TestLostAnswersRunTheMutationAndCloseTheConnection(t *testing.T) {
	t.Parallel()
	sim, url, _ := newClockedServer(t)
	sim.SetFaults(Faults{LostAnswerRate: 1})

	body, err := json.Marshal(map[string]any{"query": createDoc, "variables": map[string]any{
		"c": testCloud, "in": map[string]any{"name": "lost", "typeId": "SERVICE"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if resp, err := tryPost(url, testEmail, testToken, body); err == nil {
		t.Fatalf("a lost answer arrived: %d %s", resp.Status, resp.Raw)
	}
	if _, ok := sim.Dump().Component("lost"); !ok {
		t.Error("the mutation whose answer was lost did not run")
	}
	if got := sim.Stats().LostAnswers; got != 1 {
		t.Errorf("LostAnswers = %d, want 1", got)
	}

	// Queries are answered: only mutations lose their answer.
	if resp := post(t, url, pingDoc, nil); resp.Status != http.StatusOK {
		t.Errorf("query answered %d", resp.Status)
	}
}
