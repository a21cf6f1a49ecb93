package cli

import (
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"
)

func newConfigCommand(env Env, g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "config",
		Short:   "Import or export the settings (YAML, never secrets)",
		GroupID: groupMain,
	}
	cmd.AddCommand(newConfigImportCommand(env, g), newConfigExportCommand(env, g))
	return cmd
}

func newConfigImportCommand(env Env, g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "import FILE",
		Short: "Check settings from a YAML file and store them ('-' reads standard input)",
		Long: "Check settings from a YAML file and store them. Unknown keys, bad URLs, broken\n" +
			"expressions and unknown type ids are refused with the key to fix, and the stored\n" +
			"settings then stay as they were. Tokens never go in this file: use 'secrets set'.",
		Args: usageArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			data, err := readInput(cmd.InOrStdin(), args[0])
			if err != nil {
				return usageError(err, "")
			}
			s, err := openSyncer(env, g, "cli")
			if err != nil {
				return err
			}
			defer s.Close()

			if err := s.ImportSettings(data); err != nil {
				return settingsError(fmt.Errorf("refusing %s, nothing stored changed:\n%w", args[0], err))
			}
			fmt.Fprintf(env.Stdout, "settings imported from %s\n", args[0])
			return nil
		},
	}
}

func readInput(stdin io.Reader, path string) ([]byte, error) {
	if path == "-" {
		return io.ReadAll(io.LimitReader(stdin, 4<<20))
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading settings: %w", err)
	}
	return data, nil
}

func newConfigExportCommand(env Env, g *globals) *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "export",
		Short: "Print the stored settings as YAML",
		Args:  usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, err := openSyncer(env, g, "cli")
			if err != nil {
				return err
			}
			defer s.Close()

			data, err := s.ExportSettings()
			if err != nil {
				return settingsError(err)
			}
			if out == "" || out == "-" {
				_, err = env.Stdout.Write(data)
				return err
			}
			return os.WriteFile(out, data, 0o600)
		},
	}
	cmd.Flags().StringVarP(&out, "output", "o", "", "write to this file instead of standard output")
	return cmd
}
