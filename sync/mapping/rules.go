package mapping

// Rules is the whole mapping as data, so that it can be stored with the settings, shown and
// changed in the mapping editor, and compiled into a Mapper. Paths in Rules use the Path syntax.
type Rules struct {
	// Filters decide which entities are synced at all.
	Filters Filters `yaml:"filters" json:"filters"`
	// Fields map entity values onto name, description, lifecycle, tier and custom fields.
	Fields []FieldRule `yaml:"fields" json:"fields"`
	// Types map kind and spec.type onto a Compass component type id.
	Types TypeRules `yaml:"types" json:"types"`
	// Owner resolves spec.owner to a Compass team.
	Owner OwnerRules `yaml:"owner" json:"owner"`
	// Links collect component links from metadata.links and well-known annotations.
	Links LinkRules `yaml:"links" json:"links"`
	// Labels turn tags into Compass labels.
	Labels LabelRules `yaml:"labels" json:"labels"`
	// DependsOn turns dependency refs into DEPENDS_ON relationships.
	DependsOn DependsOnRules `yaml:"depends_on" json:"depends_on"`
	// StableKeyAnnotation names the annotation whose value survives a rename. It is stored in
	// the settings as sync.rename_annotation, so it is not part of the mapping document.
	StableKeyAnnotation string `yaml:"-" json:"-"`
}

// Filters hold include and exclude rules. An entity is synced when it matches at least one
// include rule and no exclude rule.
type Filters struct {
	Include []FilterRule `yaml:"include" json:"include"`
	Exclude []FilterRule `yaml:"exclude" json:"exclude"`
}

// FilterRule matches an entity when every condition it sets holds. A list condition holds when
// the entity's value is one of the listed values, compared without regard to case.
type FilterRule struct {
	// Name labels the rule in skip reasons; without one the rule is named by its settings path.
	Name       string   `yaml:"name,omitempty" json:"name,omitempty"`
	Kinds      []string `yaml:"kinds,omitempty" json:"kinds,omitempty"`
	Types      []string `yaml:"types,omitempty" json:"types,omitempty"`
	Namespaces []string `yaml:"namespaces,omitempty" json:"namespaces,omitempty"`
	Lifecycles []string `yaml:"lifecycles,omitempty" json:"lifecycles,omitempty"`
	// Owners are group refs; short forms mean kind group in the default namespace.
	Owners []string `yaml:"owners,omitempty" json:"owners,omitempty"`
	// Tags hold when the entity has any of them.
	Tags []string `yaml:"tags,omitempty" json:"tags,omitempty"`
	// Annotations hold when the entity has every one: "key" asks for presence, "key=value" for
	// that exact value.
	Annotations []string `yaml:"annotations,omitempty" json:"annotations,omitempty"`
	// Expression is an expr-lang boolean expression over the entity; see ExprVariables.
	Expression string `yaml:"expression,omitempty" json:"expression,omitempty"`
}

// FieldRule maps one entity value onto one Compass field.
type FieldRule struct {
	// Target is FieldName, FieldDescription, FieldLifecycle, FieldTier, or CustomFieldPrefix
	// followed by a custom field definition name.
	Target string `yaml:"target" json:"target"`
	// Kind is the custom field's kind; only for custom targets.
	Kind CustomFieldKind `yaml:"kind,omitempty" json:"kind,omitempty"`
	// Sources are tried in order; the first one present and not empty gives the value.
	Sources []string `yaml:"sources,omitempty" json:"sources,omitempty"`
	// Transforms run in order over the value.
	Transforms []Transform `yaml:"transforms,omitempty" json:"transforms,omitempty"`
	// Truth is the field's source of truth; empty means TruthBackstage.
	Truth Truth `yaml:"truth,omitempty" json:"truth,omitempty"`
}

// Transform operations.
const (
	// OpCopy passes the value through unchanged.
	OpCopy = "copy"
	// OpTemplate renders Template, a text/template. Dot has .Entity (the document), .Value
	// (the value so far) and .Get "path" (the value at a path, or nil). Besides the built-in
	// functions there are lower, upper, trim, replace and join; none does I/O. A template may
	// not define or call other templates, range over a number or nest ranges more than two
	// deep, and may write at most 64 KiB.
	OpTemplate = "template"
	// OpMap replaces the value through Values; an unmatched value becomes Default when set.
	OpMap = "map"
	// OpLower lower-cases the value.
	OpLower = "lower"
	// OpSlug lower-cases the value and turns each run of other characters than a-z and 0-9
	// into a single '-'.
	OpSlug = "slug"
	// OpTruncate cuts the value to Max characters.
	OpTruncate = "truncate"
	// OpJoin joins a list with Separator.
	OpJoin = "join"
	// OpReplace replaces matches of the regular expression Pattern with Replacement.
	OpReplace = "replace"
)

