package mapping

import "strings"

// EntityRef is a parsed, lower-cased entity ref kind:namespace/name.
type EntityRef struct {
	Kind      string
	Namespace string
	Name      string
}

// String returns the full ref kind:namespace/name.
func (r EntityRef) String() string {
	return r.Kind + ":" + r.Namespace + "/" + r.Name
}

// ParseRef parses a ref in any of Backstage's forms, name, namespace/name, kind:name or
// kind:namespace/name, filling in defaultKind and defaultNamespace, and lower-cases it. It
// reports false when a part is empty or the ref holds whitespace.
func ParseRef(s, defaultKind, defaultNamespace string) (EntityRef, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" || strings.ContainsAny(s, " \t\r\n") {
		return EntityRef{}, false
	}

	ref := EntityRef{Kind: strings.ToLower(defaultKind), Namespace: strings.ToLower(defaultNamespace)}
	if kind, rest, ok := strings.Cut(s, ":"); ok {
		ref.Kind, s = kind, rest
	}
	if ns, rest, ok := strings.Cut(s, "/"); ok {
		ref.Namespace, s = ns, rest
	}
	ref.Name = s

	ok := ref.Kind != "" && ref.Namespace != "" && ref.Name != "" &&
		!strings.ContainsAny(ref.Name, ":/")

	return ref, ok
}
