package desktop

import (
	"context"
	"fmt"
	"io/fs"

	"github.com/wailsapp/wails/v2"
	"github.com/wailsapp/wails/v2/pkg/options"
	"github.com/wailsapp/wails/v2/pkg/options/assetserver"
	"github.com/wailsapp/wails/v2/pkg/options/linux"
	"github.com/wailsapp/wails/v2/pkg/runtime"

	"github.com/backstage-sync/backstage-sync/app"
)

// Title is the window title.
const Title = app.ProductName

// Options configures the window.
type Options struct {
	// Assets holds the built frontend; Wails serves the directory that contains index.html.
	Assets fs.FS
	// Services are bound to the window: their exported methods become the UI's API.
	Services *app.Services
	// Events is attached to the Wails runtime when the window starts. Nil means none.
	Events *Events
}

// Run opens the window and blocks until it closes. Cancelling ctx closes the window.
func Run(ctx context.Context, opts Options) error {
	closed := make(chan struct{})
	defer close(closed)

	if err := wails.Run(appOptions(ctx, closed, opts)); err != nil {
		return fmt.Errorf("running the window: %w", err)
	}
	return nil
}

// appOptions builds the Wails options. The startup hook attaches the events bridge and quits the
// window when ctx ends before closed does.
func appOptions(ctx context.Context, closed <-chan struct{}, opts Options) *options.App {
	startup := func(wailsCtx context.Context) {
		if opts.Events != nil {
			opts.Events.attach(wailsCtx)
		}
		go func() {
			select {
			case <-ctx.Done():
				runtime.Quit(wailsCtx)
			case <-closed:
			}
		}()
	}

	return &options.App{
		Title:            Title,
		Width:            1100,
		Height:           720,
		MinWidth:         720,
		MinHeight:        480,
		AssetServer:      &assetserver.Options{Assets: opts.Assets},
		BackgroundColour: &options.RGBA{R: 246, G: 247, B: 249, A: 255},
		OnStartup:        startup,
		Bind:             opts.Services.Bindings(),
		Linux:            &linux.Options{ProgramName: "backstage-sync"},
	}
}
