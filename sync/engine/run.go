package engine

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/backstage-sync/backstage-sync/sync/compass"
	"github.com/backstage-sync/backstage-sync/sync/mapping"
	"github.com/backstage-sync/backstage-sync/sync/plan"
)

// metaRulesHash is the store meta key of the mapping settings hash of the last applied run.
const (
	metaRulesHash = "engine.rules_hash"
	metaRate      = "engine.rate"
	metaTeams     = "engine.teams"
)

// fetchChunk is the number of refs fetched per by-refs call.
const fetchChunk = 200

// run holds the state of one sync run.
type run struct {
	e       *Engine
	cfg     *Config
	opts    Options
	result  *Result
	started time.Time

	records  map[string]Record
	listed   map[string]bool
	etags    map[string]string
	teams    *teamCache  // opened by the first page to map
	env      mapping.Env // groups and teams for the mapping
	groups   mapping.GroupMap
	mapped   int
	orphans  map[string]bool
	linkedTo map[string]string // component id -> ref, built when an unknown alias shows up
	touched  map[string]bool   // refs whose record the run corrected from what Compass holds
	fresh    map[string]bool   // refs whose etag did not change: nothing to do
	desired  []mapping.Component
	skipped  []mapping.Skip
	warnings map[string][]string
	current  map[string]plan.Current
	unalias  map[string][]plan.Current
	plan     plan.Plan
	created  map[string]string // ref -> new component id
	outcome  map[string]error  // ref -> item failure
	unsure   map[string]bool   // refs whose create went unanswered: intent kept
	defs     map[string]compass.CustomFieldDefinition
	base     compass.Stats
	baseBS   int64

	// changed holds the refs the run fetches: new, changed or to map again, or all in a full run.
	changed []string
	// pages is set when the changed entities go through in pages (see pages.go).
	pages *pager
}

func newRun(e *Engine, opts Options) *run {
	now := e.cfg.Now()
	if opts.Trigger == "" {
		opts.Trigger = "manual"
	}

	return &run{
		e:       e,
		cfg:     &e.cfg,
		opts:    opts,
		started: now,
		result: &Result{
			RunID:     newRunID(now),
			Trigger:   opts.Trigger,
			DryRun:    opts.DryRun,
			Full:      opts.Full,
			StartedAt: now.UTC().Format(time.RFC3339Nano),
			Items:     []Item{},
		},
		listed:   map[string]bool{},
		etags:    map[string]string{},
		orphans:  map[string]bool{},
		fresh:    map[string]bool{},
		warnings: map[string][]string{},
		current:  map[string]plan.Current{},
		unalias:  map[string][]plan.Current{},
		created:  map[string]string{},
		outcome:  map[string]error{},
		unsure:   map[string]bool{},
		base:     e.cfg.Target.Stats(),
		baseBS:   e.cfg.Source.Requests(),
	}
}

// execute runs the phases in order; each returns a run failure or nil.
func (r *run) execute(ctx context.Context) error {
	r.cfg.Logger.Info("sync started", "run_id", r.result.RunID, "dry_run", r.opts.DryRun,
		"full", r.opts.Full, "trigger", r.opts.Trigger)
	r.loadRate()

	records, err := r.cfg.Store.Records()
	if err != nil {
		return fmt.Errorf("reading records: %w", err)
	}
	r.records = records

	if !r.opts.DryRun {
		if err := r.recoverIntents(ctx); err != nil {
			return err
		}
	}

	if err := r.list(ctx); err != nil {
		return err
	}
	if r.pageable() {
		if err := r.runPages(ctx); err != nil {
			return err
		}
	} else {
		if err := r.fetch(ctx, r.changed); err != nil {
			return err
		}
		r.changed = nil
		if err := r.finishMapping(); err != nil {
			return err
		}
		if err := r.readCompass(ctx); err != nil {
			return err
		}
	}
	if err := r.makePlan(); err != nil {
		return err
	}

	r.report(PhasePlan, 1, 1, "")
	if r.plan.NeedsConfirmation {
		return errStop
	}
	if r.opts.DryRun {
		r.previewItems()
		return nil
	}

	if err := r.apply(ctx); err != nil {
		return err
	}

	return r.record()
}

