package engine

import (
	"context"
	"maps"
	"slices"
	"strings"

	"github.com/backstage-sync/backstage-sync/sync/mapping"
	"github.com/backstage-sync/backstage-sync/sync/plan"
)

// DefaultPageSize is the number of entities to fetch that a run maps, plans, applies and records
// at a time when it has more of them.
const DefaultPageSize = 2500

// pager holds what the pages of one run share. A page decides only entities that need nothing
// from other pages: linked entities, and new ones that no vanished ref or unaliased namesake
// could claim. Those that could wait in deferred for the run's last plan, which also decides the
// refs missing from the listing, applies the guard and plans the DEPENDS_ON relationships of
// every entity, those of the pages included (settled).
type pager struct {
	// readAll is set when every Compass component was read before the pages.
	readAll bool
	// vanishedKeys holds the stable keys of managed refs that left the listing: a new entity
	// with one of them may be a rename.
	vanishedKeys map[string]bool
	// kept holds the ids of components read before the pages, which the last plan needs.
	kept map[string]bool
	// summaries holds what a read of every component keeps of those linked to listed refs:
	// a page plans against a stand-in made from the summary when the component holds what
	// the entity wants, and reads the component again only when it does not.
	summaries map[string]plan.Summary
	deferred  []mapping.Component
	settled   []plan.Settled
	// ids holds the component of each entity a page decided, whose record is stored and gone
	// from r.records (empty when the page left it without one); see run.link.
	ids map[string]string
}

// pageable reports whether the changed entities go through in pages: an applied run with more
// of them than a page holds, and any applied full run, which so compares the components it reads
// through their summaries. A preview plans everything at once. So does a run the guard could
// stop, as nothing may be applied before it asks: the managed refs that left the listing could
// add up to more deprecations and deletions than it lets through.
func (r *run) pageable() bool {
	if r.opts.DryRun || (len(r.changed) <= r.cfg.PageSize && !r.opts.Full) {
		return false
	}

	return r.opts.Confirmed || !r.mayNeedConfirmation()
}

// mayNeedConfirmation counts the managed refs that are not listed and would be deprecated or
// deleted in this run if none of them was renamed.
func (r *run) mayNeedConfirmation() bool {
	p := r.cfg.Policy
	n, managed := 0, 0
	for ref, rec := range r.records {
		if rec.ComponentID == "" {
			continue
		}
		managed++
		if r.listed[ref] || rec.MissingCount+1 < p.MissingRuns {
			continue
		}
		switch p.Mode(refKind(ref)) {
		case plan.ModeDelete:
			n++
		case plan.ModeDeprecate:
			if !rec.Deprecated {
				n++
			}
		case plan.ModeKeep:
		}
	}

	return p.Exceeds(n, managed)
}

// runPages fetches, maps, plans, applies and records the changed entities a page at a time, and
// leaves the deferred ones as the desired components of the last plan.
func (r *run) runPages(ctx context.Context) error {
	r.pages = &pager{
		vanishedKeys: map[string]bool{}, kept: map[string]bool{}, summaries: map[string]plan.Summary{},
		ids: map[string]string{},
	}
	if err := r.readBeforePages(ctx); err != nil {
		return err
	}

	changed := r.changed
	r.changed = nil
	// One item per changed and per unchanged entity, grown once rather than page by page.
	r.result.Items = slices.Grow(r.result.Items, len(changed)+len(r.fresh))
	for start := 0; start < len(changed); start += r.cfg.PageSize {
		if err := r.runPage(ctx, changed[start:min(start+r.cfg.PageSize, len(changed))]); err != nil {
			return err
		}
	}
	r.desired, r.skipped = r.pages.deferred, nil
	r.pages.deferred = nil
	// The pages took their refs out of r.etags and r.records; a map keeps its size, a copy
	// does not.
	r.etags = maps.Clone(r.etags)
	r.records = maps.Clone(r.records)

	return r.finishMapping()
}

