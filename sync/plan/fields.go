package plan

import (
	"slices"
	"strconv"
	"strings"

	"github.com/backstage-sync/backstage-sync/sync/mapping"
)

// scalarFields are the single-valued built-in fields, in the order changes are listed.
var scalarFields = []string{
	mapping.FieldName, mapping.FieldDescription, mapping.FieldType, mapping.FieldOwner,
}

// tailFields follow labels and links in the order changes are listed.
var tailFields = []string{mapping.FieldLifecycle, mapping.FieldTier}

// displayLimit is the number of characters a value shown to people is cut to.
const displayLimit = 80

// diffMode says which rule decides whether a field is written.
type diffMode int

const (
	// modeCreate writes every non-empty field.
	modeCreate diffMode = iota
	// modeAdopt overwrites Backstage-owned fields and fills empty Compass-owned ones.
	modeAdopt
	// modeUpdate overwrites Backstage-owned fields and reports Compass-side edits as drift.
	modeUpdate
)

// differ compares one desired component with its Compass counterpart and fills an action.
type differ struct {
	mode    diffMode
	desired *mapping.Component
	// current is nil for a create.
	current *Current
	applied Hashes
	// deprecated is true when the app deprecated the component and the entity is back.
	deprecated bool
	label      string
	action     *Action
	// lean leaves out the changes and edits of a create; see Input.Lean.
	lean bool
}

// run fills the action's changes, typed edits, drift and hashes to store.
func (d *differ) run() {
	d.action.Component = *d.desired
	d.action.Applied = make(Hashes, 0, len(scalarFields)+len(tailFields)+2+len(d.desired.CustomFields))

	for _, f := range scalarFields {
		d.scalar(f, scalarOf(d.desired, f), d.currentScalar(f))
	}

	d.labels()
	d.links()

	for _, f := range tailFields {
		d.scalar(f, scalarOf(d.desired, f), d.currentScalar(f))
	}

	for _, cf := range sortedCustom(d.desired.CustomFields) {
		f := mapping.CustomFieldPrefix + cf.Definition
		d.scalar(f, customValue(cf), d.currentCustom(cf.Definition))
	}
}

// write decides whether a field whose desired value is want and current value is have is
// written, and records the hash to store.
func (d *differ) write(field, want, have string) bool {
	truth := d.desired.Truth[field]
	backstage := truth == "" || truth == mapping.TruthBackstage

	var ok bool
	switch d.mode {
	case modeCreate:
		ok = want != ""
	case modeAdopt:
		ok = want != have && (backstage || have == "")
	case modeUpdate:
		ok = backstage && want != have
	}

	if backstage || ok {
		d.action.Applied.set(field, hash(want))
	}

	if ok && d.mode == modeUpdate {
		if last, seen := d.applied.Get(field); seen && last != hash(have) {
			d.action.Drift = append(d.action.Drift, field)
		}
	}

	return ok
}

func (d *differ) scalar(field, want, have string) {
	ok := d.write(field, want, have)

	// The app set the lifecycle when it deprecated the component, so it takes it back even
	// when Compass owns the field.
	if !ok && d.deprecated && field == mapping.FieldLifecycle && want != "" && want != have {
		ok = true
		d.action.Applied.set(field, hash(want))
	}

	if !ok {
		return
	}

	d.action.Set = append(d.action.Set, field)
	if !d.leanCreate() {
		d.action.Changes = append(d.action.Changes, Change{Field: field, From: short(have), To: short(want)})
	}
}

// leanCreate reports whether the action is a create that leaves out its changes and edits.
func (d *differ) leanCreate() bool {
	return d.lean && d.mode == modeCreate
}

func (d *differ) labels() {
	want := labelSet(d.desired.Labels)

	var have []string
	if d.current != nil {
		have = labelSet(d.current.Labels)
	}

	if !d.write(mapping.FieldLabels, strings.Join(want, "\n"), strings.Join(have, "\n")) {
		d.dropDeprecateLabel(want, have)
		return
	}

	if d.leanCreate() {
		return
	}

	d.action.LabelsAdd = minus(want, have)
	d.action.LabelsRemove = minus(have, want)
	d.action.Changes = append(d.action.Changes, Change{
		Field: mapping.FieldLabels, From: short(strings.Join(have, ", ")), To: short(strings.Join(want, ", ")),
	})
}

// dropDeprecateLabel removes the label the app added on deprecation when Compass owns labels.
func (d *differ) dropDeprecateLabel(want, have []string) {
	if !d.deprecated || d.label == "" || !slices.Contains(have, d.label) || slices.Contains(want, d.label) {
		return
	}

	rest := minus(have, []string{d.label})
	d.action.LabelsRemove = []string{d.label}
	d.action.Changes = append(d.action.Changes, Change{
		Field: mapping.FieldLabels, From: short(strings.Join(have, ", ")), To: short(strings.Join(rest, ", ")),
	})
}