// list reads the fields-only listing of the catalog, which leaves in r.changed the entities to
// fetch: those whose etag changed, or all of them in a full run or when the mapping changed.
func (r *run) list(ctx context.Context) error {
	r.report(PhaseList, 0, 0, "")
	refetch := r.opts.Full || r.rulesChanged()

	err := r.cfg.Source.ListStubs(ctx, func(page []Stub) error {
		for _, s := range page {
			r.listed[s.Ref] = true
			r.etags[s.Ref] = s.Etag
			rec, ok := r.records[s.Ref]
			if ok && rec.Etag == s.Etag && !refetch {
				r.fresh[s.Ref] = true
				if rec.Orphan {
					delete(r.listed, s.Ref)
				} else if rec.MissingCount == 0 {
					// The run decides nothing for the entity and writes its record again only
					// to change its missing count or orphan mark: it needs only its component.
					r.records[s.Ref] = Record{Ref: rec.Ref, ComponentID: rec.ComponentID, Etag: rec.Etag}
				}
				continue
			}
			r.changed = append(r.changed, s.Ref)
		}
		r.report(PhaseList, len(r.listed), 0, "")
		return nil
	})
	if err != nil {
		return fmt.Errorf("listing catalog entities: %w: %w", ErrListing, err)
	}

	return nil
}

// fetch reads and maps the whole documents of the changed refs, a chunk at a time.
func (r *run) fetch(ctx context.Context, refs []string) error {
	for start := 0; start < len(refs); start += fetchChunk {
		chunk := refs[start:min(start+fetchChunk, len(refs))]
		r.report(PhaseFetch, start, len(refs), chunk[0])

		docs, err := r.cfg.Source.FetchEntities(ctx, chunk)
		if err != nil {
			return fmt.Errorf("fetching changed entities: %w: %w", ErrListing, err)
		}
		for i, doc := range docs {
			if doc == nil {
				// Gone between the listing and the fetch: treat as missing.
				delete(r.listed, chunk[i])
			}
		}
		if err := r.mapDocs(ctx, r.keep(docs)); err != nil {
			return err
		}
	}

	return nil
}

// keep records the whole entity documents of a page and returns those to map: not orphans.
func (r *run) keep(page []map[string]any) []map[string]any {
	docs := make([]map[string]any, 0, len(page))
	for _, doc := range page {
		ref := docRef(doc)
		if ref == "" {
			continue
		}
		r.etags[ref] = docString(doc, "metadata", "etag")
		if isOrphan(doc) {
			r.orphans[ref] = true
			continue
		}
		r.listed[ref] = true
		docs = append(docs, doc)
	}

	return docs
}

// mapDocs maps documents to desired components or skips. The first call lists the groups and
// opens the team lookups that the mapping of owners needs.
func (r *run) mapDocs(ctx context.Context, docs []map[string]any) error {
	if len(docs) == 0 {
		return nil
	}
	if r.teams == nil {
		groups, err := r.cfg.Source.ListGroups(ctx)
		if err != nil {
			return fmt.Errorf("listing catalog groups: %w: %w", ErrListing, err)
		}
		r.teams = newTeamCache(ctx, r.cfg.Target, r.cfg.Pacer, r.cfg.Store, r.cfg.Now())
		r.groups = groups
		r.env = mapping.Env{Teams: r.teams, Groups: groups}
	}

	r.teams.prefetch(ownerTerms(docs, r.groups))
	for _, doc := range docs {
		c, skip := r.cfg.Mapper.Map(doc, r.env)
		r.mapped++
		if skip != nil {
			r.skipped = append(r.skipped, *skip)
			continue
		}
		r.desired = append(r.desired, c)
		for _, w := range c.Warnings {
			r.warnings[c.Ref] = append(r.warnings[c.Ref], w.Field+": "+w.Message)
		}
	}
	r.report(PhaseMap, r.mapped, 0, "")
	if r.teams.err != nil {
		return fmt.Errorf("searching compass teams: %w", r.teams.err)
	}

	return nil
}

// finishMapping keeps the team lookups of the run for the next ones.
func (r *run) finishMapping() error {
	if r.teams == nil {
		return nil
	}
	if err := r.teams.save(r.cfg.Store, r.cfg.Now()); err != nil {
		r.cfg.Logger.Warn("remembering team lookups", "run_id", r.result.RunID, "error", err)
	}

	return nil
}

