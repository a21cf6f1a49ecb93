package config

import (
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/backstage-sync/backstage-sync/sync/mapping"
)

// valid returns settings that pass Validate, for tests to break one thing at a time.
func valid() Settings {
	s := Default()
	s.Backstage.URL = "https://backstage.acme.example"
	s.Compass.Site = "acme.atlassian.net"
	s.Compass.Email = "sync@acme.example"

	return s
}

func TestValidateAcceptsGoodSettings(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name   string
		change func(s *Settings)
	}{
		{"the defaults with the connection filled in", func(*Settings) {}},
		{"a loopback Backstage over plain http", func(s *Settings) { s.Backstage.URL = "http://127.0.0.1:7007" }},
		{"localhost over plain http", func(s *Settings) { s.Backstage.URL = "http://localhost:7007/" }},
		{"IPv6 loopback over plain http", func(s *Settings) { s.Backstage.URL = "http://[::1]:7007" }},
		{"client credentials with all they need", func(s *Settings) {
			s.Backstage.Auth = Auth{Type: AuthClientCredentials, TokenURL: "https://idp.example/token",
				ClientID: "sync", Scopes: []string{"catalog.read"}, Audience: "backstage"}
		}},
		{"a site given as a URL", func(s *Settings) { s.Compass.Site = "https://acme.atlassian.net/" }},
		{"a cron schedule", func(s *Settings) { s.Sync.Schedule = "*/15 * * * *" }},
		{"an @every schedule", func(s *Settings) { s.Sync.Schedule = "@every 30m" }},
		{"a cron descriptor", func(s *Settings) { s.Sync.Schedule = "@daily" }},
		{"no rename annotation", func(s *Settings) { s.Sync.RenameAnnotation = "" }},
		{"a delete policy for APIs", func(s *Settings) { s.Deletion.Policy = map[string]Policy{"api": PolicyDelete} }},
		{"catalog filters", func(s *Settings) {
			s.Backstage.Filters = []string{"kind=component,spec.type=service", "kind=api"}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			s := valid()
			tt.change(&s)
			if err := s.Validate(); err != nil {
				t.Errorf("Validate() = %v, want nil", err)
			}
		})
	}
}

