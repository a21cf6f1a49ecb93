package catalogsim

import (
	"fmt"
	"math/rand/v2"
)

var (
	genNouns = []string{
		"payment", "order", "search", "catalog", "cart", "user", "billing", "shipping",
		"inventory", "review", "coupon", "ledger", "audit", "report", "media", "notify",
	}
	genRoles = []string{"api", "service", "web", "worker", "backend", "lib", "gateway", "ui"}
	genTags  = []string{
		"go", "java", "kotlin", "typescript", "python", "grpc", "rest", "kafka", "postgres",
		"redis", "react", "graphql", "batch", "pci", "gdpr", "internal",
	}
	genTypes      = []string{"service", "service", "service", "website", "library"}
	genLifecycles = []string{"production", "production", "production", "experimental", "deprecated"}
)

// Generate returns a synthetic catalog for benchmarks and load tests: n components, each with
// a title, description, up to three tags, two links, annotations, an owner and one dependency
// on another component (none when n is 1), plus one group per 50 components (at least one). The same n and seed
// give the same catalog.
func Generate(n int, seed int64) []map[string]any {
	rng := rand.New(rand.NewPCG(uint64(seed), uint64(seed)^0x9e3779b97f4a7c15))
	groups := max(1, n/50)
	out := make([]map[string]any, 0, n+groups)

	for g := range groups {
		out = append(out, entity("Group", fmt.Sprintf("team-%s-%03d", pick(rng, genNouns), g),
			map[string]any{"title": fmt.Sprintf("Team %d", g)},
			map[string]any{"type": "team", "children": []any{}}))
	}

	names := make([]string, n)
	for i := range names {
		names[i] = fmt.Sprintf("%s-%s-%05d", pick(rng, genNouns), pick(rng, genRoles), i)
	}
	for i, name := range names {
		dependency := ""
		if n > 1 {
			dependency = names[(i+1+rng.IntN(n-1))%n]
		}
		out = append(out, generatedComponent(rng, name, dependency, out[i%groups]))
	}
	return out
}

func generatedComponent(rng *rand.Rand, name, dependency string, owner map[string]any) map[string]any {
	ownerName := owner["metadata"].(map[string]any)["name"].(string)
	typ := pick(rng, genTypes)
	tags := []any{pick(rng, genTags), pick(rng, genTags), pick(rng, genTags)}

	md := map[string]any{
		"title":       "Component " + name,
		"description": fmt.Sprintf("%s %s owned by %s.", typ, name, ownerName),
		"tags":        uniqueTags(tags),
		"labels":      map[string]any{"acme.io/tier": fmt.Sprint(1 + rng.IntN(4))},
		"annotations": map[string]any{
			"github.com/project-slug":      "acme/" + name,
			"backstage.io/techdocs-ref":    "dir:.",
			"backstage.io/source-location": "url:https://github.com/acme/" + name + "/tree/main/",
		},
		"links": []any{
			link("https://github.com/acme/"+name, "Repository", "github", "repository"),
			link("https://grafana.acme.example/d/"+name, "Dashboard", "dashboard", "dashboard"),
		},
	}
	spec := map[string]any{
		"type":      typ,
		"lifecycle": pick(rng, genLifecycles),
		"owner":     "group:default/" + ownerName,
	}
	if dependency != "" {
		spec["dependsOn"] = []any{"component:default/" + dependency}
	}
	return entity("Component", name, md, spec)
}

func uniqueTags(tags []any) []any {
	var out []any
	for _, t := range tags {
		seen := false
		for _, o := range out {
			seen = seen || o == t
		}
		if !seen {
			out = append(out, t)
		}
	}
	return out
}

func pick[T any](rng *rand.Rand, from []T) T {
	return from[rng.IntN(len(from))]
}

// entity builds an entity document in the default namespace; md gains the name.
func entity(kind, name string, md, spec map[string]any) map[string]any {
	md["name"] = name
	md["namespace"] = "default"
	return map[string]any{
		"apiVersion": "backstage.io/v1alpha1",
		"kind":       kind,
		"metadata":   md,
		"spec":       spec,
	}
}

func link(url, title, icon, typ string) map[string]any {
	return map[string]any{"url": url, "title": title, "icon": icon, "type": typ}
}
