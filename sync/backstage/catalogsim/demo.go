package catalogsim

import (
	"crypto/sha1"
	"fmt"
	"strings"
)

// demoComponent is one row of the demo catalog; deps and apis are short names.
type demoComponent struct {
	name, typ, system, lifecycle, description string
	tags, deps, apis                          []string
}

// demoSystems maps each system to its owning team and domain.
var demoSystems = []struct{ name, team, domain, description string }{
	{"storefront", "team-storefront", "commerce", "Everything a shopper sees and touches."},
	{"payments", "team-payments", "commerce", "Taking, settling and refunding money."},
	{"identity", "team-identity", "platform", "Accounts, sign-in and permissions."},
	{"logistics", "team-logistics", "commerce", "Stock, warehouses and deliveries."},
	{"data-platform", "team-data", "platform", "Event collection, analytics and recommendations."},
	{"developer-platform", "team-platform", "platform", "Shared services and tools for every team."},
}

var demoComponents = []demoComponent{
	{
		name: "storefront-web", typ: "website", system: "storefront", lifecycle: "production",
		description: "The shop's customer-facing web app.",
		tags:        []string{"react", "typescript"},
		deps:        []string{"checkout-service", "catalog-service", "search-service"},
	},
	{
		name: "mobile-bff", typ: "service", system: "storefront", lifecycle: "production",
		description: "Backend for the iOS and Android apps.",
		tags:        []string{"kotlin", "graphql"}, deps: []string{"catalog-service", "cart-service"},
	},
	{
		name: "checkout-service", typ: "service", system: "storefront", lifecycle: "production",
		description: "Turns a cart into a paid order.",
		tags:        []string{"go", "grpc"},
		deps:        []string{"payments-gateway", "cart-service", "resource:orders-db"},
		apis:        []string{"checkout-api"},
	},
	{
		name: "cart-service", typ: "service", system: "storefront", lifecycle: "production",
		description: "Keeps shopping carts across devices.",
		tags:        []string{"go", "redis"}, deps: []string{"resource:cache-cluster"},
	},
	{
		name: "catalog-service", typ: "service", system: "storefront", lifecycle: "production",
		description: "Product data, prices and availability.",
		tags:        []string{"java", "postgres"},
		deps:        []string{"inventory-service"},
		apis:        []string{"catalog-api"},
	},
	{
		name: "search-service", typ: "service", system: "storefront", lifecycle: "production",
		description: "Product search with typo tolerance.",
		tags:        []string{"java", "elasticsearch"},
		deps:        []string{"search-indexer"},
		apis:        []string{"search-api"},
	},
	{
		name: "search-indexer", typ: "service", system: "storefront", lifecycle: "experimental",
		description: "Streams catalog changes into the search index.",
		tags:        []string{"go", "kafka"}, deps: []string{"resource:events-bus"},
	},
	{
		name: "product-images", typ: "service", system: "storefront", lifecycle: "production",
		description: "Resizes and serves product images.",
		tags:        []string{"rust"}, deps: []string{"resource:assets-bucket"},
	},
	{
		name: "design-system", typ: "library", system: "storefront", lifecycle: "production",
		description: "Shared React components and tokens.",
		tags:        []string{"react", "typescript"},
	},
	{
		name: "marketing-site", typ: "website", system: "storefront", lifecycle: "production",
		description: "Campaign and landing pages.",
		tags:        []string{"nextjs"},
	},
	{
		name: "payments-gateway", typ: "service", system: "payments", lifecycle: "production",
		description: "One API in front of every payment provider.",
		tags:        []string{"java", "pci"},
		deps:        []string{"fraud-detector", "resource:payments-db"},
		apis:        []string{"payments-api"},
	},
	{
		name: "fraud-detector", typ: "service", system: "payments", lifecycle: "experimental",
		description: "Scores orders for fraud risk.",
		tags:        []string{"python", "ml"}, deps: []string{"events-pipeline"},
	},
	{
		name: "billing-service", typ: "service", system: "payments", lifecycle: "production",
		description: "Subscriptions and recurring charges.",
		tags:        []string{"kotlin", "pci"}, deps: []string{"payments-gateway", "ledger-service"},
	},
	{
		name: "invoice-renderer", typ: "service", system: "payments", lifecycle: "production",
		description: "Renders invoices as PDF.",
		tags:        []string{"node"}, deps: []string{"billing-service"},
	},
	{
		name: "refunds-worker", typ: "service", system: "payments", lifecycle: "production",
		description: "Processes refunds in the background.",
		tags:        []string{"go", "kafka"}, deps: []string{"payments-gateway", "resource:events-bus"},
	},
	{
		name: "payments-sdk-js", typ: "library", system: "payments", lifecycle: "production",
		description: "Browser SDK for card forms.",
		tags:        []string{"typescript", "pci"},
	},
	{
		name: "ledger-service", typ: "service", system: "payments", lifecycle: "production",
		description: "Double-entry ledger of every money movement.",
		tags:        []string{"go", "postgres"}, deps: []string{"resource:payments-db"},
	},
	{
		name: "auth-service", typ: "service", system: "identity", lifecycle: "production",
		description: "Sign-in, tokens and sessions.",
		tags:        []string{"go", "oauth"}, deps: []string{"resource:users-db"}, apis: []string{"auth-api"},
	},
	{
		name: "user-profile-service", typ: "service", system: "identity", lifecycle: "production",
		description: "Names, addresses and preferences.",
		tags:        []string{"java", "gdpr"}, deps: []string{"auth-service", "resource:users-db"},
	},
	{
		name: "admin-console", typ: "website", system: "identity", lifecycle: "production",
		description: "Back-office console for support staff.",
		tags:        []string{"react"}, deps: []string{"auth-service", "permissions-service"},
	},
	{
		name: "sso-login-page", typ: "website", system: "identity", lifecycle: "production",
		description: "The single sign-on login page.",
		tags:        []string{"typescript"}, deps: []string{"auth-service"},
	},
	{
		name: "auth-client-go", typ: "library", system: "identity", lifecycle: "production",
		description: "Go client for the auth API.",
		tags:        []string{"go"},
	},
	{
		name: "permissions-service", typ: "service", system: "identity", lifecycle: "experimental",
		description: "Role and policy checks.",
		tags:        []string{"go", "opa"}, deps: []string{"auth-service"},
	},
	{
		name: "shipping-service", typ: "service", system: "logistics", lifecycle: "production",
		description: "Rates, labels and tracking from carriers.",
		tags:        []string{"kotlin"}, deps: []string{"carrier-adapters"}, apis: []string{"shipping-api"},
	},
	{
		name: "inventory-service", typ: "service", system: "logistics", lifecycle: "production",
		description: "Stock levels per warehouse.",
		tags:        []string{"go", "postgres"},
		deps:        []string{"resource:orders-db"},
		apis:        []string{"inventory-api"},
	},
	{
		name: "warehouse-portal", typ: "website", system: "logistics", lifecycle: "production",
		description: "Pick, pack and ship screens for warehouses.",
		tags:        []string{"vue"}, deps: []string{"inventory-service", "shipping-service"},
	},
	{
		name: "route-optimizer", typ: "service", system: "logistics", lifecycle: "experimental",
		description: "Plans delivery routes.",
		tags:        []string{"python"}, deps: []string{"shipping-service"},
	},
	{
		name: "returns-service", typ: "service", system: "logistics", lifecycle: "deprecated",
		description: "Old returns flow, moving into shipping-service.",
		tags:        []string{"php", "legacy"}, deps: []string{"shipping-service"},
	},
	{
		name: "carrier-adapters", typ: "library", system: "logistics", lifecycle: "production",
		description: "Adapters for each delivery carrier.",
		tags:        []string{"kotlin"},
	},
	{
		name: "events-pipeline", typ: "service", system: "data-platform", lifecycle: "production",
		description: "Collects product events into the warehouse.",
		tags:        []string{"scala", "kafka"}, deps: []string{"resource:events-bus"},
	},
	{
		name: "analytics-dashboard", typ: "website", system: "data-platform", lifecycle: "production",
		description: "Self-service dashboards.",
		tags:        []string{"react"}, deps: []string{"reporting-service"},
	},
	{
		name: "recommendations-service", typ: "service", system: "data-platform", lifecycle: "experimental",
		description: "Products you may also like.",
		tags:        []string{"python", "ml"}, deps: []string{"events-pipeline", "catalog-service"},
	},
	{
		name: "data-quality-checks", typ: "library", system: "data-platform", lifecycle: "production",
		description: "Checks that run on every pipeline.",
		tags:        []string{"python"},
	},
	{
		name: "reporting-service", typ: "service", system: "data-platform", lifecycle: "deprecated",
		description: "Nightly CSV reports, replaced by dashboards.",
		tags:        []string{"java", "legacy"}, deps: []string{"events-pipeline"},
	},
	{
		name: "notifications-service", typ: "service", system: "developer-platform", lifecycle: "production",
		description: "Email, SMS and push notifications.",
		tags:        []string{"go", "kafka"},
		deps:        []string{"resource:events-bus"},
		apis:        []string{"notifications-api"},
	},
	{
		name: "feature-flags-service", typ: "service", system: "developer-platform", lifecycle: "production",
		description: "Feature flags for every service.",
		tags:        []string{"go"},
	},
	{
		name: "developer-portal", typ: "website", system: "developer-platform", lifecycle: "production",
		description: "Docs and templates for engineers.",
		tags:        []string{"typescript"},
	},
	{
		name: "logging-lib-java", typ: "library", system: "developer-platform", lifecycle: "production",
		description: "Structured logging for Java services.",
		tags:        []string{"java"},
	},
	{
		name: "build-tools", typ: "library", system: "developer-platform", lifecycle: "production",
		description: "Shared CI steps and build images.",
		tags:        []string{"bash", "docker"},
	},
	{
		name: "config-service", typ: "service", system: "developer-platform", lifecycle: "production",
		description: "Runtime configuration for services.",
		tags:        []string{"go"}, deps: []string{"feature-flags-service"},
	},
	{
		name: "legacy-monolith", typ: "service", system: "storefront", lifecycle: "deprecated",
		description: "The original shop, being taken apart.",
		tags:        []string{"php", "legacy"}, deps: []string{"resource:orders-db", "resource:users-db"},
	},
}

