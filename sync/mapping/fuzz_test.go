package mapping

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func FuzzMap(f *testing.F) {
	files, _ := filepath.Glob("testdata/entities/*.json")
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"kind":"Component","metadata":{"name":"x","tags":[1,null,true,{"a":1}],"links":[null,1]}}`))

	rules := Default()
	rules.Links.TechDocsBaseURL = "https://bs.example/docs"
	rules.Links.PagerDutyBaseURL = "https://acme.pagerduty.com"
	rules.Filters.Include = []FilterRule{KindFilter("Component", "API", "Resource", "System")}
	rules.Filters.Exclude = append(rules.Filters.Exclude, FilterRule{Expression: `"skip-me" in tags`})
	m := mustCompile(f, rules)
	env := testEnv()

	f.Fuzz(func(t *testing.T, data []byte) {
		var entity map[string]any
		if json.Unmarshal(data, &entity) != nil {
			return
		}

		c, skip := m.Map(entity, env)
		if skip != nil {
			if skip.Rule == "" || skip.Reason == "" {
				t.Fatalf("skip without a rule or reason: %+v", skip)
			}
			return
		}
		checkComponent(t, c)
	})
}

// checkComponent asserts the limits every mapped component must respect.
func checkComponent(t *testing.T, c Component) {
	t.Helper()

	if n := utf8.RuneCountInString(c.Name); n < 1 || n > MaxNameLength {
		t.Fatalf("name %q has %d characters", c.Name, n)
	}
	if utf8.RuneCountInString(c.Description) > MaxDescriptionLength {
		t.Fatalf("description too long")
	}
	if !ValidTypeID(c.TypeID) {
		t.Fatalf("type id %q", c.TypeID)
	}
	unique := len(slices.Compact(slices.Clone(c.Labels))) == len(c.Labels)
	if len(c.Labels) > MaxLabels || !slices.IsSorted(c.Labels) || !unique {
		t.Fatalf("labels %q are not at most 10, sorted and unique", c.Labels)
	}
	for _, l := range c.Labels {
		if l == "" || utf8.RuneCountInString(l) > MaxLabelLength || strings.ToLower(l) != l ||
			strings.IndexFunc(l, unicode.IsSpace) >= 0 {
			t.Fatalf("label %q breaks Compass's rules", l)
		}
	}
	perType := map[string]int{}
	for _, l := range c.Links {
		perType[l.Type]++
		if !isWebURL(l.URL) || perType[l.Type] > MaxLinksPerType {
			t.Fatalf("link %+v breaks Compass's rules", l)
		}
	}
	if c.Lifecycle != "" && c.Lifecycle != LifecyclePreRelease && c.Lifecycle != LifecycleActive &&
		c.Lifecycle != LifecycleDeprecated {
		t.Fatalf("lifecycle %q", c.Lifecycle)
	}
	if n, err := strconv.Atoi(c.Tier); c.Tier != "" && (err != nil || n < 1 || n > 4) {
		t.Fatalf("tier %q", c.Tier)
	}
	if !slices.IsSorted(c.DependsOn) {
		t.Fatalf("dependsOn %q not sorted", c.DependsOn)
	}
}

// FuzzCompile feeds settings text (an expression, a template, a pattern and a path) to Compile
// and maps an entity with whatever compiles.
func FuzzCompile(f *testing.F) {
	f.Add(`"go" in tags`, `{{.Value}}`, `^a+`, `metadata.name`)
	f.Add(`metadata.x.y == 1`, `{{range .Entity.metadata.tags}}{{.}}{{end}}`, `(`, `["a"`)
	f.Add(`len(tags) > 1`, `{{printf "%5d" 1}}{{.Get "spec.type"}}`, `\d`, `spec.dependsOn[0]`)

	entity := map[string]any{
		"kind": "Component",
		"metadata": map[string]any{
			"name": "n", "tags": []any{"a", "b"}, "annotations": map[string]any{"x": "y"},
		},
		"spec": map[string]any{"type": "service", "dependsOn": []any{"component:x"}},
	}

	f.Fuzz(func(t *testing.T, expression, tmpl, pattern, path string) {
		rules := Default()
		rules.Filters.Exclude = []FilterRule{{Expression: expression}}
		rules.Fields = append(rules.Fields, FieldRule{
			Target: "custom:Fuzz", Kind: CustomText, Sources: []string{path},
			Transforms: []Transform{
				{Op: OpTemplate, Template: tmpl},
				{Op: OpReplace, Pattern: pattern, Replacement: "$1"},
			},
		})

		m, err := Compile(rules)
		if err != nil {
			var re *RulesError
			if !errors.As(err, &re) || len(re.Problems) == 0 {
				t.Fatalf("Compile error %v is not a *RulesError with problems", err)
			}
			return
		}

		c, skip := m.Map(entity, Env{})
		if skip == nil {
			checkComponent(t, c)
		}
	})
}
