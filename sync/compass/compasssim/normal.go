package compasssim

import (
	"fmt"
	"reflect"
	"slices"
)

// Normal is a component as tests compare it across sites: ids replaced by the alias of the
// external source, lists sorted.
type Normal struct {
	Name, Description, TypeID, OwnerID string
	Labels, Links, DependsOn           []string
	Fields                             string
}

// Normalize keys the components of s by their alias of source. It also returns what breaks the
// rule of one alias per component and one component per alias: a component with two aliases or
// none, and an alias on two components.
func (s State) Normalize(source string) (map[string]Normal, []string) {
	var problems []string
	alias := map[string]string{}
	for _, c := range s.Components {
		for _, a := range c.ExternalAliases {
			if a.ExternalSource != source {
				continue
			}
			if prev, dup := alias[c.ID]; dup {
				problems = append(problems, fmt.Sprintf("component %s carries two aliases: %s and %s", c.Name, prev, a.ExternalID))
			}
			alias[c.ID] = a.ExternalID
		}
		if alias[c.ID] == "" {
			problems = append(problems, fmt.Sprintf("component %q (%s) has no %s alias", c.Name, c.ID, source))
		}
	}

	out := map[string]Normal{}
	for _, c := range s.Components {
		key := alias[c.ID]
		if _, dup := out[key]; dup && key != "" {
			problems = append(problems, "alias "+key+" is on two components")
		}
		n := Normal{
			Name: c.Name, Description: c.Description, TypeID: c.TypeID, OwnerID: c.OwnerID,
			Labels: slices.Sorted(slices.Values(c.Labels)), Fields: fmt.Sprint(c.Fields),
		}
		for _, l := range c.Links {
			n.Links = append(n.Links, l.Type+" "+l.URL+" "+l.Name)
		}
		slices.Sort(n.Links)
		out[key] = n
	}
	for _, r := range s.Relationships {
		from := alias[r.StartNodeID]
		n := out[from]
		n.DependsOn = append(n.DependsOn, r.Type+" "+alias[r.EndNodeID])
		slices.Sort(n.DependsOn)
		out[from] = n
	}

	return out, problems
}

// DiffNormal lists how got differs from want, sorted: missing, unexpected and differing
// components.
func DiffNormal(got, want map[string]Normal) []string {
	var diffs []string
	for key, w := range want {
		g, ok := got[key]
		switch {
		case !ok:
			diffs = append(diffs, "missing "+key)
		case !reflect.DeepEqual(g, w):
			diffs = append(diffs, fmt.Sprintf("%s differs:\n  got  %+v\n  want %+v", key, g, w))
		}
	}
	for key := range got {
		if _, ok := want[key]; !ok {
			diffs = append(diffs, "unexpected "+key)
		}
	}
	slices.Sort(diffs)

	return diffs
}
