package backstage

import (
	"encoding/json"
	"errors"
	"os"
	"reflect"
	"testing"
)

func readSample(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func sampleEntity(t testing.TB) *Entity {
	t.Helper()
	e, err := DecodeEntity(readSample(t, "by-name-component.json"))
	if err != nil {
		t.Fatalf("DecodeEntity: %v", err)
	}
	return e
}

func TestDecodeEntityReadsTheTypedFields(t *testing.T) {
	t.Parallel()
	e := sampleEntity(t)

	if e.APIVersion != "backstage.io/v1alpha1" || e.Kind != "Component" {
		t.Errorf("apiVersion, kind = %q, %q", e.APIVersion, e.Kind)
	}
	md := e.Metadata
	if md.Name != "coupon-api-0011" || md.Namespace != "default" || md.Title != "Coupon Api #11" {
		t.Errorf("metadata = %+v", md)
	}
	if md.UID != "8fa9610d-d32a-4d92-830d-e00e76cabcb8" || md.Etag != "42b290db64dd57f28bec064fa0feb1caa54dd420" {
		t.Errorf("uid, etag = %q, %q", md.UID, md.Etag)
	}
	if !reflect.DeepEqual(md.Tags, []string{"kotlin", "grpc", "java"}) {
		t.Errorf("tags = %v", md.Tags)
	}
	if md.Labels["acme.io/tier"] != "3" || md.Annotations["github.com/project-slug"] != "acme/coupon-api-0011" {
		t.Errorf("labels = %v, annotations = %v", md.Labels, md.Annotations)
	}
	wantLink := Link{URL: "https://github.com/acme/coupon-api-0011", Title: "Repository", Icon: "github", Type: "repository"}
	if len(md.Links) != 3 || md.Links[0] != wantLink {
		t.Errorf("links = %+v", md.Links)
	}
	if len(e.Relations) != 7 || e.Relations[3] != (Relation{Type: "ownedBy", TargetRef: "group:default/team-auth-004"}) {
		t.Errorf("relations = %+v", e.Relations)
	}
	if e.SpecString("owner") != "group:default/team-auth-004" || len(e.SpecStrings("dependsOn")) != 2 {
		t.Errorf("spec = %v", e.Spec)
	}
	if e.Ref() != "component:default/coupon-api-0011" || e.Orphan() {
		t.Errorf("Ref() = %q, Orphan() = %v", e.Ref(), e.Orphan())
	}
}

func TestDecodeEntityIsLenient(t *testing.T) {
	t.Parallel()
	doc := `{"kind":"Group","metadata":{"name":"Team-A","tags":["x",3],"links":["bad",{"url":"u"}],
		"annotations":{"backstage.io/orphan":"true","n":1}},"relations":[1,{"type":"t","targetRef":"r"}]}`
	e, err := DecodeEntity([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}

	if e.Ref() != "group:default/team-a" {
		t.Errorf("Ref() = %q, want the default namespace and lower case", e.Ref())
	}
	if !reflect.DeepEqual(e.Metadata.Tags, []string{"x"}) || len(e.Metadata.Links) != 1 || len(e.Relations) != 1 {
		t.Errorf("wrongly typed values kept: %+v", e)
	}
	if !e.Orphan() {
		t.Error("Orphan() = false for an orphan annotation")
	}
	if v, _ := e.Lookup("metadata.tags[1]"); v != 3.0 {
		t.Errorf("Raw lost the number tag: %v", v)
	}
}

func TestDecodeEntityRejectsNonObjects(t *testing.T) {
	t.Parallel()
	for _, doc := range []string{`null`, `[]`, `"x"`, `{`, ``} {
		t.Run(doc, func(t *testing.T) {
			t.Parallel()
			if _, err := DecodeEntity([]byte(doc)); !errors.Is(err, ErrInvalidEntity) {
				t.Errorf("DecodeEntity(%q) error = %v, want ErrInvalidEntity", doc, err)
			}
		})
	}
}

func TestEntityMarshalsItsRawDocument(t *testing.T) {
	t.Parallel()
	e := sampleEntity(t)
	data, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	again, err := DecodeEntity(data)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(again, e) {
		t.Error("entity changed through a JSON round trip")
	}
}

func TestEntityLookup(t *testing.T) {
	t.Parallel()
	e := sampleEntity(t)
	tests := []struct {
		name   string
		path   string
		want   any
		wantOK bool
	}{
		{"a dotted path reads a nested value", "spec.lifecycle", "experimental", true},
		{"a quoted key holds dots and slashes", `metadata.annotations["github.com/project-slug"]`, "acme/coupon-api-0011", true},
		{"a single-quoted key works too", `metadata.labels['acme.io/tier']`, "3", true},
		{"a dotted key is joined back together", "metadata.annotations.github.com/project-slug", "acme/coupon-api-0011", true},
		{"a dotted label is joined back together", "metadata.labels.acme.io/cost-center", "cc-111", true},
		{"an index reads an array element", "metadata.links[1].title", "Runbook", true},
		{"an index reads into relations", "relations[3].targetRef", "group:default/team-auth-004", true},
		{"the top level can be quoted", `["kind"]`, "Component", true},
		{"a missing key is not found", "metadata.owner", nil, false},
		{"an index past the end is not found", "metadata.tags[3]", nil, false},
		{"an index on an object is not found", "metadata[0]", nil, false},
		{"a key on a string is not found", "kind.name", nil, false},
		{"keys match case exactly", "Metadata.name", nil, false},
		{"a malformed path is not found", "metadata..name", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, ok := e.Lookup(tt.path)
			if ok != tt.wantOK || !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Lookup(%q) = %v, %v; want %v, %v", tt.path, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestEntityLookupString(t *testing.T) {
	t.Parallel()
	e := sampleEntity(t)
	tests := []struct {
		name   string
		path   string
		want   string
		wantOK bool
	}{
		{"a string is itself", "metadata.name", "coupon-api-0011", true},
		{"a list of strings is joined", "metadata.tags", "kotlin, grpc, java", true},
		{"an object is not text", "metadata.labels", "", false},
		{"a missing value is not text", "spec.tier", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, ok := e.LookupString(tt.path)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("LookupString(%q) = %q, %v", tt.path, got, ok)
			}
		})
	}
}

func TestParsePath(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want string // canonical form, or "" for an error
	}{
		{"a dotted path stays as it is", "metadata.name", "metadata.name"},
		{"a quoted key without dots becomes dotted", `metadata["name"]`, "metadata.name"},
		{"a key with dots stays quoted", `metadata.annotations["a.b/c"]`, `metadata.annotations["a.b/c"]`},
		{"quotes and backslashes are escaped", `x["a.\"b\\c"]`, `x["a.\"b\\c"]`},
		{"indexes are kept", "links[0].url", "links[0].url"},
		{"an empty path fails", "", ""},
		{"a leading dot fails", ".name", ""},
		{"a trailing dot fails", "name.", ""},
		{"an empty bracket fails", "a[]", ""},
		{"a negative index fails", "a[-1]", ""},
		{"a signed index fails", "a[+1]", ""},
		{"an unclosed bracket fails", "a[0", ""},
		{"an unclosed quote fails", `a["b]`, ""},
		{"text after a closing quote fails", `a["b"x]`, ""},
		{"a name straight after a bracket fails", "a[0]b", ""},
		{"a stray closing bracket fails", "a]", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, err := ParsePath(tt.in)
			if tt.want == "" {
				if !errors.Is(err, ErrInvalidPath) {
					t.Errorf("ParsePath(%q) error = %v, want ErrInvalidPath", tt.in, err)
				}
				return
			}
			if err != nil || p.String() != tt.want {
				t.Errorf("ParsePath(%q) = %q, %v; want %q", tt.in, p.String(), err, tt.want)
			}
		})
	}
}

