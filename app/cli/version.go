package cli

import (
	"fmt"
	"runtime"

	"github.com/spf13/cobra"

	"github.com/backstage-sync/backstage-sync/app"
)

func newVersionCommand(env Env) *cobra.Command {
	return &cobra.Command{
		Use:     "version",
		Short:   "Print the version",
		GroupID: groupMain,
		Args:    usageArgs(cobra.NoArgs),
		RunE: func(*cobra.Command, []string) error {
			_, err := fmt.Fprintf(env.Stdout, "backstage-sync %s (%s %s/%s)\n",
				app.Version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
			return err
		},
	}
}
