// Package plan decides what one sync run does to Compass.
//
// It is pure: Compute takes what Backstage wants, what Compass has, what earlier runs recorded
// and the policy, and returns the actions with field-level changes and reasons. It does no I/O
// and does not log.
//
// A fetched entity that a mapping rule left out is a skip. Every other fetched entity:
//
//	linked | in Compass             | also                                 | action
//	-------+------------------------+--------------------------------------+----------
//	yes    | with the alias         | a field to write                     | update
//	yes    | with the alias         | nothing to write                     | unchanged
//	yes    | without the alias      |                                      | conflict
//	yes    | gone                   |                                      | create
//	no     | a vanished ref's key   | listing complete, one claimant       | rename
//	no     | a vanished ref's key   | listing incomplete or two claimants  | conflict
//	no     | one unaliased namesake | adoption on, one claimant            | adopt
//	no     | unaliased namesakes    | two namesakes or two claimants       | conflict
//	no     | no match               | or adoption off                      | create
//
// A managed ref that is not listed:
//
//	listing    | missing from                | action
//	-----------+-----------------------------+-----------------------------------------------
//	incomplete | -                           | unchanged, count kept
//	complete   | fewer than MissingRuns      | unchanged, count + 1
//	complete   | MissingRuns or more         | by kind: unchanged (keep), deprecate or delete
//	any        | held by a rename conflict   | unchanged
//
// Only components with a known link are ever deprecated or deleted. When the deprecations and
// deletions together pass a threshold and the policy is not confirmed, they are held back and
// the plan asks for confirmation instead.
package plan

import (
	"fmt"
	"slices"
	"strings"

	"github.com/backstage-sync/backstage-sync/sync/mapping"
)

// ReasonInSync is the reason of an unchanged linked entity whose component holds every value it
// wants.
const ReasonInSync = "no field differs"

// builder holds the indexes one Compute call works from.
type builder struct {
	in      *Input
	plan    Plan
	known   map[string]*Known
	byKey   map[string][]*Known
	desired map[string]*mapping.Component
	skipped map[string]bool
	renamed map[string]bool
	// held maps known refs that a conflicting rename points at to the new ref; they are not
	// deprecated or deleted while the conflict stands.
	held     map[string]string
	claims   map[string][]string
	actionOf map[string]Kind
	settled  map[string]*Settled
}

// Compute returns the plan for one run. It fails only on an invalid policy or a ref that
// appears twice in the input.
func Compute(in Input) (Plan, error) {
	if err := in.Policy.validate(); err != nil {
		return Plan{}, err
	}

	b, err := newBuilder(&in)
	if err != nil {
		return Plan{}, err
	}

	// Decide each desired entity first: renames consume the known refs they move away from.
	for _, ref := range sortedKeys(b.desired) {
		b.planDesired(b.desired[ref])
	}

	for _, s := range in.Skipped {
		b.planSkip(s)
	}

	if in.Page {
		b.sortActions()
		return b.plan, nil
	}

	b.planMissing()
	b.guard()
	b.sortActions()
	b.planRelationships()

	return b.plan, nil
}

// newBuilder indexes the input and rejects refs that appear twice.
func newBuilder(in *Input) (*builder, error) {
	b := &builder{
		in:       in,
		known:    make(map[string]*Known, len(in.Known)),
		byKey:    map[string][]*Known{},
		desired:  make(map[string]*mapping.Component, len(in.Desired)),
		skipped:  map[string]bool{},
		renamed:  map[string]bool{},
		held:     map[string]string{},
		claims:   map[string][]string{},
		actionOf: make(map[string]Kind, len(in.Desired)+len(in.Known)),
		settled:  make(map[string]*Settled, len(in.Settled)),
	}
	b.plan.MissingCounts = make(map[string]int, len(in.Known))
	// Known refs add actions only when they are not listed, usually few: they are not counted.
	b.plan.Actions = make([]Action, 0, len(in.Desired)+len(in.Skipped))

	for i := range in.Known {
		k := &in.Known[i]
		if b.known[k.Ref] != nil {
			return nil, fmt.Errorf("indexing known components: %q: %w", k.Ref, ErrDuplicateRef)
		}
		b.known[k.Ref] = k
		if k.StableKey != "" {
			b.byKey[k.StableKey] = append(b.byKey[k.StableKey], k)
		}
	}

	for i := range in.Desired {
		d := &in.Desired[i]
		if b.desired[d.Ref] != nil {
			return nil, fmt.Errorf("indexing desired components: %q: %w", d.Ref, ErrDuplicateRef)
		}
		b.desired[d.Ref] = d
	}

	for _, s := range in.Skipped {
		if b.skipped[s.Ref] || b.desired[s.Ref] != nil {
			return nil, fmt.Errorf("indexing skipped entities: %q: %w", s.Ref, ErrDuplicateRef)
		}
		b.skipped[s.Ref] = true
	}

	for i := range in.Settled {
		s := &in.Settled[i]
		if b.settled[s.Ref] != nil || b.skipped[s.Ref] || b.desired[s.Ref] != nil || b.known[s.Ref] != nil {
			return nil, fmt.Errorf("indexing settled entities: %q: %w", s.Ref, ErrDuplicateRef)
		}
		b.settled[s.Ref] = s
	}

	b.indexClaims()

	return b, nil
}