func TestValidateNamesEachProblemByItsKey(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name   string
		change func(s *Settings)
		key    string
		text   string
	}{
		{"no Backstage URL", func(s *Settings) { s.Backstage.URL = "" }, "backstage.url", "set the Backstage"},
		{"a Backstage URL without a scheme", func(s *Settings) { s.Backstage.URL = "backstage.acme.example" },
			"backstage.url", "absolute http"},
		{"plain http to another host", func(s *Settings) { s.Backstage.URL = "http://backstage.acme.example" },
			"backstage.url", "use https"},
		{"credentials in the Backstage URL", func(s *Settings) { s.Backstage.URL = "https://u:p@backstage.acme.example" },
			"backstage.url", "keyring"},
		{"a query in the Backstage URL", func(s *Settings) { s.Backstage.URL = "https://b.example/?token=1" },
			"backstage.url", "query"},
		{"an unknown auth type", func(s *Settings) { s.Backstage.Auth.Type = "basic" },
			"backstage.auth.type", "token or client_credentials"},
		{"client credentials without a token URL", func(s *Settings) {
			s.Backstage.Auth = Auth{Type: AuthClientCredentials, ClientID: "sync"}
		}, "backstage.auth.token_url", "token endpoint"},
		{"client credentials with a plain http token URL", func(s *Settings) {
			s.Backstage.Auth = Auth{Type: AuthClientCredentials, ClientID: "sync", TokenURL: "http://idp.example/token"}
		}, "backstage.auth.token_url", "use https"},
		{"client credentials without a client id", func(s *Settings) {
			s.Backstage.Auth = Auth{Type: AuthClientCredentials, TokenURL: "https://idp.example/token"}
		}, "backstage.auth.client_id", "client id"},
		{"a scope with a space", func(s *Settings) {
			s.Backstage.Auth = Auth{Type: AuthClientCredentials, TokenURL: "https://idp.example/token",
				ClientID: "sync", Scopes: []string{"a", "b c"}}
		}, "backstage.auth.scopes[1]", "without spaces"},
		{"a catalog filter without a key", func(s *Settings) { s.Backstage.Filters = []string{"kind=api", "=x"} },
			"backstage.filters[1]", "without a key"},
		{"no Compass site", func(s *Settings) { s.Compass.Site = "" }, "compass.site", "set the Compass site"},
		{"a Compass site with a path", func(s *Settings) { s.Compass.Site = "acme.atlassian.net/wiki" },
			"compass.site", "without a path"},
		{"a Compass site over plain http", func(s *Settings) { s.Compass.Site = "http://acme.atlassian.net" },
			"compass.site", "use https"},
		{"no Compass email", func(s *Settings) { s.Compass.Email = "" }, "compass.email", "set the email"},
		{"an email with a display name", func(s *Settings) { s.Compass.Email = "Sync <sync@acme.example>" },
			"compass.email", "plain email"},
		{"an empty external source", func(s *Settings) { s.Compass.ExternalSource = "" },
			"compass.external_source", "1 to 64"},
		{"an external source with a space", func(s *Settings) { s.Compass.ExternalSource = "back stage" },
			"compass.external_source", "1 to 64"},
		{"a broken filter expression in the mapping", func(s *Settings) {
			s.Mapping.Filters.Exclude = append(s.Mapping.Filters.Exclude, mapping.FilterRule{},
				mapping.FilterRule{Expression: "kind =="})
		}, "mapping.filters.exclude[2].expression", "unexpected"},
		{"an unknown type id in the mapping", func(s *Settings) { s.Mapping.Types.Default = "MICROSERVICE" },
			"mapping.types.default", "MICROSERVICE"},
		{"a broken regular expression in the mapping", func(s *Settings) {
			s.Mapping.Fields[0].Transforms = []mapping.Transform{{Op: mapping.OpReplace, Pattern: "["}}
		}, "mapping.fields[0].transforms[0].pattern", "missing closing ]"},
		{"a broken template in the mapping", func(s *Settings) {
			s.Mapping.Fields[1].Transforms = []mapping.Transform{{Op: mapping.OpTemplate, Template: "{{end}}"}}
		}, "mapping.fields[1].transforms[0].template", "unexpected"},
		{"an unknown schedule", func(s *Settings) { s.Sync.Schedule = "weekly" }, "sync.schedule", "cron expression"},
		{"a cron expression with six fields", func(s *Settings) { s.Sync.Schedule = "0 0 * * * *" },
			"sync.schedule", "cron expression"},
		{"an @every schedule below a minute", func(s *Settings) { s.Sync.Schedule = "@every 5s" },
			"sync.schedule", "at least 1m"},
		{"a batch of none", func(s *Settings) { s.Sync.BatchSize = 0 }, "sync.batch_size", "1 to 50"},
		{"a batch too large", func(s *Settings) { s.Sync.BatchSize = 51 }, "sync.batch_size", "1 to 50"},
		{"no concurrency", func(s *Settings) { s.Sync.Concurrency = 0 }, "sync.concurrency", "1 to 16"},
		{"a rename annotation with a space", func(s *Settings) { s.Sync.RenameAnnotation = "a b" },
			"sync.rename_annotation", "whitespace"},
		{"an unknown policy for a kind", func(s *Settings) { s.Deletion.Policy = map[string]Policy{"api": "purge"} },
			`deletion.policy["api"]`, "keep, deprecate or delete"},
		{"a policy kind in capitals", func(s *Settings) { s.Deletion.Policy = map[string]Policy{"API": PolicyKeep} },
			`deletion.policy["API"]`, "lower case"},
		{"an unknown default policy", func(s *Settings) { s.Deletion.DefaultPolicy = "" },
			"deletion.default_policy", "keep, deprecate or delete"},
		{"no missing runs", func(s *Settings) { s.Deletion.MissingRuns = 0 }, "deletion.missing_runs", "1 to 100"},
		{"a percentage over 100", func(s *Settings) { s.Deletion.ThresholdPercent = 101 },
			"deletion.threshold_percent", "1 to 100"},
		{"a percentage of zero", func(s *Settings) { s.Deletion.ThresholdPercent = 0 },
			"deletion.threshold_percent", "1 to 100"},
		{"a count of zero", func(s *Settings) { s.Deletion.ThresholdCount = 0 },
			"deletion.threshold_count", "at least 1"},
		{"a deprecate label with a space", func(s *Settings) { s.Deletion.DeprecateLabel = "removed from backstage" },
			"deletion.deprecate_label", "no whitespace"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			s := valid()
			tt.change(&s)
			err := s.Validate()

			var ve *ValidationError
			if !errors.As(err, &ve) || !errors.Is(err, ErrInvalid) {
				t.Fatalf("Validate() = %v, want a *ValidationError", err)
			}
			if len(ve.Problems) != 1 {
				t.Fatalf("problems = %+v, want exactly one", ve.Problems)
			}
			p := ve.Problems[0]
			if p.Key != tt.key || !strings.Contains(p.Message, tt.text) {
				t.Errorf("problem = %s: %s; want key %s with %q", p.Key, p.Message, tt.key, tt.text)
			}
		})
	}
}