// readCompass reads the Compass components the plan needs: every component in a full run or
// when many entities are new, else the linked components of the changed entities and the
// namesakes of the new ones.
func (r *run) readCompass(ctx context.Context) error {
	r.report(PhaseRead, 0, 0, "")

	var ids []string
	var fresh []*mapping.Component
	for i, c := range r.desired {
		if rec, ok := r.records[c.Ref]; ok && rec.ComponentID != "" {
			ids = append(ids, rec.ComponentID)
		} else {
			fresh = append(fresh, &r.desired[i])
		}
	}

	if r.opts.Full || len(fresh) > searchThreshold {
		return r.readAll(ctx)
	}
	// Managed components whose entity is gone may be renamed, deprecated or deleted: the plan
	// needs what they hold now, relationships included.
	for ref, rec := range r.records {
		if rec.ComponentID != "" && !r.listed[ref] {
			ids = append(ids, rec.ComponentID)
		}
	}
	if err := r.readByID(ctx, ids); err != nil {
		return err
	}

	return r.readNamesakes(ctx, fresh)
}

// searchThreshold is the number of new entities from which one paged read of every Compass
// component is cheaper than one name search each.
const searchThreshold = 20

// readAll pages through every Compass component.
func (r *run) readAll(ctx context.Context) error {
	after := ""
	for {
		var page *compass.ComponentPage
		err := r.cfg.Pacer.Do(ctx, func() error {
			var err error
			page, err = r.cfg.Target.SearchComponents(ctx, compass.SearchOptions{First: searchPage, After: after})
			return err
		})
		if err != nil {
			return fmt.Errorf("reading compass components: %w", err)
		}
		for i := range page.Components {
			r.see(&page.Components[i])
			r.summarize(page.Components[i].ID)
		}
		r.report(PhaseRead, len(r.current), page.TotalCount, "")
		if !page.HasNextPage || page.EndCursor == "" {
			return nil
		}
		after = page.EndCursor
	}
}

// searchPage is the page size of component searches.
const searchPage = 100

// readByID reads the linked components of changed entities, several ids per request.
func (r *run) readByID(ctx context.Context, ids []string) error {
	for start := 0; start < len(ids); start += compass.MaxComponentsPerRead {
		chunk := ids[start:min(start+compass.MaxComponentsPerRead, len(ids))]
		var comps []compass.Component
		err := r.cfg.Pacer.Do(ctx, func() error {
			var err error
			comps, err = r.cfg.Target.GetComponents(ctx, chunk)
			return err
		})
		if err != nil {
			return fmt.Errorf("reading compass components: %w", err)
		}
		for i := range comps {
			r.see(&comps[i])
		}
	}

	return nil
}

// readNamesakes searches Compass for components named like the new entities, to adopt them or
// to find one an interrupted run created.
func (r *run) readNamesakes(ctx context.Context, fresh []*mapping.Component) error {
	for _, c := range fresh {
		var page *compass.ComponentPage
		err := r.cfg.Pacer.Do(ctx, func() error {
			var err error
			page, err = r.cfg.Target.SearchComponents(ctx, compass.SearchOptions{Query: c.Name, First: searchPage})
			return err
		})
		if err != nil {
			return fmt.Errorf("searching compass for %q: %w", c.Name, err)
		}
		for i := range page.Components {
			r.see(&page.Components[i])
		}
	}

	return nil
}

// see files one Compass component: ours (by alias) as current, others as adoption candidates.
func (r *run) see(c *compass.Component) {
	cur := toCurrent(c)
	source := r.cfg.Policy.Source
	owned := false
	for _, a := range c.ExternalAliases {
		if a.Source != source {
			continue
		}
		owned = true
		ref := strings.ToLower(a.ID)
		rec, ok := r.link(ref)
		if !ok || rec.ComponentID == "" {
			// A component carrying our alias that the store does not know: an earlier run
			// created it or moved the alias to it and stopped before recording that. Take it
			// over instead of duplicating it.
			r.unlinkOthers(c, ref)
			rec.Ref = ref
			rec.ComponentID = c.ID
			r.records[ref] = rec
		}
	}
	r.current[c.ID] = cur
	if !owned {
		key := strings.ToLower(c.Name)
		r.unalias[key] = append(r.unalias[key], cur)
	}
}

// unlinkOthers forgets the link of any other ref to c whose alias c no longer carries: the alias
// in Compass is the truth, and one component belongs to one ref.
func (r *run) unlinkOthers(c *compass.Component, ref string) {
	if r.linkedTo == nil {
		r.linkedTo = make(map[string]string, len(r.records))
		for other, rec := range r.records {
			if rec.ComponentID != "" {
				r.linkedTo[rec.ComponentID] = other
			}
		}
		if r.pages != nil {
			for other, id := range r.pages.ids {
				if id != "" {
					r.linkedTo[id] = other
				}
			}
		}
	}
	other, ok := r.linkedTo[c.ID]
	if ok && other != ref && !c.HasAlias(r.cfg.Policy.Source, other) {
		rec, _ := r.link(other)
		rec.Ref, rec.ComponentID, rec.Applied = other, "", nil
		r.records[other] = rec
		r.touch(other)
	}
	r.linkedTo[c.ID] = ref
	r.touch(ref)
}

