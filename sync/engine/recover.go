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

	find := r.findCreated
	if len(intents) > searchThreshold {
		idx, err := r.indexCompass(ctx)
		if err != nil {
			return fmt.Errorf("repairing interrupted run: %w", err)
		}
		find = idx.find
	}

	source := r.cfg.Policy.Source
	var done []string
	var st stage
	seen := map[string]bool{}
	for _, in := range intents {
		done = append(done, in.ID)
		// Several runs may have left an intent for the same entity; one lookup settles them.
		if seen[in.Ref] {
			continue
		}
		seen[in.Ref] = true
		id, needsAlias, err := find(ctx, in)
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

	puts := make([]Record, 0, len(seen))
	for ref := range seen {
		if rec, ok := r.records[ref]; ok && rec.ComponentID != "" {
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

// compassIndex holds every Compass component by our alias and, for those without it, by
// lower-cased name: one paged read instead of a lookup per intent.
type compassIndex struct {
	byAlias map[string]string
	byName  map[string][]string
}

// indexCompass pages through every Compass component.
func (r *run) indexCompass(ctx context.Context) (*compassIndex, error) {
	idx := &compassIndex{byAlias: map[string]string{}, byName: map[string][]string{}}
	source := r.cfg.Policy.Source
	after := ""
	for {
		var page *compass.ComponentPage
		err := r.cfg.Pacer.Do(ctx, func() error {
			var err error
			page, err = r.cfg.Target.SearchComponents(ctx, compass.SearchOptions{First: searchPage, After: after})
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("reading compass components: %w", err)
		}
		for _, c := range page.Components {
			if !hasSource(c.ExternalAliases, source) {
				key := strings.ToLower(c.Name)
				idx.byName[key] = append(idx.byName[key], c.ID)
				continue
			}
			for _, a := range c.ExternalAliases {
				if a.Source == source {
					idx.byAlias[strings.ToLower(a.ID)] = c.ID
				}
			}
		}
		if !page.HasNextPage || page.EndCursor == "" {
			return idx, nil
		}
		after = page.EndCursor
	}
}

// find looks an intent up in the index like findCreated does remotely; a component found by
// name is taken off the index so that no other intent claims it.
func (idx *compassIndex) find(_ context.Context, in Intent) (id string, needsAlias bool, err error) {
	if id := idx.byAlias[strings.ToLower(in.Ref)]; id != "" {
		return id, false, nil
	}
	key := strings.ToLower(in.Name)
	ids := idx.byName[key]
	if in.Name == "" || len(ids) == 0 {
		return "", false, nil
	}
	idx.byName[key] = ids[1:]

	return ids[0], true, nil
}
