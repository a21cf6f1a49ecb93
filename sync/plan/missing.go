package plan

import (
	"fmt"
	"slices"
	"strings"

	"github.com/backstage-sync/backstage-sync/sync/mapping"
)

// planMissing counts managed refs that are not listed and deprecates or deletes those missing
// long enough, following the kind's mode.
func (b *builder) planMissing() {
	for _, ref := range sortedKeys(b.known) {
		k := b.known[ref]
		if b.listed(ref) {
			b.plan.MissingCounts[ref] = 0
			continue
		}

		if b.renamed[ref] {
			continue
		}

		count := k.MissingCount
		if b.in.ListingComplete {
			count++
		}
		b.plan.MissingCounts[ref] = count

		b.add(b.missingAction(k, count))
	}
}

// missingAction decides one managed component whose entity is not listed.
func (b *builder) missingAction(k *Known, count int) Action {
	p := b.in.Policy
	a := Action{Kind: KindUnchanged, Ref: k.Ref, ComponentID: k.ComponentID}
	cur, read := b.in.Current[k.ComponentID]

	switch {
	case b.held[k.Ref] != "":
		a.Reason = fmt.Sprintf("not listed; held while the rename to %s is in conflict", b.held[k.Ref])
	case !b.in.ListingComplete:
		a.Reason = fmt.Sprintf("not listed, but the listing was incomplete; missing count stays %d", count)
	case count < p.MissingRuns:
		a.Reason = fmt.Sprintf("missing from %d of %d complete listings in a row", count, p.MissingRuns)
	case read && !cur.hasAlias(p.Source, k.Ref):
		a.Kind = KindConflict
		a.Reason = fmt.Sprintf("missing, but component %s no longer carries the alias %s; left alone",
			k.ComponentID, b.aliasName(k.Ref))
	default:
		return b.retire(k, count, cur, read)
	}

	return a
}

// retire applies the kind's deletion mode to a component missing from enough listings.
func (b *builder) retire(k *Known, count int, cur Current, read bool) Action {
	p := b.in.Policy
	a := Action{Kind: KindUnchanged, Ref: k.Ref, ComponentID: k.ComponentID}
	missing := fmt.Sprintf("missing from %d complete listings in a row", count)

	switch p.Mode(k.Kind) {
	case ModeKeep:
		a.Reason = fmt.Sprintf("%s; kind %q is kept", missing, k.Kind)
	case ModeDelete:
		a.Kind = KindDelete
		a.Reason = fmt.Sprintf("%s; kind %q is deleted", missing, k.Kind)
	case ModeDeprecate:
		if k.Deprecated {
			a.Reason = fmt.Sprintf("%s; already deprecated", missing)
			break
		}
		a.Kind = KindDeprecate
		a.Reason = fmt.Sprintf("%s; kind %q is deprecated", missing, k.Kind)
		b.deprecation(&a, cur, read)
	}

	return a
}

// deprecation fills the edits that deprecate a component: lifecycle Deprecated and the label.
func (b *builder) deprecation(a *Action, cur Current, read bool) {
	label := b.in.Policy.DeprecateLabel
	a.Component = mapping.Component{Ref: a.Ref, Lifecycle: lifecycleDeprecated}
	a.Set = []string{mapping.FieldLifecycle}
	a.Applied = Hashes{{Field: mapping.FieldLifecycle, Hash: hash(lifecycleDeprecated)}}

	var from string
	if read {
		from = cur.Lifecycle
	}
	a.Changes = []Change{{Field: mapping.FieldLifecycle, From: short(from), To: lifecycleDeprecated}}

	if label == "" || (read && slices.Contains(cur.Labels, label)) {
		return
	}

	a.LabelsAdd = []string{label}
	if !read {
		a.Changes = append(a.Changes, Change{Field: mapping.FieldLabels, To: "+" + label})
		return
	}

	have := labelSet(cur.Labels)
	after := labelSet(append(slices.Clone(have), label))
	a.Applied.set(mapping.FieldLabels, hash(strings.Join(after, "\n")))
	a.Changes = append(a.Changes, Change{
		Field: mapping.FieldLabels, From: short(strings.Join(have, ", ")), To: short(strings.Join(after, ", ")),
	})
}

// guard holds back deprecations and deletions past the thresholds unless confirmed.
func (b *builder) guard() {
	p := b.in.Policy
	c := Confirmation{Managed: len(b.in.Known)}
	for _, s := range b.settled {
		if s.ComponentID != "" {
			c.Managed++
		}
	}
	for _, a := range b.plan.Actions {
		switch a.Kind {
		case KindDeprecate:
			c.Deprecations++
		case KindDelete:
			c.Deletions++
		}
	}

	if !p.Exceeds(c.Deprecations+c.Deletions, c.Managed) || p.Confirmed {
		return
	}

	c.Reason = fmt.Sprintf(
		"%d deprecations and %d deletions of %d managed components exceed the limit of %d components or %g %%",
		c.Deprecations, c.Deletions, c.Managed, p.ThresholdCount, p.ThresholdPercent)
	kept := b.plan.Actions[:0]
	for _, a := range b.plan.Actions {
		if a.Kind == KindDeprecate || a.Kind == KindDelete {
			c.Withheld = append(c.Withheld, a)
			delete(b.actionOf, a.Ref)
			continue
		}
		kept = append(kept, a)
	}

	b.plan.Actions = kept
	b.plan.NeedsConfirmation = true
	b.plan.Confirmation = c
}

const lifecycleDeprecated = "Deprecated"
