package plan

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/backstage-sync/backstage-sync/sync/mapping"
)

func TestComputeRejectsInvalidInput(t *testing.T) {
	t.Parallel()

	c := service("twice")
	tests := []struct {
		name   string
		change func(*Input)
		want   error
	}{
		{"an empty alias source is refused", func(in *Input) { in.Policy.Source = "" }, ErrInvalidPolicy},
		{"zero missing runs is refused", func(in *Input) { in.Policy.MissingRuns = 0 }, ErrInvalidPolicy},
		{"a negative count threshold is refused", func(in *Input) { in.Policy.ThresholdCount = -1 }, ErrInvalidPolicy},
		{"a negative percentage is refused", func(in *Input) { in.Policy.ThresholdPercent = -0.5 }, ErrInvalidPolicy},
		{"an unknown default mode is refused", func(in *Input) { in.Policy.DefaultDeletion = "purge" }, ErrInvalidPolicy},
		{"an unknown mode for a kind is refused", func(in *Input) {
			in.Policy.Deletion = map[string]Mode{"api": "archive"}
		}, ErrInvalidPolicy},
		{"a kind with two modes in different case is refused", func(in *Input) {
			in.Policy.Deletion = map[string]Mode{"api": ModeKeep, "API": ModeDelete}
		}, ErrInvalidPolicy},
		{"a desired ref given twice is refused", func(in *Input) { in.Desired = append(in.Desired, c) }, ErrDuplicateRef},
		{"a known ref given twice is refused", func(in *Input) {
			in.Known = append(in.Known, knownOf(c), knownOf(c))
		}, ErrDuplicateRef},
		{"a ref both desired and skipped is refused", func(in *Input) {
			in.Skipped = []mapping.Skip{{Ref: c.Ref, Rule: "r"}}
		}, ErrDuplicateRef},
		{"a valid input is planned", func(*Input) {}, nil},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := Input{Desired: []mapping.Component{c}, Policy: DefaultPolicy(source)}
			tt.change(&in)

			_, err := Compute(in)
			if !errors.Is(err, tt.want) {
				t.Errorf("Compute error = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestGuardThresholds(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name      string
		managed   int
		gone      int
		count     int
		percent   float64
		confirmed bool
		want      bool
	}{
		{"exactly the count goes ahead", 260, 25, 25, 10, false, false},
		{"one more than the count asks", 260, 26, 25, 10, false, true},
		{"exactly the percentage goes ahead", 20, 2, 25, 10, false, false},
		{"just past the percentage asks", 20, 3, 25, 10, false, true},
		{"a confirmed run goes ahead past both", 20, 20, 25, 10, true, false},
		{"a zero count asks for any deletion", 50, 1, 0, 100, false, true},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := manyMissing(tt.managed, tt.gone)
			in.Policy.ThresholdCount = tt.count
			in.Policy.ThresholdPercent = tt.percent
			in.Policy.Confirmed = tt.confirmed

			p, err := Compute(in)
			if err != nil {
				t.Fatalf("Compute: %v", err)
			}

			if p.NeedsConfirmation != tt.want {
				t.Fatalf("NeedsConfirmation = %v, want %v (%s)", p.NeedsConfirmation, tt.want, p.Confirmation.Reason)
			}
			deletes := p.Counts().Delete
			withheld := len(p.Confirmation.Withheld)
			if tt.want && (deletes != 0 || withheld != tt.gone || p.Confirmation.Deletions != tt.gone) {
				t.Errorf("asking plan has %d deletes and %d withheld, want 0 and %d", deletes, withheld, tt.gone)
			}
			if !tt.want && deletes != tt.gone {
				t.Errorf("plan has %d deletes, want %d", deletes, tt.gone)
			}
		})
	}
}

