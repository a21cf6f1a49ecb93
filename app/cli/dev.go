package cli

import "github.com/spf13/cobra"

func newDevCommand(env Env) *cobra.Command {
	dev := &cobra.Command{
		Use:     "dev",
		Short:   "Tools for developing and testing backstage-sync",
		GroupID: groupDev,
	}
	_ = env
	return dev
}
