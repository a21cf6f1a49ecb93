package engine

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/backstage-sync/backstage-sync/sync/compass"
	"github.com/backstage-sync/backstage-sync/sync/mapping"
	"github.com/backstage-sync/backstage-sync/sync/plan"
)

// stage collects the mutations of one apply step and the ref each one belongs to.
type stage struct {
	batch  compass.Batch
	owners []string
	// intents, when set, line up with the mutations: each request writes the intents of its
	// mutations to the store before it goes out.
	intents []Intent
	// once sends each request a single time unless Compass refused it with a rate limit, for
	// mutations that must not run twice (creates).
	once bool
	// checks holds, by mutation index, what the mutation leaves in Compass, for mutations that
	// a second try finds done (see verify).
	checks map[int]check
}

// check is what one alias or relationship mutation leaves in Compass: the alias on the
// component, or the relationship from it to the other end, present or absent.
type check struct {
	componentID string
	alias       string
	dependsOn   string
	present     bool
}

func (s *stage) expect(idx int, c check) {
	if s.checks == nil {
		s.checks = map[int]check{}
	}
	s.checks[idx] = c
}

func (s *stage) own(ref string, idx int) {
	for len(s.owners) <= idx {
		s.owners = append(s.owners, "")
	}
	s.owners[idx] = ref
}

// apply carries out the plan in dependency order: creates, then the aliases of new, adopted
// and renamed components, then field, type, label and link changes, then deletions, then
// relationships once both ends exist.
func (r *run) apply(ctx context.Context) error {
	actions := r.plan.Actions
	total := len(actions)
	r.report(PhaseApply, 0, total, "")

	if err := r.loadDefinitions(ctx, actions); err != nil {
		return err
	}
	if err := r.applyCreates(ctx, actions); err != nil {
		return err
	}
	if err := r.applyAliases(ctx, actions); err != nil {
		return err
	}
	if err := r.applyUpdates(ctx, actions); err != nil {
		return err
	}
	if err := r.applyDeletes(ctx, actions); err != nil {
		return err
	}
	if err := r.applyRelationships(ctx); err != nil {
		return err
	}

	r.report(PhaseApply, total, total, "")

	return nil
}

func (r *run) applyCreates(ctx context.Context, actions []plan.Action) error {
	pending := map[string]bool{}
	for _, a := range actions {
		if a.Kind == plan.KindCreate {
			pending[a.Ref] = true
		}
	}

	// A create whose request failed without an answer may have run: look it up before sending
	// it again, so that a lost answer never turns into a duplicate.
	for round := 0; len(pending) > 0; round++ {
		unsure, err := r.sendCreates(ctx, actions, pending)
		if err != nil {
			return err
		}
		if len(unsure) == 0 || round == createRounds-1 {
			for ref, cause := range unsure {
				r.fail(ref, fmt.Errorf("creating component: %w", cause))
				r.unsure[ref] = true
			}
			return nil
		}
		pending, err = r.settle(ctx, actions, unsure)
		if err != nil {
			return err
		}
	}

	return nil
}

// createRounds bounds the attempts at creates whose requests went unanswered.
const createRounds = 3

// sendCreates sends the creates of pending, in plan order, and returns the refs whose request
// failed in a way that leaves open whether Compass ran it. The inputs are built a window at a
// time, as a create's input weighs far more than its action.
func (r *run) sendCreates(ctx context.Context, actions []plan.Action, pending map[string]bool) (map[string]error, error) {
	unsure := map[string]error{}
	window := r.cfg.BatchSize * r.cfg.Concurrency * createWindow
	var todo []plan.Action
	var at []int
	for i, a := range actions {
		if pending[a.Ref] {
			todo = append(todo, a)
			at = append(at, i)
		}
		if len(todo) < window && i < len(actions)-1 {
			continue
		}
		if err := r.sendCreateWindow(ctx, todo, unsure); err != nil {
			return nil, err
		}
		for _, j := range at {
			if _, again := unsure[actions[j].Ref]; !again {
				slim(&actions[j])
			}
		}
		todo, at = todo[:0], at[:0]
	}

	return unsure, nil
}

// slim drops the values of a sent create that the later steps do not read: they need its
// name, to look it up, and its stable key, to record.
func slim(a *plan.Action) {
	c := a.Component
	a.Component = mapping.Component{Ref: c.Ref, Name: c.Name, StableKey: c.StableKey}
}