var demoAPIs = []struct{ name, typ, system, description string }{
	{"checkout-api", "grpc", "storefront", "Place and query orders."},
	{"catalog-api", "openapi", "storefront", "Read products and prices."},
	{"search-api", "openapi", "storefront", "Search the product catalog."},
	{"payments-api", "openapi", "payments", "Authorize, capture and refund payments."},
	{"auth-api", "openapi", "identity", "OAuth2 and session endpoints."},
	{"shipping-api", "openapi", "logistics", "Quotes, labels and tracking."},
	{"inventory-api", "grpc", "logistics", "Stock levels and reservations."},
	{"notifications-api", "asyncapi", "developer-platform", "Notification requests on the event bus."},
}

var demoResources = []struct{ name, typ, system, description string }{
	{"orders-db", "database", "storefront", "PostgreSQL cluster for orders."},
	{"payments-db", "database", "payments", "PCI-scoped PostgreSQL for payments."},
	{"users-db", "database", "identity", "Accounts and profiles."},
	{"events-bus", "kafka-cluster", "data-platform", "The company-wide Kafka cluster."},
	{"assets-bucket", "s3-bucket", "storefront", "Images and static assets."},
	{"cache-cluster", "redis", "storefront", "Shared Redis for carts and sessions."},
}

var demoUsers = []struct{ name, display, team string }{
	{"ada.lovelace", "Ada Lovelace", "team-platform"},
	{"grace.hopper", "Grace Hopper", "team-payments"},
	{"alan.turing", "Alan Turing", "team-identity"},
	{"katherine.johnson", "Katherine Johnson", "team-logistics"},
	{"margaret.hamilton", "Margaret Hamilton", "team-storefront"},
	{"edsger.dijkstra", "Edsger Dijkstra", "team-logistics"},
	{"barbara.liskov", "Barbara Liskov", "team-data"},
	{"donald.knuth", "Donald Knuth", "team-platform"},
	{"frances.allen", "Frances Allen", "team-storefront"},
	{"john.backus", "John Backus", "team-payments"},
}

