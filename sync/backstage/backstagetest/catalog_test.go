package backstagetest

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

func TestGenerateCatalogIsDeterministic(t *testing.T) {
	t.Parallel()

	a := GenerateCatalog(CatalogOptions{})
	b := GenerateCatalog(CatalogOptions{})

	if !reflect.DeepEqual(a, b) {
		t.Fatal("two catalogs generated with the same options differ")
	}
	for i := range a.Files {
		da, err := a.Files[i].Encode()
		if err != nil {
			t.Fatal(err)
		}
		db, err := b.Files[i].Encode()
		if err != nil {
			t.Fatal(err)
		}
		if string(da) != string(db) {
			t.Errorf("file %s encodes differently on a second run", a.Files[i].Name)
		}
	}
}

func TestGenerateCatalogSizes(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name       string
		opts       CatalogOptions
		components int
	}{
		{"the default catalog has 40 components", CatalogOptions{}, 40},
		{"a requested size is honoured", CatalogOptions{Components: 12}, 12},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			counts := GenerateCatalog(tt.opts).CountByKind()

			want := map[string]int{
				"Component": tt.components, "Group": 6, "User": 8, "Domain": 2, "System": 4,
				"API": 8, "Resource": 6,
			}
			if !reflect.DeepEqual(counts, want) {
				t.Errorf("counts by kind = %v, want %v", counts, want)
			}
		})
	}
}

func TestGenerateCatalogDefaultSizeStaysSmall(t *testing.T) {
	t.Parallel()

	n := len(GenerateCatalog(CatalogOptions{}).Entities())

	if n < 60 || n > 120 {
		t.Errorf("default catalog has %d entities, want 60 to 120 so that a start takes seconds", n)
	}
}

func TestGenerateCatalogRefsAreUnique(t *testing.T) {
	t.Parallel()

	refs := GenerateCatalog(CatalogOptions{}).Refs()

	if len(slices.Compact(slices.Clone(refs))) != len(refs) {
		t.Errorf("refs are not unique: %v", refs)
	}
}

func TestGenerateCatalogCovers(t *testing.T) {
	t.Parallel()
	c := GenerateCatalog(CatalogOptions{})
	components := entitiesOfKind(c, "Component")

	tests := []struct {
		name string
		ok   func() bool
	}{
		{"every component type is used", func() bool {
			return coversAll(components, "spec.type", ComponentTypes)
		}},
		{"every lifecycle is used", func() bool {
			return coversAll(components, "spec.lifecycle", Lifecycles)
		}},
		{"every tier is used", func() bool {
			return coversAll(components, "metadata.annotations."+AnnotationTier,
				[]string{"1", "2", "3", "4"})
		}},
		{"some groups have titles and some do not", func() bool {
			groups := entitiesOfKind(c, "Group")
			titled := countWhere(groups, func(e Entity) bool { return field(e, "metadata.title") != nil })
			return titled > 0 && titled < len(groups)
		}},
		{"one entity has more than 10 tags", func() bool {
			return countWhere(components, func(e Entity) bool { return len(tags(e)) > 10 }) > 0
		}},
		{"some tags have upper case", func() bool {
			return anyTag(components, func(tag string) bool { return strings.ToLower(tag) != tag })
		}},
		{"some tags have spaces", func() bool {
			return anyTag(components, func(tag string) bool { return strings.Contains(tag, " ") })
		}},
		{"some tags are longer than 40 characters", func() bool {
			return anyTag(components, func(tag string) bool { return len(tag) > 40 })
		}},
		{"one description is longer than 4096 characters", func() bool {
			return countWhere(components, func(e Entity) bool {
				d, _ := field(e, "metadata.description").(string)
				return len(d) > 4096
			}) == 1
		}},
		{"some components have no description", func() bool {
			return countWhere(components, func(e Entity) bool {
				return field(e, "metadata.description") == nil
			}) > 0
		}},
		{"every component has a project slug, source location and links", func() bool {
			return countWhere(components, func(e Entity) bool {
				return field(e, "metadata.annotations."+AnnotationProjectSlug) != nil &&
					field(e, "metadata.annotations."+AnnotationSourceLoc) != nil &&
					field(e, "metadata.links") != nil
			}) == len(components)
		}},
		{"some components have techdocs and pagerduty annotations", func() bool {
			return countWhere(components, func(e Entity) bool {
				return field(e, "metadata.annotations."+AnnotationTechDocsRef) != nil
			}) > 0 && countWhere(components, func(e Entity) bool {
				return field(e, "metadata.annotations."+AnnotationPagerDuty) != nil
			}) > 0
		}},
		{"components depend on other components", func() bool {
			return countWhere(components, func(e Entity) bool {
				deps, _ := field(e, "spec.dependsOn").([]any)
				return slices.ContainsFunc(deps, func(d any) bool {
					return strings.HasPrefix(d.(string), "component:")
				})
			}) > len(components)/2
		}},
		{"every component has an owner", func() bool {
			return countWhere(components, func(e Entity) bool {
				return field(e, "spec.owner") != nil
			}) == len(components)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			if !tt.ok() {
				t.Error("not covered")
			}
		})
	}
}

func TestFileEncodeWritesDocumentsThatDecodeBack(t *testing.T) {
	t.Parallel()
	f := GenerateCatalog(CatalogOptions{}).Files[0]

	data, err := f.Encode()
	if err != nil {
		t.Fatal(err)
	}

	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	var got []Entity
	for {
		var e Entity
		if err := dec.Decode(&e); err != nil {
			break
		}
		got = append(got, e)
	}
	if len(got) != len(f.Entities) {
		t.Fatalf("decoded %d documents, want %d", len(got), len(f.Entities))
	}
	for i := range got {
		if Ref(got[i]) != Ref(f.Entities[i]) {
			t.Errorf("document %d is %s, want %s", i, Ref(got[i]), Ref(f.Entities[i]))
		}
	}
	if !strings.Contains(string(data), "\n---\n") {
		t.Error("documents are not separated by ---")
	}
}

