// Package config holds the product's settings: what to connect to, how to map, when to sync
// and how to delete. It is pure: it parses, validates and prints settings and never reads
// files or the keyring. Settings hold no secrets; tokens live in the keyring or the
// environment.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/backstage-sync/backstage-sync/sync/mapping"
)

// Settings is the whole configuration.
type Settings struct {
	Backstage Backstage     `yaml:"backstage" json:"backstage"`
	Compass   Compass       `yaml:"compass" json:"compass"`
	Mapping   mapping.Rules `yaml:"mapping" json:"mapping"`
	Sync      Sync          `yaml:"sync" json:"sync"`
	Deletion  Deletion      `yaml:"deletion" json:"deletion"`
}

// Backstage says where the catalog is and how to sign in to it.
type Backstage struct {
	// URL is the Backstage backend's base URL, for example https://backstage.acme.example.
	URL  string `yaml:"url" json:"url"`
	Auth Auth   `yaml:"auth" json:"auth"`
	// Filters are catalog filter expressions sent with every listing, each a comma-separated
	// list of key=value or key conditions, for example "kind=component,spec.type=service".
	// Separate filters are OR-ed by the catalog.
	Filters []string `yaml:"filters,omitempty" json:"filters,omitempty"`
}

// AuthType is how the app signs in to Backstage.
type AuthType string

const (
	// AuthToken sends a static token kept in the keyring.
	AuthToken AuthType = "token"
	// AuthClientCredentials gets tokens with the OAuth2 client credentials grant; the client
	// secret is kept in the keyring.
	AuthClientCredentials AuthType = "client_credentials"
)

// Auth is the Backstage sign-in method, without its secret.
type Auth struct {
	Type     AuthType `yaml:"type" json:"type"`
	TokenURL string   `yaml:"token_url,omitempty" json:"token_url,omitempty"`
	ClientID string   `yaml:"client_id,omitempty" json:"client_id,omitempty"`
	Scopes   []string `yaml:"scopes,omitempty" json:"scopes,omitempty"`
	Audience string   `yaml:"audience,omitempty" json:"audience,omitempty"`
}

// Compass says which Compass site to sync to and as whom; the API token is kept in the keyring.
type Compass struct {
	// Site is the site's host name, acme.atlassian.net, or its URL https://acme.atlassian.net.
	Site  string `yaml:"site" json:"site"`
	Email string `yaml:"email" json:"email"`
	// ExternalSource is the source of the external alias that marks components this app owns.
	ExternalSource string `yaml:"external_source" json:"external_source"`
}

// Schedule keywords; anything else is a cron expression, including @hourly and @every 30m.
const (
	ScheduleManual   = "manual"
	ScheduleRealtime = "realtime"
	ScheduleHourly   = "hourly"
	ScheduleDaily    = "daily"
)

// Sync says when and how hard to sync.
type Sync struct {
	// Schedule is manual, realtime, hourly, daily or a cron expression.
	Schedule string `yaml:"schedule" json:"schedule"`
	// BatchSize is the number of mutations sent in one GraphQL request.
	BatchSize int `yaml:"batch_size" json:"batch_size"`
	// Concurrency is the number of requests in flight to Compass.
	Concurrency int `yaml:"concurrency" json:"concurrency"`
	// Adoption lets a run attach the app's alias to a Compass component with the same name
	// and no alias, instead of creating a duplicate.
	Adoption bool `yaml:"adoption" json:"adoption"`
	// RenameAnnotation names the annotation whose value ties a renamed entity to its old
	// component; empty turns rename detection off.
	RenameAnnotation string `yaml:"rename_annotation" json:"rename_annotation"`
}

// Policy is what happens to a component whose entity is gone.
type Policy string

const (
	// PolicyKeep leaves the component alone.
	PolicyKeep Policy = "keep"
	// PolicyDeprecate sets lifecycle Deprecated and adds the deprecate label.
	PolicyDeprecate Policy = "deprecate"
	// PolicyDelete deletes the component.
	PolicyDelete Policy = "delete"
)

// Deletion says how and when components of vanished entities are retired.
type Deletion struct {
	// Policy maps lower-case entity kinds to their policy; kinds not listed take DefaultPolicy.
	Policy        map[string]Policy `yaml:"policy,omitempty" json:"policy,omitempty"`
	DefaultPolicy Policy            `yaml:"default_policy" json:"default_policy"`
	// MissingRuns is how many complete listings in a row an entity must be missing from.
	MissingRuns int `yaml:"missing_runs" json:"missing_runs"`
	// ThresholdPercent and ThresholdCount stop a run that would retire more than this share
	// of the synced components, or more than this many, until someone confirms.
	ThresholdPercent int `yaml:"threshold_percent" json:"threshold_percent"`
	ThresholdCount   int `yaml:"threshold_count" json:"threshold_count"`
	// DeprecateLabel is added to deprecated components.
	DeprecateLabel string `yaml:"deprecate_label" json:"deprecate_label"`
}

