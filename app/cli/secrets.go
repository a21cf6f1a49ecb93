package cli

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/backstage-sync/backstage-sync/store/secret"
)

func newSecretsCommand(env Env) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "secrets",
		Short:   "Store tokens in the OS keyring, or see which are set",
		GroupID: groupMain,
	}
	cmd.AddCommand(newSecretsSetCommand(env), newSecretsStatusCommand(env))
	return cmd
}

func secretNames() string {
	var names []string
	for _, n := range secret.Names() {
		names = append(names, string(n))
	}
	return strings.Join(names, ", ")
}

func newSecretsSetCommand(env Env) *cobra.Command {
	return &cobra.Command{
		Use:   "set NAME",
		Short: "Store a secret read from standard input in the OS keyring",
		Long: "Store a secret in the OS keyring. The value is read from standard input (the first\n" +
			"line), so it stays out of the shell history. Names: " + secretNames() + ".",
		Example: "  printf '%s\\n' \"$TOKEN\" | backstage-sync secrets set compass_api_token",
		Args:    usageArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			value, err := readSecret(cmd.InOrStdin())
			if err != nil {
				return usageError(err, "")
			}
			err = secret.New().Set(secret.Name(args[0]), value)
			if errors.Is(err, secret.ErrUnknownName) || errors.Is(err, secret.ErrEmptyValue) {
				return usageError(err, "Names: "+secretNames()+".")
			}
			if err != nil {
				return usageError(err, "")
			}
			fmt.Fprintf(env.Stdout, "%s stored in the OS keyring\n", args[0])
			return nil
		},
	}
}

// readSecret reads the first line of r without its line ending.
func readSecret(r io.Reader) (string, error) {
	line, err := bufio.NewReader(io.LimitReader(r, 64<<10)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("reading the secret from standard input: %w", err)
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", errors.New("no secret on standard input: pipe the value in, for example " +
			"printf '%s\\n' \"$TOKEN\" | backstage-sync secrets set NAME")
	}
	return line, nil
}

func newSecretsStatusCommand(env Env) *cobra.Command {
	return &cobra.Command{
		Use:   "status",
		Short: "Show which secrets are set and where, never their values",
		Args:  usageArgs(cobra.NoArgs),
		RunE: func(*cobra.Command, []string) error {
			store := secret.New(secret.WithLookupEnv(func(k string) (string, bool) {
				v := env.Getenv(k)
				return v, v != ""
			}))
			tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
			for _, n := range secret.Names() {
				st, err := store.Status(n)
				state := "not set"
				switch {
				case err != nil:
					state = err.Error()
				case st.Set:
					state = "set (" + string(st.Source) + ")"
				}
				fmt.Fprintf(tw, "%s\t%s\toverride with %s\n", n, state, n.EnvVar())
			}
			return tw.Flush()
		},
	}
}
