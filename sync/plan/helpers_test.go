package plan

import (
	"slices"
	"strings"

	"github.com/backstage-sync/backstage-sync/sync/mapping"
)

const source = "backstage"

// service returns a fully mapped desired component for a Backstage Component entity.
func service(name string) mapping.Component {
	return mapping.Component{
		Ref:         "component:default/" + name,
		Name:        name,
		Description: "The " + name + " service",
		TypeID:      "SERVICE",
		OwnerID:     "ari:cloud:identity::team/platform",
		Labels:      []string{"backstage", "go"},
		Links: []mapping.Link{
			{Type: "REPOSITORY", URL: "https://github.com/acme/" + name, Name: "Source"},
		},
		Lifecycle: "Active",
		Tier:      "2",
		StableKey: "acme/" + name,
	}
}

// api returns a desired component for a Backstage API entity.
func api(name string) mapping.Component {
	c := service(name)
	c.Ref = "api:default/" + name
	c.TypeID = "OTHER"
	c.StableKey = ""

	return c
}

func idOf(c mapping.Component) string {
	return "c-" + c.Ref[strings.LastIndex(c.Ref, "/")+1:]
}

// currentOf returns the Compass component that applying c produced, with the app's alias.
func currentOf(c mapping.Component) Current {
	id := idOf(c)
	cur := Current{
		ID:           id,
		Name:         c.Name,
		Description:  c.Description,
		TypeID:       c.TypeID,
		OwnerID:      c.OwnerID,
		Labels:       append([]string(nil), c.Labels...),
		Lifecycle:    c.Lifecycle,
		Tier:         c.Tier,
		CustomFields: append([]mapping.CustomFieldValue(nil), c.CustomFields...),
		Aliases:      []Alias{{Source: source, ID: c.Ref}},
	}
	for i, l := range c.Links {
		cur.Links = append(cur.Links, Link{ID: id + "-l" + string(rune('0'+i)), Type: l.Type, URL: l.URL, Name: l.Name})
	}

	return cur
}

// knownOf returns the store's record of c after a successful apply.
func knownOf(c mapping.Component) Known {
	return Known{
		Ref:         c.Ref,
		ComponentID: idOf(c),
		Kind:        c.Ref[:strings.Index(c.Ref, ":")],
		StableKey:   c.StableKey,
		Applied:     appliedOf(c),
	}
}

// appliedOf returns the hashes a create of c stores.
func appliedOf(c mapping.Component) Hashes {
	var a Action
	d := differ{mode: modeCreate, desired: &c, action: &a}
	d.run()

	return a.Applied
}

// synced returns the store records and Compass components of components applied earlier.
func synced(cs ...mapping.Component) ([]Known, map[string]Current) {
	known := make([]Known, 0, len(cs))
	current := make(map[string]Current, len(cs))
	for _, c := range cs {
		known = append(known, knownOf(c))
		current[idOf(c)] = currentOf(c)
	}

	return known, current
}

func listed(cs ...mapping.Component) map[string]bool {
	m := make(map[string]bool, len(cs))
	for _, c := range cs {
		m[c.Ref] = true
	}

	return m
}

func text(s string) *string { return &s }

func number(f float64) *float64 { return &f }

// applyAction does what the engine does with one successful action: it writes the edits to
// the Compass component and merges the stored hashes. It returns the new store record and
// component; ok is false when the action removes the link.
func applyAction(k Known, cur Current, a Action) (Known, Current, bool) {
	switch a.Kind {
	case KindDelete:
		return Known{}, Current{}, false
	case KindCreate:
		cur = Current{ID: "c-new-" + a.Ref}
		k = Known{Ref: a.Ref, ComponentID: cur.ID, Kind: a.Ref[:strings.Index(a.Ref, ":")]}
	case KindAdopt, KindRename:
		k = Known{Ref: a.Ref, ComponentID: a.ComponentID, Kind: a.Ref[:strings.Index(a.Ref, ":")]}
	}

	for _, f := range a.Set {
		setField(&cur, a.Component, f)
	}
	cur.Labels = labelSet(append(minus(labelSet(cur.Labels), labelSet(a.LabelsRemove)), a.LabelsAdd...))
	cur.Links = applyLinks(cur, a)
	if a.AliasAdd != "" {
		cur.Aliases = append(cur.Aliases, Alias{Source: source, ID: a.AliasAdd})
	}

	if a.Kind != KindDeprecate && a.Component.Ref != "" {
		k.StableKey = a.Component.StableKey
	}
	k.Deprecated = a.Kind == KindDeprecate || (k.Deprecated && a.Kind == KindUnchanged)
	k.MissingCount = 0
	merged := slices.Clone(k.Applied)
	for _, fh := range a.Applied {
		merged.set(fh.Field, fh.Hash)
	}
	k.Applied = merged

	return k, cur, true
}

func setField(cur *Current, c mapping.Component, field string) {
	switch field {
	case mapping.FieldName:
		cur.Name = c.Name
	case mapping.FieldDescription:
		cur.Description = c.Description
	case mapping.FieldType:
		cur.TypeID = c.TypeID
	case mapping.FieldOwner:
		cur.OwnerID = c.OwnerID
	case mapping.FieldLifecycle:
		cur.Lifecycle = c.Lifecycle
	case mapping.FieldTier:
		cur.Tier = c.Tier
	default:
		def := strings.TrimPrefix(field, mapping.CustomFieldPrefix)
		var kept []mapping.CustomFieldValue
		for _, v := range cur.CustomFields {
			if v.Definition != def {
				kept = append(kept, v)
			}
		}
		for _, v := range c.CustomFields {
			if v.Definition == def {
				kept = append(kept, v)
			}
		}
		cur.CustomFields = kept
	}
}

func applyLinks(cur Current, a Action) []Link {
	removed := map[string]bool{}
	for _, l := range a.LinksRemove {
		removed[l.ID] = true
	}
	renamed := map[string]string{}
	for _, l := range a.LinksUpdate {
		renamed[l.ID] = l.Name
	}

	var out []Link
	for _, l := range cur.Links {
		if removed[l.ID] {
			continue
		}
		if name, ok := renamed[l.ID]; ok {
			l.Name = name
		}
		out = append(out, l)
	}
	for i, l := range a.LinksAdd {
		out = append(out, Link{ID: cur.ID + "-new" + string(rune('0'+i)), Type: l.Type, URL: l.URL, Name: l.Name})
	}

	return out
}
