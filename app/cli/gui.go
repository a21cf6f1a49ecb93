package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/backstage-sync/backstage-sync/app"
	"github.com/backstage-sync/backstage-sync/app/desktop"
	"github.com/backstage-sync/backstage-sync/app/syncer"
)

// noDisplayHint tells a user without a display what to run instead of the window.
const noDisplayHint = `The window needs a graphical session. Start it from a desktop session,
or on a virtual display:
  xvfb-run -a backstage-sync
To build and check the project without a display, run: make test`

func newGUICommand(env Env, g *globals) *cobra.Command {
	return &cobra.Command{
		Use:     "gui",
		Short:   "Open the desktop window (the default)",
		GroupID: groupMain,
		Args:    usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runWindow(cmd.Context(), env, g)
		},
	}
}

// runWindow opens the desktop window on the services and blocks until it closes.
func runWindow(ctx context.Context, env Env, g *globals) error {
	if err := desktop.CheckDisplay(env.GOOS, env.Getenv); err != nil {
		return usageError(fmt.Errorf("opening the window: %w", err), noDisplayHint)
	}

	events := desktop.NewEvents()
	setup := syncer.Setup{DataDir: g.dataDir}
	services, err := app.New(ctx, app.Config{
		DataDir: g.dataDir, Events: events, Setup: setup, Demo: setup.Demo(),
	})
	if errors.Is(err, app.ErrNoDataDir) {
		return usageError(err, "Give one with --data-dir.")
	}
	if err != nil {
		return err
	}

	run := env.RunWindow
	if run == nil {
		run = desktop.Run
	}
	return run(ctx, desktop.Options{Assets: env.Assets, Services: services, Events: events})
}
