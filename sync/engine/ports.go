package engine

import (
	"context"

	"github.com/backstage-sync/backstage-sync/sync/compass"
	"github.com/backstage-sync/backstage-sync/sync/mapping"
)

// Stub is one entity of the fields-only listing: enough to tell whether it changed.
type Stub struct {
	// Ref is the lower-cased entity ref kind:namespace/name.
	Ref  string
	UID  string
	Etag string
}

// Source reads the Backstage catalog. It is read-only.
type Source interface {
	// ListStubs streams the fields-only listing of every entity the sync may consider.
	ListStubs(ctx context.Context, fn func([]Stub) error) error
	// FetchEntities returns the whole documents of refs in request order, nil for a miss.
	FetchEntities(ctx context.Context, refs []string) ([]map[string]any, error)
	// ListGroups returns every group, for owner resolution.
	ListGroups(ctx context.Context) (mapping.GroupMap, error)
	// Requests returns the number of requests sent so far.
	Requests() int64
}

// Target is the Compass site the sync writes to. *compass.Client satisfies it.
type Target interface {
	GetComponents(ctx context.Context, ids []string) ([]compass.Component, error)
	GetComponentByExternalAlias(ctx context.Context, source, id string) (*compass.Component, error)
	SearchComponents(ctx context.Context, opts compass.SearchOptions) (*compass.ComponentPage, error)
	SearchTeams(ctx context.Context, term string) ([]compass.Team, error)
	ListCustomFieldDefinitions(ctx context.Context) ([]compass.CustomFieldDefinition, error)
	SendBatch(ctx context.Context, b *compass.Batch) ([]compass.Result, error)
	Stats() compass.Stats
}

var _ Target = (*compass.Client)(nil)

// Phase names a step of a run, as shown to people.
type Phase string

// The phases of a run, in order.
const (
	PhaseList   Phase = "listing"
	PhaseFetch  Phase = "fetching"
	PhaseMap    Phase = "mapping"
	PhaseRead   Phase = "reading compass"
	PhasePlan   Phase = "planning"
	PhaseApply  Phase = "applying"
	PhaseRecord Phase = "recording"
	PhaseDone   Phase = "done"
)

// Step is one progress report.
type Step struct {
	RunID string `json:"run_id"`
	Phase Phase  `json:"phase"`
	Done  int    `json:"done"`
	// Total is zero when it is not known yet.
	Total   int    `json:"total"`
	Current string `json:"current,omitempty"`
}

// Progress receives progress reports during a run. Calls come from the run's goroutine and
// must return quickly.
type Progress interface {
	Report(Step)
}

// ProgressFunc adapts a function to Progress.
type ProgressFunc func(Step)

// Report calls f.
func (f ProgressFunc) Report(s Step) { f(s) }

type noProgress struct{}

func (noProgress) Report(Step) {}
