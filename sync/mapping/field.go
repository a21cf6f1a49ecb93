package mapping

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"text/template"
	"text/template/parse"
	"unicode/utf8"
)

// maxTemplateOutput bounds what one template may write, so that a loop in a template cannot
// exhaust memory.
const maxTemplateOutput = 64 << 10

var errTemplateTooLong = errors.New("template output is longer than 64 KiB")

// field is a compiled FieldRule.
type field struct {
	target  string
	kind    CustomFieldKind
	sources []Path
	steps   []step
}

// step is a compiled Transform.
type step struct {
	Transform
	tmpl *template.Template
	re   *regexp.Regexp
}

// FieldTrace shows how one field got its value, for the mapping editor's preview.
type FieldTrace struct {
	Target string `json:"target"`
	// Source is the path that gave the value, or empty when no source had one.
	Source string      `json:"source,omitempty"`
	Input  any         `json:"input,omitempty"`
	Steps  []StepTrace `json:"steps,omitempty"`
}

// StepTrace is the value after one transform, or the error that stopped the pipeline.
type StepTrace struct {
	Op     string `json:"op"`
	Output any    `json:"output,omitempty"`
	Error  string `json:"error,omitempty"`
}

func compileField(r FieldRule, key string, c *checker) field {
	f := field{target: r.Target, kind: r.Kind}
	checkTarget(r, key, c)

	for i, s := range r.Sources {
		p, err := ParsePath(s)
		if err != nil {
			c.add(fmt.Sprintf("%s.sources[%d]", key, i), "%v", err)
			continue
		}
		f.sources = append(f.sources, p)
	}

	for i, t := range r.Transforms {
		f.steps = append(f.steps, compileStep(t, fmt.Sprintf("%s.transforms[%d]", key, i), c))
	}
	checkTruth(r.Truth, key+".truth", c)

	return f
}

func checkTarget(r FieldRule, key string, c *checker) {
	switch r.Target {
	case FieldName, FieldDescription, FieldLifecycle, FieldTier:
		if r.Kind != "" {
			c.add(key+".kind", "only custom fields take a kind")
		}
		return
	}

	def, ok := strings.CutPrefix(r.Target, CustomFieldPrefix)
	if !ok || strings.TrimSpace(def) == "" {
		c.add(key+".target", "%q is not name, description, lifecycle, tier or custom:<definition name>",
			r.Target)
		return
	}

	switch r.Kind {
	case CustomText, CustomNumber, CustomBoolean, CustomSingleSelect:
	default:
		c.add(key+".kind", "%q is not text, number, boolean or single_select", r.Kind)
	}
}

func compileStep(t Transform, key string, c *checker) step {
	s := step{Transform: t}
	switch t.Op {
	case OpCopy, OpLower, OpSlug, OpJoin, OpMap:
	case OpTemplate:
		tmpl, err := parseTemplate(t.Template)
		if err != nil {
			c.add(key+".template", "%s", oneLine(err.Error()))
		}
		s.tmpl = tmpl
	case OpTruncate:
		if t.Max < 1 {
			c.add(key+".max", "truncate needs a max of at least 1")
		}
	case OpReplace:
		re, err := regexp.Compile(t.Pattern)
		if err != nil {
			c.add(key+".pattern", "%s", oneLine(err.Error()))
		}
		s.re = re
	default:
		c.add(key+".op", "%q is not copy, template, map, lower, slug, truncate, join or replace", t.Op)
	}

	return s
}

// templateFuncs are the only functions a template gets beyond text/template's built-ins, which
// do no I/O either; printf is replaced by a bounded one.
var templateFuncs = template.FuncMap{
	"lower":   strings.ToLower,
	"upper":   strings.ToUpper,
	"trim":    strings.TrimSpace,
	"replace": strings.ReplaceAll,
	"join":    func(sep string, v any) string { return strings.Join(strs(v), sep) },
	"printf":  boundedPrintf,
}

// hugeWidth finds a width or precision of four digits or more, or one taken from an argument.
var hugeWidth = regexp.MustCompile(`%[-+# 0]*(\d{4,}|\*|\d*\.(\d{4,}|\*))`)

// boundedPrintf is printf without widths that could allocate without bound.
func boundedPrintf(format string, args ...any) (string, error) {
	if hugeWidth.MatchString(format) {
		return "", errors.New("printf width or precision is too large")
	}

	return fmt.Sprintf(format, args...), nil
}

func parseTemplate(text string) (*template.Template, error) {
	tmpl, err := template.New("field").Funcs(templateFuncs).Option("missingkey=zero").Parse(text)
	if err != nil {
		return nil, err
	}
	if len(tmpl.Templates()) > 1 {
		return nil, errors.New("defining templates is not allowed")
	}
	if err := checkNodes(tmpl.Root, 0); err != nil {
		return nil, err
	}

	return tmpl, nil
}

// maxRangeDepth bounds nested ranges, so that the work a template does stays close to the
// size of the entity.
const maxRangeDepth = 2