// createWindow is the number of rounds of concurrent requests whose create inputs are built at
// once.
const createWindow = 10

func (r *run) sendCreateWindow(ctx context.Context, todo []plan.Action, unsure map[string]error) error {
	if len(todo) == 0 {
		return nil
	}
	st := stage{once: true}
	for _, a := range todo {
		st.own(a.Ref, st.batch.CreateComponent(r.componentInput(a)))
		st.intents = append(st.intents, Intent{
			ID: r.result.RunID + "/" + a.Ref, Ref: a.Ref, Operation: "create", Name: a.Component.Name,
		})
	}

	results, err := r.send(ctx, &st)
	if err != nil {
		return err
	}
	for i, res := range results {
		ref := st.owners[i]
		switch {
		case res.Err == nil:
			r.created[ref] = res.ComponentID
		case compass.IsTransient(res.Err) && !errors.Is(res.Err, compass.ErrRateLimited):
			unsure[ref] = res.Err
		default:
			r.fail(ref, fmt.Errorf("creating component: %w", res.Err))
		}
	}

	return nil
}

// settle looks up the components of unanswered creates by name and returns the creates that
// did not run and are to be sent again.
func (r *run) settle(ctx context.Context, actions []plan.Action, unsure map[string]error) (map[string]bool, error) {
	again := map[string]bool{}
	for _, a := range actions {
		if _, ok := unsure[a.Ref]; !ok {
			continue
		}
		id, _, err := r.findCreated(ctx, Intent{Ref: a.Ref, Name: a.Component.Name})
		if err != nil {
			return nil, fmt.Errorf("looking up unanswered creates: %w", err)
		}
		if id != "" {
			r.created[a.Ref] = id
			continue
		}
		again[a.Ref] = true
	}

	return again, nil
}

func (r *run) componentInput(a plan.Action) compass.ComponentInput {
	return compass.ComponentInput{
		Name:         a.Component.Name,
		Description:  a.Component.Description,
		TypeID:       a.Component.TypeID,
		OwnerID:      a.Component.OwnerID,
		Labels:       a.Component.Labels,
		Links:        toCompassLinks(a.Component.Links),
		Lifecycle:    a.Component.Lifecycle,
		Tier:         a.Component.Tier,
		CustomFields: r.customValues(a.Ref, a.Component.CustomFields),
	}
}

func (r *run) applyAliases(ctx context.Context, actions []plan.Action) error {
	var st stage
	source := r.cfg.Policy.Source
	for _, a := range actions {
		if err := r.sendFull(ctx, &st, "attaching external alias"); err != nil {
			return err
		}
		switch a.Kind {
		case plan.KindCreate:
			if id := r.created[a.Ref]; id != "" {
				idx := st.batch.CreateExternalAlias(id, compass.ExternalAlias{Source: source, ID: a.Ref})
				st.own(a.Ref, idx)
				st.expect(idx, check{componentID: id, alias: a.Ref, present: true})
			}
		case plan.KindAdopt, plan.KindRename:
			if a.AliasRemove != "" {
				idx := st.batch.DeleteExternalAlias(a.ComponentID, compass.ExternalAlias{Source: source, ID: a.AliasRemove})
				st.own(a.Ref, idx)
				st.expect(idx, check{componentID: a.ComponentID, alias: a.AliasRemove})
			}
			if a.AliasAdd != "" {
				idx := st.batch.CreateExternalAlias(a.ComponentID, compass.ExternalAlias{Source: source, ID: a.AliasAdd})
				st.own(a.Ref, idx)
				st.expect(idx, check{componentID: a.ComponentID, alias: a.AliasAdd, present: true})
			}
		}
	}
	if err := r.sendStage(ctx, &st, "attaching external alias"); err != nil {
		return err
	}

	return r.undoOrphanCreates(ctx, actions)
}

