package mapping

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// FieldDependsOn names the dependency refs in warnings; they become relationships, not a field.
const FieldDependsOn = "dependsOn"

// Compass's limits on built-in fields.
const (
	MaxNameLength        = 512
	MaxDescriptionLength = 4096
)

// Mapper is compiled Rules. It is safe for concurrent use.
type Mapper struct {
	include   []filter
	exclude   []filter
	fields    []field
	types     []TypeRule
	defType   string
	owner     owner
	links     links
	labels    labels
	dependsOn Path
	depKind   string
	stableKey string
	truth     map[string]Truth
}

// Compile checks rules and prepares them for Map. It returns a *RulesError listing every
// problem, each keyed by its settings path under "mapping".
func Compile(rules Rules) (*Mapper, error) {
	c := &checker{}
	m := &Mapper{stableKey: rules.StableKeyAnnotation, truth: map[string]Truth{}}

	// Sections are compiled in settings order, so the problems come out in that order.
	m.include = compileFilters(rules.Filters.Include, "mapping.filters.include", c)
	if len(rules.Filters.Include) == 0 {
		c.add("mapping.filters.include", "add at least one include rule, for example kinds: [Component]")
	}
	m.exclude = compileFilters(rules.Filters.Exclude, "mapping.filters.exclude", c)
	m.compileFields(rules.Fields, c)
	m.compileTypes(rules.Types, c)
	m.owner = compileOwner(rules.Owner, "mapping.owner", c)
	m.links = compileLinks(rules.Links, "mapping.links", c)
	m.labels = compileLabels(rules.Labels, "mapping.labels", c)
	m.compileDependsOn(rules.DependsOn, c)
	m.collectTruth(rules)

	if len(c.problems) > 0 {
		return nil, &RulesError{Problems: c.problems}
	}

	return m, nil
}

func (m *Mapper) compileDependsOn(r DependsOnRules, c *checker) {
	m.dependsOn = compilePath(r.Path, "mapping.depends_on.path", c)
	m.depKind = strings.ToLower(strings.TrimSpace(r.DefaultKind))
	if m.depKind == "" {
		c.add("mapping.depends_on.default_kind", "name the kind of refs written without one")
	}
}

func (m *Mapper) compileFields(rules []FieldRule, c *checker) {
	seen := map[string]int{}
	for i, r := range rules {
		key := fmt.Sprintf("mapping.fields[%d]", i)
		if j, dup := seen[r.Target]; dup {
			c.add(key+".target", "%q is already mapped by mapping.fields[%d]", r.Target, j)
		}
		seen[r.Target] = i
		m.fields = append(m.fields, compileField(r, key, c))
	}
}

func (m *Mapper) compileTypes(r TypeRules, c *checker) {
	for i, t := range r.Rules {
		key := fmt.Sprintf("mapping.types.rules[%d]", i)
		if strings.TrimSpace(t.Kind) == "" {
			c.add(key+".kind", "name the entity kind")
		}
		checkTypeID(t.TypeID, key+".type_id", c)
		m.types = append(m.types, TypeRule{
			Kind: strings.ToLower(t.Kind), Type: strings.ToLower(t.Type), TypeID: t.TypeID,
		})
	}
	checkTypeID(r.Default, "mapping.types.default", c)
	checkTruth(r.Truth, "mapping.types.truth", c)
	m.defType = r.Default
}

func (m *Mapper) collectTruth(r Rules) {
	set := func(name string, t Truth) {
		if t == TruthCompass {
			m.truth[name] = t
		}
	}
	for _, f := range r.Fields {
		set(f.Target, f.Truth)
	}
	set(FieldType, r.Types.Truth)
	set(FieldOwner, r.Owner.Truth)
	set(FieldLinks, r.Links.Truth)
	set(FieldLabels, r.Labels.Truth)
}

// ValidTypeID reports whether id is a built-in Compass type id or a custom type ARI.
func ValidTypeID(id string) bool {
	return slices.Contains(TypeIDs, id) || strings.HasPrefix(id, "ari:cloud:compass:") &&
		strings.Contains(id, ":component-type/")
}

func checkTypeID(id, key string, c *checker) {
	if !ValidTypeID(id) {
		c.add(key, "%q is not a Compass type id (%s, or a custom type ARI)", id,
			strings.Join(TypeIDs, ", "))
	}
}

func checkTruth(t Truth, key string, c *checker) {
	if t != "" && t != TruthBackstage && t != TruthCompass {
		c.add(key, "%q is not backstage or compass", t)
	}
}

