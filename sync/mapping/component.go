// Package mapping turns Backstage entities into the Compass components they should become.
//
// It is pure: no I/O, no logging. Everything it decides is returned, including the rule that
// skipped an entity and every value it had to fix to fit Compass's limits.
//
// The mapping is data: Rules, which the settings store and the mapping editor change. Compile
// checks Rules once, naming every problem by its settings key, and gives a Mapper. Map then
// takes one entity document, the catalog's JSON decoded into a map, and returns either the
// desired Component or the Skip that says which rule left the entity out. Preview does the
// same and also shows how each field rule reached its value.
//
// Map works in this order: filters (include, then exclude), the field rules (name,
// description, lifecycle, tier, custom fields), the type table, the owner, links, labels,
// dependencies and the stable key. Values that break Compass's limits are fixed and a Warning
// says what changed; nothing is fixed silently.
package mapping

// Field names used in diffs, field status and source-of-truth tables. Custom fields are named
// CustomFieldPrefix + the custom field definition name.
const (
	FieldName         = "name"
	FieldDescription  = "description"
	FieldType         = "typeId"
	FieldOwner        = "ownerId"
	FieldLabels       = "labels"
	FieldLinks        = "links"
	FieldLifecycle    = "lifecycle"
	FieldTier         = "tier"
	CustomFieldPrefix = "custom:"
)

// Truth says which system owns a field.
type Truth string

const (
	// TruthBackstage overwrites Compass-side edits and reports them as drift.
	TruthBackstage Truth = "backstage"
	// TruthCompass sets the field when the component is created and never again.
	TruthCompass Truth = "compass"
)

// Component is the desired state of one Compass component, derived from one entity.
type Component struct {
	// Ref is the lower-cased entity ref kind:namespace/name; it is the external alias id.
	Ref         string
	Name        string
	Description string
	TypeID      string
	// OwnerID is a team ARI, or empty when the owner could not be resolved.
	OwnerID string
	// Labels are lower case, unique and sorted, at most 10.
	Labels []string
	Links  []Link
	// Lifecycle is empty, "Pre-release", "Active" or "Deprecated".
	Lifecycle string
	// Tier is empty or "1" to "4".
	Tier         string
	CustomFields []CustomFieldValue
	// DependsOn holds the lower-cased refs this entity depends on, sorted.
	DependsOn []string
	// StableKey is the value of the configured rename annotation, or empty.
	StableKey string
	// Truth maps field names to their source of truth; a field not listed is owned by Backstage.
	Truth    map[string]Truth
	Warnings []Warning
}

// Link is one Compass component link.
type Link struct {
	Type string
	URL  string
	Name string
}

// CustomFieldKind is the kind of a Compass custom field definition.
type CustomFieldKind string

// Custom field kinds, named as in the settings.
const (
	CustomText         CustomFieldKind = "text"
	CustomNumber       CustomFieldKind = "number"
	CustomBoolean      CustomFieldKind = "boolean"
	CustomSingleSelect CustomFieldKind = "single_select"
)

// CustomFieldValue is the value of one custom field, named by its definition name. Exactly one
// of the value fields is set, matching Kind.
type CustomFieldValue struct {
	Definition string
	Kind       CustomFieldKind
	Text       *string
	Number     *float64
	Boolean    *bool
	// Option is the chosen option's name for a single select.
	Option *string
}

// Warning records a value that was changed to fit Compass's limits, or a mapping that could not
// be resolved (for example an owner with no matching team).
type Warning struct {
	Field   string
	Message string
}

// Skip records why an entity is not synced: the rule that matched and a sentence for people.
type Skip struct {
	Ref    string
	Rule   string
	Reason string
}
