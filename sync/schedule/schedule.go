// Package schedule starts sync runs on a schedule and on demand, one at a time: triggers that
// arrive while a run is in progress coalesce into one follow-up run.
package schedule

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/go-co-op/gocron/v2"
)

// Schedules understood besides cron expressions. "manual" and "realtime" start no timed runs:
// the first waits for RunNow, the second is driven by change polling and webhooks.
const (
	Manual   = "manual"
	Realtime = "realtime"
	Hourly   = "hourly"
	Daily    = "daily"
)

// RunFunc performs one run. trigger says what started it: "schedule" or the RunNow argument.
type RunFunc func(ctx context.Context, trigger string)

// Scheduler runs a RunFunc on a schedule and on demand, never two at a time.
type Scheduler struct {
	run     RunFunc
	cron    gocron.Scheduler
	kick    chan string
	ctx     context.Context
	cancel  context.CancelFunc
	done    chan struct{}
	mu      sync.Mutex
	job     gocron.Job
	running bool
}

// ErrClosed is returned by SetSchedule after Close.
var ErrClosed = errors.New("scheduler is closed")

// New starts a Scheduler with no schedule: it runs only on RunNow until SetSchedule.
func New(run RunFunc) (*Scheduler, error) {
	cron, err := gocron.NewScheduler()
	if err != nil {
		return nil, fmt.Errorf("starting scheduler: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &Scheduler{run: run, cron: cron, kick: make(chan string, 1), ctx: ctx, cancel: cancel, done: make(chan struct{})}
	cron.Start()
	go s.loop()

	return s, nil
}

// SetSchedule replaces the schedule: manual, realtime, hourly, daily, or a cron expression
// (five fields, or a descriptor such as @every 15m).
func (s *Scheduler) SetSchedule(spec string) error {
	def, err := definition(spec)
	if err != nil {
		return err
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ctx.Err() != nil {
		return ErrClosed
	}
	if s.job != nil {
		if err := s.cron.RemoveJob(s.job.ID()); err != nil {
			return fmt.Errorf("replacing schedule: %w", err)
		}
		s.job = nil
	}
	if def == nil {
		return nil
	}
	job, err := s.cron.NewJob(def, gocron.NewTask(func() { s.RunNow("schedule") }),
		gocron.WithSingletonMode(gocron.LimitModeReschedule))
	if err != nil {
		return fmt.Errorf("setting schedule %q: %w", spec, err)
	}
	s.job = job

	return nil
}

func definition(spec string) (gocron.JobDefinition, error) {
	switch strings.TrimSpace(spec) {
	case "", Manual, Realtime:
		return nil, nil
	case Hourly:
		return gocron.DurationJob(time.Hour), nil
	case Daily:
		return gocron.DurationJob(24 * time.Hour), nil
	}
	if every, ok := strings.CutPrefix(spec, "@every "); ok {
		d, err := time.ParseDuration(strings.TrimSpace(every))
		if err != nil || d < time.Minute {
			return nil, fmt.Errorf("schedule %q: @every needs a duration of at least 1m", spec)
		}
		return gocron.DurationJob(d), nil
	}

	return gocron.CronJob(spec, false), nil
}

// RunNow asks for a run. If one is in progress, the request coalesces with any other waiting
// request into one run after it.
func (s *Scheduler) RunNow(trigger string) {
	select {
	case s.kick <- trigger:
	default:
		// A run is already waiting; it covers this request too.
	}
}

// NextRun returns when the schedule next starts a run, and false when it starts none.
func (s *Scheduler) NextRun() (time.Time, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.job == nil {
		return time.Time{}, false
	}
	next, err := s.job.NextRun()
	return next, err == nil && !next.IsZero()
}

// Running reports whether a run is in progress.
func (s *Scheduler) Running() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.running
}

// Close stops the schedule, cancels a run in progress and waits for it to return.
func (s *Scheduler) Close() error {
	s.mu.Lock()
	if s.ctx.Err() != nil {
		s.mu.Unlock()
		return nil
	}
	s.cancel()
	s.mu.Unlock()

	err := s.cron.Shutdown()
	<-s.done
	return err
}

// loop performs the requested runs one after the other.
func (s *Scheduler) loop() {
	defer close(s.done)
	for {
		select {
		case <-s.ctx.Done():
			return
		case trigger := <-s.kick:
			s.setRunning(true)
			s.run(s.ctx, trigger)
			s.setRunning(false)
		}
	}
}

func (s *Scheduler) setRunning(v bool) {
	s.mu.Lock()
	s.running = v
	s.mu.Unlock()
}
