package engine

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/backstage-sync/backstage-sync/sync/plan"
)

// record fills the result's items and stores what the run applied: records (etags, links,
// applied hashes, missing counts), per-component status and the mapping settings hash. Each
// action is let go of once its item, status and record are taken from it, so that a large run
// does not hold its plan and its results at once.
func (r *run) record() error {
	r.report(PhaseRecord, 0, 1, "")
	puts := map[string]Record{}

	// Every entity seen in the listing keeps its etag, so that the next incremental run skips
	// it while it stays the same. Pages stored the records of their entities already, and took
	// them out of r.etags.
	for ref := range r.etags {
		rec := r.listedRecord(ref)
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

	planned := r.plannedFresh()
	deletes, statusErr := r.recordActions(puts)
	r.addFreshItems(planned)
	again := r.failSettled()

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

	r.dropStored(puts, r.touched)
	if err := r.saveRecords(puts, deletes); err != nil {
		return err
	}
	if len(again) > 0 {
		if err := r.cfg.Store.ForgetEtags(again); err != nil {
			return fmt.Errorf("recording links: %w", err)
		}
	}
	if statusErr != nil {
		return statusErr
	}
	if err := r.cfg.Store.PutMeta(metaRulesHash, []byte(r.cfg.RulesHash)); err != nil {
		return fmt.Errorf("recording mapping hash: %w", err)
	}

	return nil
}

// recordActions turns each action of the plan into its item, its component status and its
// record in puts, and lets the action go. It returns the refs whose record is to be deleted and
// the first failure to store statuses.
func (r *run) recordActions(puts map[string]Record) ([]string, error) {
	var deletes []string
	actions := r.plan.Actions
	r.result.Items = slices.Grow(r.result.Items, len(actions)+len(r.fresh))
	statuses := make([]Status, 0, min(len(actions), statusChunk))
	var statusErr error
	for i, a := range actions {
		actions[i] = plan.Action{}
		err := r.outcome[a.Ref]
		r.addItem(a, err)
		if statusErr == nil {
			statuses = append(statuses, r.status(a, err))
			if len(statuses) == statusChunk || i == len(actions)-1 {
				if serr := r.cfg.Store.SaveStatuses(statuses); serr != nil {
					statusErr = fmt.Errorf("recording component status: %w", serr)
				}
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

	return deletes, statusErr
}

// failSettled marks the items of entities that earlier pages applied and whose relationships
// failed in the last step, and returns their refs: their etags are to be forgotten, so that the
// next run tries again.
func (r *run) failSettled() []string {
	if r.pages == nil {
		return nil
	}
	var again []string
	// Pages let go of their failures once recorded, and the items of the last plan carry
	// theirs: a failure without an item error belongs to an entity of a page.
	var at map[string]int
	for ref, err := range r.outcome {
		if at == nil {
			at = make(map[string]int, len(r.result.Items))
			for i, it := range r.result.Items {
				at[it.Ref] = i
			}
		}
		i, ok := at[ref]
		if !ok || r.result.Items[i].Error != "" {
			continue
		}
		item := &r.result.Items[i]
		r.result.Counts.shift(item.Action, -1)
		r.result.Counts.shift(actionFailed, 1)
		item.Error = err.Error()
		again = append(again, ref)
	}

	return again
}

// dropStored takes out of puts the records that are stored as they are, unless touched says the
// run changed them in memory since they were read: a full reconcile of an unchanged catalog
// then writes none.
func (r *run) dropStored(puts map[string]Record, touched map[string]bool) {
	for ref, rec := range puts {
		if old, ok := r.records[ref]; ok && !touched[ref] && sameRecord(old, rec) {
			delete(puts, ref)
		}
	}
}

func sameRecord(a, b Record) bool {
	return a.Ref == b.Ref && a.ComponentID == b.ComponentID && a.Etag == b.Etag &&
		a.StableKey == b.StableKey && a.MissingCount == b.MissingCount &&
		a.Deprecated == b.Deprecated && a.Orphan == b.Orphan && slices.Equal(a.Applied, b.Applied)
}

// saveRecords stores the records of puts and deletes those of deletes, a chunk at a time, so
// that no write holds thousands of records in one transaction. The deletes go with the first
// chunk: a renamed entity's component moves from the deleted ref to a put one, and a component
// is linked to one ref at a time.
func (r *run) saveRecords(puts map[string]Record, deletes []string) error {
	// In ref order, each write fills a run of neighbouring keys rather than touching pages all
	// over the store. Records without a component go first, as they may let go of one that
	// another record takes.
	refs := slices.SortedFunc(maps.Keys(puts), func(a, b string) int {
		if ea, eb := puts[a].ComponentID == "", puts[b].ComponentID == ""; ea != eb {
			if ea {
				return -1
			}
			return 1
		}
		return strings.Compare(a, b)
	})
	list := make([]Record, 0, min(len(puts), recordChunk))
	for start := 0; start < len(refs) || start == 0; start += recordChunk {
		list = list[:0]
		for _, ref := range refs[start:min(start+recordChunk, len(refs))] {
			list = append(list, puts[ref])
		}
		var dels []string
		if start == 0 {
			dels = deletes
		}
		if len(list) == 0 && len(dels) == 0 {
			return nil
		}
		if err := r.cfg.Store.SaveRecords(list, dels); err != nil {
			return fmt.Errorf("recording links: %w", err)
		}
	}

	return nil
}

// recordChunk is the number of records written in one transaction.
const recordChunk = 500

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