func TestValidateListsEveryProblemOfTheDefaults(t *testing.T) {
	t.Parallel()

	err := Default().Validate()

	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("Validate() = %v, want a *ValidationError", err)
	}
	var keys []string
	for _, p := range ve.Problems {
		keys = append(keys, p.Key)
	}
	want := []string{"backstage.url", "compass.site", "compass.email"}
	if !reflect.DeepEqual(keys, want) {
		t.Errorf("problem keys = %q, want %q", keys, want)
	}
	if !strings.Contains(err.Error(), "compass.email: set the email") {
		t.Errorf("Error() = %q, want one key: message line per problem", err.Error())
	}
}

func TestParse(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name  string
		yaml  string
		check func(t *testing.T, s Settings)
	}{
		{"an empty document gives the defaults", "", func(t *testing.T, s Settings) {
			if !reflect.DeepEqual(s, Default()) {
				t.Errorf("Parse(\"\") = %+v, want the defaults", s)
			}
		}},
		{"keys left out keep their defaults", "compass:\n  site: acme.atlassian.net\n", func(t *testing.T, s Settings) {
			if s.Compass.Site != "acme.atlassian.net" || s.Compass.ExternalSource != "backstage" || s.Sync.BatchSize != 10 {
				t.Errorf("Compass = %+v, BatchSize %d", s.Compass, s.Sync.BatchSize)
			}
		}},
		{"a list replaces the default list", "mapping:\n  filters:\n    include:\n      - kinds: [API]\n",
			func(t *testing.T, s Settings) {
				inc := s.Mapping.Filters.Include
				if len(inc) != 1 || !reflect.DeepEqual(inc[0].Kinds, []string{"API"}) {
					t.Errorf("include = %+v, want only the API rule", inc)
				}
			}},
		{"false overrides a true default", "sync:\n  adoption: false\n", func(t *testing.T, s Settings) {
			if s.Sync.Adoption {
				t.Error("Adoption = true, want false")
			}
		}},
		{"the rename annotation reaches the mapping rules", "sync:\n  rename_annotation: acme.io/id\n",
			func(t *testing.T, s Settings) {
				if got := s.Rules().StableKeyAnnotation; got != "acme.io/id" {
					t.Errorf("Rules().StableKeyAnnotation = %q, want acme.io/id", got)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			s, err := Parse([]byte(tt.yaml))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			tt.check(t, s)
		})
	}
}

func TestParseRefuses(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name string
		yaml string
		text string
	}{
		{"an unknown top-level key", "colour: blue\n", "colour"},
		{"an unknown nested key", "backstage:\n  token: secret\n", "token"},
		{"an unknown key in the mapping", "mapping:\n  fields:\n    - target: name\n      source: x\n", "source"},
		{"a value of the wrong type", "sync:\n  batch_size: many\n", "many"},
		{"text that is not YAML", "backstage: [\n", "yaml"},
		{"two documents", "sync:\n  batch_size: 5\n---\nsync:\n  batch_size: 6\n", "more than one"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			_, err := Parse([]byte(tt.yaml))
			if !errors.Is(err, ErrParse) || !strings.Contains(err.Error(), tt.text) {
				t.Errorf("Parse error = %v, want ErrParse mentioning %q", err, tt.text)
			}
		})
	}
}

func TestMarshalRoundTrips(t *testing.T) {
	t.Parallel()

	s := valid()
	s.Backstage.Auth = Auth{Type: AuthClientCredentials, TokenURL: "https://idp.example/token",
		ClientID: "sync", Scopes: []string{"a", "b"}}
	s.Deletion.Policy = map[string]Policy{"api": PolicyDelete}
	s.Mapping.Owner.Teams = map[string]string{"group:default/web": "ari:cloud:identity::team/1"}
	s.Sync.Adoption = false

	data, err := Marshal(s)
	if err != nil {
		t.Fatalf("Marshal: %v", err)
	}
	got, err := Parse(data)
	if err != nil {
		t.Fatalf("Parse(Marshal(s)): %v\n%s", err, data)
	}
	if !reflect.DeepEqual(got, s) {
		t.Errorf("round trip changed the settings:\n got %+v\nwant %+v\n%s", got, s, data)
	}
}

