package syncer

import (
	"runtime/debug"
	"sync"
)

// syncGCPercent is the garbage collector's target while a sync runs: collect when the heap has
// grown by half of what was live after the last collection, rather than by all of it (Go's
// default of 100). A run holds one page of entities at a time but allocates fast while it
// decodes and encodes pages, so the default lets the process grow to about twice its live
// data; at 50 a run over 50,000 entities peaks some 30 MB lower for a few percent more CPU.
// A GOGC set in the environment wins.
const syncGCPercent = 50

// gcRuns counts the runs in progress, so that the first sets the target and the last puts the
// previous one back.
var gcRuns struct {
	sync.Mutex
	n    int
	prev int
}

// leanGC sets the collector's target for a run and returns the function that ends it.
func leanGC(getenv func(string) string) (restore func()) {
	if getenv("GOGC") != "" {
		return func() {}
	}
	gcRuns.Lock()
	defer gcRuns.Unlock()
	if gcRuns.n == 0 {
		gcRuns.prev = debug.SetGCPercent(syncGCPercent)
	}
	gcRuns.n++

	return func() {
		gcRuns.Lock()
		defer gcRuns.Unlock()
		gcRuns.n--
		if gcRuns.n == 0 {
			debug.SetGCPercent(gcRuns.prev)
		}
	}
}
