package plan

import "github.com/backstage-sync/backstage-sync/sync/mapping"

// Kind names what an action does to one component. It is not the entity kind, which Known
// carries for the deletion mode.
type Kind string

const (
	// KindCreate creates a component and attaches the alias.
	KindCreate Kind = "create"
	// KindUpdate writes the changed fields of a linked component.
	KindUpdate Kind = "update"
	// KindAdopt attaches the alias to a same-named component and writes its fields.
	KindAdopt Kind = "adopt"
	// KindRename moves the alias of a vanished ref to its new ref and writes the fields.
	KindRename Kind = "rename"
	// KindDeprecate sets the lifecycle to Deprecated and adds the deprecate label.
	KindDeprecate Kind = "deprecate"
	// KindDelete deletes a managed component.
	KindDelete Kind = "delete"
	// KindUnchanged writes nothing; Reason says why, for example a count towards deletion.
	KindUnchanged Kind = "unchanged"
	// KindSkip records an entity that a mapping rule left out.
	KindSkip Kind = "skip"
	// KindConflict writes nothing and needs a person; Reason says what to decide.
	KindConflict Kind = "conflict"
)

// Linking reports whether an action of this kind leaves its entity synced to a component.
func (k Kind) Linking() bool {
	switch k {
	case KindCreate, KindAdopt, KindRename, KindUpdate, KindUnchanged:
		return true
	}

	return false
}

// Plan is the outcome of Compute: what to do, in a stable order.
type Plan struct {
	// Actions is sorted by ref, then by kind.
	Actions []Action
	// AddRelationships and RemoveRelationships are DEPENDS_ON relationships between synced
	// components, sorted by From then To.
	AddRelationships    []Relationship
	RemoveRelationships []Relationship
	// Dangling holds dependencies whose target is not a synced component; they are not created.
	Dangling []Relationship
	// MissingCounts holds the missing count to store for every managed ref. A ref renamed away
	// is absent: its link moves to the new ref.
	MissingCounts map[string]int
	// NeedsConfirmation is true when the run would go past the deletion thresholds; the plan
	// then holds no deprecate or delete action and Confirmation says why.
	NeedsConfirmation bool
	Confirmation      Confirmation
}

// Confirmation describes deprecations and deletions held back until someone confirms them.
type Confirmation struct {
	Reason       string
	Deprecations int
	Deletions    int
	// Managed is the number of managed components the percentage was taken of.
	Managed int
	// Withheld holds the deprecate and delete actions that were taken out of the plan.
	Withheld []Action
}

// Action is what happens to one component. Once it succeeds the engine stores the link of Ref
// to ComponentID with Component.StableKey (for a create, adopt, rename, update or unchanged),
// merges Applied into the recorded hashes, marks the link deprecated after a deprecation and
// undeprecated after any other linking action, and drops the link after a delete.
type Action struct {
	Kind Kind
	Ref  string
	// ComponentID is empty for a create and for conflicts and skips with no linked component.
	ComponentID string
	// FromRef is the ref a rename moves the alias away from.
	FromRef string
	Reason  string
	// Rule is the mapping rule that skipped the entity.
	Rule    string
	Changes []Change
	// Drift names the fields edited in Compass since the last apply that will be overwritten.
	Drift []string

	// Component holds the values to write. For a deprecation it holds only Ref and Lifecycle.
	Component mapping.Component
	// Set names the single-valued fields (name, description, type, owner, lifecycle, tier and
	// custom fields) to write from Component, in a fixed order. A type change is the entry
	// mapping.FieldType; Compass takes it through its own mutation.
	Set []string
	// LabelsAdd, LabelsRemove, LinksAdd, LinksUpdate and LinksRemove are the edits to labels and
	// links. Apply removals first: Compass allows 10 labels and 10 links of each type.
	LabelsAdd    []string
	LabelsRemove []string
	LinksAdd     []mapping.Link
	// LinksUpdate holds existing links whose name changes, with the new name.
	LinksUpdate []Link
	LinksRemove []Link
	// AliasAdd and AliasRemove are external alias ids to attach and detach.
	AliasAdd    string
	AliasRemove string
	// Applied holds the hashes of the values written, to store as Known.Applied once the action
	// succeeds.
	Applied Hashes
}

// Change is one field-level difference, rendered as short stable strings for people.
type Change struct {
	Field string
	From  string
	To    string
}

// Relationship is a DEPENDS_ON relationship between two entity refs. The component ids are
// empty for components this run creates.
type Relationship struct {
	From   string
	To     string
	FromID string
	ToID   string
}

// Counts holds the number of actions of each kind.
type Counts struct {
	Create    int
	Update    int
	Adopt     int
	Rename    int
	Deprecate int
	Delete    int
	Unchanged int
	Skip      int
	Conflict  int
}

// Counts returns the number of actions of each kind.
func (p Plan) Counts() Counts {
	var c Counts
	for _, a := range p.Actions {
		switch a.Kind {
		case KindCreate:
			c.Create++
		case KindUpdate:
			c.Update++
		case KindAdopt:
			c.Adopt++
		case KindRename:
			c.Rename++
		case KindDeprecate:
			c.Deprecate++
		case KindDelete:
			c.Delete++
		case KindUnchanged:
			c.Unchanged++
		case KindSkip:
			c.Skip++
		case KindConflict:
			c.Conflict++
		}
	}

	return c
}

// kindOrder breaks ties between actions on the same ref.
var kindOrder = map[Kind]int{
	KindRename: 0, KindAdopt: 1, KindCreate: 2, KindUpdate: 3, KindUnchanged: 4,
	KindDeprecate: 5, KindDelete: 6, KindSkip: 7, KindConflict: 8,
}
