package schedule_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/backstage-sync/backstage-sync/sync/schedule"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func TestTriggersDuringARunCoalesceIntoOneFollowUp(t *testing.T) {
	release := make(chan struct{})
	started := make(chan string, 10)
	var active, overlap atomic.Int32
	s, err := schedule.New(func(_ context.Context, trigger string) {
		if active.Add(1) > 1 {
			overlap.Add(1)
		}
		started <- trigger
		<-release
		active.Add(-1)
	})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	s.RunNow("window")
	if got := <-started; got != "window" {
		t.Fatalf("first run trigger %q", got)
	}
	for range 5 {
		s.RunNow("tray")
	}
	release <- struct{}{}
	if got := <-started; got != "tray" {
		t.Fatalf("follow-up trigger %q", got)
	}
	release <- struct{}{}

	select {
	case got := <-started:
		t.Fatalf("a third run %q started: five triggers during one run must coalesce", got)
	case <-time.After(100 * time.Millisecond):
	}
	if overlap.Load() != 0 {
		t.Error("two runs overlapped")
	}
}

func TestScheduleRunsAndReportsTheNextRun(t *testing.T) {
	var mu sync.Mutex
	var triggers []string
	s, err := schedule.New(func(_ context.Context, trigger string) {
		mu.Lock()
		triggers = append(triggers, trigger)
		mu.Unlock()
	})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	if _, ok := s.NextRun(); ok {
		t.Fatal("a manual scheduler reports a next run")
	}
	if err := s.SetSchedule("hourly"); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	next, ok := s.NextRun()
	for !ok && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
		next, ok = s.NextRun()
	}
	if !ok || next.Before(time.Now().Add(59*time.Minute)) || next.After(time.Now().Add(61*time.Minute)) {
		t.Errorf("next run of an hourly schedule: %v, %v", next, ok)
	}

	if err := s.SetSchedule(schedule.Manual); err != nil {
		t.Fatal(err)
	}
	if _, ok := s.NextRun(); ok {
		t.Error("switching to manual kept a next run")
	}
}

func TestBadSchedulesAreRefused(t *testing.T) {
	s, err := schedule.New(func(context.Context, string) {})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	for _, spec := range []string{"every day", "@every 5s", "61 * * * *"} {
		if err := s.SetSchedule(spec); err == nil {
			t.Errorf("schedule %q was accepted", spec)
		}
	}
}

func TestCloseCancelsTheRunInProgress(t *testing.T) {
	started := make(chan struct{})
	s, err := schedule.New(func(ctx context.Context, _ string) {
		close(started)
		<-ctx.Done()
	})
	if err != nil {
		t.Fatal(err)
	}
	s.RunNow("cli")
	<-started

	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := s.SetSchedule("hourly"); err == nil {
		t.Error("SetSchedule after Close was accepted")
	}
}