// checkNodes refuses what could make a template run for long without writing anything:
// ranges over numbers, ranges nested deeper than maxRangeDepth, and calls to other templates,
// which could recurse.
func checkNodes(node parse.Node, depth int) error {
	switch n := node.(type) {
	case *parse.ListNode:
		if n == nil {
			return nil
		}
		for _, child := range n.Nodes {
			if err := checkNodes(child, depth); err != nil {
				return err
			}
		}
	case *parse.TemplateNode:
		return errors.New("calling other templates is not allowed")
	case *parse.RangeNode:
		if rangesOverNumber(n.Pipe) {
			return errors.New("range over a number is not allowed")
		}
		if depth == maxRangeDepth {
			return fmt.Errorf("ranges may nest at most %d deep", maxRangeDepth)
		}
		return errors.Join(checkNodes(n.List, depth+1), checkNodes(n.ElseList, depth))
	case *parse.IfNode:
		return errors.Join(checkNodes(n.List, depth), checkNodes(n.ElseList, depth))
	case *parse.WithNode:
		return errors.Join(checkNodes(n.List, depth), checkNodes(n.ElseList, depth))
	}

	return nil
}

func rangesOverNumber(pipe *parse.PipeNode) bool {
	for _, cmd := range pipe.Cmds {
		for _, arg := range cmd.Args {
			switch a := arg.(type) {
			case *parse.NumberNode:
				return true
			case *parse.VariableNode:
				// A bare variable may hold a number; a field of one holds entity data.
				if len(a.Ident) == 1 {
					return true
				}
			}
		}
	}

	return false
}

// run resolves the value and sends it through the steps. It returns nil when the pipeline
// failed, with the error.
func (f *field) run(e *entity, trace *FieldTrace) (any, error) {
	var v any
	for _, p := range f.sources {
		if got, ok := p.Lookup(e.doc); ok && !isEmpty(got) {
			v = got
			if trace != nil {
				trace.Source, trace.Input = p.String(), got
			}
			break
		}
	}

	for _, s := range f.steps {
		out, err := s.apply(v, e)
		if trace != nil {
			trace.Steps = append(trace.Steps, stepTrace(s.Op, out, err))
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", s.Op, err)
		}
		v = out
	}

	return v, nil
}

func stepTrace(op string, out any, err error) StepTrace {
	if err != nil {
		return StepTrace{Op: op, Error: err.Error()}
	}

	return StepTrace{Op: op, Output: out}
}

func (s *step) apply(v any, e *entity) (any, error) {
	switch s.Op {
	case OpTemplate:
		return s.render(v, e)
	case OpJoin:
		if list, ok := v.([]any); ok {
			return strings.Join(strs(list), s.Separator), nil
		}
		return v, nil
	case OpCopy:
		return v, nil
	}

	return eachString(v, s.scalar), nil
}

// scalar applies the string operations.
func (s *step) scalar(in string) string {
	switch s.Op {
	case OpLower:
		return strings.ToLower(in)
	case OpSlug:
		return slug(in)
	case OpTruncate:
		out, _ := truncate(in, s.Max)
		return out
	case OpReplace:
		return s.re.ReplaceAllString(in, s.Replacement)
	case OpMap:
		if out, ok := s.Values[in]; ok {
			return out
		}
		if s.Default != "" {
			return s.Default
		}
	}

	return in
}

func (s *step) render(v any, e *entity) (any, error) {
	w := &limitedBuffer{}
	if err := s.tmpl.Execute(w, templateData{Entity: e.doc, Value: v}); err != nil {
		return nil, errors.New(templateMessage(err))
	}

	return strings.ReplaceAll(w.String(), "<no value>", ""), nil
}

// templateData is what a template sees as dot.
type templateData struct {
	// Entity is the whole entity document.
	Entity map[string]any
	// Value is the value so far: the source's, after the earlier steps.
	Value any
}

// Get returns the value at a path in the entity, or nil, so that templates can reach keys
// with dots and slashes: {{.Get "metadata.annotations[\"github.com/project-slug\"]"}}.
func (d templateData) Get(path string) (any, error) {
	p, err := ParsePath(path)
	if err != nil {
		return nil, err
	}
	v, _ := p.Lookup(d.Entity)

	return v, nil
}

// templateMessage keeps the part of an execution error that helps someone fix the template.
func templateMessage(err error) string {
	msg := oneLine(err.Error())
	if _, rest, ok := strings.Cut(msg, `executing "field" `); ok {
		return rest
	}

	return strings.TrimPrefix(msg, "template: ")
}

// eachString applies fn to a string, a scalar's text, or every element of a list. Null stays
// null, so an absent value is not turned into an empty string.
func eachString(v any, fn func(string) string) any {
	switch v := v.(type) {
	case nil:
		return nil
	case []any:
		out := make([]any, len(v))
		for i, item := range v {
			out[i] = eachString(item, fn)
		}
		return out
	case map[string]any:
		return v
	default:
		return fn(str(v))
	}
}

func isEmpty(v any) bool {
	switch v := v.(type) {
	case nil:
		return true
	case string:
		return strings.TrimSpace(v) == ""
	case []any:
		return len(v) == 0
	}

	return false
}

// slug lower-cases s and turns each run of characters outside a-z and 0-9 into one '-'.
func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
			continue
		}
		dash = true
	}

	return b.String()
}

// truncate cuts s to max characters and reports whether it had to.
func truncate(s string, max int) (string, bool) {
	if utf8.RuneCountInString(s) <= max {
		return s, false
	}

	n := 0
	for i := range s {
		if n == max {
			return s[:i], true
		}
		n++
	}

	return s, false
}

// limitedBuffer is where a template writes.
type limitedBuffer struct {
	bytes.Buffer
}

// Write refuses to grow the buffer past maxTemplateOutput.
func (b *limitedBuffer) Write(p []byte) (int, error) {
	if b.Len()+len(p) > maxTemplateOutput {
		return 0, errTemplateTooLong
	}

	return b.Buffer.Write(p)
}
