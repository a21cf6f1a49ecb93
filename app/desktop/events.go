package desktop

import (
	"context"
	"sync"

	"github.com/wailsapp/wails/v2/pkg/runtime"

	"github.com/backstage-sync/backstage-sync/app"
)

var _ app.Events = (*Events)(nil)

// Events sends app events to the window through the Wails runtime. Events emitted before the
// window has started are dropped: there is no UI yet to receive them.
type Events struct {
	mu  sync.Mutex
	ctx context.Context
}

// NewEvents returns an Events that drops everything until the window starts.
func NewEvents() *Events {
	return &Events{}
}

// Emit sends the named event with its data to the UI.
func (e *Events) Emit(name string, data ...any) {
	ctx := e.runtimeContext()
	if ctx == nil {
		return
	}
	runtime.EventsEmit(ctx, name, data...)
}

// attach records the Wails runtime context handed to the startup hook.
func (e *Events) attach(ctx context.Context) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.ctx = ctx
}

func (e *Events) runtimeContext() context.Context {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.ctx
}
