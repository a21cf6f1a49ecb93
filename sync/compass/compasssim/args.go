package compasssim

import (
	"encoding/json"
	"math"
)

// stringList reads a list argument of strings, skipping nulls. A single value stands for a
// list of one, as GraphQL input coercion allows.
func stringList(v any) []string {
	if s, ok := v.(string); ok {
		return []string{s}
	}
	items, _ := v.([]any)
	out := make([]string, 0, len(items))
	for _, item := range items {
		if s, ok := item.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// objList reads a list argument of input objects, skipping nulls.
func objList(v any) []map[string]any {
	if m, ok := v.(map[string]any); ok {
		return []map[string]any{m}
	}
	items, _ := v.([]any)
	out := make([]map[string]any, 0, len(items))
	for _, item := range items {
		if m, ok := item.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

// str reads an optional string; present tells whether the key was given at all, even as null.
func str(m map[string]any, key string) (value string, present bool) {
	v, present := m[key]
	value, _ = v.(string)
	return value, present
}

// intArg reads an Int argument, which arrives as int64 from literals and variables alike but
// as a json.Number or float64 when nested in a variable's input object.
func intArg(v any) (int, bool) {
	switch n := v.(type) {
	case int64:
		return int(n), true
	case int:
		return n, true
	case float64:
		if n != math.Trunc(n) || math.Abs(n) > math.MaxInt32 {
			return 0, false
		}
		return int(n), true
	case json.Number:
		i, err := n.Int64()
		return int(i), err == nil
	}
	return 0, false
}

// floatArg reads a Float argument.
func floatArg(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, true
	case int64:
		return float64(n), true
	case int:
		return float64(n), true
	case json.Number:
		f, err := n.Float64()
		return f, err == nil
	}
	return 0, false
}
