package engine

import "github.com/backstage-sync/backstage-sync/sync/plan"

// Status values of a run.
const (
	StatusSucceeded         = "succeeded"
	StatusPartial           = "partial"
	StatusFailed            = "failed"
	StatusNeedsConfirmation = "needs_confirmation"
)

// Result is the outcome of one run, in the shape `sync --json` prints.
type Result struct {
	RunID      string   `json:"run_id"`
	Trigger    string   `json:"trigger,omitempty"`
	Status     string   `json:"status"`
	DryRun     bool     `json:"dry_run"`
	Full       bool     `json:"full"`
	Counts     Counts   `json:"counts"`
	Items      []Item   `json:"items"`
	API        API      `json:"api"`
	DurationMS int64    `json:"duration_ms"`
	StartedAt  string   `json:"started_at"`
	Error      string   `json:"error,omitempty"`
	Confirm    *Guard   `json:"confirmation,omitempty"`
	Warnings   []string `json:"warnings,omitempty"`
}

// Counts holds the number of items of each outcome.
type Counts struct {
	Created    int `json:"created"`
	Updated    int `json:"updated"`
	Adopted    int `json:"adopted"`
	Renamed    int `json:"renamed"`
	Deprecated int `json:"deprecated"`
	Deleted    int `json:"deleted"`
	Unchanged  int `json:"unchanged"`
	Skipped    int `json:"skipped"`
	Failed     int `json:"failed"`
	Conflicts  int `json:"conflicts"`
}

// Item is what the run did, or would do, to one entity.
type Item struct {
	Ref         string   `json:"ref"`
	Action      string   `json:"action"`
	ComponentID string   `json:"component_id,omitempty"`
	Changes     []Change `json:"changes,omitempty"`
	Drift       []string `json:"drift,omitempty"`
	Warnings    []string `json:"warnings,omitempty"`
	Reason      string   `json:"reason,omitempty"`
	Error       string   `json:"error,omitempty"`
}

// Change is one field-level difference.
type Change struct {
	Field string `json:"field"`
	From  string `json:"from"`
	To    string `json:"to"`
}

// API holds the traffic a run caused.
type API struct {
	CompassRequests   int64 `json:"compass_requests"`
	CompassMutations  int64 `json:"compass_mutations"`
	BackstageRequests int64 `json:"backstage_requests"`
	RateLimited       int64 `json:"rate_limited"`
	Retries           int64 `json:"retries"`
	WaitedMS          int64 `json:"waited_ms"`
}

// Guard describes deprecations and deletions held back until someone confirms them.
type Guard struct {
	Reason       string `json:"reason"`
	Deprecations int    `json:"deprecations"`
	Deletions    int    `json:"deletions"`
	Managed      int    `json:"managed"`
}

func (c *Counts) add(action string) {
	c.shift(action, 1)
}

// shift changes the count of an outcome by n.
func (c *Counts) shift(action string, n int) {
	var field *int
	switch plan.Kind(action) {
	case plan.KindCreate:
		field = &c.Created
	case plan.KindUpdate:
		field = &c.Updated
	case plan.KindAdopt:
		field = &c.Adopted
	case plan.KindRename:
		field = &c.Renamed
	case plan.KindDeprecate:
		field = &c.Deprecated
	case plan.KindDelete:
		field = &c.Deleted
	case plan.KindUnchanged:
		field = &c.Unchanged
	case plan.KindSkip:
		field = &c.Skipped
	case plan.KindConflict:
		field = &c.Conflicts
	case actionFailed:
		field = &c.Failed
	default:
		return
	}
	*field += n
}

const actionFailed = "failed"
