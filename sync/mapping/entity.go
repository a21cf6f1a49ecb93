package mapping

import (
	"fmt"
	"strconv"
	"strings"
)

// entity is the part of an entity document the mapper reads often, taken out once per Map.
type entity struct {
	doc         map[string]any
	metadata    map[string]any
	spec        map[string]any
	annotations map[string]any
	labels      map[string]any
	kind        string
	namespace   string
	name        string
	ref         string
	specType    string
	lifecycle   string
	owner       string
	tags        []string
}

func newEntity(doc map[string]any) entity {
	e := entity{doc: doc}
	e.metadata, _ = doc["metadata"].(map[string]any)
	e.spec, _ = doc["spec"].(map[string]any)
	e.annotations, _ = e.metadata["annotations"].(map[string]any)
	e.labels, _ = e.metadata["labels"].(map[string]any)

	e.kind = str(doc["kind"])
	e.name = str(e.metadata["name"])
	e.namespace = str(e.metadata["namespace"])
	if e.namespace == "" {
		e.namespace = "default"
	}
	e.ref = strings.ToLower(e.kind + ":" + e.namespace + "/" + e.name)

	e.specType = str(e.spec["type"])
	e.lifecycle = str(e.spec["lifecycle"])
	e.owner = str(e.spec["owner"])
	e.tags = strs(e.metadata["tags"])

	return e
}

// annotation returns an annotation's value as a string.
func (e *entity) annotation(key string) (string, bool) {
	v, ok := e.annotations[key]
	if !ok || v == nil {
		return "", false
	}

	return str(v), true
}

// str turns a scalar into text; lists and maps give their Go form, which is rarely wanted but
// never hidden.
func str(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(v)
	case []any:
		return strings.Join(strs(v), ", ")
	default:
		return fmt.Sprint(v)
	}
}

// strs turns a list into strings, dropping nulls; anything but a list gives nil.
func strs(v any) []string {
	list, ok := v.([]any)
	if !ok {
		if s, ok := v.([]string); ok {
			return s
		}
		return nil
	}

	out := make([]string, 0, len(list))
	for _, item := range list {
		if item != nil {
			out = append(out, str(item))
		}
	}

	return out
}