// DemoCatalog returns a small, realistic catalog for demo mode: 41 components (services,
// websites and libraries) across six systems in two domains, with their teams, users, APIs
// and resources. Components carry titles, descriptions, tags, links, a tier label and the usual
// annotations (github.com/project-slug, backstage.io/techdocs-ref, pagerduty.com/service-id);
// a few are experimental or deprecated. Each call returns fresh maps.
func DemoCatalog() []map[string]any {
	var out []map[string]any
	out = append(out, demoGroups()...)
	for _, u := range demoUsers {
		out = append(out, entity("User", u.name,
			map[string]any{},
			map[string]any{
				"profile":  map[string]any{"displayName": u.display, "email": u.name + "@acme.example"},
				"memberOf": []any{u.team},
			}))
	}
	for _, d := range []string{"commerce", "platform"} {
		out = append(out, entity("Domain", d,
			map[string]any{"title": titleCase(d), "description": "The " + d + " domain."},
			map[string]any{"owner": "group:default/engineering"}))
	}
	for _, s := range demoSystems {
		out = append(out, entity("System", s.name,
			map[string]any{"title": titleCase(s.name), "description": s.description},
			map[string]any{"owner": s.team, "domain": s.domain}))
	}
	for _, a := range demoAPIs {
		out = append(out, entity("API", a.name,
			map[string]any{"title": titleCase(a.name), "description": a.description, "tags": []any{a.typ}},
			map[string]any{
				"type": a.typ, "lifecycle": "production", "owner": teamOf(a.system),
				"system": a.system, "definition": "# " + a.name,
			}))
	}
	for _, r := range demoResources {
		out = append(out, entity("Resource", r.name,
			map[string]any{"title": titleCase(r.name), "description": r.description},
			map[string]any{"type": r.typ, "owner": teamOf(r.system), "system": r.system}))
	}
	for i, c := range demoComponents {
		out = append(out, demoComponentEntity(i, c))
	}
	return out
}