func TestCloneLeavesTheOriginalAlone(t *testing.T) {
	t.Parallel()
	c := GenerateCatalog(CatalogOptions{Components: 3})
	ref := "component:default/" + ComponentName(0)

	clone := c.Clone()
	e, _ := clone.Find(ref)
	e["metadata"].(map[string]any)["tags"].([]any)[0] = "changed"
	clone.Files[0].Entities = nil

	orig, ok := c.Find(ref)
	if !ok {
		t.Fatalf("%s not found in the original", ref)
	}
	if tags(orig)[0] == "changed" {
		t.Error("editing the clone changed the original's tags")
	}
	if len(c.Files[0].Entities) == 0 {
		t.Error("editing the clone changed the original's files")
	}
}

func TestRef(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name string
		e    Entity
		want string
	}{
		{
			"a full entity gives kind, namespace and name in lower case",
			Entity{"kind": "Component", "metadata": map[string]any{"name": "Foo", "namespace": "Ops"}},
			"component:ops/foo",
		},
		{
			"a missing namespace is default",
			Entity{"kind": "Group", "metadata": map[string]any{"name": "team-a"}},
			"group:default/team-a",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			if got := Ref(tt.e); got != tt.want {
				t.Errorf("Ref = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestSplitRef(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name    string
		ref     string
		want    []string
		wantErr error
	}{
		{"a full ref splits into three parts", "component:default/foo", []string{"component", "default", "foo"}, nil},
		{"a ref without a kind is invalid", "default/foo", nil, ErrInvalidRef},
		{"a ref without a namespace is invalid", "component:foo", nil, ErrInvalidRef},
		{"a ref with an empty name is invalid", "component:default/", nil, ErrInvalidRef},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			kind, ns, name, err := splitRef(tt.ref)

			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("error = %v, want %v", err, tt.wantErr)
			}
			if tt.want != nil && !slices.Equal([]string{kind, ns, name}, tt.want) {
				t.Errorf("parts = %q, want %q", []string{kind, ns, name}, tt.want)
			}
		})
	}
}

func TestMismatch(t *testing.T) {
	t.Parallel()
	got := map[string]any{
		"kind": "Component",
		"metadata": map[string]any{
			"name": "a", "etag": "x", "tags": []any{"one", "two"},
			"annotations": map[string]any{"k": "v", "added": "by backstage"},
		},
	}

	tests := []struct {
		name string
		want map[string]any
		path string
	}{
		{"a subset of maps matches", map[string]any{
			"metadata": map[string]any{"name": "a", "annotations": map[string]any{"k": "v"}},
		}, ""},
		{"a different value is reported by path", map[string]any{
			"metadata": map[string]any{"annotations": map[string]any{"k": "w"}},
		}, "metadata.annotations.k"},
		{"a missing key is reported", map[string]any{"spec": map[string]any{"type": "service"}}, "spec"},
		{"lists must match whole", map[string]any{
			"metadata": map[string]any{"tags": []any{"one"}},
		}, "metadata.tags"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			if p := mismatch(tt.want, got, ""); p != tt.path {
				t.Errorf("mismatch = %q, want %q", p, tt.path)
			}
		})
	}
}

func entitiesOfKind(c Catalog, kind string) []Entity {
	var out []Entity
	for _, e := range c.Entities() {
		if e["kind"] == kind {
			out = append(out, e)
		}
	}
	return out
}

// field follows a dotted path; the last segment may itself contain dots (annotation keys).
func field(e Entity, path string) any {
	var cur any = map[string]any(e)
	for path != "" {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		if v, ok := m[path]; ok {
			return v
		}
		head, rest, _ := strings.Cut(path, ".")
		cur, path = m[head], rest
	}
	return cur
}

func tags(e Entity) []string {
	raw, _ := field(e, "metadata.tags").([]any)
	var out []string
	for _, t := range raw {
		out = append(out, fmt.Sprint(t))
	}
	return out
}

func anyTag(es []Entity, pred func(string) bool) bool {
	return countWhere(es, func(e Entity) bool { return slices.ContainsFunc(tags(e), pred) }) > 0
}

func countWhere(es []Entity, pred func(Entity) bool) int {
	n := 0
	for _, e := range es {
		if pred(e) {
			n++
		}
	}
	return n
}

func coversAll(es []Entity, path string, values []string) bool {
	seen := map[string]bool{}
	for _, e := range es {
		seen[fmt.Sprint(field(e, path))] = true
	}
	for _, v := range values {
		if !seen[v] {
			return false
		}
	}
	return true
}

func TestSameDocument(t *testing.T) {
	t.Parallel()
	base := Entity{"kind": "Component", "metadata": map[string]any{"name": "a", "tags": []any{"x"}}}

	tests := []struct {
		name  string
		other Entity
		want  bool
	}{
		{"string slices and any slices encode the same", Entity{
			"kind": "Component", "metadata": map[string]any{"name": "a", "tags": []string{"x"}},
		}, true},
		{"a removed key makes a different document", Entity{
			"kind": "Component", "metadata": map[string]any{"name": "a"},
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			if got := sameDocument(base, tt.other); got != tt.want {
				t.Errorf("sameDocument = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestFileEncodeOfAFileWithoutEntitiesIsEmpty(t *testing.T) {
	t.Parallel()
	data, err := File{Name: "empty.yaml"}.Encode()
	if err != nil || len(data) != 0 {
		t.Fatalf("Encode() = %q, %v; want an empty file", data, err)
	}
}
