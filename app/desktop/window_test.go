package desktop

import (
	"context"
	"testing"
	"testing/fstest"

	"github.com/backstage-sync/backstage-sync/app"
)

func TestAppOptions(t *testing.T) {
	t.Parallel()

	services, err := app.New(context.Background(), app.Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatalf("app.New: %v", err)
	}
	assets := fstest.MapFS{"index.html": {Data: []byte("<html></html>")}}

	got := appOptions(context.Background(), nil, Options{Assets: assets, Services: services})

	if got.Title != "Backstage Sync for Compass" {
		t.Errorf("Title: got %q, want %q", got.Title, "Backstage Sync for Compass")
	}
	if got.AssetServer == nil || got.AssetServer.Assets == nil {
		t.Fatal("AssetServer: got no assets, want the frontend")
	}
	if len(got.Bind) != 1 || got.Bind[0] != services.System {
		t.Errorf("Bind: got %v, want the services' bindings", got.Bind)
	}
	if got.OnStartup == nil {
		t.Error("OnStartup: got nil, want the hook that attaches events")
	}
}

func TestEventsBeforeStartupAreDropped(t *testing.T) {
	t.Parallel()

	events := NewEvents()

	// Without a runtime context the Wails runtime would panic; the event must be dropped.
	events.Emit("sync:progress", 1)

	if ctx := events.runtimeContext(); ctx != nil {
		t.Errorf("runtime context before startup: got %v, want nil", ctx)
	}
}