// undoOrphanCreates deletes the components whose alias could not be attached, as a component
// without the alias would be created again by the next run, and clears the intents.
func (r *run) undoOrphanCreates(ctx context.Context, actions []plan.Action) error {
	var st stage
	var done []string
	for _, a := range actions {
		if a.Kind != plan.KindCreate {
			continue
		}
		id := r.created[a.Ref]
		if id != "" && r.outcome[a.Ref] != nil {
			st.own(a.Ref, st.batch.DeleteComponent(id))
			delete(r.created, a.Ref)
		}
		// A create that went unanswered keeps its intent for the next run to settle.
		if !r.unsure[a.Ref] {
			done = append(done, r.result.RunID+"/"+a.Ref)
		}
	}
	if st.batch.Len() > 0 {
		if _, err := r.send(ctx, &st); err != nil {
			return err
		}
	}

	if err := r.cfg.Store.DeleteIntents(done); err != nil {
		return fmt.Errorf("clearing intents: %w", err)
	}
	return nil
}

func (r *run) applyUpdates(ctx context.Context, actions []plan.Action) error {
	var st stage
	for _, a := range actions {
		switch a.Kind {
		case plan.KindUpdate, plan.KindAdopt, plan.KindRename, plan.KindDeprecate:
		default:
			continue
		}
		if r.outcome[a.Ref] != nil || a.ComponentID == "" {
			continue
		}
		if err := r.sendFull(ctx, &st, "updating component"); err != nil {
			return err
		}
		r.stageUpdate(&st, a)
	}
	return r.sendStage(ctx, &st, "updating component")
}

// stageUpdate adds the mutations one action's changes need.
func (r *run) stageUpdate(st *stage, a plan.Action) {
	id, c := a.ComponentID, a.Component
	u := compass.ComponentUpdate{ID: id}
	changed := false
	for _, field := range a.Set {
		switch field {
		case mapping.FieldName:
			u.Name, changed = &c.Name, true
		case mapping.FieldDescription:
			u.Description, changed = &c.Description, true
		case mapping.FieldOwner:
			u.OwnerID, changed = &c.OwnerID, true
		case mapping.FieldLifecycle:
			u.Lifecycle, changed = &c.Lifecycle, true
		case mapping.FieldTier:
			u.Tier, changed = &c.Tier, true
		case mapping.FieldType:
			st.own(a.Ref, st.batch.UpdateComponentType(id, c.TypeID))
		default:
			values := r.customValues(a.Ref, customNamed(c.CustomFields, field))
			if len(values) > 0 {
				u.CustomFields = append(u.CustomFields, values...)
				changed = true
			}
		}
	}
	if changed {
		st.own(a.Ref, st.batch.UpdateComponent(u))
	}
	if len(a.LabelsRemove) > 0 {
		st.own(a.Ref, st.batch.RemoveLabels(id, a.LabelsRemove))
	}
	if len(a.LabelsAdd) > 0 {
		st.own(a.Ref, st.batch.AddLabels(id, a.LabelsAdd))
	}
	// Removals first: a type holds at most 10 links.
	for _, l := range a.LinksRemove {
		st.own(a.Ref, st.batch.DeleteLink(id, l.ID))
	}
	for _, l := range a.LinksUpdate {
		st.own(a.Ref, st.batch.UpdateLink(id, compass.Link{ID: l.ID, Type: l.Type, URL: l.URL, Name: l.Name}))
	}
	for _, l := range a.LinksAdd {
		st.own(a.Ref, st.batch.CreateLink(id, compass.Link{Type: l.Type, URL: l.URL, Name: l.Name}))
	}
}

func customNamed(values []mapping.CustomFieldValue, field string) []mapping.CustomFieldValue {
	for _, v := range values {
		if mapping.CustomFieldPrefix+v.Definition == field {
			return []mapping.CustomFieldValue{v}
		}
	}
	return nil
}

func (r *run) applyDeletes(ctx context.Context, actions []plan.Action) error {
	var st stage
	for _, a := range actions {
		if a.Kind == plan.KindDelete && a.ComponentID != "" {
			st.own(a.Ref, st.batch.DeleteComponent(a.ComponentID))
		}
	}
	if st.batch.Len() == 0 {
		return nil
	}

	results, err := r.send(ctx, &st)
	if err != nil {
		return err
	}
	for i, res := range results {
		if res.Err != nil && !errors.Is(res.Err, compass.ErrNotFound) {
			r.fail(st.owners[i], fmt.Errorf("deleting component: %w", res.Err))
		}
	}

	return nil
}

