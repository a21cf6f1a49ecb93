package mapping

import "strings"

// Env supplies what the mapping needs to know beyond the entity itself. Either lookup may be
// nil, in which case owners resolve only through the explicit team table.
type Env struct {
	Teams  TeamDirectory
	Groups Groups
}

// Team is a Compass team.
type Team struct {
	// ID is the team ARI.
	ID   string `json:"id"`
	Name string `json:"name"`
}

// TeamDirectory finds Compass teams by name. It may return loose matches; the mapper keeps
// only teams whose name equals the query without regard to case.
type TeamDirectory interface {
	SearchTeams(query string) []Team
}

// Group is a Backstage group as far as owner resolution needs it.
type Group struct {
	// Ref is the lower-cased full ref group:namespace/name.
	Ref   string `json:"ref"`
	Title string `json:"title,omitempty"`
}

// Groups looks up a group by its lower-cased full ref.
type Groups interface {
	Group(ref string) (Group, bool)
}

// TeamList is a TeamDirectory over a fixed list of teams.
type TeamList []Team

var _ TeamDirectory = TeamList(nil)

// SearchTeams returns the teams whose name equals query without regard to case.
func (l TeamList) SearchTeams(query string) []Team {
	var out []Team
	for _, t := range l {
		if strings.EqualFold(t.Name, query) {
			out = append(out, t)
		}
	}

	return out
}

// GroupMap is a Groups over a map keyed by lower-cased full ref.
type GroupMap map[string]Group

var _ Groups = GroupMap(nil)

// Group returns the group with the given ref.
func (m GroupMap) Group(ref string) (Group, bool) {
	g, ok := m[ref]

	return g, ok
}
