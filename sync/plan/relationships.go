package plan

import (
	"slices"
	"strings"
)

// planRelationships lists the DEPENDS_ON relationships to add and remove. Both ends must be
// synced components: linked and staying, or created in this run. Relationships to components
// the app does not manage are left alone.
func (b *builder) planRelationships() {
	ids, refs := b.endpoints()

	for i := range b.plan.Actions {
		a := &b.plan.Actions[i]
		d := b.desired[a.Ref]
		if d == nil || !a.Kind.Linking() {
			continue
		}

		cur, _ := b.current(a)
		b.relate(a, d.DependsOn, cur.DependsOn, ids, refs)
	}

	for _, s := range b.settled {
		if s.ComponentID != "" {
			a := Action{Kind: KindUnchanged, Ref: s.Ref, ComponentID: s.ComponentID}
			b.relate(&a, s.DependsOn, s.Has, ids, refs)
		}
	}

	sortRelationships(b.plan.AddRelationships)
	sortRelationships(b.plan.RemoveRelationships)
	sortRelationships(b.plan.Dangling)
}

// relate plans the relationships of one synced entity: those it declares and does not have,
// and those it has to managed components and no longer declares.
func (b *builder) relate(a *Action, declared, have []string, ids, refs map[string]string) {
	if len(declared) == 0 && len(have) == 0 {
		return
	}

	want := make(map[string]bool, len(declared))
	for _, to := range declared {
		if to == a.Ref || want[to] {
			continue
		}
		want[to] = true
		b.wantRelationship(a, to, ids, have)
	}

	b.dropRelationships(a, want, refs, have)
}

// endpoints maps synced refs to their component ids (empty when created in this run) and
// managed component ids back to refs.
func (b *builder) endpoints() (ids map[string]string, refs map[string]string) {
	ids = make(map[string]string, len(b.known))
	refs = make(map[string]string, len(b.known))

	for ref, k := range b.known {
		refs[k.ComponentID] = ref
		kind, decided := b.actionOf[ref]
		if b.renamed[ref] || (decided && !kind.Linking() && kind != KindDeprecate) {
			continue
		}
		ids[ref] = k.ComponentID
	}

	for _, a := range b.plan.Actions {
		if a.Kind.Linking() {
			ids[a.Ref] = a.ComponentID
			if a.ComponentID != "" {
				refs[a.ComponentID] = a.Ref
			}
		}
	}

	// Settled entities are looked up where needed (see endpoint) rather than copied: a run of
	// many pages has tens of thousands. Only those some entity has a relationship to need to
	// be found by id.
	if len(b.settled) > 0 {
		had := map[string]bool{}
		for _, s := range b.settled {
			for _, id := range s.Has {
				had[id] = true
			}
		}
		for i := range b.plan.Actions {
			cur, _ := b.current(&b.plan.Actions[i])
			for _, id := range cur.DependsOn {
				had[id] = true
			}
		}
		for ref, s := range b.settled {
			if s.ComponentID != "" && had[s.ComponentID] {
				refs[s.ComponentID] = ref
			}
		}
	}

	return ids, refs
}

// endpoint returns the component id of a synced ref, and false when the ref is not synced.
func (b *builder) endpoint(ids map[string]string, ref string) (string, bool) {
	if id, ok := ids[ref]; ok {
		return id, true
	}
	if s := b.settled[ref]; s != nil && s.ComponentID != "" {
		return s.ComponentID, true
	}

	return "", false
}

// wantRelationship adds a declared dependency that Compass does not have yet, or records it
// as dangling when its target is not synced.
func (b *builder) wantRelationship(a *Action, to string, ids map[string]string, have []string) {
	r := Relationship{From: a.Ref, To: to, FromID: a.ComponentID}
	toID, synced := b.endpoint(ids, to)
	if !synced {
		b.plan.Dangling = append(b.plan.Dangling, r)
		return
	}

	r.ToID = toID
	if toID == "" || !slices.Contains(have, toID) {
		b.plan.AddRelationships = append(b.plan.AddRelationships, r)
	}
}

// dropRelationships removes existing dependencies on managed components that the entity no
// longer declares. A target that is deleted in this run loses its relationships anyway.
func (b *builder) dropRelationships(a *Action, want map[string]bool, refs map[string]string, have []string) {
	for _, toID := range have {
		to, managed := refs[toID]
		if !managed || want[to] || b.actionOf[to] == KindDelete {
			continue
		}
		b.plan.RemoveRelationships = append(b.plan.RemoveRelationships, Relationship{
			From: a.Ref, To: to, FromID: a.ComponentID, ToID: toID,
		})
	}
}

// current returns the Compass component an action works on, read in this run.
func (b *builder) current(a *Action) (Current, bool) {
	if a.Kind == KindCreate || a.ComponentID == "" {
		return Current{}, false
	}

	if cur, ok := b.in.Current[a.ComponentID]; ok {
		return cur, true
	}

	for _, c := range b.in.Unaliased[strings.ToLower(b.desired[a.Ref].Name)] {
		if c.ID == a.ComponentID {
			return c, true
		}
	}

	return Current{}, false
}

func sortRelationships(rs []Relationship) {
	slices.SortFunc(rs, func(x, y Relationship) int {
		if c := strings.Compare(x.From, y.From); c != 0 {
			return c
		}

		return strings.Compare(x.To, y.To)
	})
}
