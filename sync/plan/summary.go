package plan

import (
	"strings"

	"github.com/backstage-sync/backstage-sync/sync/mapping"
)

// Summary is what a run over every Compass component keeps of one component until the entity
// linked to it is planned: the hash of each field's value as Compute compares it, the ids of
// its DEPENDS_ON relationships and the app's aliases on it. It is a fraction of the component's
// size.
type Summary struct {
	ID string
	// Hashes holds the hash of each built-in field's value and of each custom field set.
	Hashes    Hashes
	DependsOn []string
	// Aliases holds the component's aliases of the source it was summarized for.
	Aliases []Alias
}

// Summarize returns the summary of a component, keeping the aliases of source.
func Summarize(cur Current, source string) Summary {
	s := Summary{ID: cur.ID, DependsOn: cur.DependsOn}
	for _, a := range cur.Aliases {
		if a.Source == source {
			s.Aliases = append(s.Aliases, a)
		}
	}

	have := currentComponent(&cur)
	for _, f := range scalarFields {
		s.Hashes.set(f, hash(scalarOf(have, f)))
	}
	for _, f := range tailFields {
		s.Hashes.set(f, hash(scalarOf(have, f)))
	}
	s.Hashes.set(mapping.FieldLabels, hash(strings.Join(labelSet(cur.Labels), "\n")))
	s.Hashes.set(mapping.FieldLinks, hash(currentLinks(cur.Links)))
	for _, cf := range cur.CustomFields {
		s.Hashes.set(mapping.CustomFieldPrefix+cf.Definition, hash(customValue(cf)))
	}

	return s
}

// StandIn returns a Current that Compute plans exactly as it would plan the summarized
// component for a linked entity that wants d and that the app did not deprecate, and true;
// or false when it cannot: when a field that Backstage owns holds another value than d's, the
// plan needs the component itself, for the changes it lists, the drift it reports and the ids
// of the links it edits. The stand-in holds d's values, which the plan then finds in place.
func (s Summary) StandIn(d *mapping.Component) (Current, bool) {
	owned := func(field string) bool {
		truth := d.Truth[field]
		return truth == "" || truth == mapping.TruthBackstage
	}
	holds := func(field, want string) bool {
		have, ok := s.Hashes.Get(field)
		if !ok {
			have = hash("")
		}
		return !owned(field) || have == hash(want)
	}

	for _, f := range scalarFields {
		if !holds(f, scalarOf(d, f)) {
			return Current{}, false
		}
	}
	for _, f := range tailFields {
		if !holds(f, scalarOf(d, f)) {
			return Current{}, false
		}
	}
	if !holds(mapping.FieldLabels, strings.Join(labelSet(d.Labels), "\n")) ||
		!holds(mapping.FieldLinks, desiredLinks(d.Links)) {
		return Current{}, false
	}
	for _, cf := range d.CustomFields {
		if !holds(mapping.CustomFieldPrefix+cf.Definition, customValue(cf)) {
			return Current{}, false
		}
	}

	cur := Current{
		ID: s.ID, Name: d.Name, Description: d.Description, TypeID: d.TypeID, OwnerID: d.OwnerID,
		Labels: d.Labels, Lifecycle: d.Lifecycle, Tier: d.Tier, CustomFields: d.CustomFields,
		DependsOn: s.DependsOn, Aliases: s.Aliases,
	}
	for _, l := range d.Links {
		cur.Links = append(cur.Links, Link{Type: l.Type, URL: l.URL, Name: l.Name})
	}

	return cur, true
}

// currentComponent returns a component's built-in single-valued fields as a mapping
// component, so that they render as the desired ones do.
func currentComponent(c *Current) *mapping.Component {
	return &mapping.Component{
		Name: c.Name, Description: c.Description, TypeID: c.TypeID, OwnerID: c.OwnerID,
		Lifecycle: c.Lifecycle, Tier: c.Tier,
	}
}
