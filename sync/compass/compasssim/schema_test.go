package compasssim

import (
	"os"
	"slices"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
)

// The upstream schema in testdata is the reference the subset is cut from. Anything valid
// against the subset must stay valid against it, so every definition in the subset must match
// its upstream counterpart and leave out nothing a document could be refused for.
func TestSchemaIsASubsetOfTheUpstreamSchema(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("testdata/full-schema.graphql")
	if err != nil {
		t.Fatal(err)
	}
	full, err := gqlparser.LoadSchema(&ast.Source{Name: "full", Input: string(raw)})
	if err != nil {
		t.Fatal(err)
	}

	for name, def := range schema.Types {
		if def.BuiltIn {
			continue
		}
		up := full.Types[name]
		if up == nil {
			t.Errorf("%s is not upstream", name)
			continue
		}
		if up.Kind != def.Kind {
			t.Errorf("%s is %s here and %s upstream", name, def.Kind, up.Kind)
		}
		compareFields(t, name, def, up)
		compareMembers(t, name, def, up)
	}
	if schema.Directives["optIn"] == nil {
		t.Error("the optIn directive is missing")
	}
}

func compareFields(t *testing.T, name string, def, up *ast.Definition) {
	t.Helper()
	for _, f := range def.Fields {
		uf := up.Fields.ForName(f.Name)
		if uf == nil {
			t.Errorf("%s.%s is not upstream", name, f.Name)
			continue
		}
		if f.Type.String() != uf.Type.String() {
			t.Errorf("%s.%s is %s here and %s upstream", name, f.Name, f.Type, uf.Type)
		}
		for _, ua := range uf.Arguments {
			a := f.Arguments.ForName(ua.Name)
			if a == nil || a.Type.String() != ua.Type.String() {
				t.Errorf("%s.%s(%s) differs from upstream", name, f.Name, ua.Name)
			}
		}
	}

	// Input objects keep every upstream field, so no required field is lost and no optional
	// one makes a document invalid here alone.
	if def.Kind == ast.InputObject && len(def.Fields) != len(up.Fields) {
		t.Errorf("input %s has %d fields, upstream %d", name, len(def.Fields), len(up.Fields))
	}
	if def.Kind == ast.Enum {
		for _, v := range up.EnumValues {
			if def.EnumValues.ForName(v.Name) == nil {
				t.Errorf("enum %s lacks %s", name, v.Name)
			}
		}
	}
}

func compareMembers(t *testing.T, name string, def, up *ast.Definition) {
	t.Helper()
	for _, m := range def.Types {
		if !slices.Contains(up.Types, m) {
			t.Errorf("union %s has %s, upstream does not", name, m)
		}
	}
	for _, i := range def.Interfaces {
		if !slices.Contains(up.Interfaces, i) {
			t.Errorf("%s implements %s here only", name, i)
		}
	}
}

func TestSchemaSDLIsTheEmbeddedSchema(t *testing.T) {
	t.Parallel()
	if _, err := gqlparser.LoadSchema(&ast.Source{Input: SchemaSDL()}); err != nil {
		t.Fatalf("SchemaSDL does not load: %v", err)
	}
	if len(SchemaSDL()) < 1000 || schema.Query.Fields.ForName("compass") == nil {
		t.Error("SchemaSDL is not the Compass subset")
	}
}
