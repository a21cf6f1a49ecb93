package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/backstage-sync/backstage-sync/app/desktop"
)

// Command group ids used in --help.
const (
	groupMain = "main"
	groupDev  = "dev"
)

// Env is what the commands take from the process, so that tests can run them in isolation.
type Env struct {
	// Assets holds the built frontend that the window serves.
	Assets fs.FS
	// Stdin feeds commands that read input, such as secrets set; nil means os.Stdin.
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// Getenv reads an environment variable.
	Getenv func(string) string
	// GOOS is the operating system the program runs on.
	GOOS string
	// DefaultDataDir is the default of --data-dir. Empty makes --data-dir required.
	DefaultDataDir string
	// RunWindow opens the window and blocks until it closes. Nil means desktop.Run.
	RunWindow func(ctx context.Context, opts desktop.Options) error
}

// globals holds the values of the flags every command shares.
type globals struct {
	dataDir string
}

// Main runs the program with the process's arguments and environment and returns its exit
// code. SIGINT and SIGTERM cancel the running command.
func Main(assets fs.FS) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	dataDir, err := DefaultDataDir()
	if err != nil {
		dataDir = ""
	}
	env := Env{
		Assets:         assets,
		Stdout:         os.Stdout,
		Stderr:         os.Stderr,
		Getenv:         os.Getenv,
		GOOS:           runtime.GOOS,
		DefaultDataDir: dataDir,
	}
	return Execute(ctx, env, os.Args[1:])
}

// DefaultDataDir returns the data directory used when --data-dir is not given: backstage-sync
// under the user's configuration directory.
func DefaultDataDir() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("finding the user configuration directory: %w", err)
	}
	return filepath.Join(dir, "backstage-sync"), nil
}

// Execute runs the command line args and returns the exit code. Errors are printed to
// env.Stderr, followed by their hint when they carry one.
func Execute(ctx context.Context, env Env, args []string) int {
	root := NewRootCommand(env)
	root.SetArgs(args)

	err := root.ExecuteContext(ctx)
	if err == nil {
		return ExitOK
	}

	fmt.Fprintf(env.Stderr, "backstage-sync: %v\n", err)
	var exitErr *ExitError
	if errors.As(err, &exitErr) && exitErr.Hint != "" {
		fmt.Fprintln(env.Stderr, exitErr.Hint)
	}
	return exitCode(err)
}

// NewRootCommand builds the command tree. New commands are added here with the group they
// belong to.
func NewRootCommand(env Env) *cobra.Command {
	g := &globals{}
	root := &cobra.Command{
		Use:   "backstage-sync",
		Short: "Keep Atlassian Compass in step with a Backstage catalog",
		Long: "Backstage Sync for Compass keeps Atlassian Compass components in step with a " +
			"Backstage catalog.\nWith no command it opens the desktop window.",
		Args:          usageArgs(cobra.NoArgs),
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runWindow(cmd.Context(), env, g)
		},
	}
	if env.Stdin != nil {
		root.SetIn(env.Stdin)
	}
	root.SetOut(env.Stdout)
	root.SetErr(env.Stderr)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return usageError(err, "Run 'backstage-sync --help' for usage.")
	})
	root.CompletionOptions.HiddenDefaultCmd = true
	root.PersistentFlags().StringVar(&g.dataDir, "data-dir", env.DefaultDataDir,
		"directory that holds the database and exports")

	root.AddGroup(
		&cobra.Group{ID: groupMain, Title: "Commands:"},
		&cobra.Group{ID: groupDev, Title: "Developer tools:"},
	)
	root.SetHelpCommandGroupID(groupMain)
	root.AddCommand(
		newGUICommand(env, g),
		newSyncCommand(env, g),
		newStatusCommand(env, g),
		newConfigCommand(env, g),
		newSecretsCommand(env),
		newDemoCommand(env, g),
		newVersionCommand(env),
		newDevCommand(env),
	)
	return root
}

// usageArgs turns the errors of an argument check into usage errors.
func usageArgs(check cobra.PositionalArgs) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := check(cmd, args); err != nil {
			return usageError(err, fmt.Sprintf("Run '%s --help' for usage.", cmd.CommandPath()))
		}
		return nil
	}
}
