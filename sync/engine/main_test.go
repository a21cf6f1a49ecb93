package engine_test

import (
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
)

func TestMain(m *testing.M) {
	if os.Getenv(envBenchChild) != "" {
		os.Exit(benchChild())
	}
	code := m.Run()
	printTargets()
	os.Exit(code)
}

// target is one row of the table the benchmarks print: a figure measured against its bound.
type target struct {
	name, measured, bound string
	met                   bool
}

var targets struct {
	mu   sync.Mutex
	rows []target
}

// check records a measured figure against its bound for the table printed at the end.
func check(b *testing.B, name string, met bool, measured, bound string) {
	b.Helper()
	targets.mu.Lock()
	defer targets.mu.Unlock()
	targets.rows = append(targets.rows, target{name: name, measured: measured, bound: bound, met: met})
	if !met {
		b.Errorf("target missed: %s: %s, bound %s", name, measured, bound)
	}
}

// printTargets prints the table of targets when benchmarks ran.
func printTargets() {
	if len(targets.rows) == 0 {
		return
	}
	w := [3]int{len("target"), len("measured"), len("bound")}
	for _, r := range targets.rows {
		w[0], w[1], w[2] = max(w[0], len(r.name)), max(w[1], len(r.measured)), max(w[2], len(r.bound))
	}
	line := func(a, b, c, d string) {
		fmt.Printf("| %-*s | %-*s | %-*s | %-4s |\n", w[0], a, w[1], b, w[2], c, d)
	}
	fmt.Println()
	line("target", "measured", "bound", "met")
	fmt.Printf("|%s|%s|%s|------|\n", strings.Repeat("-", w[0]+2), strings.Repeat("-", w[1]+2),
		strings.Repeat("-", w[2]+2))
	for _, r := range targets.rows {
		met := "yes"
		if !r.met {
			met = "NO"
		}
		line(r.name, r.measured, r.bound, met)
	}
}
