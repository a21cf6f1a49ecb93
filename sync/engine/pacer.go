package engine

import (
	"context"
	"errors"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/backstage-sync/backstage-sync/sync/compass"
)

// PacerOptions tune a Pacer. Zero values take the defaults noted on each field.
type PacerOptions struct {
	// MaxRetries bounds the retries of one request after transient failures (default 6).
	MaxRetries int
	// MaxRateLimited bounds the waits of one request after rate-limit answers (default 60).
	MaxRateLimited int
	// Rate is the starting limit in requests per second; 0 starts unlimited.
	Rate float64
	// MinRate is the floor the limit never drops under (default 0.5 per second).
	MinRate float64
	// BaseBackoff is the first retry wait after a transient failure (default 200 ms).
	BaseBackoff time.Duration
	// Sleep waits; tests replace it. The default honours ctx.
	Sleep func(ctx context.Context, d time.Duration) error
}

// Pacer paces requests to Compass: it retries transient failures with jittered backoff,
// honours Retry-After on rate-limit answers, and adapts a request rate limit.
//
// The limit starts unlimited (or where the last run left it). The first rate-limit answer sets
// it from the rate of the last second. A later episode of answers takes it to 80 % of the rate
// that was refused, which becomes the ceiling; when it was refused well under the ceiling after
// a long calm run, the limit drops by 5 % and the ceiling by 3 % instead. On success the limit
// climbs 3 % per request while no ceiling is known, 2 % per request up to 90 % of the ceiling,
// and 0.01 per request beyond, so that it settles just under what the site allows. Answers
// that arrive while the site's wait is still running belong to the same episode and lower the
// limit once. It is safe for concurrent use.
type Pacer struct {
	opts PacerOptions

	mu      sync.Mutex
	rate    float64
	ceiling float64
	next    time.Time
	// calm is the end of the current rate-limit episode.
	calm time.Time
	// calmRuns counts the successes since the last episode.
	calmRuns int
	// starts holds the start times of recent requests, to estimate the rate of the last second.
	starts [64]time.Time
	nstart int

	rateLimited atomic.Int64
	retries     atomic.Int64
	waited      atomic.Int64
}

// NewPacer returns a Pacer.
func NewPacer(opts PacerOptions) *Pacer {
	if opts.MaxRetries <= 0 {
		opts.MaxRetries = 6
	}
	if opts.MaxRateLimited <= 0 {
		opts.MaxRateLimited = 60
	}
	if opts.MinRate <= 0 {
		opts.MinRate = 0.5
	}
	if opts.BaseBackoff <= 0 {
		opts.BaseBackoff = 200 * time.Millisecond
	}
	if opts.Sleep == nil {
		opts.Sleep = sleepCtx
	}

	return &Pacer{opts: opts, rate: opts.Rate}
}

// Rate returns the current limit in requests per second; 0 means unlimited.
func (p *Pacer) Rate() float64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.rate
}

// SetRate sets the current limit, for example the one remembered from the last run.
func (p *Pacer) SetRate(rate float64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.rate = rate
}

// Figures returns the rate-limit answers, retries and time spent waiting so far.
func (p *Pacer) Figures() (rateLimited, retries int64, waited time.Duration) {
	return p.rateLimited.Load(), p.retries.Load(), time.Duration(p.waited.Load())
}

// Do calls fn until it succeeds, fails permanently, or the retries run out.
func (p *Pacer) Do(ctx context.Context, fn func() error) error {
	return p.do(ctx, fn, true)
}

// DoOnce calls fn like Do but retries only after rate-limit answers, by which Compass refused
// the request before running it. Any other failure is returned at once: the request may have
// run, and sending it again could run it twice.
func (p *Pacer) DoOnce(ctx context.Context, fn func() error) error {
	return p.do(ctx, fn, false)
}