// indexClaims records which unlinked desired refs claim each adoption candidate name, so two
// entities claiming one component become conflicts rather than a race.
func (b *builder) indexClaims() {
	if !b.in.Policy.Adoption {
		return
	}

	for ref, d := range b.desired {
		// A rename takes precedence over adoption, so it claims no namesake.
		if b.known[ref] != nil || len(b.vanished(d.StableKey)) > 0 {
			continue
		}

		name := strings.ToLower(d.Name)
		if len(b.in.Unaliased[name]) > 0 {
			b.claims[name] = append(b.claims[name], ref)
		}
	}

	for _, refs := range b.claims {
		slices.Sort(refs)
	}
}

// planDesired decides one desired entity.
func (b *builder) planDesired(d *mapping.Component) {
	if k := b.known[d.Ref]; k != nil {
		b.plan.MissingCounts[d.Ref] = 0
		if cur, ok := b.in.Current[k.ComponentID]; ok {
			b.planLinked(d, k, &cur)
			return
		}

		b.add(b.create(d, "the linked component no longer exists in Compass"))
		return
	}

	if b.planRename(d) {
		return
	}

	b.planUnlinked(d)
}

// planLinked compares a linked desired entity with its component.
func (b *builder) planLinked(d *mapping.Component, k *Known, cur *Current) {
	a := Action{Ref: d.Ref, ComponentID: k.ComponentID}
	if !cur.hasAlias(b.in.Policy.Source, d.Ref) {
		a.Kind = KindConflict
		a.Reason = fmt.Sprintf("component %s no longer carries the alias %s; re-link or adopt it by hand",
			k.ComponentID, b.aliasName(d.Ref))
		b.add(a)
		return
	}

	b.diff(&a, modeUpdate, d, cur, k)
	a.Kind = KindUpdate
	a.Reason = "fields differ"
	if len(a.Changes) == 0 {
		a.Kind = KindUnchanged
		a.Reason = ReasonInSync
	}
	if k.Deprecated && a.Kind == KindUpdate {
		a.Reason = "the entity is back; undoing the deprecation"
	}

	b.add(a)
}

// planRename finds a known ref that left the listing with the same stable key, and moves its
// component to the new ref. It reports whether it decided the entity.
func (b *builder) planRename(d *mapping.Component) bool {
	if d.StableKey == "" {
		return false
	}

	olds := b.vanished(d.StableKey)
	if len(olds) == 0 {
		return false
	}

	claimants := b.renameClaimants(d.StableKey)
	for _, k := range olds {
		if b.held[k.Ref] == "" {
			b.held[k.Ref] = d.Ref
		}
	}

	switch {
	case len(olds) > 1:
		b.conflict(d.Ref, fmt.Sprintf("%d vanished refs share the stable key %q", len(olds), d.StableKey))
	case len(claimants) > 1:
		b.conflict(d.Ref, fmt.Sprintf("%d new refs claim the stable key %q of %s",
			len(claimants), d.StableKey, olds[0].Ref))
	case !b.in.ListingComplete:
		b.conflict(d.Ref, fmt.Sprintf("possible rename of %s; waiting for a complete listing", olds[0].Ref))
	default:
		b.rename(d, olds[0])
	}

	return true
}

// vanished returns the managed refs with the stable key that are no longer listed and whose
// component was read.
func (b *builder) vanished(key string) []*Known {
	if key == "" {
		return nil
	}

	var olds []*Known
	for _, k := range b.byKey[key] {
		_, read := b.in.Current[k.ComponentID]
		if !b.listed(k.Ref) && read {
			olds = append(olds, k)
		}
	}

	return olds
}