// TestMissingCountsAcrossRuns follows one vanished entity through several runs with three
// missing runs: an incomplete listing keeps the count, and only the third complete listing
// deletes it.
func TestMissingCountsAcrossRuns(t *testing.T) {
	t.Parallel()

	stay := service("stay")
	gone := service("gone")
	known, current := synced(stay, gone)
	p := deleteEverything()
	p.MissingRuns = 3

	steps := []struct {
		complete  bool
		wantCount int
		wantKind  Kind
	}{
		{true, 1, KindUnchanged},
		{false, 1, KindUnchanged},
		{true, 2, KindUnchanged},
		{false, 2, KindUnchanged},
		{true, 3, KindDelete},
	}

	for i, s := range steps {
		plan, err := Compute(Input{
			Desired: []mapping.Component{stay}, Listed: listed(stay), ListingComplete: s.complete,
			Known: known, Current: current, Policy: p,
		})
		if err != nil {
			t.Fatalf("run %d: Compute: %v", i+1, err)
		}

		if got := plan.MissingCounts[gone.Ref]; got != s.wantCount {
			t.Errorf("run %d: missing count = %d, want %d", i+1, got, s.wantCount)
		}
		if a := find(plan, gone.Ref); a.Kind != s.wantKind {
			t.Errorf("run %d: action = %s (%s), want %s", i+1, a.Kind, a.Reason, s.wantKind)
		}
		for j := range known {
			known[j].MissingCount = plan.MissingCounts[known[j].Ref]
		}
	}
}

// TestApplyingAPlanConverges applies every plan the way the engine does and plans again: the
// second plan must have nothing left to do.
func TestApplyingAPlanConverges(t *testing.T) {
	t.Parallel()

	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			t.Parallel()
			in := sc.input()
			in.Policy.Confirmed = true

			first, err := Compute(in)
			if err != nil {
				t.Fatalf("Compute: %v", err)
			}
			again, err := Compute(applyPlan(in, first))
			if err != nil {
				t.Fatalf("Compute after apply: %v", err)
			}

			for _, a := range again.Actions {
				// Missing entities move on towards deletion from run to run.
				if !slices.ContainsFunc(in.Desired, func(c mapping.Component) bool { return c.Ref == a.Ref }) {
					continue
				}
				if a.Kind != KindUnchanged && a.Kind != KindSkip && a.Kind != KindConflict {
					t.Errorf("after apply: %s %s: %s %v", a.Kind, a.Ref, a.Reason, a.Changes)
				}
			}
			if n := len(again.AddRelationships) + len(again.RemoveRelationships); n != 0 {
				t.Errorf("after apply: %d relationship changes left: %+v %+v",
					n, again.AddRelationships, again.RemoveRelationships)
			}
		})
	}
}

func TestCountsTalliesEachKind(t *testing.T) {
	t.Parallel()

	var p Plan
	kinds := []Kind{
		KindCreate, KindUpdate, KindAdopt, KindRename, KindDeprecate,
		KindDelete, KindUnchanged, KindSkip, KindConflict,
	}
	for i, k := range kinds {
		for range i + 1 {
			p.Actions = append(p.Actions, Action{Kind: k})
		}
	}

	want := Counts{
		Create: 1, Update: 2, Adopt: 3, Rename: 4, Deprecate: 5,
		Delete: 6, Unchanged: 7, Skip: 8, Conflict: 9,
	}
	if got := p.Counts(); got != want {
		t.Errorf("Counts() = %+v, want %+v", got, want)
	}
}