func (p *Pacer) do(ctx context.Context, fn func() error, retry bool) error {
	var transient, limited int
	for {
		if err := p.wait(ctx); err != nil {
			return err
		}

		err := fn()
		if err == nil {
			p.succeeded()
			return nil
		}

		var rl *compass.RateLimitError
		switch {
		case errors.As(err, &rl):
			limited++
			p.rateLimited.Add(1)
			if limited > p.opts.MaxRateLimited {
				return err
			}
			if werr := p.pause(ctx, p.slowDown(rl.RetryAfter)); werr != nil {
				return werr
			}
		case retry && compass.IsTransient(err) && ctx.Err() == nil:
			transient++
			if transient > p.opts.MaxRetries {
				return err
			}
			p.retries.Add(1)
			if werr := p.pause(ctx, p.backoff(transient)); werr != nil {
				return werr
			}
		default:
			return err
		}
	}
}

// wait blocks until the rate limit lets the next request go.
func (p *Pacer) wait(ctx context.Context) error {
	p.mu.Lock()
	now := time.Now()
	if p.next.Before(now) {
		p.next = now
	}
	at := p.next
	if p.rate > 0 {
		p.next = p.next.Add(time.Duration(float64(time.Second) / p.rate))
	}
	p.starts[p.nstart%len(p.starts)] = at
	p.nstart++
	p.mu.Unlock()

	return p.pause(ctx, time.Until(at))
}

// recentRate returns the requests per second started during the last second, or since the
// first request when that was less than a second ago; p.mu is held.
func (p *Pacer) recentRate(now time.Time) float64 {
	n := 0
	first := now
	for _, t := range p.starts {
		if !t.IsZero() && now.Sub(t) <= time.Second {
			n++
			if t.Before(first) {
				first = t
			}
		}
	}
	span := max(now.Sub(first), 100*time.Millisecond)
	if p.nstart > n || span >= time.Second {
		return float64(n)
	}
	return float64(n) / span.Seconds()
}

// calmRun is the number of successes after which a rate-limit answer well under the ceiling is
// taken for uneven arrivals rather than for a lower limit.
const calmRun = 100

// slowDown lowers the limit after a rate-limit answer and returns how long to wait.
func (p *Pacer) slowDown(retryAfter time.Duration) time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()

	now := time.Now()
	if now.After(p.calm) {
		switch {
		case p.rate <= 0:
			p.rate = max(p.opts.MinRate, p.recentRate(now))
		case p.ceiling > 0 && p.rate < 0.95*p.ceiling && p.calmRuns >= calmRun:
			// Refused well under the rate refused before, after a long calm run: requests
			// arrived unevenly, or the site's limit fell a little. Step down gently and let
			// the ceiling follow.
			p.ceiling *= 0.97
			p.rate = max(p.opts.MinRate, p.rate*0.95)
		default:
			p.ceiling = p.rate
			p.rate = max(p.opts.MinRate, p.rate*0.8)
		}
		p.calmRuns = 0
	}
	wait := retryAfter
	if wait <= 0 {
		wait = time.Duration(float64(time.Second) / p.rate)
	}
	// Everyone waits: the site told us to back off, not just this request.
	until := now.Add(wait)
	if p.next.Before(until) {
		p.next = until
	}
	if p.calm.Before(until) {
		p.calm = until
	}

	return jitter(wait)
}

// succeeded lets the limit climb back: quickly while far from the ceiling, slowly near it.
func (p *Pacer) succeeded() {
	p.mu.Lock()
	defer p.mu.Unlock()

	p.calmRuns++
	switch {
	case p.rate <= 0:
	case p.ceiling <= 0:
		p.rate *= 1.03
	case p.rate < 0.9*p.ceiling:
		p.rate = min(0.9*p.ceiling, p.rate*1.02)
	default:
		p.rate += 0.01
	}
}

func (p *Pacer) backoff(attempt int) time.Duration {
	d := p.opts.BaseBackoff << min(attempt-1, 6)
	return jitter(min(d, 15*time.Second))
}

func (p *Pacer) pause(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	p.waited.Add(int64(d))
	return p.opts.Sleep(ctx, d)
}

// jitter spreads d over [d, 1.25 d) so that retries from many workers do not line up.
func jitter(d time.Duration) time.Duration {
	return d + time.Duration(rand.Int64N(int64(d)/4+1))
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
