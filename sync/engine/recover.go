package engine

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/backstage-sync/backstage-sync/sync/compass"
)

// recoverIntents repairs what an interrupted run left behind. For each create that was about
// to be sent, it looks the component up by alias (the run got as far as the alias) and else by
// name (created without alias: the alias is attached now), so that nothing is created twice.
func (r *run) recoverIntents(ctx context.Context) error {
	intents, err := r.cfg.Store.PendingIntents()
	if err != nil || len(intents) == 0 {
		return err
	}
	r.cfg.Logger.Info("repairing an interrupted run", "run_id", r.result.RunID, "intents", len(intents))

	source := r.cfg.Policy.Source
	var done []string
	var st stage
	for _, in := range intents {
		id, needsAlias, err := r.findCreated(ctx, in)
		if err != nil {
			return fmt.Errorf("repairing interrupted run: %w", err)
		}
		if id != "" {
			rec := r.records[in.Ref]
			rec.Ref, rec.ComponentID, rec.Etag = in.Ref, id, ""
			r.records[in.Ref] = rec
			if needsAlias {
				st.own(in.Ref, st.batch.CreateExternalAlias(id, compass.ExternalAlias{Source: source, ID: in.Ref}))
			}
		}
		done = append(done, in.ID)
	}
	if st.batch.Len() > 0 {
		results, err := r.send(ctx, &st)
		if err != nil {
			return err
		}
		for i, res := range results {
			if res.Err != nil {
				return fmt.Errorf("repairing interrupted run: attaching alias to %s: %w", st.owners[i], res.Err)
			}
		}
	}

	puts := make([]Record, 0, len(intents))
	for _, in := range intents {
		if rec, ok := r.records[in.Ref]; ok && rec.ComponentID != "" {
			puts = append(puts, rec)
		}
	}
	if err := r.cfg.Store.SaveRecords(puts, nil); err != nil {
		return fmt.Errorf("repairing interrupted run: %w", err)
	}

	return r.cfg.Store.DeleteIntents(done)
}

// findCreated finds the component an interrupted create may have made.
func (r *run) findCreated(ctx context.Context, in Intent) (id string, needsAlias bool, err error) {
	var c *compass.Component
	err = r.cfg.Pacer.Do(ctx, func() error {
		var err error
		c, err = r.cfg.Target.GetComponentByExternalAlias(ctx, r.cfg.Policy.Source, in.Ref)
		return err
	})
	if err == nil {
		return c.ID, false, nil
	}
	if !errors.Is(err, compass.ErrNotFound) {
		return "", false, err
	}
	if in.Name == "" {
		return "", false, nil
	}

	var page *compass.ComponentPage
	err = r.cfg.Pacer.Do(ctx, func() error {
		var err error
		page, err = r.cfg.Target.SearchComponents(ctx, compass.SearchOptions{Query: in.Name, First: searchPage})
		return err
	})
	if err != nil {
		return "", false, err
	}
	for _, c := range page.Components {
		if strings.EqualFold(c.Name, in.Name) && !hasSource(c.ExternalAliases, r.cfg.Policy.Source) {
			return c.ID, true, nil
		}
	}

	return "", false, nil
}

func hasSource(aliases []compass.ExternalAlias, source string) bool {
	for _, a := range aliases {
		if a.Source == source {
			return true
		}
	}
	return false
}
