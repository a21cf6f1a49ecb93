package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/backstage-sync/backstage-sync/app/syncer"
	"github.com/backstage-sync/backstage-sync/store"
	"github.com/backstage-sync/backstage-sync/store/secret"
	"github.com/backstage-sync/backstage-sync/sync/config"
	"github.com/backstage-sync/backstage-sync/sync/engine"
)

// Exit codes of sync outcomes.
const (
	// ExitRunFailed means the sync run failed and stopped.
	ExitRunFailed = 3
	// ExitNeedsConfirmation means the run would deprecate or delete past the guard's thresholds.
	ExitNeedsConfirmation = 4
)

func newSyncCommand(env Env, g *globals) *cobra.Command {
	var dryRun, full, asJSON, yes bool
	cmd := &cobra.Command{
		Use:   "sync",
		Short: "Sync the Backstage catalog into Compass once",
		Long: "Sync the Backstage catalog into Compass once and print what was done.\n\n" +
			"Exit codes: 0 succeeded, 1 some items failed, 2 usage or settings error,\n" +
			"3 the run failed, 4 the run needs confirmation (rerun with --yes).",
		GroupID: groupMain,
		Args:    usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, err := openSyncer(env, g, "cli")
			if err != nil {
				return err
			}
			defer s.Close()

			opts := engine.Options{DryRun: dryRun, Full: full, Confirmed: yes, Trigger: "cli"}
			res, err := s.Run(cmd.Context(), opts, progressTo(env.Stderr, asJSON))
			if res == nil {
				return settingsError(err)
			}
			if asJSON {
				if err := writeResultJSON(env.Stdout, res, s.Demo()); err != nil {
					return err
				}
			} else {
				printResult(env.Stdout, res, s.Demo())
			}
			return outcome(res, err)
		},
	}
	flags := cmd.Flags()
	flags.BoolVar(&dryRun, "dry-run", false, "show the plan without changing Compass")
	flags.BoolVar(&full, "full", false, "read every entity and component, finding drift")
	flags.BoolVar(&asJSON, "json", false, "print the result as one JSON object")
	flags.BoolVar(&yes, "yes", false, "confirm deprecations and deletions past the guard")
	return cmd
}

