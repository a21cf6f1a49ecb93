package mapping

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
)

// Compass's label limits.
const (
	MaxLabels      = 10
	MaxLabelLength = 40
)

// labels is compiled LabelRules.
type labels struct {
	path  Path
	extra []string
}

func compileLabels(r LabelRules, key string, c *checker) labels {
	l := labels{path: compilePath(r.Path, key+".path", c)}
	for i, x := range r.Extra {
		fixed, changed := fixLabel(x)
		if changed || fixed == "" {
			c.add(fmt.Sprintf("%s.extra[%d]", key, i),
				"%q is not a label: use lower case, no whitespace, at most %d characters", x, MaxLabelLength)
		}
		l.extra = append(l.extra, fixed)
	}
	checkTruth(r.Truth, key+".truth", c)

	return l
}

// build returns the labels, extra labels first when the limit bites, then sorted.
func (l *labels) build(e *entity) ([]string, []Warning) {
	raw, _ := l.path.Lookup(e.doc)
	var warnings []Warning
	var out []string
	for _, tag := range append(slices.Clone(l.extra), strs(raw)...) {
		fixed, changed := fixLabel(tag)
		switch {
		case fixed == "":
			warnings = append(warnings, labelWarning("dropped empty tag %q", tag))
			continue
		case changed:
			warnings = append(warnings, labelWarning("tag %q became label %q", tag, fixed))
		}
		if slices.Contains(out, fixed) {
			continue
		}
		if len(out) == MaxLabels {
			warnings = append(warnings, labelWarning("dropped label %q: more than %d labels", fixed, MaxLabels))
			continue
		}
		out = append(out, fixed)
	}
	slices.Sort(out)

	return out, warnings
}

func labelWarning(format string, args ...any) Warning {
	return Warning{Field: FieldLabels, Message: fmt.Sprintf(format, args...)}
}

// ValidLabel reports whether s is a Compass label as it stands: not empty, lower case, no
// whitespace, at most MaxLabelLength characters.
func ValidLabel(s string) bool {
	fixed, changed := fixLabel(s)

	return fixed != "" && !changed
}

// fixLabel lower-cases s, trims it, replaces each run of whitespace inside with one '-' and
// cuts it to MaxLabelLength. It reports whether the label differs from s.
func fixLabel(s string) (string, bool) {
	fixed := strings.Join(strings.FieldsFunc(strings.ToLower(s), unicode.IsSpace), "-")
	fixed, _ = truncate(fixed, MaxLabelLength)

	return fixed, fixed != s
}
