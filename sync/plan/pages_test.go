package plan

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/backstage-sync/backstage-sync/sync/mapping"
)

// relationshipPairs lists relationships as "from -> to", which do not depend on component ids
// a page's creates gave out.
func relationshipPairs(rs []Relationship) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.From+" -> "+r.To)
	}
	slices.Sort(out)
	return out
}

func TestAPageDecidesItsEntitiesOnly(t *testing.T) {
	t.Parallel()
	a, b, gone, fresh := service("a"), service("b"), service("gone"), service("fresh")
	known, current := synced(a, b, gone)
	known[2].MissingCount = 1
	changed := a
	changed.Description = "Changed"
	changed.DependsOn = []string{b.Ref}
	fresh.DependsOn = []string{a.Ref}
	policy := DefaultPolicy(source)
	policy.DefaultDeletion = ModeDelete
	policy.ThresholdPercent, policy.ThresholdCount = 100, 100

	in := Input{
		Desired: []mapping.Component{changed, fresh}, Listed: listed(a, b, fresh), ListingComplete: true,
		Known: known, Current: current, Policy: policy, Page: true,
	}
	p, err := Compute(in)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, act := range p.Actions {
		kinds = append(kinds, act.Ref+" "+string(act.Kind))
	}
	if want := []string{a.Ref + " update", fresh.Ref + " create"}; !slices.Equal(kinds, want) {
		t.Errorf("page actions %v, want %v: a page leaves missing refs to the last plan", kinds, want)
	}
	if len(p.AddRelationships)+len(p.RemoveRelationships)+len(p.Dangling) != 0 {
		t.Errorf("a page planned relationships: %+v %+v %+v", p.AddRelationships, p.RemoveRelationships, p.Dangling)
	}
	if _, counted := p.MissingCounts[gone.Ref]; counted {
		t.Errorf("a page counted the missing ref %s", gone.Ref)
	}

	in.Page = false
	whole, err := Compute(in)
	if err != nil {
		t.Fatal(err)
	}
	if c := whole.Counts(); c.Delete != 1 || len(whole.AddRelationships) != 2 {
		t.Errorf("the same input planned at once: %+v, relationships %+v; want the missing ref deleted and 2 added",
			c, whole.AddRelationships)
	}
}

// TestSettledEntitiesGetTheRelationshipsOfAWholePlan plans one run at once, and again as a page
// followed by a last plan that gets the page's entities as settled, and checks that both plan
// the same relationships.
func TestSettledEntitiesGetTheRelationshipsOfAWholePlan(t *testing.T) {
	t.Parallel()
	a, b, c := service("a"), service("b"), service("c")
	known, current := synced(a, b, c)
	// a depends on b in Compass and declares c and the new d instead; d depends on a and on a
	// failed entity; e, planned last, depends on d.
	cur := current[idOf(a)]
	cur.DependsOn = []string{idOf(b)}
	current[idOf(a)] = cur
	a.DependsOn = []string{c.Ref, "component:default/d"}
	d, e, broken := service("d"), service("e"), service("broken")
	d.DependsOn = []string{a.Ref, broken.Ref}
	e.DependsOn = []string{d.Ref}
	all := listed(a, b, c, d, e, broken)
	policy := DefaultPolicy(source)

	whole, err := Compute(Input{
		Desired: []mapping.Component{a, d, e}, Listed: all, ListingComplete: true,
		Known: known, Current: current, Policy: policy,
	})
	if err != nil {
		t.Fatal(err)
	}

	// The page decides a and d; d's create gives it an id, broken's failed and left it none.
	settled := []Settled{
		{Ref: a.Ref, ComponentID: idOf(a), DependsOn: a.DependsOn, Has: cur.DependsOn},
		{Ref: d.Ref, ComponentID: "c-new-d", DependsOn: d.DependsOn},
		{Ref: broken.Ref},
	}
	// The settled a is no longer known to the last plan: the page recorded it.
	afterPage := slices.DeleteFunc(slices.Clone(known), func(k Known) bool { return k.Ref == a.Ref })
	last, err := Compute(Input{
		Desired: []mapping.Component{e}, Settled: settled, Listed: all, ListingComplete: true,
		Known: afterPage, Current: current, Policy: policy,
	})
	if err != nil {
		t.Fatal(err)
	}

	for _, pair := range []struct {
		name        string
		got, want   []Relationship
		wantAtLeast int
	}{
		{"added", last.AddRelationships, whole.AddRelationships, 3},
		{"removed", last.RemoveRelationships, whole.RemoveRelationships, 1},
		{"dangling", last.Dangling, whole.Dangling, 1},
	} {
		got, want := relationshipPairs(pair.got), relationshipPairs(pair.want)
		if !slices.Equal(got, want) || len(want) < pair.wantAtLeast {
			t.Errorf("%s: paged %v, whole %v", pair.name, got, want)
		}
	}
	for _, r := range last.AddRelationships {
		if r.From == e.Ref && r.ToID != "c-new-d" {
			t.Errorf("%s -> %s goes to %q, want the id d's page gave it", r.From, r.To, r.ToID)
		}
	}

	if _, err := Compute(Input{Desired: []mapping.Component{e}, Settled: []Settled{{Ref: e.Ref}}, Policy: policy}); !errors.Is(err, ErrDuplicateRef) {
		t.Errorf("a settled ref that is also desired: %v, want ErrDuplicateRef", err)
	}
	if _, err := Compute(Input{Known: known, Settled: settled[:1], Policy: policy}); !errors.Is(err, ErrDuplicateRef) {
		t.Errorf("a settled ref that is also known: %v, want ErrDuplicateRef", err)
	}
}

func TestTheGuardCountsSettledComponentsAsManaged(t *testing.T) {
	t.Parallel()
	gone := service("gone")
	known, current := synced(gone)
	known[0].MissingCount = 1
	policy := DefaultPolicy(source)
	policy.DefaultDeletion = ModeDelete
	var settled []Settled
	for i := range 20 {
		ref := fmt.Sprintf("component:default/s%02d", i)
		settled = append(settled, Settled{Ref: ref, ComponentID: "c-" + ref})
	}
	in := Input{Listed: map[string]bool{}, ListingComplete: true, Known: known, Current: current, Policy: policy}

	alone, err := Compute(in)
	if err != nil {
		t.Fatal(err)
	}
	in.Settled = settled
	withPages, err := Compute(in)
	if err != nil {
		t.Fatal(err)
	}
	if !alone.NeedsConfirmation || withPages.NeedsConfirmation || withPages.Counts().Delete != 1 {
		t.Errorf("one deletion of 1 managed: confirmation %v; of 21 with the settled ones: %v, %+v",
			alone.NeedsConfirmation, withPages.NeedsConfirmation, withPages.Counts())
	}
	if alone.Confirmation.Managed != 1 {
		t.Errorf("managed %d, want 1", alone.Confirmation.Managed)
	}
}