func TestShortKeepsValuesReadable(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name string
		in   string
		want string
	}{
		{"a short value is kept", "Active", "Active"},
		{"line breaks become spaces", "one\ntwo", "one two"},
		{"a long value is cut with an ellipsis", strings.Repeat("é", 100), strings.Repeat("é", displayLimit-1) + "…"},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			if got := short(tt.in); got != tt.want {
				t.Errorf("short(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// applyPlan returns the input of the next full run after every action of p succeeded.
func applyPlan(in Input, p Plan) Input {
	known := map[string]Known{}
	for _, k := range in.Known {
		known[k.Ref] = k
	}
	current := map[string]Current{}
	for id, c := range in.Current {
		current[id] = c
	}
	for _, cs := range in.Unaliased {
		for _, c := range cs {
			current[c.ID] = c
		}
	}

	ids := map[string]string{}
	for _, a := range p.Actions {
		if a.Kind == KindRename {
			delete(known, a.FromRef)
		}
		k, cur, ok := applyAction(known[a.Ref], current[a.ComponentID], a)
		if !ok {
			delete(known, a.Ref)
			delete(current, a.ComponentID)
			continue
		}
		if a.Kind == KindSkip || a.Kind == KindConflict {
			continue
		}
		known[a.Ref] = k
		current[cur.ID] = cur
		ids[a.Ref] = cur.ID
	}
	for ref, n := range p.MissingCounts {
		if k, ok := known[ref]; ok {
			k.MissingCount = n
			known[ref] = k
		}
	}

	applyRelationships(current, ids, p)

	next := in
	next.Known = nil
	for _, ref := range sortedKeys(known) {
		next.Known = append(next.Known, known[ref])
	}
	next.Current = current
	next.Unaliased = map[string][]Current{}
	for name, cs := range in.Unaliased {
		for _, c := range cs {
			if !slices.ContainsFunc(p.Actions, func(a Action) bool { return a.ComponentID == c.ID }) {
				next.Unaliased[name] = append(next.Unaliased[name], c)
			}
		}
	}

	return next
}

func applyRelationships(current map[string]Current, ids map[string]string, p Plan) {
	for _, r := range p.AddRelationships {
		from, to := ids[r.From], r.ToID
		if to == "" {
			to = ids[r.To]
		}
		c := current[from]
		c.DependsOn = append(c.DependsOn, to)
		current[from] = c
	}
	for _, r := range p.RemoveRelationships {
		c := current[r.FromID]
		c.DependsOn = slices.DeleteFunc(c.DependsOn, func(id string) bool { return id == r.ToID })
		current[r.FromID] = c
	}
}

func find(p Plan, ref string) Action {
	for _, a := range p.Actions {
		if a.Ref == ref {
			return a
		}
	}

	return Action{Kind: "none"}
}

func BenchmarkCompute(b *testing.B) {
	var desired []mapping.Component
	for i := range 55_000 {
		desired = append(desired, service(fmt.Sprintf("svc-%05d", i)))
	}
	known, current := synced(desired[:50_000]...)
	in := Input{
		Desired:         desired,
		Listed:          listed(desired...),
		ListingComplete: true,
		Known:           known,
		Current:         current,
		Policy:          DefaultPolicy(source),
	}

	b.ReportAllocs()
	for b.Loop() {
		if _, err := Compute(in); err != nil {
			b.Fatal(err)
		}
	}
}

func TestLeanCreatesKeepHashesAndDropChanges(t *testing.T) {
	t.Parallel()

	c := service("lean")
	full, err := Compute(Input{Desired: []mapping.Component{c}, ListingComplete: true, Policy: DefaultPolicy(source)})
	if err != nil {
		t.Fatal(err)
	}
	lean, err := Compute(Input{Desired: []mapping.Component{c}, ListingComplete: true, Policy: DefaultPolicy(source), Lean: true})
	if err != nil {
		t.Fatal(err)
	}

	f, l := full.Actions[0], lean.Actions[0]
	if l.Kind != KindCreate || len(f.Changes) == 0 {
		t.Fatalf("actions %+v and %+v: want creates, the full one with changes", f, l)
	}
	if len(l.Changes) != 0 || len(l.LabelsAdd) != 0 || len(l.LinksAdd) != 0 {
		t.Errorf("lean create has changes %v, labels %v, links %v; want none", l.Changes, l.LabelsAdd, l.LinksAdd)
	}
	if !slices.Equal(l.Applied, f.Applied) || !slices.Equal(l.Set, f.Set) {
		t.Errorf("lean create applies %v setting %v, want %v setting %v", l.Applied, l.Set, f.Applied, f.Set)
	}
	if l.Component.Name != c.Name || len(l.Component.Links) != len(c.Links) {
		t.Errorf("lean create writes %+v, want the whole component", l.Component)
	}
}
