package syncer

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/backstage-sync/backstage-sync/store"
	"github.com/backstage-sync/backstage-sync/sync/engine"
	"github.com/backstage-sync/backstage-sync/sync/plan"
)

// engineStore lets the engine keep its state in the bbolt store.
type engineStore struct {
	st  *store.Store
	now func() time.Time
}

var _ engine.Store = (*engineStore)(nil)

func (s *engineStore) Records() (map[string]engine.Record, error) {
	out := map[string]engine.Record{}
	err := s.st.ForEachLink(func(l store.Link) error {
		out[l.Ref] = engine.Record{
			Ref: l.Ref, ComponentID: l.ComponentID, Etag: l.Etag, StableKey: l.StableKey,
			Applied: plan.ParseHashes(l.FieldHashes), MissingCount: l.MissingCount, Deprecated: l.Deprecated, Orphan: l.Orphan,
		}
		return nil
	})

	return out, err
}

func (s *engineStore) SaveRecords(puts []engine.Record, deletes []string) error {
	now := s.now()
	links := make([]store.Link, 0, len(puts))
	for _, r := range puts {
		// The store keeps the first time it saw a ref.
		links = append(links, store.Link{
			Ref: r.Ref, ComponentID: r.ComponentID, FieldHashes: r.Applied.Strings(), Etag: r.Etag,
			MissingCount: r.MissingCount, StableKey: r.StableKey, Deprecated: r.Deprecated, Orphan: r.Orphan,
			LastSeen: now,
		})
	}

	return s.st.SaveLinks(links, deletes)
}

func (s *engineStore) ForgetEtags(refs []string) error {
	return s.st.ForgetEtags(refs)
}

func (s *engineStore) SaveStatuses(statuses []engine.Status) error {
	out := make([]store.ComponentStatus, 0, len(statuses))
	for _, st := range statuses {
		fields := make(map[string]store.FieldStatus, len(st.Fields))
		for f, state := range st.Fields {
			fields[f] = store.FieldStatus{State: store.FieldState(state)}
		}
		out = append(out, store.ComponentStatus{
			Ref: st.Ref, ComponentID: st.ComponentID, RunID: st.RunID, LastSync: st.Time,
			LastResult: resultOf(st.Action), Fields: fields, LastError: st.Error,
		})
	}

	return s.st.PutStatuses(out)
}

// resultOf turns an action name into the stored result.
func resultOf(action string) store.Result {
	switch action {
	case "create":
		return store.ResultCreated
	case "update":
		return store.ResultUpdated
	case "adopt":
		return store.ResultAdopted
	case "rename":
		return store.ResultRenamed
	case "deprecate":
		return store.ResultDeprecated
	case "delete":
		return store.ResultDeleted
	case "skip":
		return store.ResultSkipped
	case "failed", "conflict":
		return store.ResultFailed
	default:
		return store.ResultUnchanged
	}
}

func (s *engineStore) SaveRun(r *engine.Result) error {
	started, _ := time.Parse(time.RFC3339, r.StartedAt)
	c := r.Counts
	run := store.Run{
		ID: r.RunID, Trigger: r.Trigger, StartedAt: started,
		FinishedAt: started.Add(time.Duration(r.DurationMS) * time.Millisecond),
		Status:     runStatus(r.Status), DryRun: r.DryRun, Error: r.Error,
		Counts: map[string]int{
			"created": c.Created, "updated": c.Updated, "adopted": c.Adopted, "renamed": c.Renamed,
			"deprecated": c.Deprecated, "deleted": c.Deleted, "unchanged": c.Unchanged,
			"skipped": c.Skipped, "failed": c.Failed, "conflicts": c.Conflicts,
		},
		API: store.APIFigures{
			Requests: int(r.API.CompassRequests), Mutations: int(r.API.CompassMutations),
			Retries: int(r.API.Retries), RateLimited: int(r.API.RateLimited),
			Throttled: time.Duration(r.API.WaitedMS) * time.Millisecond,
		},
	}
	// The run history keeps what each run did. Entities found as they were, unfetched because
	// their etag did not change or fetched and found in sync, are only counted: on a large
	// catalog they are nearly every item of every run, and the history keeps up to
	// store.DefaultMaxRuns runs.
	for _, it := range r.Items {
		if asBefore(it) {
			continue
		}
		item := store.RunItem{Ref: it.Ref, Action: it.Action, ComponentID: it.ComponentID, Reason: it.Reason, Error: it.Error}
		for _, ch := range it.Changes {
			item.Changes = append(item.Changes, store.Change(ch))
		}
		run.Items = append(run.Items, item)
	}

	return s.st.SaveRun(run)
}

// asBefore reports whether an item says only that an entity is as it was.
func asBefore(it engine.Item) bool {
	plain := it.Error == "" && len(it.Changes) == 0 && len(it.Drift) == 0 && len(it.Warnings) == 0
	return plain && it.Action == string(plan.KindUnchanged) &&
		(it.Reason == engine.ReasonNotFetched || it.Reason == plan.ReasonInSync)
}

func runStatus(status string) store.RunStatus {
	switch status {
	case engine.StatusSucceeded:
		return store.RunSucceeded
	case engine.StatusPartial:
		return store.RunPartial
	case engine.StatusNeedsConfirmation:
		return store.RunAwaitingConfirmation
	default:
		return store.RunFailed
	}
}

func (s *engineStore) Audit(actor, action, target string, details map[string]string) error {
	_, err := s.st.Append(store.Entry{Time: s.now(), Actor: actor, Action: action, Target: target, Details: details})
	return err
}

func (s *engineStore) GetMeta(key string) ([]byte, error) {
	b, err := s.st.GetMeta(key)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	return b, err
}

func (s *engineStore) PutMeta(key string, value []byte) error {
	return s.st.PutMeta(key, value)
}

// intentPayload is what an engine intent keeps beyond the store's fields.
type intentPayload struct {
	Name string `json:"name"`
}

func (s *engineStore) PutIntents(intents []engine.Intent) error {
	out := make([]store.Intent, 0, len(intents))
	for _, in := range intents {
		payload, err := json.Marshal(intentPayload{Name: in.Name})
		if err != nil {
			return fmt.Errorf("encoding intent: %w", err)
		}
		out = append(out, store.Intent{ID: in.ID, Ref: in.Ref, Operation: in.Operation, Payload: payload, CreatedAt: s.now()})
	}

	return s.st.PutIntents(out)
}

func (s *engineStore) DeleteIntents(ids []string) error {
	return s.st.DeleteIntents(ids)
}

func (s *engineStore) PendingIntents() ([]engine.Intent, error) {
	pending, err := s.st.PendingIntents()
	if err != nil {
		return nil, err
	}
	out := make([]engine.Intent, 0, len(pending))
	for _, in := range pending {
		var p intentPayload
		_ = json.Unmarshal(in.Payload, &p)
		out = append(out, engine.Intent{ID: in.ID, Ref: in.Ref, Operation: in.Operation, Name: p.Name})
	}

	return out, nil
}