// readBeforePages reads what every page may need: the components of managed refs that left the
// listing, or every Compass component in a full run or when many entities are new.
func (r *run) readBeforePages(ctx context.Context) error {
	pg := r.pages
	fresh := 0
	for _, ref := range r.changed {
		if r.records[ref].ComponentID == "" {
			fresh++
		}
	}

	var ids []string
	for ref, rec := range r.records {
		if rec.ComponentID == "" || r.listed[ref] {
			continue
		}
		ids = append(ids, rec.ComponentID)
		pg.kept[rec.ComponentID] = true
		if rec.StableKey != "" {
			pg.vanishedKeys[rec.StableKey] = true
		}
	}

	if !r.opts.Full && fresh <= searchThreshold {
		return r.readByID(ctx, ids)
	}

	// A full run, or one with many new entities, reads every component: it finds the
	// components that carry the app's alias but that the store does not know, and the
	// unaliased ones that new entities may adopt. Of the components of listed refs it keeps
	// only summaries, which the pages compare with what their entities want; those of refs
	// that left the listing stay whole for the last plan.
	pg.readAll = true

	return r.readAll(ctx)
}

// summarize replaces a component that a read of every component before the pages just filed
// with its summary, unless the last plan needs it whole. Outside such a read it does nothing.
func (r *run) summarize(id string) {
	pg := r.pages
	if pg == nil || !pg.readAll || pg.kept[id] {
		return
	}
	cur, ok := r.current[id]
	if !ok || r.aliasesUnlisted(cur) {
		return
	}
	pg.summaries[id] = plan.Summarize(cur, r.cfg.Policy.Source)
	delete(r.current, id)
}

// aliasesUnlisted reports whether a component carries the app's alias for a ref that is not
// listed, which the last plan decides.
func (r *run) aliasesUnlisted(cur plan.Current) bool {
	for _, a := range cur.Aliases {
		if a.Source == r.cfg.Policy.Source && !r.listed[strings.ToLower(a.ID)] {
			return true
		}
	}

	return false
}

// runPage carries one page of changed refs through the run's phases.
func (r *run) runPage(ctx context.Context, refs []string) error {
	r.desired, r.skipped = nil, nil
	if err := r.fetch(ctx, refs); err != nil {
		return err
	}
	if err := r.readPage(ctx); err != nil {
		return err
	}
	r.deferClaims()

	known := make([]plan.Known, 0, len(r.desired)+len(r.skipped))
	for _, ref := range r.pageRefs() {
		if rec := r.records[ref]; rec.ComponentID != "" {
			known = append(known, knownOf(rec))
		}
	}
	p, err := plan.Compute(plan.Input{
		Desired: r.desired, Skipped: r.skipped, Listed: r.listed, ListingComplete: true,
		Known: known, Current: r.current, Policy: r.cfg.Policy, Lean: true, Page: true,
	})
	if err != nil {
		return err
	}
	r.plan = p
	settled := r.settledOf()
	r.desired, r.skipped = nil, nil

	if err := r.apply(ctx); err != nil {
		return err
	}

	return r.recordPage(settled)
}

// readPage reads the linked components of the page's entities that no summary stands in for,
// and the namesakes of its new ones unless every component was read before the pages.
func (r *run) readPage(ctx context.Context) error {
	var ids []string
	var fresh []*mapping.Component
	for i := range r.desired {
		c := &r.desired[i]
		rec := r.records[c.Ref]
		if rec.ComponentID == "" {
			fresh = append(fresh, c)
			continue
		}
		if _, read := r.current[rec.ComponentID]; read {
			continue
		}
		// A deprecated component's labels and lifecycle follow rules of their own: read it.
		if sum, ok := r.pages.summaries[rec.ComponentID]; ok && !rec.Deprecated {
			if cur, ok := sum.StandIn(c); ok {
				r.current[rec.ComponentID] = cur
				continue
			}
		}
		ids = append(ids, rec.ComponentID)
	}
	if err := r.readByID(ctx, ids); err != nil {
		return err
	}
	if r.pages.readAll {
		return nil
	}

	return r.readNamesakes(ctx, fresh)
}

// deferClaims moves the page's new entities that a vanished ref or an unaliased namesake could
// match to the last plan, where every claimant of the run is known.
func (r *run) deferClaims() {
	pg := r.pages
	kept := r.desired[:0]
	for _, c := range r.desired {
		linked := r.records[c.Ref].ComponentID != ""
		claims := (c.StableKey != "" && pg.vanishedKeys[c.StableKey]) || len(r.unalias[strings.ToLower(c.Name)]) > 0
		if !linked && claims {
			pg.deferred = append(pg.deferred, c)
			continue
		}
		kept = append(kept, c)
	}
	clear(r.desired[len(kept):])
	r.desired = kept
}

