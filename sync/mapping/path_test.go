package mapping

import (
	"errors"
	"reflect"
	"testing"
)

func TestParsePath(t *testing.T) {
	t.Parallel()

	doc := map[string]any{
		"metadata": map[string]any{
			"name": "cart",
			"annotations": map[string]any{
				"github.com/project-slug": "acme/cart",
				`odd"key`:                 "quoted",
			},
			"links": []any{map[string]any{"url": "https://a.example"}},
			"title": nil,
		},
	}

	tests := []struct {
		name      string
		path      string
		canonical string
		want      any
		found     bool
	}{
		{"a bare dotted path finds a value", "metadata.name", "metadata.name", "cart", true},
		{"a double-quoted key may hold dots and slashes",
			`metadata.annotations["github.com/project-slug"]`,
			`metadata.annotations["github.com/project-slug"]`, "acme/cart", true},
		{"a single-quoted key is the same key", `metadata.annotations['github.com/project-slug']`,
			`metadata.annotations["github.com/project-slug"]`, "acme/cart", true},
		{"an escaped quote belongs to the key", `metadata.annotations["odd\"key"]`,
			`metadata.annotations["odd\"key"]`, "quoted", true},
		{"an index picks a list element", "metadata.links[0].url", "metadata.links[0].url",
			"https://a.example", true},
		{"an index past the end finds nothing", "metadata.links[3].url", "metadata.links[3].url",
			nil, false},
		{"a bracketed bare key prints bare", `["metadata"]["name"]`, "metadata.name", "cart", true},
		{"a null counts as missing", "metadata.title", "metadata.title", nil, false},
		{"a key under a string finds nothing", "metadata.name.first", "metadata.name.first", nil, false},
		{"an index into a map finds nothing", "metadata[0]", "metadata[0]", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			p, err := ParsePath(tt.path)
			if err != nil {
				t.Fatalf("ParsePath(%q): %v", tt.path, err)
			}
			if got := p.String(); got != tt.canonical {
				t.Errorf("String() = %q, want %q", got, tt.canonical)
			}
			got, found := p.Lookup(doc)
			if found != tt.found || !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Lookup = %v, %v; want %v, %v", got, found, tt.want, tt.found)
			}
		})
	}
}

func TestParsePathRefusesBadSyntax(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name string
		path string
	}{
		{"an empty path", ""},
		{"a leading dot", ".metadata"},
		{"a trailing dot", "metadata."},
		{"two dots in a row", "metadata..name"},
		{"a key with a slash outside quotes", "metadata.annotations.github.com/slug"},
		{"an unterminated quote", `metadata["name`},
		{"an unterminated bracket", "metadata[0"},
		{"an empty bracket", "metadata[]"},
		{"a negative index", "links[-1]"},
		{"a huge index", "links[99999999999999999999]"},
		{"text after a bracket", `metadata["a"]b`},
		{"whitespace", "metadata. name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			_, err := ParsePath(tt.path)
			if !errors.Is(err, ErrInvalidPath) {
				t.Errorf("ParsePath(%q) error = %v, want ErrInvalidPath", tt.path, err)
			}
		})
	}
}

func FuzzParsePath(f *testing.F) {
	for _, s := range []string{
		"metadata.name", `metadata.annotations["github.com/project-slug"]`, "a[0].b", `['x\'y']`,
		"a..b", "[", `["`, "a[1",
	} {
		f.Add(s)
	}

	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePath(s)
		if err != nil {
			return
		}

		again, err := ParsePath(p.String())
		if err != nil {
			t.Fatalf("canonical form %q of %q does not parse: %v", p.String(), s, err)
		}
		if !reflect.DeepEqual(p.segs, again.segs) {
			t.Fatalf("canonical form %q of %q parses to %v, want %v", p.String(), s, again.segs, p.segs)
		}
		p.Lookup(map[string]any{"a": []any{map[string]any{"b": 1.0}}})
	})
}
