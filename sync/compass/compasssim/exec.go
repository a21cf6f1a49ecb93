package compasssim

import (
	"encoding/json"
	"errors"
	"math"
	"strconv"
	"unicode/utf8"

	"github.com/vektah/gqlparser/v2/ast"
)

// obj is an object value returned by a resolver. Values of abstract types (unions, interfaces)
// carry their concrete type under "__typename".
type obj = map[string]any

// lazy is a field value computed only when the field is selected, from the field's arguments.
type lazy func(args map[string]any) (any, error)

// possibleTypes answers whether a concrete type satisfies a type condition, for every abstract
// type in the schema.
var possibleTypes = buildPossibleTypes()

func buildPossibleTypes() map[string]map[string]bool {
	out := make(map[string]map[string]bool)
	for name, defs := range schema.PossibleTypes {
		set := make(map[string]bool, len(defs))
		for _, d := range defs {
			set[d.Name] = true
		}
		out[name] = set
	}
	return out
}

// responseError is one entry of a GraphQL response's top-level errors.
type responseError struct {
	Message    string         `json:"message"`
	Locations  []location     `json:"locations,omitempty"`
	Path       []any          `json:"path,omitempty"`
	Extensions map[string]any `json:"extensions,omitempty"`
}

type location struct {
	Line   int `json:"line"`
	Column int `json:"column"`
}

// executor projects resolver values onto one operation's selection sets, writing JSON as it goes.
type executor struct {
	doc  *ast.QueryDocument
	vars map[string]any
	out  []byte
	errs []responseError
}

// collectedField is every field of a selection set that shares one response key.
type collectedField struct {
	key    string
	name   string
	fields []*ast.Field
}

// execute writes the data for op over root and returns it with any field errors.
func (e *executor) execute(op *ast.OperationDefinition, rootType string, root obj) []byte {
	e.writeObject(op.SelectionSet, rootType, root, nil)
	return e.out
}

func (e *executor) writeObject(set ast.SelectionSet, typeName string, o obj, path []any) {
	e.out = append(e.out, '{')
	for i, cf := range e.collect(set, typeName, nil) {
		if i > 0 {
			e.out = append(e.out, ',')
		}
		e.out = appendString(e.out, cf.key)
		e.out = append(e.out, ':')
		e.writeField(cf, typeName, o, append(path, cf.key))
	}
	e.out = append(e.out, '}')
}

// writeField resolves one collected field of an object and writes its value.
func (e *executor) writeField(cf collectedField, typeName string, o obj, path []any) {
	if cf.name == "__typename" {
		e.out = appendString(e.out, typeName)
		return
	}

	first := cf.fields[0]
	value := o[cf.name]
	if resolve, ok := value.(lazy); ok {
		var err error
		value, err = resolve(first.ArgumentMap(e.vars))
		if err != nil {
			e.fieldError(first, path, err)
			e.out = append(e.out, "null"...)
			return
		}
	}

	var sub ast.SelectionSet
	for _, f := range cf.fields {
		sub = append(sub, f.SelectionSet...)
	}
	e.writeValue(first.Definition.Type, value, sub, path)
}

func (e *executor) writeValue(t *ast.Type, value any, sub ast.SelectionSet, path []any) {
	if o, ok := value.(obj); value == nil || (ok && o == nil) {
		e.out = append(e.out, "null"...)
		return
	}
	if t.Elem != nil {
		e.writeList(t.Elem, value, sub, path)
		return
	}

	def := schema.Types[t.NamedType]
	switch def.Kind {
	case ast.Object:
		e.writeObject(sub, def.Name, value.(obj), path)
	case ast.Interface, ast.Union:
		o := value.(obj)
		e.writeObject(sub, o["__typename"].(string), o, path)
	default:
		e.out = appendScalar(e.out, value)
	}
}

