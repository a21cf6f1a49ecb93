package cli

import (
	"errors"

	"github.com/spf13/cobra"

	"github.com/backstage-sync/backstage-sync/sync/compass/compasssim"
)

func newDevCommand(env Env) *cobra.Command {
	dev := &cobra.Command{
		Use:     "dev",
		Short:   "Tools for developing and testing backstage-sync",
		GroupID: groupDev,
	}
	dev.AddCommand(newCompassSimCommand(env))
	return dev
}

func newCompassSimCommand(env Env) *cobra.Command {
	var (
		listen string
		opts   compasssim.Options
	)
	cmd := &cobra.Command{
		Use:   "compass-sim",
		Short: "Serve a simulated Compass site on loopback until interrupted",
		Long: "Serve an empty simulated Compass site, with Compass's schema, limits and errors, " +
			"until SIGINT or SIGTERM.\nPoint the app's Compass site at the printed address to try " +
			"it without a real site.",
		Example: "  backstage-sync dev compass-sim --listen 127.0.0.1:8089 " +
			"--email admin@example.com --token local-token",
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if opts.Email == "" || opts.Token == "" {
				return usageError(errors.New("--email and --token are required"),
					"They are the only credentials the simulator accepts.")
			}
			return compasssim.Run(cmd.Context(), listen, opts, env.Stdout)
		},
	}
	flags := cmd.Flags()
	flags.StringVar(&listen, "listen", "127.0.0.1:8089", "address to listen on")
	flags.StringVar(&opts.Email, "email", "", "account email the simulator accepts")
	flags.StringVar(&opts.Token, "token", "", "API token the simulator accepts")
	flags.StringVar(&opts.SiteHost, "site", "example.atlassian.net", "host name of the simulated site")
	flags.Uint64Var(&opts.Seed, "seed", 1, "seed for generated ids and injected faults")
	return cmd
}
