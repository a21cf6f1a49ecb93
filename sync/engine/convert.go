package engine

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"time"

	"github.com/backstage-sync/backstage-sync/sync/compass"
	"github.com/backstage-sync/backstage-sync/sync/mapping"
	"github.com/backstage-sync/backstage-sync/sync/plan"
)

// orphanAnnotation is set by Backstage on entities whose location no longer provides them.
const orphanAnnotation = "backstage.io/orphan"

// docRef returns the lower-cased ref kind:namespace/name of an entity document.
func docRef(doc map[string]any) string {
	kind, _ := doc["kind"].(string)
	name := docString(doc, "metadata", "name")
	if kind == "" || name == "" {
		return ""
	}
	ns := docString(doc, "metadata", "namespace")
	if ns == "" {
		ns = "default"
	}
	return strings.ToLower(kind + ":" + ns + "/" + name)
}

func docString(doc map[string]any, outer, key string) string {
	m, _ := doc[outer].(map[string]any)
	s, _ := m[key].(string)
	return s
}

func isOrphan(doc map[string]any) bool {
	meta, _ := doc["metadata"].(map[string]any)
	ann, _ := meta["annotations"].(map[string]any)
	v, _ := ann[orphanAnnotation].(string)
	return v == "true"
}

// refKind returns the kind part of a lower-cased ref.
func refKind(ref string) string {
	kind, _, _ := strings.Cut(ref, ":")
	return kind
}

// toCurrent converts a component read from Compass into the plan's view of it.
func toCurrent(c *compass.Component) plan.Current {
	cur := plan.Current{
		ID:          c.ID,
		Name:        c.Name,
		Description: c.Description,
		TypeID:      c.TypeID,
		OwnerID:     c.OwnerID,
		Labels:      c.Labels,
		Lifecycle:   c.Lifecycle,
		Tier:        c.Tier,
		DependsOn:   c.DependsOn,
	}
	for _, l := range c.Links {
		cur.Links = append(cur.Links, plan.Link{ID: l.ID, Type: l.Type, URL: l.URL, Name: l.Name})
	}
	for _, a := range c.ExternalAliases {
		cur.Aliases = append(cur.Aliases, plan.Alias{Source: a.Source, ID: a.ID})
	}
	for _, f := range c.CustomFields {
		cur.CustomFields = append(cur.CustomFields, fromCompassField(f))
	}

	return cur
}

func fromCompassField(f compass.CustomFieldValue) mapping.CustomFieldValue {
	v := mapping.CustomFieldValue{
		Definition: f.DefinitionName,
		Kind:       mapping.CustomFieldKind(f.Kind),
		Text:       f.Text,
		Number:     f.Number,
		Boolean:    f.Boolean,
	}
	if f.Kind == compass.CustomSingleSelect && f.OptionValue != "" {
		opt := f.OptionValue
		v.Option = &opt
	}
	return v
}

// toCompassLinks converts desired links for a create.
func toCompassLinks(links []mapping.Link) []compass.Link {
	out := make([]compass.Link, 0, len(links))
	for _, l := range links {
		out = append(out, compass.Link{Type: l.Type, URL: l.URL, Name: l.Name})
	}
	return out
}

// teamCache answers the mapping's team lookups through Compass team search, once per term, and
// remembers the answers between runs for a while so that a quiet run costs no team search.
// Compass's search answers team ids only, so a term resolves when exactly one team matches it.
type teamCache struct {
	ctx    context.Context
	target Target
	pacer  *Pacer

	mu    sync.Mutex
	found map[string][]mapping.Team
	dirty bool
	err   error
}

// teamMemory is how the cache is kept in the store between runs.
type teamMemory struct {
	Until time.Time                 `json:"until"`
	Found map[string][]mapping.Team `json:"found"`
}

// teamTTL is how long team search answers are trusted.
const teamTTL = time.Hour

func newTeamCache(ctx context.Context, target Target, pacer *Pacer, st Store, now time.Time) *teamCache {
	t := &teamCache{ctx: ctx, target: target, pacer: pacer, found: map[string][]mapping.Team{}}
	b, err := st.GetMeta(metaTeams)
	if err != nil || len(b) == 0 {
		return t
	}
	var m teamMemory
	if json.Unmarshal(b, &m) == nil && now.Before(m.Until) && m.Found != nil {
		t.found = m.Found
	}
	return t
}

// save keeps new answers for the next runs.
func (t *teamCache) save(st Store, now time.Time) error {
	if !t.dirty {
		return nil
	}
	b, err := json.Marshal(teamMemory{Until: now.Add(teamTTL), Found: t.found})
	if err != nil {
		return err
	}
	return st.PutMeta(metaTeams, b)
}

// SearchTeams implements mapping.TeamDirectory.
func (t *teamCache) SearchTeams(query string) []mapping.Team {
	key := strings.ToLower(strings.TrimSpace(query))
	t.mu.Lock()
	defer t.mu.Unlock()

	if teams, ok := t.found[key]; ok || t.err != nil {
		return teams
	}
	var res []compass.Team
	err := t.pacer.Do(t.ctx, func() error {
		var err error
		res, err = t.target.SearchTeams(t.ctx, query)
		return err
	})
	if err != nil {
		t.err = err
		return nil
	}
	var teams []mapping.Team
	if len(res) == 1 {
		teams = []mapping.Team{{ID: res[0].ID, Name: query}}
	}
	t.found[key] = teams
	t.dirty = true

	return teams
}
