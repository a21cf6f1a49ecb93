package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/backstage-sync/backstage-sync/app/syncer"
	"github.com/backstage-sync/backstage-sync/store"
)

// statusReport is what `status` shows.
type statusReport struct {
	DataDir           string      `json:"data_dir"`
	Configured        bool        `json:"configured"`
	Demo              bool        `json:"demo"`
	BackstageURL      string      `json:"backstage_url,omitempty"`
	CompassSite       string      `json:"compass_site,omitempty"`
	CompassEmail      string      `json:"compass_email,omitempty"`
	ManagedComponents int         `json:"managed_components"`
	SeenEntities      int         `json:"seen_entities"`
	PendingIntents    int         `json:"pending_intents"`
	Runs              []runReport `json:"runs"`
}

type runReport struct {
	ID         string         `json:"id"`
	Trigger    string         `json:"trigger"`
	Status     string         `json:"status"`
	DryRun     bool           `json:"dry_run"`
	StartedAt  time.Time      `json:"started_at"`
	DurationMS int64          `json:"duration_ms"`
	Counts     map[string]int `json:"counts"`
	Error      string         `json:"error,omitempty"`
}

func newStatusCommand(env Env, g *globals) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:     "status",
		Short:   "Show the settings in use, the managed components and the last runs",
		GroupID: groupMain,
		Args:    usageArgs(cobra.NoArgs),
		RunE: func(*cobra.Command, []string) error {
			s, err := openSyncer(env, g, "cli")
			if err != nil {
				return err
			}
			defer s.Close()

			rep, err := buildStatus(s, g.dataDir)
			if err != nil {
				return err
			}
			if asJSON {
				enc := json.NewEncoder(env.Stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(rep)
			}
			printStatus(env.Stdout, rep)
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the status as one JSON object")
	return cmd
}

func buildStatus(s *syncer.Syncer, dataDir string) (statusReport, error) {
	st, found, err := s.Settings()
	if err != nil {
		return statusReport{}, err
	}
	rep := statusReport{
		DataDir: dataDir, Configured: found, Demo: s.Demo(),
		BackstageURL: st.Backstage.URL, CompassSite: st.Compass.Site, CompassEmail: st.Compass.Email,
		Runs: []runReport{},
	}
	err = s.Store().ForEachLink(func(l store.Link) error {
		rep.SeenEntities++
		if l.ComponentID != "" {
			rep.ManagedComponents++
		}
		return nil
	})
	if err != nil {
		return rep, err
	}
	intents, err := s.Store().PendingIntents()
	if err != nil {
		return rep, err
	}
	rep.PendingIntents = len(intents)

	runs, err := s.Store().ListRuns(10)
	if err != nil {
		return rep, err
	}
	for _, r := range runs {
		rep.Runs = append(rep.Runs, runReport{
			ID: r.ID, Trigger: r.Trigger, Status: string(r.Status), DryRun: r.DryRun, StartedAt: r.StartedAt,
			DurationMS: r.FinishedAt.Sub(r.StartedAt).Milliseconds(), Counts: r.Counts, Error: r.Error,
		})
	}

	return rep, nil
}

func printStatus(w io.Writer, rep statusReport) {
	if rep.Demo {
		fmt.Fprintln(w, "DEMO DATA: sample catalog and simulated Compass site")
	}
	fmt.Fprintf(w, "data directory: %s\n", rep.DataDir)
	if !rep.Configured {
		fmt.Fprintln(w, "not configured: import settings with 'backstage-sync config import FILE'")
	} else {
		fmt.Fprintf(w, "backstage: %s\ncompass:   %s (%s)\n", rep.BackstageURL, rep.CompassSite, rep.CompassEmail)
	}
	fmt.Fprintf(w, "managed components: %d (entities seen: %d)\n", rep.ManagedComponents, rep.SeenEntities)
	if rep.PendingIntents > 0 {
		fmt.Fprintf(w, "interrupted run: %d pending changes will be repaired by the next sync\n", rep.PendingIntents)
	}
	if len(rep.Runs) == 0 {
		fmt.Fprintln(w, "no runs yet")
		return
	}
	fmt.Fprintln(w, "last runs:")
	for _, r := range rep.Runs {
		dry := ""
		if r.DryRun {
			dry = " (dry run)"
		}
		fmt.Fprintf(w, "  %s  %s%s  created %d, updated %d, unchanged %d, failed %d\n",
			r.StartedAt.Local().Format(time.DateTime), r.Status, dry,
			r.Counts["created"], r.Counts["updated"], r.Counts["unchanged"], r.Counts["failed"])
	}
}
