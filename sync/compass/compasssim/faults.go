package compasssim

import (
	"math"
	"math/rand/v2"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// RateLimitForm chooses how a refused request is answered.
type RateLimitForm int

const (
	// RateLimitHTTP answers HTTP 429 with a Retry-After header.
	RateLimitHTTP RateLimitForm = iota
	// RateLimitInBody answers HTTP 200 whose errors[].extensions carry statusCode 429, with a
	// Retry-After header as well.
	RateLimitInBody
)

// Faults are the failures the simulator injects. The zero value injects none.
type Faults struct {
	// Latency delays every authorised request.
	Latency time.Duration
	// RatePerSecond and Burst define a token bucket over authorised requests; zero
	// RatePerSecond means no limit. Burst defaults to 1.
	RatePerSecond float64
	Burst         int
	// RateLimitAs chooses the answer for rate-limited and storm-refused requests.
	RateLimitAs RateLimitForm
	// ErrorRate is the share of authorised requests answered with HTTP 500, from 0 to 1.
	ErrorRate float64
	// LostAnswerRate is the share of authorised mutation requests that run but whose answer
	// never arrives: the simulator closes the connection once the mutations are done, as a
	// dropped connection or a gateway timeout would leave them. From 0 to 1.
	LostAnswerRate float64
	// StormShare is the share of requests refused with 429 during a storm lasting StormFor from
	// the SetFaults call.
	StormShare float64
	StormFor   time.Duration
}

// faultState holds the configured faults and the state they need between requests.
type faultState struct {
	mu         sync.Mutex
	faults     Faults
	rng        *rand.Rand
	now        func() time.Time
	tokens     float64
	refilledAt time.Time
	stormUntil time.Time
}

func (f *faultState) init(seed uint64, now func() time.Time) {
	f.rng = rand.New(rand.NewPCG(seed, 0x6661756c7473))
	f.now = now
}

// SetFaults replaces the injected faults; a storm starts now and the token bucket starts full.
func (s *Server) SetFaults(faults Faults) {
	f := &s.faults
	f.mu.Lock()
	defer f.mu.Unlock()

	if faults.Burst < 1 {
		faults.Burst = 1
	}
	f.faults = faults
	f.tokens = float64(faults.Burst)
	f.refilledAt = f.now()
	f.stormUntil = f.refilledAt.Add(faults.StormFor)
}

// verdict is what the faults decided for one request.
type verdict struct {
	latency    time.Duration
	limited    bool
	storm      bool
	failed     bool
	lost       bool
	retryAfter int
	form       RateLimitForm
}

func (f *faultState) decide() verdict {
	f.mu.Lock()
	defer f.mu.Unlock()

	v := verdict{latency: f.faults.Latency, form: f.faults.RateLimitAs, retryAfter: 1}
	now := f.now()
	if now.Before(f.stormUntil) && f.rng.Float64() < f.faults.StormShare {
		v.storm = true
		v.retryAfter = max(1, int(math.Ceil(f.stormUntil.Sub(now).Seconds())))
		return v
	}

	if rate := f.faults.RatePerSecond; rate > 0 {
		elapsed := now.Sub(f.refilledAt).Seconds()
		f.tokens = min(float64(f.faults.Burst), f.tokens+elapsed*rate)
		f.refilledAt = now
		if f.tokens < 1 {
			v.limited = true
			v.retryAfter = max(1, int(math.Ceil((1-f.tokens)/rate)))
			return v
		}
		f.tokens--
	}

	v.failed = f.faults.ErrorRate > 0 && f.rng.Float64() < f.faults.ErrorRate
	v.lost = !v.failed && f.faults.LostAnswerRate > 0 && f.rng.Float64() < f.faults.LostAnswerRate
	return v
}

// applyFaults delays or refuses the request as the faults decide; false means it was answered.
// It returns the verdict for the faults that strike after the request ran.
func (s *Server) applyFaults(w http.ResponseWriter, r *http.Request) (verdict, bool) {
	v := s.faults.decide()
	if v.latency > 0 {
		t := time.NewTimer(v.latency)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return v, false
		}
	}

	switch {
	case v.storm || v.limited:
		if v.storm {
			s.stats.rejectedStorm.Add(1)
		} else {
			s.stats.rejectedRateLimit.Add(1)
		}
		writeRateLimited(w, v)
		return v, false
	case v.failed:
		s.stats.injectedErrors.Add(1)
		writeJSON(w, http.StatusInternalServerError, map[string]any{
			"errors": []responseError{{Message: "Internal server error"}},
		})
		return v, false
	}
	return v, true
}

