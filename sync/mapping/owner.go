package mapping

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// owner is compiled OwnerRules.
type owner struct {
	path        Path
	teams       map[string]string
	matchByName bool
}

func compileOwner(r OwnerRules, key string, c *checker) owner {
	o := owner{matchByName: r.MatchByName, teams: make(map[string]string, len(r.Teams))}
	o.path = compilePath(r.Path, key+".path", c)

	for _, refText := range slices.Sorted(maps.Keys(r.Teams)) {
		ari := r.Teams[refText]
		k := fmt.Sprintf("%s.teams[%q]", key, refText)
		ref, ok := ParseRef(refText, "group", "default")
		if !ok {
			c.add(k, "%q is not an entity ref", refText)
			continue
		}
		if !strings.HasPrefix(ari, "ari:cloud:") {
			c.add(k, "%q is not a team ARI (ari:cloud:identity::team/<id>)", ari)
		}
		o.teams[ref.String()] = ari
	}
	checkTruth(r.Truth, key+".truth", c)

	return o
}

// resolve returns the team ARI for the entity's owner, or a warning saying why there is none.
// Without a path owners are not mapped and there is no warning.
func (o *owner) resolve(e *entity, env Env) (string, *Warning) {
	if o.path.IsZero() {
		return "", nil
	}

	raw, _ := o.path.Lookup(e.doc)
	text := str(raw)
	if strings.TrimSpace(text) == "" {
		return "", &Warning{Field: FieldOwner, Message: "the entity names no owner"}
	}

	ref, ok := ParseRef(text, "group", e.namespace)
	if !ok {
		return "", &Warning{Field: FieldOwner, Message: fmt.Sprintf("owner %q is not an entity ref", text)}
	}
	if ari, ok := o.teams[ref.String()]; ok {
		return ari, nil
	}
	if ref.Kind != "group" {
		return "", &Warning{Field: FieldOwner, Message: fmt.Sprintf(
			"owner %s is not a group and is not in the team table", ref)}
	}

	return o.byName(ref, env)
}

// byName matches the group's name, then its title, against the team directory.
func (o *owner) byName(ref EntityRef, env Env) (string, *Warning) {
	if !o.matchByName || env.Teams == nil {
		return "", &Warning{Field: FieldOwner, Message: fmt.Sprintf(
			"owner %s is not in the team table", ref)}
	}

	names := []string{ref.Name}
	if env.Groups != nil {
		if g, ok := env.Groups.Group(ref.String()); ok && g.Title != "" {
			names = append(names, g.Title)
		}
	}

	for _, name := range names {
		teams := exactTeams(env.Teams.SearchTeams(name), name)
		switch {
		case len(teams) == 1:
			return teams[0].ID, nil
		case len(teams) > 1:
			return "", &Warning{Field: FieldOwner, Message: fmt.Sprintf(
				"owner %s matches %d teams named %q; add it to the team table", ref, len(teams), name)}
		}
	}

	return "", &Warning{Field: FieldOwner, Message: fmt.Sprintf(
		"no Compass team is named like owner %s", ref)}
}

func exactTeams(teams []Team, name string) []Team {
	var out []Team
	seen := map[string]bool{}
	for _, t := range teams {
		if strings.EqualFold(strings.TrimSpace(t.Name), strings.TrimSpace(name)) && !seen[t.ID] {
			seen[t.ID] = true
			out = append(out, t)
		}
	}

	return out
}