func (e *executor) writeList(elem *ast.Type, value any, sub ast.SelectionSet, path []any) {
	var items []any
	switch v := value.(type) {
	case []any:
		items = v
	case []obj:
		items = make([]any, len(v))
		for i := range v {
			items[i] = v[i]
		}
	case []string:
		items = make([]any, len(v))
		for i := range v {
			items[i] = v[i]
		}
	}

	e.out = append(e.out, '[')
	for i, item := range items {
		if i > 0 {
			e.out = append(e.out, ',')
		}
		e.writeValue(elem, item, sub, append(path, i))
	}
	e.out = append(e.out, ']')
}

// collect flattens fragments and groups fields by response key, in document order.
func (e *executor) collect(set ast.SelectionSet, typeName string, into []collectedField) []collectedField {
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if skipped(s.Directives, e.vars) {
				continue
			}
			into = addField(into, s)
		case *ast.InlineFragment:
			if skipped(s.Directives, e.vars) || !satisfies(typeName, s.TypeCondition) {
				continue
			}
			into = e.collect(s.SelectionSet, typeName, into)
		case *ast.FragmentSpread:
			frag := e.doc.Fragments.ForName(s.Name)
			if frag == nil || skipped(s.Directives, e.vars) ||
				!satisfies(typeName, frag.TypeCondition) {
				continue
			}
			into = e.collect(frag.SelectionSet, typeName, into)
		}
	}
	return into
}

func addField(into []collectedField, f *ast.Field) []collectedField {
	key := f.Alias
	if key == "" {
		key = f.Name
	}
	for i := range into {
		if into[i].key == key {
			into[i].fields = append(into[i].fields, f)
			return into
		}
	}
	return append(into, collectedField{key: key, name: f.Name, fields: []*ast.Field{f}})
}

// satisfies reports whether an object of typeName matches a fragment's type condition.
func satisfies(typeName, condition string) bool {
	return condition == "" || condition == typeName || possibleTypes[condition][typeName]
}

// skipped applies @skip and @include.
func skipped(dirs ast.DirectiveList, vars map[string]any) bool {
	if d := dirs.ForName("skip"); d != nil && d.ArgumentMap(vars)["if"] == true {
		return true
	}
	if d := dirs.ForName("include"); d != nil && d.ArgumentMap(vars)["if"] != true {
		return true
	}
	return false
}

// fieldError records a resolver failure against the field's path.
func (e *executor) fieldError(f *ast.Field, path []any, err error) {
	re := responseError{Message: err.Error(), Path: append([]any(nil), path...)}
	if f.Position != nil {
		re.Locations = []location{{Line: f.Position.Line, Column: f.Position.Column}}
	}

	var apiErr *apiError
	if errors.As(err, &apiErr) {
		re.Extensions = map[string]any{
			"statusCode": apiErr.statusCode,
			"errorType":  apiErr.errorType,
		}
	}
	e.errs = append(e.errs, re)
}

func appendScalar(b []byte, v any) []byte {
	switch x := v.(type) {
	case string:
		return appendString(b, x)
	case bool:
		return strconv.AppendBool(b, x)
	case int:
		return strconv.AppendInt(b, int64(x), 10)
	case int64:
		return strconv.AppendInt(b, x, 10)
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return append(b, "null"...)
		}
		return strconv.AppendFloat(b, x, 'g', -1, 64)
	default:
		raw, err := json.Marshal(x)
		if err != nil {
			return append(b, "null"...)
		}
		return append(b, raw...)
	}
}

const hexDigits = "0123456789abcdef"

// appendString writes s as a JSON string, replacing invalid UTF-8 like encoding/json does.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\r':
				b = append(b, '\\', 'r')
			case c == '\t':
				b = append(b, '\\', 't')
			case c == '\b':
				b = append(b, '\\', 'b')
			case c == '\f':
				b = append(b, '\\', 'f')
			case c < 0x20:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			default:
				b = append(b, c)
			}
			i++
			continue
		}

		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, `\u202`...)
			b = append(b, hexDigits[r&0xf])
		default:
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}
