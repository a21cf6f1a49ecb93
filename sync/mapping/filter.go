package mapping

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/vm"
)

// ExprVariables are the variables a filter expression sees, with the type of each:
//
//	kind, namespace, name, ref, type, lifecycle, owner   string
//	tags                                                 []string
//	annotations, labels, metadata, spec, entity          map[string]any
//	relations                                            []any
//
// ref is the lower-cased full ref; entity is the whole document. For example:
//
//	kind == "Component" && "java" in tags && annotations["backstage.io/techdocs-ref"] != nil
var ExprVariables = []string{
	"kind", "namespace", "name", "ref", "type", "lifecycle", "owner",
	"tags", "annotations", "labels", "metadata", "spec", "entity", "relations",
}

// filter is a compiled FilterRule.
type filter struct {
	name        string
	kinds       []string
	types       []string
	namespaces  []string
	lifecycles  []string
	owners      []string
	tags        []string
	annotations []annotationCond
	program     *vm.Program
}

type annotationCond struct {
	key      string
	value    string
	hasValue bool
}

func compileFilters(rules []FilterRule, key string, c *checker) []filter {
	out := make([]filter, 0, len(rules))
	for i, r := range rules {
		out = append(out, compileFilter(r, fmt.Sprintf("%s[%d]", key, i), c))
	}

	return out
}

func compileFilter(r FilterRule, key string, c *checker) filter {
	f := filter{
		name:       r.Name,
		kinds:      lowerAll(r.Kinds),
		types:      lowerAll(r.Types),
		namespaces: lowerAll(r.Namespaces),
		lifecycles: lowerAll(r.Lifecycles),
		tags:       lowerAll(r.Tags),
	}
	if f.name == "" {
		f.name = key
	}

	for i, o := range r.Owners {
		ref, ok := ParseRef(o, "group", "default")
		if !ok {
			c.add(fmt.Sprintf("%s.owners[%d]", key, i), "%q is not an entity ref", o)
		}
		f.owners = append(f.owners, ref.String())
	}

	for i, a := range r.Annotations {
		k, v, hasValue := strings.Cut(a, "=")
		if strings.TrimSpace(k) == "" {
			c.add(fmt.Sprintf("%s.annotations[%d]", key, i), "write key or key=value")
		}
		f.annotations = append(f.annotations, annotationCond{key: k, value: v, hasValue: hasValue})
	}

	if r.Expression != "" {
		prog, err := expr.Compile(r.Expression, expr.Env(&exprEnv{}), expr.AsBool(),
			expr.DisableBuiltin("now"))
		if err != nil {
			c.add(key+".expression", "%s", exprMessage(err))
		}
		f.program = prog
	}

	return f
}

// match reports whether the entity meets every condition of f. An expression that fails to
// run is returned as an error, which makes the entity a skip.
func (f *filter) match(e *entity, env func() *exprEnv) (bool, error) {
	ok := in(f.kinds, e.kind) && in(f.types, e.specType) && in(f.namespaces, e.namespace) &&
		in(f.lifecycles, e.lifecycle) && f.matchOwner(e) && f.matchTags(e) &&
		f.matchAnnotations(e)
	if !ok || f.program == nil {
		return ok, nil
	}

	out, err := expr.Run(f.program, env())
	if err != nil {
		return false, fmt.Errorf("running expression: %s", exprMessage(err))
	}
	b, _ := out.(bool)

	return b, nil
}

func (f *filter) matchOwner(e *entity) bool {
	if len(f.owners) == 0 {
		return true
	}
	ref, ok := ParseRef(e.owner, "group", e.namespace)

	return ok && slices.Contains(f.owners, ref.String())
}

func (f *filter) matchTags(e *entity) bool {
	if len(f.tags) == 0 {
		return true
	}
	for _, t := range e.tags {
		if slices.Contains(f.tags, strings.ToLower(t)) {
			return true
		}
	}

	return false
}

func (f *filter) matchAnnotations(e *entity) bool {
	for _, a := range f.annotations {
		v, ok := e.annotation(a.key)
		if !ok || a.hasValue && v != a.value {
			return false
		}
	}

	return true
}

// in reports whether v is in list without regard to case; an empty list holds everything.
func in(list []string, v string) bool {
	return len(list) == 0 || slices.Contains(list, strings.ToLower(v))
}

func lowerAll(list []string) []string {
	out := make([]string, 0, len(list))
	for _, s := range list {
		out = append(out, strings.ToLower(strings.TrimSpace(s)))
	}

	return out
}

// exprEnv holds the variables of a filter expression for one entity.
type exprEnv struct {
	Kind        string         `expr:"kind"`
	Namespace   string         `expr:"namespace"`
	Name        string         `expr:"name"`
	Ref         string         `expr:"ref"`
	Type        string         `expr:"type"`
	Lifecycle   string         `expr:"lifecycle"`
	Owner       string         `expr:"owner"`
	Tags        []string       `expr:"tags"`
	Annotations map[string]any `expr:"annotations"`
	Labels      map[string]any `expr:"labels"`
	Metadata    map[string]any `expr:"metadata"`
	Spec        map[string]any `expr:"spec"`
	Entity      map[string]any `expr:"entity"`
	Relations   []any          `expr:"relations"`
}

// exprEnv builds the variables for one entity.
func (e *entity) exprEnv() *exprEnv {
	relations, _ := e.doc["relations"].([]any)
	tags := e.tags
	if tags == nil {
		tags = []string{}
	}

	return &exprEnv{
		Kind: e.kind, Namespace: e.namespace, Name: e.name, Ref: e.ref, Type: e.specType,
		Lifecycle: e.lifecycle, Owner: e.owner, Tags: tags,
		Annotations: orEmpty(e.annotations), Labels: orEmpty(e.labels),
		Metadata: orEmpty(e.metadata), Spec: orEmpty(e.spec), Entity: e.doc, Relations: relations,
	}
}

func orEmpty(m map[string]any) map[string]any {
	if m == nil {
		return map[string]any{}
	}

	return m
}

// exprMessage is an expression error without the source snippet, which does not fit on a line.
func exprMessage(err error) string {
	var fe *file.Error
	if errors.As(err, &fe) && fe.Line > 0 {
		return fmt.Sprintf("%s at column %d", fe.Message, fe.Column+1)
	}

	return oneLine(err.Error())
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