func (r *run) applyRelationships(ctx context.Context) error {
	var st stage
	for _, rel := range r.plan.RemoveRelationships {
		from, to := r.componentOf(rel.From, rel.FromID), r.componentOf(rel.To, rel.ToID)
		if from != "" && to != "" {
			idx := st.batch.DeleteRelationship(from, to)
			st.own(rel.From, idx)
			st.expect(idx, check{componentID: from, dependsOn: to})
		}
	}
	for _, rel := range r.plan.AddRelationships {
		from, to := r.componentOf(rel.From, rel.FromID), r.componentOf(rel.To, rel.ToID)
		if from == "" || to == "" || r.outcome[rel.From] != nil {
			continue
		}
		if err := r.sendFull(ctx, &st, "updating relationships"); err != nil {
			return err
		}
		idx := st.batch.CreateRelationship(from, to)
		st.own(rel.From, idx)
		st.expect(idx, check{componentID: from, dependsOn: to, present: true})
	}
	return r.sendStage(ctx, &st, "updating relationships")
}

// sendFull sends the stage once it holds a window of mutations, as doing, and empties it, so
// that a stage over thousands of components is never built whole. Each window still goes out
// as requests of BatchSize mutations, Concurrency at a time.
func (r *run) sendFull(ctx context.Context, st *stage, doing string) error {
	if st.batch.Len() < r.cfg.BatchSize*r.cfg.Concurrency*createWindow {
		return nil
	}
	if err := r.sendStage(ctx, st, doing); err != nil {
		return err
	}
	*st = stage{}

	return nil
}

// sendStage sends a stage and records each failed mutation against its item, as doing.
func (r *run) sendStage(ctx context.Context, st *stage, doing string) error {
	if st.batch.Len() == 0 {
		return nil
	}
	results, err := r.send(ctx, st)
	if err != nil {
		return err
	}
	var unsure []int
	for i, res := range results {
		if res.Err == nil {
			continue
		}
		if _, ok := st.checks[i]; ok && !compass.IsTransient(res.Err) {
			unsure = append(unsure, i)
			continue
		}
		r.fail(st.owners[i], fmt.Errorf("%s: %w", doing, res.Err))
	}
	if len(unsure) == 0 {
		return nil
	}

	held, err := r.verify(ctx, st, unsure)
	if err != nil {
		return err
	}
	for _, i := range unsure {
		if !held[i] {
			r.fail(st.owners[i], fmt.Errorf("%s: %w", doing, results[i].Err))
		}
	}

	return nil
}

