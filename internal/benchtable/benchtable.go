// Package benchtable collects the targets that benchmarks measure and prints them as one
// table, so that `make bench` shows each figure beside its bound.
package benchtable

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
)

// row is one measured figure against its bound, or a figure shown for information.
type row struct {
	name, measured, bound string
	met                   bool
	note                  bool
}

var table struct {
	mu   sync.Mutex
	rows []row
}

// Check records a measured figure against its bound and fails the benchmark when it is missed.
func Check(tb testing.TB, name string, met bool, measured, bound string) {
	tb.Helper()
	table.mu.Lock()
	defer table.mu.Unlock()
	table.rows = append(table.rows, row{name: name, measured: measured, bound: bound, met: met})
	if !met {
		tb.Errorf("target missed: %s: %s, bound %s", name, measured, bound)
	}
}

// Note records a measured figure that no target bounds, to show it beside the targets.
func Note(name, measured string) {
	table.mu.Lock()
	defer table.mu.Unlock()
	table.rows = append(table.rows, row{name: name, measured: measured, bound: "none", note: true})
}

// Print writes the table of the recorded targets, or nothing when no benchmark ran.
func Print(w io.Writer) {
	table.mu.Lock()
	defer table.mu.Unlock()
	if len(table.rows) == 0 {
		return
	}
	width := [3]int{len("target"), len("measured"), len("bound")}
	for _, r := range table.rows {
		width[0] = max(width[0], len(r.name))
		width[1] = max(width[1], len(r.measured))
		width[2] = max(width[2], len(r.bound))
	}
	line := func(a, b, c, d string) {
		fmt.Fprintf(w, "| %-*s | %-*s | %-*s | %-4s |\n", width[0], a, width[1], b, width[2], c, d)
	}
	fmt.Fprintln(w)
	line("target", "measured", "bound", "met")
	fmt.Fprintf(w, "|%s|%s|%s|------|\n", strings.Repeat("-", width[0]+2), strings.Repeat("-", width[1]+2),
		strings.Repeat("-", width[2]+2))
	for _, r := range table.rows {
		met := "yes"
		switch {
		case r.note:
			met = "-"
		case !r.met:
			met = "NO"
		}
		line(r.name, r.measured, r.bound, met)
	}
}
