package backstagetest

import (
	"bytes"
	"fmt"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// Entity is one catalog entity document as it is written to a catalog file.
type Entity = map[string]any

// Annotations set on generated entities.
const (
	// AnnotationProjectSlug holds "org/repo"; it survives renames and serves as the stable key.
	AnnotationProjectSlug = "github.com/project-slug"
	AnnotationTechDocsRef = "backstage.io/techdocs-ref"
	AnnotationSourceLoc   = "backstage.io/source-location"
	AnnotationPagerDuty   = "pagerduty.com/service-id"
	// AnnotationTier holds the service tier, "1" to "4".
	AnnotationTier = "acme.com/tier"
)

// ComponentTypes lists the spec.type values that generated components cycle through.
var ComponentTypes = []string{
	"service", "website", "library", "documentation", "tool", "other",
	"sdk", "application", "data-pipeline",
}

// Lifecycles lists the spec.lifecycle values that generated components and APIs cycle through.
var Lifecycles = []string{"production", "experimental", "deprecated"}

// File is one catalog file: several entities separated by "---".
type File struct {
	// Name is the base name of the file, ending in ".yaml".
	Name     string
	Entities []Entity
}

// Catalog is a set of catalog files.
type Catalog struct {
	Files []File
}

// CatalogOptions sizes a generated catalog. Zero values pick the defaults.
type CatalogOptions struct {
	// Components is the number of components; the default is 40 (about 75 entities in all).
	Components int
	// Namespace is the namespace of every entity; the default is "default".
	Namespace string
}

// Entities returns every entity of the catalog, file by file.
func (c Catalog) Entities() []Entity {
	var all []Entity
	for _, f := range c.Files {
		all = append(all, f.Entities...)
	}
	return all
}

// Refs returns the sorted, lower-cased refs of every entity.
func (c Catalog) Refs() []string {
	var refs []string
	for _, e := range c.Entities() {
		refs = append(refs, Ref(e))
	}
	slices.Sort(refs)
	return refs
}

// CountByKind returns the number of entities per kind, keyed by kind as written.
func (c Catalog) CountByKind() map[string]int {
	counts := map[string]int{}
	for _, e := range c.Entities() {
		kind, _ := e["kind"].(string)
		counts[kind]++
	}
	return counts
}

// Find returns the entity with the given ref, compared case-insensitively.
func (c Catalog) Find(ref string) (Entity, bool) {
	for _, e := range c.Entities() {
		if Ref(e) == strings.ToLower(ref) {
			return e, true
		}
	}
	return nil, false
}

// Clone returns a deep copy of the catalog, so that edits to it leave the original alone.
func (c Catalog) Clone() Catalog {
	clone := Catalog{Files: make([]File, len(c.Files))}
	for i, f := range c.Files {
		clone.Files[i] = File{Name: f.Name, Entities: make([]Entity, len(f.Entities))}
		for j, e := range f.Entities {
			clone.Files[i].Entities[j] = CloneEntity(e)
		}
	}
	return clone
}

// CloneEntity returns a deep copy of an entity document.
func CloneEntity(e Entity) Entity {
	return cloneValue(e).(Entity)
}

func cloneValue(v any) any {
	switch v := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(v))
		for k, x := range v {
			m[k] = cloneValue(x)
		}
		return m
	case []any:
		s := make([]any, len(v))
		for i, x := range v {
			s[i] = cloneValue(x)
		}
		return s
	case []string:
		return slices.Clone(v)
	default:
		return v
	}
}

// Ref returns the lower-cased ref kind:namespace/name of an entity; a missing namespace is
// "default", as Backstage assumes.
func Ref(e Entity) string {
	kind, _ := e["kind"].(string)
	meta, _ := e["metadata"].(map[string]any)
	name, _ := meta["name"].(string)
	ns, _ := meta["namespace"].(string)
	if ns == "" {
		ns = "default"
	}
	return strings.ToLower(kind + ":" + ns + "/" + name)
}

// Encode writes the entities of a file as YAML documents separated by "---".
func (f File) Encode() ([]byte, error) {
	if len(f.Entities) == 0 {
		// The YAML encoder refuses to close a stream without documents; an empty file is what
		// the catalog reads as "no entities".
		return []byte{}, nil
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	for _, e := range f.Entities {
		if err := enc.Encode(e); err != nil {
			return nil, fmt.Errorf("encoding %s in %s: %w", Ref(e), f.Name, err)
		}
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("encoding %s: %w", f.Name, err)
	}
	return buf.Bytes(), nil
}