// Transform is one step of a field's pipeline. Which options apply depends on Op. List values
// are transformed element by element, except by join and template.
type Transform struct {
	Op          string            `yaml:"op" json:"op"`
	Template    string            `yaml:"template,omitempty" json:"template,omitempty"`
	Values      map[string]string `yaml:"values,omitempty" json:"values,omitempty"`
	Default     string            `yaml:"default,omitempty" json:"default,omitempty"`
	Max         int               `yaml:"max,omitempty" json:"max,omitempty"`
	Separator   string            `yaml:"separator,omitempty" json:"separator,omitempty"`
	Pattern     string            `yaml:"pattern,omitempty" json:"pattern,omitempty"`
	Replacement string            `yaml:"replacement,omitempty" json:"replacement,omitempty"`
}

// TypeRules choose the Compass type id: the first rule whose kind and type match wins, else
// Default.
type TypeRules struct {
	Rules   []TypeRule `yaml:"rules" json:"rules"`
	Default string     `yaml:"default" json:"default"`
	Truth   Truth      `yaml:"truth,omitempty" json:"truth,omitempty"`
}

// TypeRule maps an entity kind and, optionally, its spec.type onto a type id. An empty Type
// matches any spec.type.
type TypeRule struct {
	Kind   string `yaml:"kind" json:"kind"`
	Type   string `yaml:"type,omitempty" json:"type,omitempty"`
	TypeID string `yaml:"type_id" json:"type_id"`
}

// OwnerRules resolve the owner group to a Compass team: first through Teams, then, when
// MatchByName is set, by a case-insensitive match of the group's name or title against the
// team directory.
type OwnerRules struct {
	// Path locates the owner ref; empty turns owner mapping off.
	Path string `yaml:"path" json:"path"`
	// Teams maps group refs to team ARIs; short refs mean kind group in the default namespace.
	Teams       map[string]string `yaml:"teams,omitempty" json:"teams,omitempty"`
	MatchByName bool              `yaml:"match_by_name" json:"match_by_name"`
	Truth       Truth             `yaml:"truth,omitempty" json:"truth,omitempty"`
}

// LinkRules collect links. TechDocsBaseURL and PagerDutyBaseURL turn the techdocs and
// PagerDuty annotations into links when set.
type LinkRules struct {
	FromMetadata       bool   `yaml:"from_metadata" json:"from_metadata"`
	FromSourceLocation bool   `yaml:"from_source_location" json:"from_source_location"`
	TechDocsBaseURL    string `yaml:"techdocs_base_url,omitempty" json:"techdocs_base_url,omitempty"`
	PagerDutyBaseURL   string `yaml:"pagerduty_base_url,omitempty" json:"pagerduty_base_url,omitempty"`
	// Classes decide the type of a metadata link, in order: the first class with a keyword
	// found in the link's type, then icon, then title wins; no match gives LinkOther.
	Classes []LinkClass `yaml:"classes" json:"classes"`
	Truth   Truth       `yaml:"truth,omitempty" json:"truth,omitempty"`
}

// LinkClass is a Compass link type and the words that point to it.
type LinkClass struct {
	Type     string   `yaml:"type" json:"type"`
	Keywords []string `yaml:"keywords" json:"keywords"`
}

// LabelRules build labels from the list at Path plus the static Extra labels.
type LabelRules struct {
	Path  string   `yaml:"path" json:"path"`
	Extra []string `yaml:"extra,omitempty" json:"extra,omitempty"`
	Truth Truth    `yaml:"truth,omitempty" json:"truth,omitempty"`
}

// DependsOnRules read dependency refs from Path; a ref without a kind means DefaultKind.
type DependsOnRules struct {
	Path        string `yaml:"path" json:"path"`
	DefaultKind string `yaml:"default_kind" json:"default_kind"`
}

// Compass link types.
const (
	LinkDocument   = "DOCUMENT"
	LinkChat       = "CHAT_CHANNEL"
	LinkRepository = "REPOSITORY"
	LinkProject    = "PROJECT"
	LinkDashboard  = "DASHBOARD"
	LinkOther      = "OTHER_LINK"
	LinkOnCall     = "ON_CALL"
)

// Compass lifecycle values.
const (
	LifecyclePreRelease = "Pre-release"
	LifecycleActive     = "Active"
	LifecycleDeprecated = "Deprecated"
)

