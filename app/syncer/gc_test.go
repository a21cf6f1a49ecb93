package syncer

import (
	"runtime/debug"
	"testing"
)

// gcPercent reads the collector's target.
func gcPercent() int {
	p := debug.SetGCPercent(100)
	debug.SetGCPercent(p)
	return p
}

// Not parallel: the collector's target is the process's, and no parallel test runs beside a
// sequential one.
func TestRunsLowerTheCollectorsTargetUntilTheLastEnds(t *testing.T) {
	before := gcPercent()
	noEnv := func(string) string { return "" }

	first := leanGC(noEnv)
	second := leanGC(noEnv)
	if got := gcPercent(); got != syncGCPercent {
		t.Fatalf("target during runs %d, want %d", got, syncGCPercent)
	}
	first()
	if got := gcPercent(); got != syncGCPercent {
		t.Errorf("target %d after the first of two runs ended, want %d", got, syncGCPercent)
	}
	second()
	if got := gcPercent(); got != before {
		t.Errorf("target %d after both runs ended, want %d back", got, before)
	}

	withGOGC := leanGC(func(name string) string {
		if name == "GOGC" {
			return "200"
		}
		return ""
	})
	if got := gcPercent(); got != before {
		t.Errorf("target %d with GOGC set, want it left at %d", got, before)
	}
	withGOGC()
}
