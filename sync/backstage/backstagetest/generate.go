package backstagetest

import (
	"fmt"
	"strings"
)

const apiVersion = "backstage.io/v1alpha1"

var (
	domainNames = []string{"commerce", "platform"}
	systemNames = []string{"storefront", "payments", "developer-portal", "observability"}
	teamNames   = []string{"team-checkout", "team-catalog", "team-payments", "team-infra", "team-sre"}
	teamTitles  = []string{"Checkout Squad", "Catalog Crew", "Payments Guild", "Infrastructure", ""}
	apiTypes    = []string{"openapi", "grpc", "asyncapi", "graphql"}
	resTypes    = []string{"database", "s3-bucket", "queue"}
	wordTags    = []string{"java", "go", "typescript", "python", "kafka", "postgres", "grpc", "react"}
)

const (
	apiCount      = 8
	userCount     = 8
	resourceCount = 6
)

// GenerateCatalog builds a deterministic catalog: the same options always give the same
// entities in the same files. It covers every component type in ComponentTypes, every lifecycle
// in Lifecycles, groups with and without titles, users, systems, domains, APIs and resources,
// links, awkward tags (upper case, spaces, longer than 40 characters, more than 10 on one
// entity), the annotations the sync maps, dependsOn between components and one description
// longer than 4096 characters.
func GenerateCatalog(opts CatalogOptions) Catalog {
	if opts.Components <= 0 {
		opts.Components = 40
	}
	if opts.Namespace == "" {
		opts.Namespace = "default"
	}
	g := generator{ns: opts.Namespace}

	return Catalog{Files: []File{
		{Name: "org.yaml", Entities: append(g.groups(), g.users()...)},
		{Name: "systems.yaml", Entities: append(g.domains(), g.systems()...)},
		{Name: "apis.yaml", Entities: g.apis()},
		{Name: "resources.yaml", Entities: g.resources()},
		{Name: "components.yaml", Entities: g.components(opts.Components)},
	}}
}

type generator struct {
	ns string
}

func (g generator) metadata(name string) map[string]any {
	return map[string]any{"name": name, "namespace": g.ns}
}

func entity(kind string, meta, spec map[string]any) Entity {
	return Entity{"apiVersion": apiVersion, "kind": kind, "metadata": meta, "spec": spec}
}

func (g generator) groups() []Entity {
	org := g.metadata("acme")
	org["title"] = "ACME Corporation"
	org["description"] = "The whole company."
	groups := []Entity{entity("Group", org, map[string]any{
		"type": "organization", "children": strs(teamNames...),
	})}

	for i, name := range teamNames {
		meta := g.metadata(name)
		if teamTitles[i] != "" {
			meta["title"] = teamTitles[i]
		}
		meta["description"] = fmt.Sprintf("Owns the %s area.", strings.TrimPrefix(name, "team-"))
		groups = append(groups, entity("Group", meta, map[string]any{
			"type": "team", "parent": "acme", "children": strs(),
			"profile": map[string]any{"email": name + "@acme.example"},
		}))
	}
	return groups
}

func (g generator) users() []Entity {
	var users []Entity
	for i := range userCount {
		name := fmt.Sprintf("user-%02d", i+1)
		meta := g.metadata(name)
		spec := map[string]any{
			"memberOf": strs(teamNames[i%len(teamNames)]),
			"profile": map[string]any{
				"displayName": fmt.Sprintf("User %02d", i+1), "email": name + "@acme.example",
			},
		}
		users = append(users, entity("User", meta, spec))
	}
	return users
}

func (g generator) domains() []Entity {
	var domains []Entity
	for i, name := range domainNames {
		meta := g.metadata(name)
		meta["description"] = "The " + name + " domain."
		domains = append(domains, entity("Domain", meta, map[string]any{
			"owner": "group:" + g.ns + "/" + teamNames[i],
		}))
	}
	return domains
}

func (g generator) systems() []Entity {
	var systems []Entity
	for i, name := range systemNames {
		meta := g.metadata(name)
		meta["description"] = "The " + name + " system."
		systems = append(systems, entity("System", meta, map[string]any{
			"owner":  teamNames[i%len(teamNames)],
			"domain": domainNames[i%len(domainNames)],
		}))
	}
	return systems
}

func (g generator) apis() []Entity {
	var apis []Entity
	for i := range apiCount {
		name := fmt.Sprintf("api-%02d", i+1)
		meta := g.metadata(name)
		meta["description"] = fmt.Sprintf("Interface number %d.", i+1)
		meta["tags"] = strs(apiTypes[i%len(apiTypes)])
		apis = append(apis, entity("API", meta, map[string]any{
			"type":       apiTypes[i%len(apiTypes)],
			"lifecycle":  Lifecycles[i%len(Lifecycles)],
			"owner":      teamNames[i%len(teamNames)],
			"system":     systemNames[i%len(systemNames)],
			"definition": fmt.Sprintf("# definition of %s\n", name),
		}))
	}
	return apis
}