// renameClaimants returns the unlinked desired refs with the given stable key.
func (b *builder) renameClaimants(key string) []string {
	var refs []string
	for ref, d := range b.desired {
		if d.StableKey == key && b.known[ref] == nil {
			refs = append(refs, ref)
		}
	}

	return refs
}

func (b *builder) rename(d *mapping.Component, old *Known) {
	cur := b.in.Current[old.ComponentID]
	a := Action{Ref: d.Ref, ComponentID: old.ComponentID, FromRef: old.Ref}
	if !cur.hasAlias(b.in.Policy.Source, old.Ref) {
		b.conflict(d.Ref, fmt.Sprintf("possible rename of %s, but component %s no longer carries its alias",
			old.Ref, old.ComponentID))
		return
	}

	b.diff(&a, modeUpdate, d, &cur, old)
	a.Kind = KindRename
	a.Reason = fmt.Sprintf("renamed from %s (stable key %q)", old.Ref, d.StableKey)
	a.AliasRemove = old.Ref
	a.AliasAdd = d.Ref
	b.renamed[old.Ref] = true
	b.add(a)
}

// planUnlinked adopts a same-named component or creates a new one.
func (b *builder) planUnlinked(d *mapping.Component) {
	name := strings.ToLower(d.Name)
	candidates := b.in.Unaliased[name]
	if !b.in.Policy.Adoption || len(candidates) == 0 {
		reason := "new entity"
		if len(candidates) > 0 {
			reason = fmt.Sprintf("new entity; adoption is off, unaliased namesakes left alone: %d", len(candidates))
		}
		b.add(b.create(d, reason))
		return
	}

	claimants := b.claims[name]
	switch {
	case len(candidates) > 1:
		b.conflict(d.Ref, fmt.Sprintf("%d Compass components named %q have no alias; adopt one by hand",
			len(candidates), d.Name))
	case len(claimants) > 1:
		b.conflict(d.Ref, fmt.Sprintf("%d entities claim component %s named %q: %s",
			len(claimants), candidates[0].ID, d.Name, strings.Join(claimants, ", ")))
	default:
		b.adopt(d, &candidates[0])
	}
}

func (b *builder) adopt(d *mapping.Component, cur *Current) {
	a := Action{Kind: KindAdopt, Ref: d.Ref, ComponentID: cur.ID, AliasAdd: d.Ref}
	b.diff(&a, modeAdopt, d, cur, nil)
	a.Reason = fmt.Sprintf("adopting the unaliased component named %q", cur.Name)
	b.add(a)
}

func (b *builder) create(d *mapping.Component, reason string) Action {
	a := Action{Kind: KindCreate, Ref: d.Ref, AliasAdd: d.Ref, Reason: reason}
	b.diff(&a, modeCreate, d, nil, nil)

	return a
}

func (b *builder) conflict(ref, reason string) {
	b.add(Action{Kind: KindConflict, Ref: ref, Reason: reason})
}

func (b *builder) planSkip(s mapping.Skip) {
	a := Action{Kind: KindSkip, Ref: s.Ref, Rule: s.Rule, Reason: s.Reason}
	if k := b.known[s.Ref]; k != nil {
		a.ComponentID = k.ComponentID
		b.plan.MissingCounts[s.Ref] = 0
	}

	b.add(a)
}

// diff fills the action's changes; k is nil for an adoption or a create.
func (b *builder) diff(a *Action, mode diffMode, d *mapping.Component, cur *Current, k *Known) {
	df := differ{mode: mode, desired: d, current: cur, label: b.in.Policy.DeprecateLabel, action: a, lean: b.in.Lean}
	if k != nil {
		df.applied = k.Applied
		df.deprecated = k.Deprecated
	}

	df.run()
}

func (b *builder) add(a Action) {
	b.plan.Actions = append(b.plan.Actions, a)
	b.actionOf[a.Ref] = a.Kind
}

// listed reports whether a ref counts as present in Backstage this run.
func (b *builder) listed(ref string) bool {
	return b.in.Listed[ref] || b.desired[ref] != nil || b.skipped[ref] || b.settled[ref] != nil
}

func (b *builder) aliasName(ref string) string {
	return b.in.Policy.Source + ":" + ref
}

func (b *builder) sortActions() {
	slices.SortStableFunc(b.plan.Actions, func(x, y Action) int {
		if c := strings.Compare(x.Ref, y.Ref); c != 0 {
			return c
		}

		return kindOrder[x.Kind] - kindOrder[y.Kind]
	})
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)

	return keys
}