func (r *run) touch(ref string) {
	if r.touched == nil {
		r.touched = map[string]bool{}
	}
	r.touched[ref] = true
}

// makePlan computes the plan from everything read.
func (r *run) makePlan() error {
	r.report(PhasePlan, 0, 1, "")
	var settled []plan.Settled
	if r.pages != nil {
		settled, r.pages.settled = r.pages.settled, nil
		slices.SortFunc(settled, func(a, b plan.Settled) int { return strings.Compare(a.Ref, b.Ref) })
	}
	known := make([]plan.Known, 0, max(0, len(r.records)-len(settled)))
	for _, rec := range r.records {
		if rec.ComponentID == "" || isSettled(settled, rec.Ref) {
			continue
		}
		known = append(known, knownOf(rec))
	}
	if !r.opts.Full {
		r.fillUnread(known)
	}

	policy := r.cfg.Policy
	policy.Confirmed = r.opts.Confirmed
	p, err := plan.Compute(plan.Input{
		Settled:         settled,
		Desired:         r.desired,
		Skipped:         r.skipped,
		Listed:          r.listed,
		ListingComplete: true,
		Known:           known,
		Current:         r.current,
		Unaliased:       r.unalias,
		Policy:          policy,
		// A preview shows what each create writes; an applied run reports creates without
		// their field changes, which a first run over a large catalog could not hold.
		Lean: !r.opts.DryRun,
	})
	if err != nil {
		return fmt.Errorf("planning: %w", err)
	}
	r.plan = p
	// The plan holds what the later phases need: drop the inputs.
	r.desired, r.skipped, r.current, r.unalias = nil, nil, nil, nil

	return nil
}

// isSettled reports whether ref is among the entities of the pages, sorted by ref: the plan
// knows those through Settled only.
func isSettled(settled []plan.Settled, ref string) bool {
	_, found := slices.BinarySearchFunc(settled, ref, func(s plan.Settled, ref string) int {
		return strings.Compare(s.Ref, ref)
	})
	return found
}

// fillUnread gives the plan a stand-in for linked components of refs that left the listing and
// that the run did not read, so that they are not taken as deleted in Compass. The plan reads
// the components of listed refs only for the entities it decides, which the run read.
func (r *run) fillUnread(known []plan.Known) {
	for _, k := range known {
		if r.listed[k.Ref] {
			continue
		}
		if _, ok := r.current[k.ComponentID]; !ok {
			r.current[k.ComponentID] = plan.Current{
				ID:      k.ComponentID,
				Aliases: []plan.Alias{{Source: r.cfg.Policy.Source, ID: k.Ref}},
			}
		}
	}
}

// previewItems fills the result from the plan without applying it.
func (r *run) previewItems() {
	planned := r.plannedFresh()
	r.result.Items = slices.Grow(r.result.Items, len(r.plan.Actions))
	for _, a := range r.plan.Actions {
		r.addItem(a, nil)
	}
	r.addFreshItems(planned)
}

// plannedFresh returns the refs with an unchanged etag that the plan has an action for.
func (r *run) plannedFresh() map[string]bool {
	planned := map[string]bool{}
	if len(r.fresh) == 0 {
		return planned
	}
	for _, a := range r.plan.Actions {
		if r.fresh[a.Ref] {
			planned[a.Ref] = true
		}
	}

	return planned
}

// ReasonNotFetched is the reason of the unchanged items of entities whose etag did not change,
// which the run did not fetch: they say nothing but that the entity is still there.
const ReasonNotFetched = "entity unchanged since the last run"

// addFreshItems reports the linked entities whose etag did not change as unchanged, but for
// those planned.
func (r *run) addFreshItems(planned map[string]bool) {
	for _, ref := range slices.Sorted(maps.Keys(r.fresh)) {
		rec := r.records[ref]
		if planned[ref] || rec.ComponentID == "" || !r.listed[ref] {
			continue
		}
		r.result.Counts.add(string(plan.KindUnchanged))
		r.result.Items = append(r.result.Items, Item{
			Ref: ref, Action: string(plan.KindUnchanged), ComponentID: rec.ComponentID,
			Reason: ReasonNotFetched,
		})
	}
}