func TestApplyEnv(t *testing.T) {
	t.Parallel()

	env := map[string]string{
		EnvBackstageURL: "http://127.0.0.1:7007",
		EnvCompassSite:  " other.atlassian.net ",
		EnvCompassEmail: "",
	}
	s := valid()
	s.ApplyEnv(func(k string) string { return env[k] })

	if s.Backstage.URL != "http://127.0.0.1:7007" {
		t.Errorf("Backstage.URL = %q, want the environment's", s.Backstage.URL)
	}
	if s.Compass.Site != "other.atlassian.net" {
		t.Errorf("Compass.Site = %q, want the environment's, trimmed", s.Compass.Site)
	}
	if s.Compass.Email != "sync@acme.example" {
		t.Errorf("Compass.Email = %q, want the setting kept when the variable is empty", s.Compass.Email)
	}
}

func TestSiteURL(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name string
		site string
		want string
	}{
		{"a host name gets https", "acme.atlassian.net", "https://acme.atlassian.net"},
		{"a URL keeps its scheme and loses the slash", "https://acme.atlassian.net/", "https://acme.atlassian.net"},
		{"a loopback simulator keeps http and port", "http://127.0.0.1:8080", "http://127.0.0.1:8080"},
		{"a bad site gives nothing", "http://acme.atlassian.net", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			if got := (Compass{Site: tt.site}).SiteURL(); got != tt.want {
				t.Errorf("SiteURL() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestPolicyFor(t *testing.T) {
	t.Parallel()

	d := Default().Deletion
	d.Policy = map[string]Policy{"api": PolicyDelete}

	if got := d.PolicyFor("API"); got != PolicyDelete {
		t.Errorf("PolicyFor(API) = %q, want delete", got)
	}
	if got := d.PolicyFor("Component"); got != PolicyDeprecate {
		t.Errorf("PolicyFor(Component) = %q, want the default deprecate", got)
	}
}

func FuzzParse(f *testing.F) {
	base, err := Marshal(Default())
	if err != nil {
		f.Fatal(err)
	}
	f.Add(base)
	f.Add([]byte("sync:\n  batch_size: 5\n"))
	f.Add([]byte("deletion:\n  policy: {api: delete}\n"))

	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse(data)
		if err != nil {
			if !errors.Is(err, ErrParse) {
				t.Fatalf("Parse error %v is not ErrParse", err)
			}
			return
		}
		_ = s.Validate()

		out, err := Marshal(s)
		if err != nil {
			t.Fatalf("Marshal: %v", err)
		}
		again, err := Parse(out)
		if err != nil {
			t.Fatalf("Parse(Marshal(s)): %v\n%s", err, out)
		}
		if out2, _ := Marshal(again); string(out2) != string(out) {
			t.Fatalf("round trip changed the settings:\n%s\nthen\n%s", out, out2)
		}
	})
}

func TestSettingsHoldNoSecrets(t *testing.T) {
	t.Parallel()

	// Words that would mean a secret slipped into the settings; token_url is an address.
	suspect := []string{"secret", "password", "passwd", "apikey", "apitoken", "credential"}
	looksSecret := func(name string) bool {
		name = strings.ToLower(strings.ReplaceAll(name, "_", ""))
		if name == "token" {
			return true
		}
		return slices.ContainsFunc(suspect, func(s string) bool { return strings.Contains(name, s) })
	}

	var walk func(path string, typ reflect.Type)
	walk = func(path string, typ reflect.Type) {
		switch typ.Kind() {
		case reflect.Struct:
			for i := range typ.NumField() {
				f := typ.Field(i)
				tag, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
				if looksSecret(f.Name) || looksSecret(tag) {
					t.Errorf("%s.%s looks like a secret; secrets belong in the keyring", path, f.Name)
				}
				walk(path+"."+f.Name, f.Type)
			}
		case reflect.Slice, reflect.Map, reflect.Pointer:
			walk(path, typ.Elem())
		}
	}
	walk("Settings", reflect.TypeFor[Settings]())
}

func TestSettingsSurviveJSON(t *testing.T) {
	t.Parallel()

	s := valid()
	s.Deletion.Policy = map[string]Policy{"api": PolicyKeep}

	data, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	got := Default()
	if err := json.Unmarshal(data, &got); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, s) {
		t.Errorf("JSON round trip changed the settings:\n got %+v\nwant %+v", got, s)
	}
}

func TestParseNamesUnknownKeysByTheirPlaceInTheFile(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, yaml, want string
	}{
		{"top level", "colour: blue\n", `unknown key "colour" in the top level`},
		{"a section", "backstage:\n  colour: blue\n", `unknown key "colour" in backstage`},
		{"a nested rule", "mapping:\n  fields:\n    - target: name\n      colour: blue\n", `unknown key "colour" in a mapping.fields entry`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Parse([]byte(tt.yaml))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Parse = %v, want an error saying %q", err, tt.want)
			}
		})
	}
}