// Compass built-in type ids.
var TypeIDs = []string{
	"SERVICE", "LIBRARY", "APPLICATION", "CAPABILITY", "CLOUD_RESOURCE", "DATA_PIPELINE",
	"MACHINE_LEARNING_MODEL", "UI_ELEMENT", "WEBSITE", "DATASET", "DATA_PRODUCT", "DASHBOARD",
	"OTHER",
}

// DefaultStableKeyAnnotation is the rename annotation used unless the settings name another.
const DefaultStableKeyAnnotation = "github.com/project-slug"

// Default returns the default rules: components only, orphans left out, the field table of the
// product design and the link and lifecycle conventions of Atlassian's own converter.
func Default() Rules {
	return Rules{
		Filters: Filters{
			Include: []FilterRule{KindFilter("Component")},
			Exclude: []FilterRule{{
				Name:        "orphans",
				Annotations: []string{"backstage.io/orphan=true"},
			}},
		},
		Fields:    defaultFields(),
		Types:     defaultTypes(),
		Owner:     OwnerRules{Path: "spec.owner", MatchByName: true},
		Links:     defaultLinks(),
		Labels:    LabelRules{Path: "metadata.tags"},
		DependsOn: DependsOnRules{Path: "spec.dependsOn", DefaultKind: "component"},

		StableKeyAnnotation: DefaultStableKeyAnnotation,
	}
}

// KindFilter returns an include rule for the given kinds, named after them, so that adding
// APIs, resources or systems is one call: KindFilter("Component", "API", "Resource", "System").
func KindFilter(kinds ...string) FilterRule {
	name := "kinds"
	for i, k := range kinds {
		sep := ","
		if i == 0 {
			sep = ":"
		}
		name += sep + k
	}

	return FilterRule{Name: name, Kinds: kinds}
}

func defaultFields() []FieldRule {
	return []FieldRule{
		{Target: FieldName, Sources: []string{"metadata.title", "metadata.name"}},
		{Target: FieldDescription, Sources: []string{"metadata.description"}},
		{
			Target:  FieldLifecycle,
			Sources: []string{"spec.lifecycle"},
			Transforms: []Transform{{Op: OpLower}, {Op: OpMap, Values: map[string]string{
				"experimental": LifecyclePreRelease,
				"beta":         LifecyclePreRelease,
				"production":   LifecycleActive,
				"deprecated":   LifecycleDeprecated,
				"end-of-life":  LifecycleDeprecated,
			}}},
		},
		{
			Target:  FieldTier,
			Sources: []string{"metadata.labels.tier", "metadata.annotations.tier"},
		},
	}
}

func defaultTypes() TypeRules {
	return TypeRules{
		Rules: []TypeRule{
			{Kind: "Component", Type: "service", TypeID: "SERVICE"},
			{Kind: "Component", Type: "website", TypeID: "WEBSITE"},
			{Kind: "Component", Type: "library", TypeID: "LIBRARY"},
			{Kind: "Component", Type: "sdk", TypeID: "LIBRARY"},
			{Kind: "Component", Type: "application", TypeID: "APPLICATION"},
			{Kind: "Component", Type: "data-pipeline", TypeID: "DATA_PIPELINE"},
			{Kind: "Component", Type: "ml-model", TypeID: "MACHINE_LEARNING_MODEL"},
			{Kind: "API", TypeID: "OTHER"},
			{Kind: "Resource", TypeID: "CLOUD_RESOURCE"},
			{Kind: "System", TypeID: "CAPABILITY"},
		},
		Default: "SERVICE",
	}
}

func defaultLinks() LinkRules {
	return LinkRules{
		FromMetadata:       true,
		FromSourceLocation: true,
		Classes: []LinkClass{
			{Type: LinkRepository, Keywords: []string{
				"source", "repo", "repository", "github", "gitlab", "bitbucket", "git",
			}},
			{Type: LinkDocument, Keywords: []string{
				"docs", "doc", "documentation", "techdocs", "runbook", "wiki", "readme",
			}},
			{Type: LinkDashboard, Keywords: []string{
				"dashboard", "ci", "cd", "logs", "log", "grafana", "metrics", "monitoring", "build",
			}},
			{Type: LinkChat, Keywords: []string{"chat", "slack", "teams", "discord", "channel"}},
			{Type: LinkOnCall, Keywords: []string{"oncall", "on-call", "pagerduty", "opsgenie"}},
			{Type: LinkProject, Keywords: []string{"project", "jira", "board"}},
		},
	}
}