// PolicyFor returns the policy for an entity kind.
func (d Deletion) PolicyFor(kind string) Policy {
	if p, ok := d.Policy[strings.ToLower(kind)]; ok {
		return p
	}

	return d.DefaultPolicy
}

// Default returns the settings of a fresh install. Backstage URL, Compass site and email are
// empty, so Validate asks for them.
func Default() Settings {
	return Settings{
		Backstage: Backstage{Auth: Auth{Type: AuthToken}},
		Compass:   Compass{ExternalSource: "backstage"},
		Mapping:   mapping.Default(),
		Sync: Sync{
			Schedule:         ScheduleHourly,
			BatchSize:        10,
			Concurrency:      4,
			Adoption:         true,
			RenameAnnotation: mapping.DefaultStableKeyAnnotation,
		},
		Deletion: Deletion{
			DefaultPolicy:    PolicyDeprecate,
			MissingRuns:      2,
			ThresholdPercent: 10,
			ThresholdCount:   25,
			DeprecateLabel:   "backstage:removed",
		},
	}
}

// Rules returns the mapping rules with the settings that live outside the mapping section
// filled in, ready for mapping.Compile.
func (s Settings) Rules() mapping.Rules {
	r := s.Mapping
	r.StableKeyAnnotation = s.Sync.RenameAnnotation

	return r
}

// Parse reads settings from YAML over the defaults: keys left out keep their default, lists
// given replace the default list. Unknown keys are refused. Parse does not validate; call
// Validate.
func Parse(data []byte) (Settings, error) {
	s := Default()

	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	err := dec.Decode(&s)
	if errors.Is(err, io.EOF) {
		return Default(), nil
	}
	if err != nil {
		return Settings{}, fmt.Errorf("%w: %w", ErrParse, explainYAML(err))
	}

	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return Settings{}, fmt.Errorf("%w: the file holds more than one YAML document", ErrParse)
	}

	return s, nil
}

// Marshal writes settings as YAML that Parse reads back to the same settings.
func Marshal(s Settings) ([]byte, error) {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(s); err != nil {
		return nil, fmt.Errorf("encoding settings: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("encoding settings: %w", err)
	}

	return buf.Bytes(), nil
}

// Environment variables that override settings.
const (
	EnvBackstageURL = "BACKSTAGE_URL"
	EnvCompassSite  = "COMPASS_SITE"
	EnvCompassEmail = "COMPASS_EMAIL"
)

// ApplyEnv overrides settings with the environment variables that are set and not empty.
func (s *Settings) ApplyEnv(getenv func(string) string) {
	set := func(dst *string, name string) {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			*dst = v
		}
	}
	set(&s.Backstage.URL, EnvBackstageURL)
	set(&s.Compass.Site, EnvCompassSite)
	set(&s.Compass.Email, EnvCompassEmail)
}

// sectionOf names the settings section each decoded type sits under, so that an unknown key is
// reported by its place in the file rather than by a Go type.
var sectionOf = map[string]string{
	"config.Settings":        "the top level",
	"config.Backstage":       "backstage",
	"config.Auth":            "backstage.auth",
	"config.Compass":         "compass",
	"config.Sync":            "sync",
	"config.Deletion":        "deletion",
	"mapping.Rules":          "mapping",
	"mapping.Filters":        "mapping.filters",
	"mapping.FilterRule":     "a mapping filter rule",
	"mapping.FieldRule":      "a mapping.fields entry",
	"mapping.Transform":      "a mapping transform",
	"mapping.TypeRules":      "mapping.types",
	"mapping.TypeRule":       "a mapping.types rule",
	"mapping.OwnerRules":     "mapping.owner",
	"mapping.LinkRules":      "mapping.links",
	"mapping.LinkClass":      "a mapping.links class",
	"mapping.LabelRules":     "mapping.labels",
	"mapping.DependsOnRules": "mapping.depends_on",
}

var unknownField = regexp.MustCompile(`field (\S+) not found in type (\S+)`)

// explainYAML rewrites the decoder's "field x not found in type config.Y" into words about the
// settings file.
func explainYAML(err error) error {
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		return err
	}
	lines := make([]string, 0, len(te.Errors))
	for _, line := range te.Errors {
		lines = append(lines, unknownField.ReplaceAllStringFunc(line, func(m string) string {
			parts := unknownField.FindStringSubmatch(m)
			section, ok := sectionOf[parts[2]]
			if !ok {
				section = parts[2]
			}
			return fmt.Sprintf("unknown key %q in %s: remove it or check its spelling", parts[1], section)
		}))
	}
	return errors.New(strings.Join(lines, "\n"))
}
