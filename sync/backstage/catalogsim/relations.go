package catalogsim

import "strings"

// specRelation says which relation a spec field creates and the kind a short ref in it means.
type specRelation struct {
	field       string
	typ         string
	defaultKind string
}

// specRelations are the spec fields the built-in kinds turn into relations.
var specRelations = []specRelation{
	{"owner", "ownedBy", "group"},
	{"system", "partOf", "system"},
	{"domain", "partOf", "domain"},
	{"subcomponentOf", "partOf", "component"},
	{"dependsOn", "dependsOn", "component"},
	{"dependencyOf", "dependencyOf", "component"},
	{"providesApis", "providesApi", "api"},
	{"consumesApis", "consumesApi", "api"},
	{"memberOf", "memberOf", "group"},
	{"parent", "childOf", "group"},
	{"children", "parentOf", "group"},
	{"members", "hasMember", "user"},
}

// reverseOf gives the relation the target of a relation gets back.
var reverseOf = map[string]string{
	"ownedBy":      "ownerOf",
	"ownerOf":      "ownedBy",
	"partOf":       "hasPart",
	"hasPart":      "partOf",
	"dependsOn":    "dependencyOf",
	"dependencyOf": "dependsOn",
	"providesApi":  "apiProvidedBy",
	"consumesApi":  "apiConsumedBy",
	"memberOf":     "hasMember",
	"hasMember":    "memberOf",
	"childOf":      "parentOf",
	"parentOf":     "childOf",
}

// relationsOf reads the relations an entity's spec declares. Short refs take the field's
// default kind and the entity's own namespace; values that are not refs are skipped.
func relationsOf(namespace string, doc map[string]any) []relation {
	spec, _ := doc["spec"].(map[string]any)
	var out []relation
	for _, sr := range specRelations {
		for _, ref := range refsIn(spec[sr.field]) {
			if target, ok := expandRef(ref, sr.defaultKind, namespace); ok {
				out = append(out, relation{typ: sr.typ, target: target})
			}
		}
	}
	return out
}

func refsIn(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []any:
		out := make([]string, 0, len(v))
		for _, el := range v {
			if s, ok := el.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

func expandRef(ref, defaultKind, defaultNamespace string) (string, bool) {
	kind, rest, ok := strings.Cut(ref, ":")
	if !ok {
		kind, rest = defaultKind, ref
	}
	ns, name, ok := strings.Cut(rest, "/")
	if !ok {
		ns, name = defaultNamespace, rest
	}
	if kind == "" || ns == "" || name == "" || strings.ContainsAny(name, ":/") {
		return "", false
	}
	return refOf(kind, ns, name), true
}