func writeRateLimited(w http.ResponseWriter, v verdict) {
	w.Header().Set("Retry-After", strconv.Itoa(v.retryAfter))
	if v.form == RateLimitHTTP {
		writeJSON(w, http.StatusTooManyRequests, map[string]any{
			"code": 429, "message": "Rate limit exceeded",
		})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"data": nil,
		"errors": []responseError{{
			Message: "Rate limit exceeded",
			Extensions: map[string]any{
				"statusCode": 429,
				"errorType":  errRateLimited,
				"retryAfter": v.retryAfter,
			},
		}},
	})
}

// Stats counts what the simulator has seen since it started or since ResetStats.
type Stats struct {
	// Requests is every HTTP request, answered or refused.
	Requests int64
	// Documents is every GraphQL document executed.
	Documents int64
	// Mutations is every mutation field executed, so a batch of 50 aliases counts 50.
	Mutations int64
	// RejectedAuth counts 401 answers.
	RejectedAuth int64
	// RejectedInvalid counts documents refused by validation or variable coercion.
	RejectedInvalid int64
	// RejectedMalformed counts bodies that are not a GraphQL request.
	RejectedMalformed int64
	// RejectedRateLimit counts requests refused by the token bucket.
	RejectedRateLimit int64
	// RejectedStorm counts requests refused by a 429 storm.
	RejectedStorm int64
	// InjectedErrors counts injected HTTP 500 answers.
	InjectedErrors int64
	// LostAnswers counts mutation requests that ran and were answered by closing the
	// connection.
	LostAnswers int64
	// InternalErrors counts requests that failed inside the simulator.
	InternalErrors int64
	// RejectedOther counts wrong paths and methods.
	RejectedOther int64
}

type counters struct {
	requests, documents, mutations                                atomic.Int64
	rejectedAuth, rejectedInvalid, rejectedMalformed              atomic.Int64
	rejectedRateLimit, rejectedStorm, injectedErrors, lostAnswers atomic.Int64
	internalErrors, rejectedOther                                 atomic.Int64
}

// Stats returns the counters.
func (s *Server) Stats() Stats {
	c := &s.stats
	return Stats{
		Requests:          c.requests.Load(),
		Documents:         c.documents.Load(),
		Mutations:         c.mutations.Load(),
		RejectedAuth:      c.rejectedAuth.Load(),
		RejectedInvalid:   c.rejectedInvalid.Load(),
		RejectedMalformed: c.rejectedMalformed.Load(),
		RejectedRateLimit: c.rejectedRateLimit.Load(),
		RejectedStorm:     c.rejectedStorm.Load(),
		InjectedErrors:    c.injectedErrors.Load(),
		LostAnswers:       c.lostAnswers.Load(),
		InternalErrors:    c.internalErrors.Load(),
		RejectedOther:     c.rejectedOther.Load(),
	}
}

// ResetStats sets every counter back to zero.
func (s *Server) ResetStats() {
	c := &s.stats
	for _, v := range []*atomic.Int64{
		&c.requests, &c.documents, &c.mutations, &c.rejectedAuth, &c.rejectedInvalid,
		&c.rejectedMalformed, &c.rejectedRateLimit, &c.rejectedStorm, &c.injectedErrors, &c.lostAnswers,
		&c.internalErrors, &c.rejectedOther,
	} {
		v.Store(0)
	}
}