func compilePath(s, key string, c *checker) Path {
	if s == "" {
		return Path{}
	}
	p, err := ParsePath(s)
	if err != nil {
		c.add(key, "%v", err)
	}

	return p
}

// Preview is the result of Map with the working shown, for the mapping editor. Component is
// filled in even when the entity is skipped, so the editor can show what it would become.
type Preview struct {
	Component Component    `json:"component"`
	Skip      *Skip        `json:"skip,omitempty"`
	Fields    []FieldTrace `json:"fields"`
}

// Map turns one entity document (the entity's JSON as a map) into the desired component, or
// says why the entity is skipped. It does no I/O beyond the lookups in env.
func (m *Mapper) Map(doc map[string]any, env Env) (Component, *Skip) {
	e := newEntity(doc)
	if skip := m.filter(&e); skip != nil {
		return Component{}, skip
	}

	return m.build(&e, env, nil), nil
}

// Preview maps doc like Map and records how each field rule reached its value.
func (m *Mapper) Preview(doc map[string]any, env Env) Preview {
	e := newEntity(doc)
	p := Preview{Skip: m.filter(&e), Fields: make([]FieldTrace, len(m.fields))}
	p.Component = m.build(&e, env, p.Fields)

	return p
}

// filter returns the skip for an entity that is not to be synced, or nil.
func (m *Mapper) filter(e *entity) *Skip {
	if e.kind == "" || e.name == "" {
		return &Skip{Ref: e.ref, Rule: "entity", Reason: "the entity has no kind or no metadata.name"}
	}

	var env *exprEnv
	lazyEnv := func() *exprEnv {
		if env == nil {
			env = e.exprEnv()
		}
		return env
	}

	included := false
	for i := range m.include {
		ok, err := m.include[i].match(e, lazyEnv)
		if err != nil {
			return &Skip{Ref: e.ref, Rule: m.include[i].name, Reason: err.Error()}
		}
		if ok {
			included = true
			break
		}
	}
	if !included {
		return &Skip{Ref: e.ref, Rule: "mapping.filters.include", Reason: fmt.Sprintf(
			"%s (type %q) matches no include rule", e.kind, e.specType)}
	}

	for i := range m.exclude {
		ok, err := m.exclude[i].match(e, lazyEnv)
		switch {
		case err != nil:
			return &Skip{Ref: e.ref, Rule: m.exclude[i].name, Reason: err.Error()}
		case ok:
			return &Skip{Ref: e.ref, Rule: m.exclude[i].name, Reason: "matches an exclude rule"}
		}
	}

	return nil
}

// build maps every field. traces, when not nil, has one slot per field rule.
func (m *Mapper) build(e *entity, env Env, traces []FieldTrace) Component {
	c := Component{Ref: e.ref, TypeID: m.typeID(e)}

	for i := range m.fields {
		var trace *FieldTrace
		if traces != nil {
			trace = &traces[i]
			trace.Target = m.fields[i].target
		}
		m.applyField(&c, &m.fields[i], e, trace)
	}
	m.finishName(&c, e)

	owner, w := m.owner.resolve(e, env)
	c.OwnerID = owner
	if w != nil {
		c.Warnings = append(c.Warnings, *w)
	}

	var ws []Warning
	c.Links, ws = m.links.collect(e)
	c.Warnings = append(c.Warnings, ws...)
	c.Labels, ws = m.labels.build(e)
	c.Warnings = append(c.Warnings, ws...)
	c.DependsOn, ws = m.dependencies(e)
	c.Warnings = append(c.Warnings, ws...)

	c.StableKey, _ = e.annotation(m.stableKey)
	if len(m.truth) > 0 {
		c.Truth = maps.Clone(m.truth)
	}
	slices.SortFunc(c.CustomFields, func(a, b CustomFieldValue) int {
		return strings.Compare(a.Definition, b.Definition)
	})

	return c
}

func (m *Mapper) typeID(e *entity) string {
	kind, typ := strings.ToLower(e.kind), strings.ToLower(e.specType)
	for _, r := range m.types {
		if r.Kind == kind && (r.Type == "" || r.Type == typ) {
			return r.TypeID
		}
	}

	return m.defType
}

