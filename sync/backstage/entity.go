package backstage

import (
	"encoding/json"
	"fmt"
	"strings"
)

// OrphanAnnotation is set to "true" by the catalog on an entity whose location no longer holds
// it, shortly before the entity is deleted.
const OrphanAnnotation = "backstage.io/orphan"

// Entity is one catalog entity. The typed fields are read from Raw, the decoded document, and
// hold what the document had: a fields-only listing leaves most of them empty. Values of the
// wrong JSON type are left out of the typed fields but stay in Raw.
type Entity struct {
	APIVersion string
	Kind       string
	Metadata   Metadata
	Spec       map[string]any
	Relations  []Relation
	// Raw is the whole document as decoded from JSON (objects as map[string]any, arrays as
	// []any, numbers as float64). Lookup reads it.
	Raw map[string]any
}

// Metadata is an entity's metadata block.
type Metadata struct {
	Namespace   string
	Name        string
	UID         string
	Etag        string
	Title       string
	Description string
	Labels      map[string]string
	Annotations map[string]string
	Tags        []string
	Links       []Link
}

// Link is one entry of metadata.links.
type Link struct {
	URL   string
	Title string
	Icon  string
	Type  string
}

// Relation is one entry of relations: this entity relates by Type to TargetRef. The target
// may not exist.
type Relation struct {
	Type      string
	TargetRef string
}

// DecodeEntity decodes one entity document. It fails with ErrInvalidEntity when data is not a
// JSON object.
func DecodeEntity(data []byte) (*Entity, error) {
	var raw map[string]any
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("decoding entity: %w: %w", ErrInvalidEntity, err)
	}
	if raw == nil {
		return nil, fmt.Errorf("decoding entity: %w: null", ErrInvalidEntity)
	}
	e := EntityFromMap(raw)
	return &e, nil
}

// UnmarshalJSON decodes an entity document; see DecodeEntity.
func (e *Entity) UnmarshalJSON(data []byte) error {
	got, err := DecodeEntity(data)
	if err != nil {
		return err
	}
	*e = *got
	return nil
}

// MarshalJSON encodes Raw, the document as it was read.
func (e Entity) MarshalJSON() ([]byte, error) {
	return json.Marshal(e.Raw)
}

// EntityFromMap builds an Entity from an already decoded document. The entity keeps raw as
// its Raw without copying it.
func EntityFromMap(raw map[string]any) Entity {
	md, _ := raw["metadata"].(map[string]any)
	spec, _ := raw["spec"].(map[string]any)

	return Entity{
		APIVersion: stringAt(raw, "apiVersion"),
		Kind:       stringAt(raw, "kind"),
		Metadata: Metadata{
			Namespace:   stringAt(md, "namespace"),
			Name:        stringAt(md, "name"),
			UID:         stringAt(md, "uid"),
			Etag:        stringAt(md, "etag"),
			Title:       stringAt(md, "title"),
			Description: stringAt(md, "description"),
			Labels:      stringMapAt(md, "labels"),
			Annotations: stringMapAt(md, "annotations"),
			Tags:        stringsAt(md, "tags"),
			Links:       linksAt(md),
		},
		Spec:      spec,
		Relations: relationsAt(raw),
		Raw:       raw,
	}
}

// EntityRef returns the entity's ref with the namespace defaulted.
func (e *Entity) EntityRef() EntityRef {
	ns := e.Metadata.Namespace
	if ns == "" {
		ns = DefaultNamespace
	}
	return EntityRef{Kind: e.Kind, Namespace: ns, Name: e.Metadata.Name}
}

// Ref returns the lower-cased ref kind:namespace/name, the entity's identity in the sync.
func (e *Entity) Ref() string {
	return e.EntityRef().String()
}

// SpecString returns spec[key] when it is a string, else "".
func (e *Entity) SpecString(key string) string {
	return stringAt(e.Spec, key)
}

// SpecStrings returns the string elements of spec[key] when it is an array, such as
// spec.dependsOn; a single string is returned as a one-element slice.
func (e *Entity) SpecStrings(key string) []string {
	if s, ok := e.Spec[key].(string); ok {
		return []string{s}
	}
	return stringsAt(e.Spec, key)
}

// Orphan reports whether the catalog marked the entity as an orphan, about to be deleted.
func (e *Entity) Orphan() bool {
	return e.Metadata.Annotations[OrphanAnnotation] == "true"
}

// Lookup returns the value at path in the raw document; see ParsePath for the syntax. It
// reports false when the path is malformed or leads nowhere.
func (e *Entity) Lookup(path string) (any, bool) {
	p, err := ParsePath(path)
	if err != nil {
		return nil, false
	}
	return p.Lookup(e.Raw)
}

// LookupString is Lookup for a value that should be text: strings as they are, numbers and
// booleans in their JSON form, lists of those joined with ", ". It reports false for a missing
// value or an object.
func (e *Entity) LookupString(path string) (string, bool) {
	v, ok := e.Lookup(path)
	if !ok {
		return "", false
	}
	return scalarText(v)
}

func scalarText(v any) (string, bool) {
	switch v := v.(type) {
	case string:
		return v, true
	case float64, bool:
		b, _ := json.Marshal(v)
		return string(b), true
	case []any:
		parts := make([]string, 0, len(v))
		for _, el := range v {
			s, ok := scalarText(el)
			if !ok {
				return "", false
			}
			parts = append(parts, s)
		}
		return strings.Join(parts, ", "), true
	}
	return "", false
}

func stringAt(m map[string]any, key string) string {
	s, _ := m[key].(string)
	return s
}

func stringMapAt(m map[string]any, key string) map[string]string {
	src, _ := m[key].(map[string]any)
	if len(src) == 0 {
		return nil
	}
	out := make(map[string]string, len(src))
	for k, v := range src {
		if s, ok := v.(string); ok {
			out[k] = s
		}
	}
	return out
}

func stringsAt(m map[string]any, key string) []string {
	src, _ := m[key].([]any)
	if len(src) == 0 {
		return nil
	}
	out := make([]string, 0, len(src))
	for _, v := range src {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func linksAt(md map[string]any) []Link {
	src, _ := md["links"].([]any)
	var out []Link
	for _, v := range src {
		m, ok := v.(map[string]any)
		if !ok {
			continue
		}
		out = append(out, Link{
			URL:   stringAt(m, "url"),
			Title: stringAt(m, "title"),
			Icon:  stringAt(m, "icon"),
			Type:  stringAt(m, "type"),
		})
	}
	return out
}

func relationsAt(raw map[string]any) []Relation {
	src, _ := raw["relations"].([]any)
	var out []Relation
	for _, v := range src {
		m, ok := v.(map[string]any)
		if !ok {
			continue
		}
		out = append(out, Relation{Type: stringAt(m, "type"), TargetRef: stringAt(m, "targetRef")})
	}
	return out
}