func demoGroups() []map[string]any {
	out := []map[string]any{
		entity("Group", "acme", map[string]any{"title": "ACME Corp"},
			map[string]any{"type": "organization", "children": []any{"engineering"}}),
		entity("Group", "engineering", map[string]any{"title": "Engineering"},
			map[string]any{"type": "department", "parent": "acme", "children": []any{}}),
	}
	seen := map[string]bool{}
	for _, s := range demoSystems {
		if seen[s.team] {
			continue
		}
		seen[s.team] = true
		out = append(out, entity("Group", s.team,
			map[string]any{
				"title":       titleCase(strings.TrimPrefix(s.team, "team-")) + " Team",
				"description": "Owns the " + s.name + " system.",
			},
			map[string]any{"type": "team", "parent": "engineering", "children": []any{}}))
	}
	return out
}

func demoComponentEntity(i int, c demoComponent) map[string]any {
	repo := "https://github.com/acme/" + c.name
	annotations := map[string]any{
		"github.com/project-slug":      "acme/" + c.name,
		"backstage.io/source-location": "url:" + repo + "/tree/main/",
		"backstage.io/techdocs-ref":    "dir:.",
	}
	links := []any{link(repo, "Repository", "github", "repository")}
	if c.typ == "service" {
		annotations["pagerduty.com/service-id"] = pagerDutyID(c.name)
		links = append(links,
			link("https://runbooks.acme.example/"+c.name, "Runbook", "docs", "runbook"),
			link("https://grafana.acme.example/d/"+c.name, "Dashboard", "dashboard", "dashboard"))
	}
	if c.typ == "website" {
		links = append(links, link("https://"+c.name+".acme.example", "Live site", "web", "website"))
	}
	if c.lifecycle == "deprecated" {
		plan := fmt.Sprintf("https://acme.atlassian.net/browse/MIGR-%d", 100+i)
		links = append(links, link(plan, "Migration plan", "docs", "project"))
	}

	spec := map[string]any{
		"type":      c.typ,
		"lifecycle": c.lifecycle,
		"owner":     teamOf(c.system),
		"system":    c.system,
	}
	if len(c.deps) > 0 {
		spec["dependsOn"] = demoRefs(c.deps)
	}
	if len(c.apis) > 0 {
		spec["providesApis"] = anySlice(c.apis)
	}

	return entity("Component", c.name, map[string]any{
		"title":       titleCase(c.name),
		"description": c.description,
		"tags":        anySlice(c.tags),
		"labels":      map[string]any{"acme.io/tier": fmt.Sprint(1 + i%3)},
		"annotations": annotations,
		"links":       links,
	}, spec)
}

// demoRefs writes short dependency names as full refs; names with a kind keep it.
func demoRefs(names []string) []any {
	out := make([]any, len(names))
	for i, n := range names {
		if !strings.Contains(n, ":") {
			n = "component:" + n
		}
		out[i] = strings.Replace(n, ":", ":default/", 1)
	}
	return out
}

func teamOf(system string) string {
	for _, s := range demoSystems {
		if s.name == system {
			return "group:default/" + s.team
		}
	}
	return "group:default/engineering"
}

func titleCase(name string) string {
	words := strings.FieldsFunc(name, func(r rune) bool { return r == '-' || r == '.' })
	for i, w := range words {
		switch w {
		case "api", "bff", "sdk", "sso", "js":
			words[i] = strings.ToUpper(w)
		default:
			words[i] = strings.ToUpper(w[:1]) + w[1:]
		}
	}
	return strings.Join(words, " ")
}

func pagerDutyID(name string) string {
	sum := sha1.Sum([]byte(name))
	const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
	id := []byte{'P'}
	for _, b := range sum[:6] {
		id = append(id, alphabet[int(b)%len(alphabet)])
	}
	return string(id)
}

func anySlice(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}
