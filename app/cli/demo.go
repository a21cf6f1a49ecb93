package cli

import (
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/backstage-sync/backstage-sync/app/syncer"
)

func newDemoCommand(env Env, g *globals) *cobra.Command {
	var headless bool
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Try the app on a built-in sample catalog and a simulated Compass site",
		Long: "Start a sample Backstage catalog and a simulated Compass site on loopback, with\n" +
			"settings pointing at both in a demo data directory (reset at every start), so a\n" +
			"full sync can be tried without credentials. Everything it shows is demo data.",
		GroupID: groupMain,
		Args:    usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if g.dataDir == "" {
				return usageError(syncer.ErrNoDataDir, "Give one with --data-dir.")
			}
			demo, err := syncer.StartDemo(filepath.Join(g.dataDir, "demo"))
			if err != nil {
				return err
			}
			defer demo.Close()

			fmt.Fprintf(env.Stdout, "DEMO DATA: sample catalog at %s, simulated Compass at %s\n",
				demo.BackstageURL, demo.CompassURL)
			if !headless {
				dg := *g
				dg.dataDir = demo.DataDir
				return runWindow(cmd.Context(), env, &dg)
			}
			fmt.Fprintf(env.Stdout, "Sync the demo from another terminal:\n  backstage-sync --data-dir %s sync\n"+
				"Stop the demo with Ctrl+C.\n", demo.DataDir)
			<-cmd.Context().Done()
			return nil
		},
	}
	cmd.Flags().BoolVar(&headless, "headless", false, "serve the demo without opening the window")
	return cmd
}