func (g generator) resources() []Entity {
	var resources []Entity
	for i := range resourceCount {
		name := fmt.Sprintf("resource-%02d", i+1)
		meta := g.metadata(name)
		meta["description"] = fmt.Sprintf("A %s.", resTypes[i%len(resTypes)])
		resources = append(resources, entity("Resource", meta, map[string]any{
			"type":   resTypes[i%len(resTypes)],
			"owner":  teamNames[(i+1)%len(teamNames)],
			"system": systemNames[i%len(systemNames)],
		}))
	}
	return resources
}

func (g generator) components(n int) []Entity {
	var components []Entity
	for i := range n {
		components = append(components, g.component(i))
	}
	return components
}

// component builds component i. Most fields cycle with i, so that any catalog of at least 9
// components holds every type, lifecycle and tier; the special cases sit on fixed indexes.
func (g generator) component(i int) Entity {
	name := ComponentName(i)
	typ := ComponentTypes[i%len(ComponentTypes)]
	meta := g.metadata(name)
	meta["description"] = fmt.Sprintf("The %s %s, number %d.", typ, name, i+1)
	meta["tags"] = componentTags(i)
	meta["links"] = componentLinks(name, i)
	meta["annotations"] = componentAnnotations(name, typ, i)
	switch i {
	case 0:
		meta["title"] = "Component Zero (the first one)"
	case 1:
		meta["description"] = longDescription(name)
	case 2:
		delete(meta, "description")
	}

	spec := map[string]any{
		"type":      typ,
		"lifecycle": Lifecycles[i%len(Lifecycles)],
		"owner":     g.owner(i),
		"system":    systemNames[i%len(systemNames)],
	}
	if deps := g.dependsOn(i); len(deps) > 0 {
		spec["dependsOn"] = deps
	}
	if i%4 == 0 {
		spec["providesApis"] = strs(fmt.Sprintf("api-%02d", i/4%apiCount+1))
	}
	if i%5 == 1 {
		spec["consumesApis"] = strs(fmt.Sprintf("api-%02d", i%apiCount+1))
	}
	return entity("Component", meta, spec)
}

// ComponentName returns the name of generated component i.
func ComponentName(i int) string {
	return fmt.Sprintf("component-%03d", i)
}

// owner writes the owner in the three ways catalogs do: short name, kind:name and a full ref.
func (g generator) owner(i int) string {
	team := teamNames[i%len(teamNames)]
	switch i % 3 {
	case 0:
		return team
	case 1:
		return "group:" + team
	default:
		return "group:" + g.ns + "/" + team
	}
}

// dependsOn makes most components depend on the one before them, some on a resource too, and one
// on a component that does not exist, as real catalogs have dangling refs.
func (g generator) dependsOn(i int) []any {
	var deps []any
	if i > 0 && i%3 != 0 {
		deps = append(deps, "component:"+ComponentName(i-1))
	}
	if i%6 == 5 {
		deps = append(deps, fmt.Sprintf("resource:%s/resource-%02d", g.ns, i%resourceCount+1))
	}
	if i == 7 {
		deps = append(deps, "component:does-not-exist")
	}
	return deps
}

func componentTags(i int) []any {
	tags := strs(wordTags[i%len(wordTags)])
	switch i % 9 {
	case 3:
		tags = append(tags, "Java", "GoLang")
	case 4:
		tags = append(tags, "team alpha", "needs review")
	case 5:
		tags = append(tags, "a-very-long-tag-that-goes-well-past-forty-characters-in-length")
	case 6:
		for k := range 12 {
			tags = append(tags, fmt.Sprintf("tag-%02d", k+1))
		}
	}
	return tags
}

func componentLinks(name string, i int) []any {
	links := []any{
		map[string]any{
			"url": "https://github.com/acme/" + name, "title": "Source", "icon": "github",
			"type": "source",
		},
		map[string]any{"url": "https://docs.acme.example/" + name, "title": "Docs", "type": "docs"},
	}
	if i%2 == 0 {
		links = append(links, map[string]any{
			"url": "https://grafana.acme.example/d/" + name, "title": "Dashboard", "icon": "dashboard",
			"type": "dashboard",
		})
	}
	if i%5 == 0 {
		links = append(links, map[string]any{"url": "https://slack.acme.example/c/" + name})
	}
	return links
}

func componentAnnotations(name, typ string, i int) map[string]any {
	annotations := map[string]any{
		AnnotationProjectSlug: "acme/" + name,
		AnnotationSourceLoc:   "url:https://github.com/acme/" + name + "/",
		AnnotationTier:        fmt.Sprint(i%4 + 1),
	}
	if typ == "service" || typ == "website" {
		annotations[AnnotationPagerDuty] = fmt.Sprintf("P%06d", 100000+i)
	}
	if i%2 == 1 {
		annotations[AnnotationTechDocsRef] = "dir:."
	}
	return annotations
}

// longDescription returns a text of more than 4096 characters, the Compass limit.
func longDescription(name string) string {
	var b strings.Builder
	b.WriteString("The " + name + " component has a very long description.")
	for k := 0; b.Len() <= 5000; k++ {
		fmt.Fprintf(&b, " Paragraph %d explains yet another detail of how it works.", k+1)
	}
	return b.String()
}

func strs(values ...string) []any {
	s := make([]any, len(values))
	for i, v := range values {
		s[i] = v
	}
	return s
}
