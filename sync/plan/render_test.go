package plan

import (
	"fmt"
	"sort"
	"strings"
)

// render writes a plan as stable, readable text for golden files.
func render(in Input, p Plan) string {
	var w strings.Builder
	listing := "complete"
	if !in.ListingComplete {
		listing = "incomplete"
	}
	fmt.Fprintf(&w, "listing: %s, %d refs listed\n", listing, len(in.Listed))

	w.WriteString("actions:\n")
	for _, a := range p.Actions {
		renderAction(&w, a)
	}

	renderRelationships(&w, "add relationships", p.AddRelationships)
	renderRelationships(&w, "remove relationships", p.RemoveRelationships)
	if len(p.Dangling) > 0 {
		w.WriteString("dangling dependencies:\n")
		for _, r := range p.Dangling {
			fmt.Fprintf(&w, "  %s -> %s\n", r.From, r.To)
		}
	}

	w.WriteString("missing counts:\n")
	refs := make([]string, 0, len(p.MissingCounts))
	for ref := range p.MissingCounts {
		refs = append(refs, ref)
	}
	sort.Strings(refs)
	for _, ref := range refs {
		fmt.Fprintf(&w, "  %s: %d\n", ref, p.MissingCounts[ref])
	}

	renderConfirmation(&w, p)
	c := p.Counts()
	fmt.Fprintf(&w, "counts: create=%d update=%d adopt=%d rename=%d deprecate=%d delete=%d"+
		" unchanged=%d skip=%d conflict=%d\n",
		c.Create, c.Update, c.Adopt, c.Rename, c.Deprecate, c.Delete, c.Unchanged, c.Skip, c.Conflict)

	return w.String()
}

func renderAction(w *strings.Builder, a Action) {
	fmt.Fprintf(w, "  %s %s", a.Kind, a.Ref)
	if a.ComponentID != "" {
		fmt.Fprintf(w, " [%s]", a.ComponentID)
	}
	w.WriteString("\n")

	line := func(label, value string) {
		if value != "" {
			fmt.Fprintf(w, "    %s: %s\n", label, value)
		}
	}
	line("from ref", a.FromRef)
	line("rule", a.Rule)
	line("reason", a.Reason)
	for _, c := range a.Changes {
		fmt.Fprintf(w, "    change %s: %q -> %q\n", c.Field, c.From, c.To)
	}
	line("drift", strings.Join(a.Drift, ", "))
	line("set", strings.Join(a.Set, ", "))
	line("labels", edits(a.LabelsAdd, a.LabelsRemove))
	line("links", linkEdits(a))
	line("alias", edits(nonEmpty(a.AliasAdd), nonEmpty(a.AliasRemove)))
	line("applied", appliedFields(a.Applied))
}

func renderRelationships(w *strings.Builder, title string, rs []Relationship) {
	if len(rs) == 0 {
		return
	}

	fmt.Fprintf(w, "%s:\n", title)
	for _, r := range rs {
		fmt.Fprintf(w, "  %s -> %s [%s -> %s]\n", r.From, r.To, orNew(r.FromID), orNew(r.ToID))
	}
}

func renderConfirmation(w *strings.Builder, p Plan) {
	if !p.NeedsConfirmation {
		w.WriteString("confirmation: not needed\n")
		return
	}

	c := p.Confirmation
	fmt.Fprintf(w, "confirmation: needed (%d deprecations, %d deletions, %d managed)\n",
		c.Deprecations, c.Deletions, c.Managed)
	fmt.Fprintf(w, "  reason: %s\n", c.Reason)
	for _, a := range c.Withheld {
		fmt.Fprintf(w, "  withheld %s %s\n", a.Kind, a.Ref)
	}
}

func edits(add, remove []string) string {
	var parts []string
	for _, v := range add {
		parts = append(parts, "+"+v)
	}
	for _, v := range remove {
		parts = append(parts, "-"+v)
	}

	return strings.Join(parts, " ")
}

func linkEdits(a Action) string {
	var parts []string
	for _, l := range a.LinksAdd {
		parts = append(parts, fmt.Sprintf("+%s %s %q", l.Type, l.URL, l.Name))
	}
	for _, l := range a.LinksUpdate {
		parts = append(parts, fmt.Sprintf("~%s name %q", l.ID, l.Name))
	}
	for _, l := range a.LinksRemove {
		parts = append(parts, fmt.Sprintf("-%s", l.ID))
	}

	return strings.Join(parts, "; ")
}

func appliedFields(h Hashes) string {
	fields := make([]string, 0, len(h))
	for _, fh := range h {
		fields = append(fields, fh.Field)
	}
	sort.Strings(fields)

	return strings.Join(fields, ", ")
}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}

	return []string{s}
}

func orNew(id string) string {
	if id == "" {
		return "new"
	}

	return id
}