func (d *differ) links() {
	var have []Link
	if d.current != nil {
		have = d.current.Links
	}

	want := d.desired.Links
	if !d.write(mapping.FieldLinks, desiredLinks(want), currentLinks(have)) {
		return
	}

	if d.leanCreate() {
		return
	}

	d.linkEdits(want, have)
	d.action.Changes = append(d.action.Changes, Change{
		Field: mapping.FieldLinks, From: short(linkDisplay(currentAsDesired(have))), To: short(linkDisplay(want)),
	})
}

// linkEdits matches links by type and URL: unmatched desired links are added, unmatched or
// duplicate existing ones removed, and matched ones with another name renamed.
func (d *differ) linkEdits(want []mapping.Link, have []Link) {
	first := map[string]int{}
	for i, l := range have {
		k := l.Type + " " + l.URL
		if _, dup := first[k]; dup {
			d.action.LinksRemove = append(d.action.LinksRemove, l)
			continue
		}
		first[k] = i
	}

	matched := map[string]bool{}
	for _, l := range want {
		k := l.Type + " " + l.URL
		i, ok := first[k]
		switch {
		case matched[k]:
			continue
		case !ok:
			d.action.LinksAdd = append(d.action.LinksAdd, l)
		case have[i].Name != l.Name:
			cur := have[i]
			cur.Name = l.Name
			d.action.LinksUpdate = append(d.action.LinksUpdate, cur)
		}
		matched[k] = true
	}

	for k, i := range first {
		if !matched[k] {
			d.action.LinksRemove = append(d.action.LinksRemove, have[i])
		}
	}
	slices.SortFunc(d.action.LinksRemove, func(x, y Link) int { return strings.Compare(x.ID, y.ID) })
}

func (d *differ) currentScalar(field string) string {
	if d.current == nil {
		return ""
	}

	return scalarOf(currentComponent(d.current), field)
}

func (d *differ) currentCustom(definition string) string {
	if d.current == nil {
		return ""
	}

	for _, cf := range d.current.CustomFields {
		if cf.Definition == definition {
			return customValue(cf)
		}
	}

	return ""
}

// scalarOf returns the value of a single-valued built-in field of c.
func scalarOf(c *mapping.Component, field string) string {
	switch field {
	case mapping.FieldName:
		return c.Name
	case mapping.FieldDescription:
		return c.Description
	case mapping.FieldType:
		return c.TypeID
	case mapping.FieldOwner:
		return c.OwnerID
	case mapping.FieldLifecycle:
		return c.Lifecycle
	case mapping.FieldTier:
		return c.Tier
	}

	return ""
}

// customValue renders a custom field value; an unset value is empty.
func customValue(v mapping.CustomFieldValue) string {
	switch {
	case v.Text != nil:
		return *v.Text
	case v.Number != nil:
		return strconv.FormatFloat(*v.Number, 'g', -1, 64)
	case v.Boolean != nil:
		return strconv.FormatBool(*v.Boolean)
	case v.Option != nil:
		return *v.Option
	}

	return ""
}

func sortedCustom(in []mapping.CustomFieldValue) []mapping.CustomFieldValue {
	if len(in) < 2 {
		return in
	}

	out := slices.Clone(in)
	slices.SortStableFunc(out, func(a, b mapping.CustomFieldValue) int {
		return strings.Compare(a.Definition, b.Definition)
	})

	return out
}

// desiredLinks renders links canonically: one "TYPE url name" line each, sorted.
func desiredLinks(links []mapping.Link) string {
	lines := make([]string, 0, len(links))
	for _, l := range links {
		lines = append(lines, l.Type+" "+l.URL+" "+l.Name)
	}
	slices.Sort(lines)

	return strings.Join(lines, "\n")
}

func currentLinks(links []Link) string {
	return desiredLinks(currentAsDesired(links))
}

func currentAsDesired(links []Link) []mapping.Link {
	out := make([]mapping.Link, 0, len(links))
	for _, l := range links {
		out = append(out, mapping.Link{Type: l.Type, URL: l.URL, Name: l.Name})
	}

	return out
}

// linkDisplay renders links for people: "TYPE url (name)", sorted, comma separated.
func linkDisplay(links []mapping.Link) string {
	parts := make([]string, 0, len(links))
	for _, l := range links {
		p := l.Type + " " + l.URL
		if l.Name != "" {
			p += " (" + l.Name + ")"
		}
		parts = append(parts, p)
	}
	slices.Sort(parts)

	return strings.Join(parts, ", ")
}

// labelSet returns labels sorted, without repeats, in a new slice.
func labelSet(labels []string) []string {
	out := slices.Clone(labels)
	slices.Sort(out)

	return slices.Compact(out)
}

// minus returns the sorted values of a that are not in b; both are sorted.
func minus(a, b []string) []string {
	var out []string
	for _, v := range a {
		if _, found := slices.BinarySearch(b, v); !found {
			out = append(out, v)
		}
	}

	return out
}

// short cuts a value to displayLimit characters and puts line breaks on one line.
func short(s string) string {
	s = strings.ReplaceAll(s, "\n", " ")
	if len(s) <= displayLimit {
		return s
	}

	r := []rune(s)
	if len(r) <= displayLimit {
		return s
	}

	return string(r[:displayLimit-1]) + "…"
}