// applyField runs one field rule and stores its value, fitted to Compass's limits.
func (m *Mapper) applyField(c *Component, f *field, e *entity, trace *FieldTrace) {
	v, err := f.run(e, trace)
	if err != nil {
		c.Warnings = append(c.Warnings, Warning{Field: f.target, Message: err.Error()})
		return
	}

	switch f.target {
	case FieldName:
		c.Name = strings.TrimSpace(str(v))
	case FieldDescription:
		c.Description = fitText(c, FieldDescription, str(v), MaxDescriptionLength)
	case FieldLifecycle:
		c.Lifecycle = lifecycle(c, str(v))
	case FieldTier:
		c.Tier = tier(c, str(v))
	default:
		if cf, ok := customValue(c, f, v); ok {
			c.CustomFields = append(c.CustomFields, cf)
		}
	}
}

// finishName falls back to metadata.name and cuts the name to its limit.
func (m *Mapper) finishName(c *Component, e *entity) {
	if c.Name == "" {
		c.Name = e.name
		if slices.ContainsFunc(m.fields, func(f field) bool { return f.target == FieldName }) {
			c.Warnings = append(c.Warnings, Warning{Field: FieldName,
				Message: "the name rule gave no value; used metadata.name"})
		}
	}
	c.Name = fitText(c, FieldName, c.Name, MaxNameLength)
}

func fitText(c *Component, name, s string, max int) string {
	out, cut := truncate(s, max)
	if cut {
		c.Warnings = append(c.Warnings, Warning{Field: name,
			Message: fmt.Sprintf("cut to %d characters", max)})
	}

	return out
}

func lifecycle(c *Component, s string) string {
	switch s {
	case "", LifecyclePreRelease, LifecycleActive, LifecycleDeprecated:
		return s
	}
	c.Warnings = append(c.Warnings, Warning{Field: FieldLifecycle,
		Message: fmt.Sprintf("%q is not a Compass lifecycle; left empty", s)})

	return ""
}

var tierPattern = regexp.MustCompile(`^(?i)(?:tier[-_ ]?|t)?([1-4])$`)

func tier(c *Component, s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	if m := tierPattern.FindStringSubmatch(s); m != nil {
		return m[1]
	}
	c.Warnings = append(c.Warnings, Warning{Field: FieldTier,
		Message: fmt.Sprintf("%q is not a tier from 1 to 4; left empty", s)})

	return ""
}

// customValue converts v to the custom field's kind. Absent values give no field.
func customValue(c *Component, f *field, v any) (CustomFieldValue, bool) {
	def := strings.TrimPrefix(f.target, CustomFieldPrefix)
	cf := CustomFieldValue{Definition: def, Kind: f.kind}
	if isEmpty(v) {
		return cf, false
	}

	text := strings.TrimSpace(str(v))
	switch f.kind {
	case CustomNumber:
		n, err := strconv.ParseFloat(text, 64)
		if err != nil {
			return cf, customWarning(c, f, "%q is not a number", text)
		}
		cf.Number = &n
	case CustomBoolean:
		b, err := strconv.ParseBool(strings.ToLower(text))
		if err != nil {
			return cf, customWarning(c, f, "%q is not true or false", text)
		}
		cf.Boolean = &b
	case CustomSingleSelect:
		cf.Option = &text
	default:
		cf.Text = &text
	}

	return cf, true
}

func customWarning(c *Component, f *field, format string, args ...any) bool {
	c.Warnings = append(c.Warnings, Warning{Field: f.target, Message: fmt.Sprintf(format, args...)})

	return false
}

// dependencies returns the lower-cased full refs the entity depends on, sorted and unique.
func (m *Mapper) dependencies(e *entity) ([]string, []Warning) {
	raw, _ := m.dependsOn.Lookup(e.doc)
	var out []string
	var warnings []Warning
	for _, s := range strs(raw) {
		ref, ok := ParseRef(s, m.depKind, e.namespace)
		if !ok {
			warnings = append(warnings, Warning{Field: FieldDependsOn,
				Message: fmt.Sprintf("dropped dependency %q: not an entity ref", s)})
			continue
		}
		if ref.String() == e.ref {
			warnings = append(warnings, Warning{Field: FieldDependsOn,
				Message: "dropped a dependency of the entity on itself"})
			continue
		}
		out = append(out, ref.String())
	}
	slices.Sort(out)

	return slices.Compact(out), warnings
}

// checker collects problems found while compiling.
type checker struct {
	problems []Problem
}

func (c *checker) add(key, format string, args ...any) {
	c.problems = append(c.problems, Problem{Key: key, Message: fmt.Sprintf(format, args...)})
}
