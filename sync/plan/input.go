package plan

import (
	"fmt"
	"strings"

	"github.com/backstage-sync/backstage-sync/sync/mapping"
)

// Input is everything one plan is computed from. Compute does not modify it.
type Input struct {
	// Desired holds the components mapped from the entities fetched in this run: all of them in
	// a full run, only the changed ones in an incremental run. A desired ref counts as listed,
	// so entities Backstage marks as orphans must be left out.
	Desired []mapping.Component
	// Skipped holds the fetched entities that the mapping rules left out.
	Skipped []mapping.Skip
	// Listed holds every ref present in this run's source listing, changed or not. Refs of
	// entities that Backstage marks as orphans are left out, so they count as missing.
	Listed map[string]bool
	// ListingComplete is false when the listing failed or was cut short; such a run never
	// deprecates, deletes or renames.
	ListingComplete bool
	// Known holds the components the app manages, as recorded by earlier runs.
	Known []Known
	// Current holds what Compass has now, by component id, for every component the run read.
	// It must hold the linked component of every desired ref that is known: a known ref whose
	// component is absent is taken as deleted in Compass and is created again. Components of
	// managed refs that are not listed are needed to detect renames and to show deprecations.
	Current map[string]Current
	// Unaliased holds Compass components that do not carry the app's alias, by lower-cased
	// name. They are the adoption candidates.
	Unaliased map[string][]Current
	Policy    Policy
	// Page marks Desired and Skipped as one page of a larger run: Compute decides them and
	// nothing else. Missing refs, the deletion guard and relationships are left to the run's
	// last Compute, which gets the entities of the pages as Settled. A page must hold no entity
	// that could rename or adopt: those need every claimant of the run at once.
	Page bool
	// Settled holds the entities that earlier pages of the run decided and applied. Compute
	// decides nothing more for them: they count as listed, those linked to a component count
	// as managed, and it plans their DEPENDS_ON relationships. A settled ref must not be in
	// Known as well.
	Settled []Settled
	// Lean leaves out of creates what applying them does not need: their field changes and
	// their label and link edits, as a create writes Component whole. A preview wants them; a
	// large first run that applies thousands of creates is far smaller without them.
	Lean bool
}

// Settled is an entity that an earlier page of the run decided and applied.
type Settled struct {
	Ref string
	// ComponentID is the component the entity is linked to after its page, or empty when the
	// page left it without one: skipped, in conflict or failed.
	ComponentID string
	// DependsOn holds the refs the entity declares, as Component.DependsOn.
	DependsOn []string
	// Has holds the ids of the components it had a DEPENDS_ON relationship to before its page.
	Has []string
}

// Known is one managed component as the store recorded it.
type Known struct {
	Ref         string
	ComponentID string
	// Kind is the entity kind, which selects the deletion mode.
	Kind      string
	StableKey string
	// Applied holds the hash of the value last applied to each field; it is what an earlier
	// Action.Applied held.
	Applied Hashes
	// MissingCount is the number of complete listings in a row that lacked the ref.
	MissingCount int
	// Deprecated is true when the app deprecated the component.
	Deprecated bool
}

// Current is one Compass component as it is now.
type Current struct {
	ID          string
	Name        string
	Description string
	TypeID      string
	OwnerID     string
	Labels      []string
	Links       []Link
	Lifecycle   string
	Tier        string
	// CustomFields holds the values set on the component, named by definition name.
	CustomFields []mapping.CustomFieldValue
	// DependsOn holds the ids of the components this one has a DEPENDS_ON relationship to.
	DependsOn []string
	Aliases   []Alias
}

// Link is a component link that exists in Compass, with its id.
type Link struct {
	ID   string
	Type string
	URL  string
	Name string
}

// Alias is one external alias of a Compass component.
type Alias struct {
	Source string
	ID     string
}

// Mode is what happens to a managed component whose entity is gone from Backstage.
type Mode string

