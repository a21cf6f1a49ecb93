package engine

import (
	"time"

	"github.com/backstage-sync/backstage-sync/sync/plan"
)

// Record is what the engine remembers about one entity between runs.
type Record struct {
	// Ref is the lower-cased entity ref.
	Ref string
	// ComponentID is empty for an entity that was seen but has no component.
	ComponentID string
	Etag        string
	StableKey   string
	// Applied holds the hash of the value last applied to each field.
	Applied      plan.Hashes
	MissingCount int
	Deprecated   bool
	// Orphan is true when Backstage marked the entity as an orphan.
	Orphan bool
}

// FieldState is the sync state of one field of one component.
type FieldState string

// Field states.
const (
	FieldInSync  FieldState = "in_sync"
	FieldDrifted FieldState = "drifted"
	FieldFailed  FieldState = "failed"
	FieldSkipped FieldState = "skipped"
)

// Status is the outcome of the last run for one component.
type Status struct {
	Ref         string
	ComponentID string
	RunID       string
	Time        time.Time
	Action      string
	Fields      map[string]FieldState
	Error       string
}

// Intent is a mutation about to be sent, written down first so that a crash can be repaired.
type Intent struct {
	ID        string
	Ref       string
	Operation string
	// Name is the component name a create used, for the lookup after a crash.
	Name string
}

// Store keeps what the engine needs between runs.
type Store interface {
	// Records returns every record, keyed by ref.
	Records() (map[string]Record, error)
	// SaveRecords writes puts and removes the records of deletes in one transaction.
	SaveRecords(puts []Record, deletes []string) error
	// ForgetEtags clears the etag of the records of refs, leaving the rest of each record as it
	// is, so that the next incremental run fetches the entities again.
	ForgetEtags(refs []string) error
	SaveStatuses(statuses []Status) error
	SaveRun(r *Result) error
	// Audit appends one entry to the audit log.
	Audit(actor, action, target string, details map[string]string) error
	GetMeta(key string) ([]byte, error)
	PutMeta(key string, value []byte) error
	PutIntents(intents []Intent) error
	DeleteIntents(ids []string) error
	PendingIntents() ([]Intent, error)
}