// pageRefs returns the refs the page decides.
func (r *run) pageRefs() []string {
	refs := make([]string, 0, len(r.desired)+len(r.skipped))
	for _, c := range r.desired {
		refs = append(refs, c.Ref)
	}
	for _, s := range r.skipped {
		refs = append(refs, s.Ref)
	}

	return refs
}

// settledOf takes from the page what the last plan needs to plan its relationships: what each
// entity declares and what its component had. The component ids are filled in once the page is
// applied.
func (r *run) settledOf() []plan.Settled {
	declared := make(map[string][]string, len(r.desired))
	for _, c := range r.desired {
		declared[c.Ref] = c.DependsOn
	}
	settled := make([]plan.Settled, 0, len(r.plan.Actions))
	for _, a := range r.plan.Actions {
		s := plan.Settled{Ref: a.Ref, DependsOn: declared[a.Ref]}
		if a.ComponentID != "" {
			s.Has = r.current[a.ComponentID].DependsOn
		}
		settled = append(settled, s)
	}

	return settled
}

// recordPage records the page's actions, keeps the records for the later pages and the last
// plan, and lets go of the components the page read.
func (r *run) recordPage(settled []plan.Settled) error {
	pg := r.pages
	puts := map[string]Record{}
	touched := r.touched
	for ref := range touched {
		puts[ref] = r.listedRecord(ref)
	}
	r.touched = nil
	for _, a := range r.plan.Actions {
		// A page decides listed entities only: none of them is missing.
		rec := r.listedRecord(a.Ref)
		rec.MissingCount = 0
		puts[a.Ref] = rec
		if a.ComponentID != "" && !pg.kept[a.ComponentID] {
			delete(r.current, a.ComponentID)
			delete(pg.summaries, a.ComponentID)
		}
	}

	kinds := make(map[string]plan.Kind, len(r.plan.Actions))
	for _, a := range r.plan.Actions {
		kinds[a.Ref] = a.Kind
	}
	deletes, statusErr := r.recordActions(puts)
	changed := maps.Clone(puts)
	r.dropStored(changed, touched)
	if err := r.saveRecords(changed, deletes); err != nil {
		return err
	}
	if statusErr != nil {
		return statusErr
	}
	// The records are stored with their etags: the last step stores those of the other listed
	// refs. Of the page's entities the rest of the run needs only the component, as an end of
	// relationships and as a managed component the guard counts; the last step writes none of
	// their records again.
	for ref, rec := range puts {
		if _, decided := kinds[ref]; decided {
			pg.ids[ref] = rec.ComponentID
			delete(r.records, ref)
		} else {
			r.records[ref] = rec
		}
		delete(r.etags, ref)
		delete(r.created, ref)
	}

	for i := range settled {
		s := &settled[i]
		if r.outcome[s.Ref] == nil && kinds[s.Ref].Linking() {
			s.ComponentID = pg.ids[s.Ref]
		}
	}
	pg.settled = append(pg.settled, settled...)
	// The items and settled entities are built: the page's warnings and failures are in them.
	for ref := range kinds {
		delete(r.warnings, ref)
		delete(r.outcome, ref)
	}

	return nil
}

// listedRecord returns the record of a listed ref with its etag and orphan mark of this run.
func (r *run) listedRecord(ref string) Record {
	rec := r.records[ref]
	rec.Ref, rec.Etag, rec.Orphan = ref, r.etags[ref], r.orphans[ref]

	return rec
}

// knownOf turns a record into what the plan knows of a managed component.
func knownOf(rec Record) plan.Known {
	return plan.Known{
		Ref:          rec.Ref,
		ComponentID:  rec.ComponentID,
		Kind:         refKind(rec.Ref),
		StableKey:    rec.StableKey,
		Applied:      rec.Applied,
		MissingCount: rec.MissingCount,
		Deprecated:   rec.Deprecated,
	}
}

// link returns the record of ref and whether there is one; for an entity that a page decided,
// it is the component alone.
func (r *run) link(ref string) (Record, bool) {
	if rec, ok := r.records[ref]; ok {
		return rec, true
	}
	if r.pages != nil {
		if id, ok := r.pages.ids[ref]; ok {
			return Record{Ref: ref, ComponentID: id}, true
		}
	}

	return Record{}, false
}