const (
	// ModeKeep leaves the component as it is.
	ModeKeep Mode = "keep"
	// ModeDeprecate sets the lifecycle to Deprecated and adds the deprecate label.
	ModeDeprecate Mode = "deprecate"
	// ModeDelete deletes the component.
	ModeDelete Mode = "delete"
)

// Policy holds the rules a plan follows.
type Policy struct {
	// Source is the external alias source, for example "backstage".
	Source string
	// Adoption attaches the alias to a same-named Compass component instead of creating one.
	Adoption bool
	// Deletion maps entity kinds, in any case, to their mode; kinds not listed use
	// DefaultDeletion.
	Deletion        map[string]Mode
	DefaultDeletion Mode
	// MissingRuns is the number of complete listings in a row an entity must be missing from
	// before it is deprecated or deleted.
	MissingRuns int
	// ThresholdPercent and ThresholdCount bound the deprecations and deletions one run may make
	// without confirmation: more than either needs Confirmed.
	ThresholdPercent float64
	ThresholdCount   int
	// Confirmed lets a run go past the thresholds.
	Confirmed bool
	// DeprecateLabel is added to deprecated components; empty adds none.
	DeprecateLabel string
}

// DefaultPolicy returns the policy the app starts with: adoption on, keep on deletion, two
// missing runs, and confirmation past 10 % or 25 components.
func DefaultPolicy(source string) Policy {
	return Policy{
		Source:           source,
		Adoption:         true,
		DefaultDeletion:  ModeKeep,
		MissingRuns:      2,
		ThresholdPercent: 10,
		ThresholdCount:   25,
		DeprecateLabel:   "deprecated",
	}
}

// Mode returns the deletion mode for an entity kind.
func (p Policy) Mode(kind string) Mode {
	for k, m := range p.Deletion {
		if strings.EqualFold(k, kind) {
			return m
		}
	}

	return p.DefaultDeletion
}

// Exceeds reports whether n deprecations and deletions among managed components go past the
// thresholds.
func (p Policy) Exceeds(n, managed int) bool {
	if n > p.ThresholdCount {
		return true
	}

	return managed > 0 && float64(n)*100/float64(managed) > p.ThresholdPercent
}

// validate reports the first rule of the policy that cannot be applied.
func (p Policy) validate() error {
	switch {
	case p.Source == "":
		return fmt.Errorf("checking policy: alias source is empty: %w", ErrInvalidPolicy)
	case p.MissingRuns < 1:
		return fmt.Errorf("checking policy: missing runs %d is below 1: %w", p.MissingRuns, ErrInvalidPolicy)
	case p.ThresholdPercent < 0 || p.ThresholdCount < 0:
		return fmt.Errorf("checking policy: negative threshold: %w", ErrInvalidPolicy)
	}

	if !p.DefaultDeletion.valid() {
		return fmt.Errorf("checking policy: default deletion mode %q: %w", p.DefaultDeletion, ErrInvalidPolicy)
	}

	seen := make(map[string]bool, len(p.Deletion))
	for kind, m := range p.Deletion {
		if !m.valid() {
			return fmt.Errorf("checking policy: deletion mode %q for kind %q: %w", m, kind, ErrInvalidPolicy)
		}
		if seen[strings.ToLower(kind)] {
			return fmt.Errorf("checking policy: kind %q has two deletion modes: %w", kind, ErrInvalidPolicy)
		}
		seen[strings.ToLower(kind)] = true
	}

	return nil
}

func (m Mode) valid() bool {
	return m == ModeKeep || m == ModeDeprecate || m == ModeDelete
}

// hasAlias reports whether the component carries the alias source:ref.
func (c Current) hasAlias(source, ref string) bool {
	for _, a := range c.Aliases {
		if a.Source == source && strings.EqualFold(a.ID, ref) {
			return true
		}
	}

	return false
}
