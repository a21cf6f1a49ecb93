package engine

import (
	"fmt"
	"slices"

	"github.com/backstage-sync/backstage-sync/sync/plan"
)

// record fills the result's items and stores what the run applied: records (etags, links,
// applied hashes, missing counts), per-component status and the mapping settings hash. Each
// action is let go of once its item, status and record are taken from it, so that a large run
// does not hold its plan and its results at once.
func (r *run) record() error {
	r.report(PhaseRecord, 0, 1, "")
	puts := map[string]Record{}
	var deletes []string

	// Every entity seen in the listing keeps its etag, so that the next incremental run skips
	// it while it stays the same.
	for ref, etag := range r.etags {
		rec := r.records[ref]
		rec.Ref, rec.Etag, rec.Orphan = ref, etag, r.orphans[ref]
		if !r.fresh[ref] || rec.Orphan != r.records[ref].Orphan {
			puts[ref] = rec
		}
	}

	// Links corrected from Compass's aliases are stored even when no action touches them.
	for ref := range r.touched {
		if _, ok := puts[ref]; !ok {
			rec := r.records[ref]
			rec.Ref = ref
			puts[ref] = rec
		}
	}

	actions := r.plan.Actions
	planned := r.plannedFresh()
	r.result.Items = slices.Grow(r.result.Items, len(actions)+len(r.fresh)-len(planned))
	statuses := make([]Status, 0, min(len(actions), statusChunk))
	var statusErr error
	for i, a := range actions {
		actions[i] = plan.Action{}
		err := r.outcome[a.Ref]
		r.addItem(a, err)
		if statusErr == nil {
			statuses = append(statuses, r.status(a, err))
			if len(statuses) == statusChunk || i == len(actions)-1 {
				statusErr = r.cfg.Store.SaveStatuses(statuses)
				statuses = statuses[:0]
			}
		}
		rec := puts[a.Ref]
		if rec.Ref == "" {
			rec = r.records[a.Ref]
			rec.Ref = a.Ref
		}
		if err != nil || a.Kind == plan.KindConflict {
			// Forget the etag so that the next run looks at the entity again.
			rec.Etag = ""
			puts[a.Ref] = rec
			continue
		}
		switch a.Kind {
		case plan.KindDelete:
			deletes = append(deletes, a.Ref)
			delete(puts, a.Ref)
			continue
		case plan.KindSkip:
			rec.ComponentID = ""
		case plan.KindDeprecate:
			rec.Deprecated = true
		case plan.KindRename:
			deletes = append(deletes, a.FromRef)
			delete(puts, a.FromRef)
			fallthrough
		default:
			if id := r.componentOf(a.Ref, a.ComponentID); id != "" {
				rec.ComponentID = id
			}
			if a.Applied != nil {
				rec.Applied = a.Applied
			}
			rec.StableKey = a.Component.StableKey
			rec.Deprecated = false
		}
		puts[a.Ref] = rec
	}
	r.plan.Actions = nil
	r.addFreshItems(planned)

	for ref, n := range r.plan.MissingCounts {
		rec, ok := puts[ref]
		if !ok {
			rec, ok = r.records[ref]
		}
		if ok && rec.MissingCount != n && !contains(deletes, ref) {
			rec.Ref, rec.MissingCount = ref, n
			puts[ref] = rec
		}
	}
	// Entities without a component that left the catalog need no record any more.
	for ref, rec := range r.records {
		if rec.ComponentID == "" && r.etags[ref] == "" && !r.listed[ref] {
			deletes = append(deletes, ref)
		}
	}

	list := make([]Record, 0, len(puts))
	for _, rec := range puts {
		list = append(list, rec)
	}
	if err := r.cfg.Store.SaveRecords(list, deletes); err != nil {
		return fmt.Errorf("recording links: %w", err)
	}
	if statusErr != nil {
		return fmt.Errorf("recording component status: %w", statusErr)
	}
	if err := r.cfg.Store.PutMeta(metaRulesHash, []byte(r.cfg.RulesHash)); err != nil {
		return fmt.Errorf("recording mapping hash: %w", err)
	}

	return nil
}

// statusChunk is the number of component statuses written at a time.
const statusChunk = 1000

// status derives the component status of one action.
func (r *run) status(a plan.Action, err error) Status {
	s := Status{
		Ref:         a.Ref,
		ComponentID: r.componentOf(a.Ref, a.ComponentID),
		RunID:       r.result.RunID,
		Time:        r.cfg.Now(),
		Action:      string(a.Kind),
		Fields:      map[string]FieldState{},
	}
	state := FieldInSync
	if err != nil {
		s.Action, s.Error, state = actionFailed, err.Error(), FieldFailed
	}
	if a.Kind == plan.KindSkip {
		state = FieldSkipped
	}
	for _, fh := range a.Applied {
		s.Fields[fh.Field] = state
	}
	for _, c := range a.Changes {
		s.Fields[c.Field] = state
	}
	if err == nil {
		for _, field := range a.Drift {
			s.Fields[field] = FieldDrifted
		}
	}

	return s
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