// verify reads the components of alias and relationship mutations that Compass refused, and
// reports which of them left Compass as they were to leave it all the same. A request whose
// answer was lost is sent again, and the second try of an alias or relationship that the first
// made (or removed) is refused as already there (or missing): the work is done, not failed.
func (r *run) verify(ctx context.Context, st *stage, idxs []int) (map[int]bool, error) {
	var ids []string
	for _, i := range idxs {
		if id := st.checks[i].componentID; !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	comps := make(map[string]*compass.Component, len(ids))
	for start := 0; start < len(ids); start += compass.MaxComponentsPerRead {
		chunk := ids[start:min(start+compass.MaxComponentsPerRead, len(ids))]
		var read []compass.Component
		err := r.cfg.Pacer.Do(ctx, func() error {
			var err error
			read, err = r.cfg.Target.GetComponents(ctx, chunk)
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("reading compass components: %w", err)
		}
		for j := range read {
			comps[read[j].ID] = &read[j]
		}
	}

	held := make(map[int]bool, len(idxs))
	for _, i := range idxs {
		c := st.checks[i]
		comp := comps[c.componentID]
		if comp == nil {
			continue
		}
		var present bool
		if c.alias != "" {
			present = comp.HasAlias(r.cfg.Policy.Source, c.alias)
		} else {
			present = slices.Contains(comp.DependsOn, c.dependsOn)
			if !present && !c.present && !comp.DependsOnComplete {
				continue
			}
		}
		held[i] = present == c.present
	}

	return held, nil
}

// componentOf returns the component id of ref: the one the plan knew, or the one this run
// created.
func (r *run) componentOf(ref, id string) string {
	if id != "" {
		return id
	}
	if id := r.created[ref]; id != "" {
		return id
	}
	rec, _ := r.link(ref)
	return rec.ComponentID
}

// send sends a stage in requests of BatchSize mutations, Concurrency at a time, each paced and
// retried. An auth failure stops the run; any other request failure fails the items of that
// request only.
func (r *run) send(ctx context.Context, st *stage) ([]compass.Result, error) {
	size := r.cfg.BatchSize
	parts := st.batch.Split(size)
	results := make([][]compass.Result, len(parts))
	errs := make([]error, len(parts))
	sem := make(chan struct{}, r.cfg.Concurrency)
	do := r.cfg.Pacer.Do
	if st.once {
		do = r.cfg.Pacer.DoOnce
	}
	var wg sync.WaitGroup
	for i, part := range parts {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			if len(st.intents) > 0 {
				intents := st.intents[i*size : min((i+1)*size, len(st.intents))]
				if err := r.cfg.Store.PutIntents(intents); err != nil {
					errs[i] = &intentError{err: err}
					return
				}
			}
			errs[i] = do(ctx, func() error {
				var err error
				results[i], err = r.cfg.Target.SendBatch(ctx, part)
				return err
			})
		}()
	}
	wg.Wait()

	out := make([]compass.Result, 0, st.batch.Len())
	for i, part := range parts {
		err := errs[i]
		if err == nil {
			out = append(out, results[i]...)
			continue
		}
		var ierr *intentError
		if errors.As(err, &ierr) {
			return nil, fmt.Errorf("recording intents: %w", ierr.err)
		}
		if errors.Is(err, compass.ErrUnauthorized) || ctx.Err() != nil {
			return nil, fmt.Errorf("sending changes to compass: %w", err)
		}
		for range part.Len() {
			out = append(out, compass.Result{Err: err})
		}
	}
	r.report(PhaseApply, len(out), len(out), "")

	return out, nil
}

// intentError marks a request that was not sent because its intents could not be written.
type intentError struct{ err error }

func (e *intentError) Error() string { return "recording intents: " + e.err.Error() }

// fail records the first failure of an item.
func (r *run) fail(ref string, err error) {
	if ref == "" || r.outcome[ref] != nil {
		return
	}
	r.outcome[ref] = err
	r.cfg.Logger.Warn("sync item failed", "run_id", r.result.RunID, "entity_ref", ref, "error", err)
}

// loadDefinitions reads the custom field definitions once when some action writes custom fields.
func (r *run) loadDefinitions(ctx context.Context, actions []plan.Action) error {
	if r.defs != nil {
		return nil
	}
	need := false
	for _, a := range actions {
		if len(a.Component.CustomFields) > 0 {
			need = true
			break
		}
	}
	if !need {
		return nil
	}

	var defs []compass.CustomFieldDefinition
	err := r.cfg.Pacer.Do(ctx, func() error {
		var err error
		defs, err = r.cfg.Target.ListCustomFieldDefinitions(ctx)
		return err
	})
	if err != nil {
		return fmt.Errorf("reading custom field definitions: %w", err)
	}
	r.defs = make(map[string]compass.CustomFieldDefinition, len(defs))
	for _, d := range defs {
		r.defs[d.Name] = d
	}

	return nil
}

// customValues resolves custom field values by definition name; values whose definition or
// option does not exist are dropped with a warning.
func (r *run) customValues(ref string, values []mapping.CustomFieldValue) []compass.CustomFieldValue {
	var out []compass.CustomFieldValue
	for _, v := range values {
		def, ok := r.defs[v.Definition]
		if !ok {
			r.warnings[ref] = append(r.warnings[ref], fmt.Sprintf(
				"custom field %q: no such definition in Compass; create it there first", v.Definition))
			continue
		}
		cv := compass.CustomFieldValue{DefinitionID: def.ID, Kind: compass.CustomFieldKind(v.Kind),
			Text: v.Text, Number: v.Number, Boolean: v.Boolean}
		if v.Kind == mapping.CustomSingleSelect && v.Option != nil {
			id, ok := def.Option(*v.Option)
			if !ok {
				r.warnings[ref] = append(r.warnings[ref], fmt.Sprintf(
					"custom field %q: option %q does not exist", v.Definition, *v.Option))
				continue
			}
			cv.OptionID = &id
		}
		out = append(out, cv)
	}

	return out
}
