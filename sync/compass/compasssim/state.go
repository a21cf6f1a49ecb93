package compasssim

import (
	"cmp"
	"slices"
	"time"
)

// Built-in field definitions set through a component's fields input.
const (
	FieldLifecycle = "compass:lifecycle"
	FieldTier      = "compass:tier"
)

// CustomFieldKind names the kind of a custom field definition.
type CustomFieldKind string

// Custom field kinds, one per definition input of createCustomFieldDefinition.
const (
	CustomFieldText         CustomFieldKind = "TEXT"
	CustomFieldNumber       CustomFieldKind = "NUMBER"
	CustomFieldBoolean      CustomFieldKind = "BOOLEAN"
	CustomFieldSingleSelect CustomFieldKind = "SINGLE_SELECT"
	CustomFieldMultiSelect  CustomFieldKind = "MULTI_SELECT"
	CustomFieldUser         CustomFieldKind = "USER"
)

// Component is one Compass component as the simulator stores it. Empty strings stand for unset
// optional values and are answered as null.
type Component struct {
	ID              string
	Name            string
	Description     string
	TypeID          string
	OwnerID         string
	Slug            string
	State           string
	Labels          []string
	Links           []Link
	ExternalAliases []ExternalAlias
	// Fields holds built-in enum fields by definition id (FieldLifecycle, FieldTier).
	Fields       map[string][]string
	CustomFields []CustomFieldValue
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// Link is one link of a component.
type Link struct {
	ID       string
	Type     string
	URL      string
	Name     string
	ObjectID string
}

// ExternalAlias ties a component to an id in another system; at most one component per site
// carries a given source and id.
type ExternalAlias struct {
	ExternalSource string
	ExternalID     string
	URL            string
}

// CustomFieldValue is a component's value for one custom field definition. Only the member that
// fits the definition's kind is set; nil means the field holds no value.
type CustomFieldValue struct {
	DefinitionID string
	Text         *string
	Number       *float64
	Boolean      *bool
	OptionIDs    []string
	UserID       *string
}

// CustomFieldDefinition is a site-wide custom field.
type CustomFieldDefinition struct {
	ID               string
	Kind             CustomFieldKind
	Name             string
	Description      string
	ComponentTypeIDs []string
	Options          []SelectOption
}

// SelectOption is one option of a select custom field.
type SelectOption struct {
	ID    string
	Value string
}

// Relationship is a directed relationship between two components.
type Relationship struct {
	StartNodeID string
	EndNodeID   string
	Type        string
	CreatedAt   time.Time
}

// Team is a seeded team that components can name as owner.
type Team struct {
	ID     string
	Name   string
	Labels []string
}

// State is a deep copy of everything the simulator holds, sorted so that two states compare
// with reflect.DeepEqual: components by name then id, relationships by ends, teams and
// definitions by name.
type State struct {
	Components             []Component
	Relationships          []Relationship
	Teams                  []Team
	CustomFieldDefinitions []CustomFieldDefinition
}

// Component returns the component with the given name, and false when there is none.
func (s State) Component(name string) (Component, bool) {
	for _, c := range s.Components {
		if c.Name == name {
			return c, true
		}
	}
	return Component{}, false
}

// sortedCopy returns a deep copy of c with labels, links, aliases and custom fields sorted.
func (c *Component) sortedCopy() Component {
	out := c.deepCopy()
	slices.Sort(out.Labels)
	slices.SortFunc(out.Links, func(a, b Link) int {
		return cmp.Or(cmp.Compare(a.Type, b.Type), cmp.Compare(a.URL, b.URL), cmp.Compare(a.ID, b.ID))
	})
	slices.SortFunc(out.ExternalAliases, func(a, b ExternalAlias) int {
		return cmp.Or(cmp.Compare(a.ExternalSource, b.ExternalSource), cmp.Compare(a.ExternalID, b.ExternalID))
	})
	slices.SortFunc(out.CustomFields, func(a, b CustomFieldValue) int {
		return cmp.Compare(a.DefinitionID, b.DefinitionID)
	})

	// Empty and missing compare equal in a dump.
	out.Labels = nilIfEmpty(out.Labels)
	out.Links = nilIfEmpty(out.Links)
	out.ExternalAliases = nilIfEmpty(out.ExternalAliases)
	out.CustomFields = nilIfEmpty(out.CustomFields)
	if len(out.Fields) == 0 {
		out.Fields = nil
	}
	return out
}

func nilIfEmpty[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	return s
}

// deepCopy returns a copy of c that shares no memory with it, in the same order.
func (c *Component) deepCopy() Component {
	out := *c
	out.Labels = slices.Clone(c.Labels)
	out.Links = slices.Clone(c.Links)
	out.ExternalAliases = slices.Clone(c.ExternalAliases)

	out.Fields = nil
	if len(c.Fields) > 0 {
		out.Fields = make(map[string][]string, len(c.Fields))
		for k, v := range c.Fields {
			out.Fields[k] = slices.Clone(v)
		}
	}

	out.CustomFields = nil
	for _, v := range c.CustomFields {
		out.CustomFields = append(out.CustomFields, v.clone())
	}
	return out
}

func (v CustomFieldValue) clone() CustomFieldValue {
	out := CustomFieldValue{DefinitionID: v.DefinitionID, OptionIDs: slices.Clone(v.OptionIDs)}
	out.Text = clonePtr(v.Text)
	out.Number = clonePtr(v.Number)
	out.Boolean = clonePtr(v.Boolean)
	out.UserID = clonePtr(v.UserID)
	return out
}

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

func (d CustomFieldDefinition) clone() CustomFieldDefinition {
	d.ComponentTypeIDs = slices.Clone(d.ComponentTypeIDs)
	d.Options = slices.Clone(d.Options)
	return d
}

func (t Team) clone() Team {
	t.Labels = nilIfEmpty(slices.Clone(t.Labels))
	return t
}