func FuzzDecodeEntity(f *testing.F) {
	f.Add(readSample(f, "by-name-component.json"))
	f.Add([]byte(`{"kind":"Group","metadata":{"name":"a","links":[{"url":1}]},"relations":null}`))
	f.Add([]byte(`{"metadata":[]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		e, err := DecodeEntity(data)
		if err != nil {
			if !errors.Is(err, ErrInvalidEntity) {
				t.Fatalf("error %v does not wrap ErrInvalidEntity", err)
			}
			return
		}
		if e.Raw == nil {
			t.Fatal("decoded entity has no Raw document")
		}
		_ = e.Ref()
		for _, p := range []string{"metadata.name", `metadata.annotations["a.b"]`, "relations[0].type", "spec.x.y"} {
			e.Lookup(p)
		}
		again, err := json.Marshal(e)
		if err != nil {
			t.Fatalf("re-encoding: %v", err)
		}
		if _, err := DecodeEntity(again); err != nil {
			t.Fatalf("decoding the re-encoded entity: %v", err)
		}
	})
}

func FuzzParsePath(f *testing.F) {
	for _, s := range []string{"metadata.name", `a["b.c"][0].d`, `x['y\'z']`, "a..b", "[1]"} {
		f.Add(s)
	}
	doc := map[string]any{"a": map[string]any{"b.c": []any{map[string]any{"d": "v"}}}}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePath(s)
		if err != nil {
			if !errors.Is(err, ErrInvalidPath) {
				t.Fatalf("error %v does not wrap ErrInvalidPath", err)
			}
			return
		}
		p.Lookup(doc)
		// The canonical form parses back to the same path.
		again, err := ParsePath(p.String())
		if err != nil || again.String() != p.String() {
			t.Fatalf("ParsePath(%q) = %q, %v; want %q", p.String(), again.String(), err, p.String())
		}
	})
}