func (r *run) addItem(a plan.Action, err error) {
	item := Item{
		Ref:         a.Ref,
		Action:      string(a.Kind),
		ComponentID: a.ComponentID,
		Drift:       a.Drift,
		Warnings:    r.warnings[a.Ref],
		Reason:      a.Reason,
	}
	if item.ComponentID == "" {
		item.ComponentID = r.created[a.Ref]
	}
	if a.Rule != "" && item.Reason == "" {
		item.Reason = a.Rule
	}
	for _, c := range a.Changes {
		item.Changes = append(item.Changes, Change(c))
	}
	if err != nil {
		item.Error = err.Error()
		r.result.Counts.add(actionFailed)
	} else {
		r.result.Counts.add(string(a.Kind))
	}
	r.result.Items = append(r.result.Items, item)
}

// finish fills in the figures and status and records the run.
func (r *run) finish(err error) {
	res := r.result
	stats := r.cfg.Target.Stats()
	limited, retries, waited := r.cfg.Pacer.Figures()
	res.API = API{
		CompassRequests:   stats.Requests - r.base.Requests,
		CompassMutations:  stats.Mutations - r.base.Mutations,
		BackstageRequests: r.cfg.Source.Requests() - r.baseBS,
		RateLimited:       limited,
		Retries:           retries,
		WaitedMS:          waited.Milliseconds(),
	}
	res.DurationMS = r.cfg.Now().Sub(r.started).Milliseconds()
	if r.pages != nil {
		// Pages add their items as they go: list them by ref, as a run planned at once does.
		slices.SortStableFunc(res.Items, func(a, b Item) int { return strings.Compare(a.Ref, b.Ref) })
	}

	switch {
	case errors.Is(err, errStop):
		res.Status = StatusNeedsConfirmation
		c := r.plan.Confirmation
		res.Confirm = &Guard{Reason: c.Reason, Deprecations: c.Deprecations, Deletions: c.Deletions, Managed: c.Managed}
		res.Error = c.Reason
		r.previewItems()
	case err != nil:
		res.Status = StatusFailed
		res.Error = err.Error()
	case res.Counts.Failed > 0:
		res.Status = StatusPartial
	default:
		res.Status = StatusSucceeded
	}

	r.saveRate()
	if serr := r.cfg.Store.SaveRun(res); serr != nil {
		r.cfg.Logger.Error("recording run", "run_id", res.RunID, "error", serr)
	}
	details := map[string]string{
		"status": res.Status, "dry_run": fmt.Sprint(res.DryRun), "full": fmt.Sprint(res.Full),
		"counts": fmt.Sprintf("%+v", res.Counts),
	}
	if aerr := r.cfg.Store.Audit(r.cfg.Actor, "sync."+r.opts.Trigger, res.RunID, details); aerr != nil {
		r.cfg.Logger.Error("writing audit entry", "run_id", res.RunID, "error", aerr)
	}

	log := r.cfg.Logger.Info
	if res.Status == StatusFailed {
		log = r.cfg.Logger.Error
	}
	log("sync finished", "run_id", res.RunID, "status", res.Status, "duration_ms", res.DurationMS,
		"created", res.Counts.Created, "updated", res.Counts.Updated, "unchanged", res.Counts.Unchanged,
		"failed", res.Counts.Failed, "compass_requests", res.API.CompassRequests, "error", res.Error)
	r.report(PhaseDone, 1, 1, "")
}

func (r *run) report(phase Phase, done, total int, current string) {
	r.cfg.Progress.Report(Step{RunID: r.result.RunID, Phase: phase, Done: done, Total: total, Current: current})
}

// rulesChanged reports whether the mapping settings differ from the last applied run's.
func (r *run) rulesChanged() bool {
	prev, err := r.cfg.Store.GetMeta(metaRulesHash)
	return err != nil || string(prev) != r.cfg.RulesHash
}

func (r *run) loadRate() {
	b, err := r.cfg.Store.GetMeta(metaRate)
	if err != nil || len(b) == 0 {
		return
	}
	var rate float64
	if _, err := fmt.Sscan(string(b), &rate); err == nil && rate > 0 {
		r.cfg.Pacer.SetRate(rate)
	}
}

func (r *run) saveRate() {
	if rate := r.cfg.Pacer.Rate(); rate > 0 {
		_ = r.cfg.Store.PutMeta(metaRate, fmt.Appendf(nil, "%g", rate))
	}
}

func newRunID(now time.Time) string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return now.UTC().Format("20060102T150405Z") + "-" + hex.EncodeToString(b[:])
}
