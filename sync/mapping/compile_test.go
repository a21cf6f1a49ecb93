package mapping

import (
	"errors"
	"strings"
	"testing"
)

func TestCompileAcceptsTheDefaults(t *testing.T) {
	t.Parallel()

	if _, err := Compile(Default()); err != nil {
		t.Fatalf("Compile(Default()) = %v", err)
	}
}

func TestCompileNamesEachProblemByItsSettingsKey(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name   string
		change func(r *Rules)
		key    string
		text   string
	}{
		{"a broken include expression", func(r *Rules) {
			r.Filters.Include[0].Expression = "kind ==="
		}, "mapping.filters.include[0].expression", "unexpected"},
		{"an exclude expression with an unknown variable", func(r *Rules) {
			r.Filters.Exclude = append(r.Filters.Exclude, FilterRule{}, FilterRule{Expression: "colour == 1"})
		}, "mapping.filters.exclude[2].expression", "colour"},
		{"an expression that is not boolean", func(r *Rules) {
			r.Filters.Include[0].Expression = "name"
		}, "mapping.filters.include[0].expression", "bool"},
		{"no include rule", func(r *Rules) {
			r.Filters.Include = nil
		}, "mapping.filters.include", "at least one include rule"},
		{"an owner filter that is not a ref", func(r *Rules) {
			r.Filters.Include[0].Owners = []string{"group:"}
		}, "mapping.filters.include[0].owners[0]", "not an entity ref"},
		{"an annotation condition without a key", func(r *Rules) {
			r.Filters.Exclude[0].Annotations = []string{"=true"}
		}, "mapping.filters.exclude[0].annotations[0]", "key=value"},
		{"a source path that does not parse", func(r *Rules) {
			r.Fields[0].Sources = []string{"metadata.title", "metadata..name"}
		}, "mapping.fields[0].sources[1]", "invalid path"},
		{"an unknown target", func(r *Rules) {
			r.Fields[0].Target = "colour"
		}, "mapping.fields[0].target", "custom:<definition name>"},
		{"a target mapped twice", func(r *Rules) {
			r.Fields = append(r.Fields, FieldRule{Target: FieldName})
		}, "mapping.fields[4].target", "already mapped by mapping.fields[0]"},
		{"a custom field without a kind", func(r *Rules) {
			r.Fields = append(r.Fields, FieldRule{Target: "custom:Cost"})
		}, "mapping.fields[4].kind", "single_select"},
		{"a kind on a built-in field", func(r *Rules) {
			r.Fields[1].Kind = CustomText
		}, "mapping.fields[1].kind", "only custom fields"},
		{"an unknown transform", func(r *Rules) {
			r.Fields[0].Transforms = []Transform{{Op: "reverse"}}
		}, "mapping.fields[0].transforms[0].op", "reverse"},
		{"a template that does not parse", func(r *Rules) {
			r.Fields[0].Transforms = []Transform{{Op: OpCopy}, {Op: OpTemplate, Template: "{{.Value"}}
		}, "mapping.fields[0].transforms[1].template", "unclosed action"},
		{"a template with a function that does not exist", func(r *Rules) {
			r.Fields[0].Transforms = []Transform{{Op: OpTemplate, Template: `{{readFile "/etc/passwd"}}`}}
		}, "mapping.fields[0].transforms[0].template", "readFile"},
		{"a template that ranges over a number", func(r *Rules) {
			r.Fields[0].Transforms = []Transform{{Op: OpTemplate, Template: `{{range 1000000000}}{{end}}`}}
		}, "mapping.fields[0].transforms[0].template", "range over a number"},
		{"a template that defines another", func(r *Rules) {
			r.Fields[0].Transforms = []Transform{{Op: OpTemplate, Template: `{{define "x"}}a{{end}}b`}}
		}, "mapping.fields[0].transforms[0].template", "defining templates"},
		{"a template that calls another", func(r *Rules) {
			r.Fields[0].Transforms = []Transform{{Op: OpTemplate, Template: `{{template "field" .}}`}}
		}, "mapping.fields[0].transforms[0].template", "calling other templates"},
		{"a template with ranges three deep", func(r *Rules) {
			r.Fields[0].Transforms = []Transform{{Op: OpTemplate,
				Template: `{{range .Value}}{{range $.Value}}{{range $.Value}}{{end}}{{end}}{{end}}`}}
		}, "mapping.fields[0].transforms[0].template", "at most 2 deep"},
		{"a regular expression that does not compile", func(r *Rules) {
			r.Fields[0].Transforms = []Transform{{Op: OpReplace, Pattern: "(a"}}
		}, "mapping.fields[0].transforms[0].pattern", "missing closing )"},
		{"a truncate without a max", func(r *Rules) {
			r.Fields[0].Transforms = []Transform{{Op: OpTruncate}}
		}, "mapping.fields[0].transforms[0].max", "at least 1"},
		{"an unknown source of truth", func(r *Rules) {
			r.Fields[1].Truth = "jira"
		}, "mapping.fields[1].truth", "backstage or compass"},
		{"an unknown type id in a rule", func(r *Rules) {
			r.Types.Rules[2].TypeID = "LIBRARIES"
		}, "mapping.types.rules[2].type_id", "LIBRARIES"},
		{"a type rule without a kind", func(r *Rules) {
			r.Types.Rules[0].Kind = " "
		}, "mapping.types.rules[0].kind", "entity kind"},
		{"an unknown default type id", func(r *Rules) {
			r.Types.Default = ""
		}, "mapping.types.default", "type id"},
		{"a team table key that is not a ref", func(r *Rules) {
			r.Owner.Teams = map[string]string{"group:a/b/c": "ari:cloud:identity::team/x"}
		}, `mapping.owner.teams["group:a/b/c"]`, "not an entity ref"},
		{"a team table value that is not an ARI", func(r *Rules) {
			r.Owner.Teams = map[string]string{"platform": "Platform team"}
		}, `mapping.owner.teams["platform"]`, "team ARI"},
		{"an owner path that does not parse", func(r *Rules) {
			r.Owner.Path = "spec[owner]"
		}, "mapping.owner.path", "invalid path"},
		{"a techdocs base URL in plain text", func(r *Rules) {
			r.Links.TechDocsBaseURL = "backstage.acme.example/docs"
		}, "mapping.links.techdocs_base_url", "absolute http"},
		{"a PagerDuty base URL with another scheme", func(r *Rules) {
			r.Links.PagerDutyBaseURL = "ftp://acme.pagerduty.com"
		}, "mapping.links.pagerduty_base_url", "absolute http"},
		{"an unknown link type", func(r *Rules) {
			r.Links.Classes[1].Type = "DOCS"
		}, "mapping.links.classes[1].type", "DOCS"},
		{"an extra label with whitespace", func(r *Rules) {
			r.Labels.Extra = []string{"ok", "from backstage"}
		}, "mapping.labels.extra[1]", "no whitespace"},
		{"an extra label in upper case", func(r *Rules) {
			r.Labels.Extra = []string{"Imported"}
		}, "mapping.labels.extra[0]", "lower case"},
		{"a dependency path that does not parse", func(r *Rules) {
			r.DependsOn.Path = "spec.]"
		}, "mapping.depends_on.path", "invalid path"},
		{"no default dependency kind", func(r *Rules) {
			r.DependsOn.DefaultKind = ""
		}, "mapping.depends_on.default_kind", "kind"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			rules := Default()
			tt.change(&rules)
			_, err := Compile(rules)

			var re *RulesError
			if !errors.As(err, &re) || !errors.Is(err, ErrInvalidRules) {
				t.Fatalf("Compile error = %v, want a *RulesError", err)
			}
			if len(re.Problems) != 1 {
				t.Fatalf("problems = %+v, want exactly one", re.Problems)
			}
			p := re.Problems[0]
			if p.Key != tt.key || !strings.Contains(p.Message, tt.text) {
				t.Errorf("problem = %s: %s; want key %s and a message with %q", p.Key, p.Message, tt.key, tt.text)
			}
		})
	}
}

