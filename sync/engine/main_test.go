package engine_test

import (
	"os"
	"testing"

	"github.com/backstage-sync/backstage-sync/internal/benchtable"
)

func TestMain(m *testing.M) {
	code := m.Run()
	benchtable.Print(os.Stdout)
	os.Exit(code)
}

// check records a measured figure against its bound for the table printed at the end.
func check(b *testing.B, name string, met bool, measured, bound string) {
	b.Helper()
	benchtable.Check(b, name, met, measured, bound)
}
