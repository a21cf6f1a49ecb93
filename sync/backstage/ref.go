package backstage

import (
	"fmt"
	"strings"
)

// DefaultNamespace is the namespace of an entity or ref that names none.
const DefaultNamespace = "default"

// EntityRef names one entity. The parts keep the case they were written in; String gives the
// lower-cased canonical form that identifies the entity.
type EntityRef struct {
	Kind      string
	Namespace string
	Name      string
}

// String returns the lower-cased ref kind:namespace/name.
func (r EntityRef) String() string {
	return strings.ToLower(r.Kind + ":" + r.Namespace + "/" + r.Name)
}

// ParseRef parses an entity ref as written in Backstage, [kind:][namespace/]name. A missing kind
// becomes defaultKind and a missing namespace defaultNamespace (DefaultNamespace when that is
// empty), so a spec.owner of "team-x" parses with ParseRef(owner, "group", entityNamespace).
// It fails with ErrInvalidRef when a part is empty, when the kind is missing and no default is
// given, or when the name still holds a ':' or '/'.
func ParseRef(s, defaultKind, defaultNamespace string) (EntityRef, error) {
	ref := EntityRef{Kind: defaultKind, Namespace: defaultNamespace, Name: strings.TrimSpace(s)}
	if ref.Namespace == "" {
		ref.Namespace = DefaultNamespace
	}

	if kind, rest, ok := strings.Cut(ref.Name, ":"); ok {
		ref.Kind, ref.Name = kind, rest
	}
	if ns, rest, ok := strings.Cut(ref.Name, "/"); ok {
		ref.Namespace, ref.Name = ns, rest
	}

	switch {
	case ref.Kind == "":
		return EntityRef{}, fmt.Errorf("parsing %q: %w: no kind", s, ErrInvalidRef)
	case ref.Namespace == "" || ref.Name == "":
		return EntityRef{}, fmt.Errorf("parsing %q: %w: empty part", s, ErrInvalidRef)
	case strings.ContainsAny(ref.Name, ":/") || strings.Contains(ref.Kind, "/"):
		return EntityRef{}, fmt.Errorf("parsing %q: %w: not [kind:][namespace/]name", s, ErrInvalidRef)
	case strings.ContainsFunc(ref.Kind+ref.Namespace+ref.Name, isSpace):
		return EntityRef{}, fmt.Errorf("parsing %q: %w: white space inside", s, ErrInvalidRef)
	}
	return ref, nil
}

func isSpace(r rune) bool {
	return r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\v' || r == '\f'
}
