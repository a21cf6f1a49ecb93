package backstage

import (
	"errors"
	"testing"
)

func TestParseRef(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		in     string
		kind   string
		ns     string
		want   EntityRef
		wantOK bool
	}{
		{"a full ref keeps its parts", "component:web/Shop", "", "", EntityRef{"component", "web", "Shop"}, true},
		{"a bare name takes both defaults", "team-x", "group", "acme", EntityRef{"group", "acme", "team-x"}, true},
		{"a missing namespace default means default", "group:team-x", "", "", EntityRef{"group", "default", "team-x"}, true},
		{"a namespaced name takes the default kind", "ops/team-x", "Group", "", EntityRef{"Group", "ops", "team-x"}, true},
		{"surrounding space is trimmed", "  user:jane ", "", "", EntityRef{"user", "default", "jane"}, true},
		{"a bare name without a default kind fails", "team-x", "", "", EntityRef{}, false},
		{"an empty string fails", "", "group", "", EntityRef{}, false},
		{"an empty name fails", "group:default/", "", "", EntityRef{}, false},
		{"an empty kind fails", ":default/x", "group", "", EntityRef{}, false},
		{"a second colon fails", "a:b:c", "", "", EntityRef{}, false},
		{"a second slash fails", "a:b/c/d", "", "", EntityRef{}, false},
		{"a slash in the kind fails", "a/b:c", "", "", EntityRef{}, false},
		{"inner space fails", "group:team x", "", "", EntityRef{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseRef(tt.in, tt.kind, tt.ns)
			if tt.wantOK != (err == nil) {
				t.Fatalf("ParseRef(%q) error = %v, want ok %v", tt.in, err, tt.wantOK)
			}
			if err != nil && !errors.Is(err, ErrInvalidRef) {
				t.Errorf("error %v does not wrap ErrInvalidRef", err)
			}
			if got != tt.want {
				t.Errorf("ParseRef(%q) = %+v, want %+v", tt.in, got, tt.want)
			}
		})
	}
}

func TestEntityRefStringIsLowerCase(t *testing.T) {
	t.Parallel()
	got := EntityRef{Kind: "Component", Namespace: "Web", Name: "Shop-API"}.String()
	if got != "component:web/shop-api" {
		t.Errorf("String() = %q", got)
	}
}

func FuzzParseRef(f *testing.F) {
	for _, s := range []string{"team-x", "group:team-x", "component:default/a", "a:b:c", "x/y", ":/", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ref, err := ParseRef(s, "group", "ns")
		if err != nil {
			if !errors.Is(err, ErrInvalidRef) {
				t.Fatalf("error %v does not wrap ErrInvalidRef", err)
			}
			return
		}
		if ref.Kind == "" || ref.Namespace == "" || ref.Name == "" {
			t.Fatalf("ParseRef(%q) = %+v has an empty part", s, ref)
		}
		// A parsed ref written out in full parses back to itself.
		full := ref.Kind + ":" + ref.Namespace + "/" + ref.Name
		again, err := ParseRef(full, "", "")
		if err != nil || again != ref {
			t.Fatalf("ParseRef(%q) = %+v, %v; want %+v", full, again, err, ref)
		}
	})
}
