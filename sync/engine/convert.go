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
	return t.remember(query, res)
}

// teamSearcher is a Target that runs many team searches in one request.
type teamSearcher interface {
	SearchTeamsEach(ctx context.Context, terms []string) ([][]compass.Team, error)
}

var _ teamSearcher = (*compass.Client)(nil)

// prefetch searches the terms the cache does not know yet, many per request, so that the
// mapping finds them answered instead of sending one search each.
func (t *teamCache) prefetch(terms []string) {
	ts, ok := t.target.(teamSearcher)
	if !ok {
		return
	}
	var missing []string
	seen := map[string]bool{}
	for _, term := range terms {
		key := strings.ToLower(strings.TrimSpace(term))
		if _, known := t.found[key]; !known && key != "" && !seen[key] {
			seen[key] = true
			missing = append(missing, strings.TrimSpace(term))
		}
	}

	for start := 0; start < len(missing); start += compass.MaxTeamSearchesPerRequest {
		chunk := missing[start:min(start+compass.MaxTeamSearchesPerRequest, len(missing))]
		var found [][]compass.Team
		err := t.pacer.Do(t.ctx, func() error {
			var err error
			found, err = ts.SearchTeamsEach(t.ctx, chunk)
			return err
		})
		if err != nil {
			// The mapping searches what is missing one term at a time and reports the failure.
			return
		}
		t.mu.Lock()
		for i, term := range chunk {
			t.remember(term, found[i])
		}
		t.mu.Unlock()
	}
}

// remember files the answer to one search; t.mu is held.
func (t *teamCache) remember(query string, res []compass.Team) []mapping.Team {
	var teams []mapping.Team
	if len(res) == 1 {
		teams = []mapping.Team{{ID: res[0].ID, Name: query}}
	}
	t.found[strings.ToLower(strings.TrimSpace(query))] = teams
	t.dirty = true

	return teams
}

// ownerTerms returns the names and titles of the groups that own the documents: the terms the
// mapping searches Compass teams for.
func ownerTerms(docs []map[string]any, groups mapping.GroupMap) []string {
	var terms []string
	for _, doc := range docs {
		ref := groupRef(docString(doc, "spec", "owner"), docString(doc, "metadata", "namespace"))
		g, ok := groups[ref]
		if !ok {
			continue
		}
		terms = append(terms, ref[strings.LastIndexByte(ref, '/')+1:])
		if g.Title != "" {
			terms = append(terms, g.Title)
		}
	}

	return terms
}

// groupRef completes an owner reference to a lower-cased group ref, taking the group kind and
// the entity's namespace when they are left out.
func groupRef(owner, namespace string) string {
	owner = strings.ToLower(strings.TrimSpace(owner))
	if owner == "" {
		return ""
	}
	if !strings.Contains(owner, ":") {
		owner = "group:" + owner
	}
	if !strings.Contains(owner, "/") {
		if namespace == "" {
			namespace = "default"
		}
		kind, name, _ := strings.Cut(owner, ":")
		owner = kind + ":" + strings.ToLower(namespace) + "/" + name
	}

	return owner
}
