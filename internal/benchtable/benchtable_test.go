package benchtable

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// recorder stands in for a benchmark and keeps what Check reports as a failure.
type recorder struct {
	testing.TB
	errors []string
}

func (r *recorder) Helper() {}

func (r *recorder) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

func TestTableMarksAndFailsMissedTargets(t *testing.T) {
	var buf bytes.Buffer
	Print(&buf)
	if buf.Len() != 0 {
		t.Fatalf("an empty table printed %q", buf.String())
	}

	rec := &recorder{TB: t}
	Check(rec, "requests", true, "2", "<= 3")
	Check(rec, "peak memory", false, "250 MB", "< 200 MB")
	if len(rec.errors) != 1 || !strings.Contains(rec.errors[0], "peak memory: 250 MB, bound < 200 MB") {
		t.Fatalf("failures reported: %q", rec.errors)
	}

	Note("full run", "3 s")
	Print(&buf)
	got := buf.String()
	for _, want := range []string{
		"| target      | measured | bound    | met  |",
		"| requests    | 2        | <= 3     | yes  |",
		"| peak memory | 250 MB   | < 200 MB | NO   |",
		"| full run    | 3 s      | none     | -    |",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("table lacks %q:\n%s", want, got)
		}
	}
}