// openSyncer opens the data directory with the process's environment.
func openSyncer(env Env, g *globals, actor string) (*syncer.Syncer, error) {
	if g.dataDir == "" {
		return nil, usageError(syncer.ErrNoDataDir, "Give one with --data-dir.")
	}
	logger := slog.New(slog.NewTextHandler(env.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	s, err := syncer.Open(syncer.Options{
		DataDir: g.dataDir,
		Getenv:  env.Getenv,
		Logger:  logger,
		Actor:   actor,
		Secrets: secret.New(secret.WithLookupEnv(func(k string) (string, bool) {
			v := env.Getenv(k)
			return v, v != ""
		})),
	})
	if errors.Is(err, store.ErrNewerSchema) || errors.Is(err, store.ErrLocked) {
		return nil, usageError(err, "")
	}
	return s, err
}

// settingsError marks the errors a user fixes in the settings or the secrets as usage errors.
func settingsError(err error) error {
	var missing *syncer.MissingSecretError
	switch {
	case errors.Is(err, syncer.ErrNotConfigured), errors.Is(err, config.ErrInvalid),
		errors.As(err, &missing), errors.Is(err, secret.ErrKeyringUnavailable),
		errors.Is(err, config.ErrParse):
		return usageError(err, "")
	}
	return err
}

// outcome turns a run result into the command's exit code.
func outcome(res *engine.Result, err error) error {
	switch res.Status {
	case engine.StatusSucceeded:
		return nil
	case engine.StatusPartial:
		return &ExitError{Code: ExitFailure, Err: fmt.Errorf("%d items failed", res.Counts.Failed)}
	case engine.StatusNeedsConfirmation:
		return &ExitError{Code: ExitNeedsConfirmation, Err: errors.New(res.Error),
			Hint: "Nothing was deprecated or deleted. Review the plan with --dry-run, then rerun with --yes."}
	default:
		if err == nil {
			err = errors.New(res.Error)
		}
		return &ExitError{Code: ExitRunFailed, Err: err}
	}
}

// progressTo writes phase changes to w when w is a terminal and the output is not JSON.
func progressTo(w io.Writer, quiet bool) engine.Progress {
	f, ok := w.(*os.File)
	if quiet || !ok {
		return nil
	}
	if st, err := f.Stat(); err != nil || st.Mode()&os.ModeCharDevice == 0 {
		return nil
	}
	last := engine.Phase("")
	return engine.ProgressFunc(func(s engine.Step) {
		if s.Phase != last {
			last = s.Phase
			fmt.Fprintf(w, "%s...\n", s.Phase)
		}
	})
}

// printResult writes a summary for people.
func printResult(w io.Writer, res *engine.Result, demo bool) {
	if demo {
		fmt.Fprintln(w, "DEMO DATA: sample catalog and simulated Compass site")
	}
	mode := "sync"
	if res.DryRun {
		mode = "dry run (nothing changed)"
	}
	fmt.Fprintf(w, "%s %s: %s in %d ms\n", mode, res.RunID, res.Status, res.DurationMS)
	c := res.Counts
	fmt.Fprintf(w, "created %d, updated %d, adopted %d, renamed %d, deprecated %d, deleted %d, "+
		"unchanged %d, skipped %d, failed %d, conflicts %d\n",
		c.Created, c.Updated, c.Adopted, c.Renamed, c.Deprecated, c.Deleted, c.Unchanged, c.Skipped,
		c.Failed, c.Conflicts)
	fmt.Fprintf(w, "compass: %d requests, %d mutations; backstage: %d requests\n",
		res.API.CompassRequests, res.API.CompassMutations, res.API.BackstageRequests)
	if res.Error != "" {
		fmt.Fprintf(w, "error: %s\n", res.Error)
	}

	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, it := range res.Items {
		if it.Action == "unchanged" && it.Error == "" || it.Action == "skip" {
			continue
		}
		detail := it.Reason
		if it.Error != "" {
			detail = "error: " + it.Error
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", it.Action, it.Ref, detail)
		for _, ch := range it.Changes {
			fmt.Fprintf(tw, "\t  %s\t%q -> %q\n", ch.Field, ch.From, ch.To)
		}
	}
	_ = tw.Flush()
}

// jsonResult is the object `sync --json` prints.
type jsonResult struct {
	*engine.Result
	// Demo marks a run on the built-in demo data.
	Demo bool `json:"demo,omitempty"`
}

// writeResultJSON prints the result as one indented JSON object. The items, tens of thousands
// on a large catalog, are written one at a time rather than built into one buffer first.
func writeResultJSON(w io.Writer, res *engine.Result, demo bool) error {
	head := *res
	head.Items = nil
	b, err := json.MarshalIndent(jsonResult{&head, demo}, "", "  ")
	if err != nil {
		return err
	}
	// The head holds the items as null: the one "items" key at the top level, as any quote in
	// a value is escaped.
	const hole = `"items": null`
	at := bytes.Index(b, []byte(hole))
	if at < 0 {
		return fmt.Errorf("printing the result: no place for the items")
	}

	bw := bufio.NewWriter(w)
	bw.Write(b[:at])
	bw.WriteString(`"items": [`)
	for i, it := range res.Items {
		item, err := json.MarshalIndent(it, "    ", "  ")
		if err != nil {
			return err
		}
		if i > 0 {
			bw.WriteByte(',')
		}
		bw.WriteString("\n    ")
		bw.Write(item)
	}
	if len(res.Items) > 0 {
		bw.WriteString("\n  ")
	}
	bw.WriteByte(']')
	bw.Write(b[at+len(hole):])
	bw.WriteByte('\n')

	return bw.Flush()
}