func TestCompileReportsEveryProblemAtOnce(t *testing.T) {
	t.Parallel()

	rules := Default()
	rules.Types.Default = "NOPE"
	rules.Fields[0].Sources = []string{"["}
	rules.Filters.Exclude[0].Expression = "("

	_, err := Compile(rules)

	var re *RulesError
	if !errors.As(err, &re) {
		t.Fatalf("Compile error = %v, want a *RulesError", err)
	}
	want := []string{"mapping.filters.exclude[0].expression", "mapping.fields[0].sources[0]", "mapping.types.default"}
	if len(re.Problems) != len(want) {
		t.Fatalf("problems = %+v, want keys %v", re.Problems, want)
	}
	for i, key := range want {
		if re.Problems[i].Key != key {
			t.Errorf("problem %d key = %s, want %s", i, re.Problems[i].Key, key)
		}
	}
	if !strings.Contains(err.Error(), "mapping.types.default: ") {
		t.Errorf("Error() = %q, want one key: message line per problem", err.Error())
	}
}

func TestValidTypeID(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name string
		id   string
		want bool
	}{
		{"a built-in type is valid", "CLOUD_RESOURCE", true},
		{"a custom type ARI is valid", "ari:cloud:compass:abc:component-type/123", true},
		{"a lower-case built-in type is not", "service", false},
		{"another ARI is not", "ari:cloud:identity::team/1", false},
		{"nothing is not", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			if got := ValidTypeID(tt.id); got != tt.want {
				t.Errorf("ValidTypeID(%q) = %v, want %v", tt.id, got, tt.want)
			}
		})
	}
}
