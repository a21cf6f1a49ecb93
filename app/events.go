package app

// Events pushes named events to the UI, such as run progress. The desktop window sends them
// through the Wails runtime; headless runs and tests use Discard or a recording fake.
type Events interface {
	Emit(name string, data ...any)
}

// Discard is an Events that drops every event.
var Discard Events = discard{}

type discard struct{}

func (discard) Emit(string, ...any) {}
