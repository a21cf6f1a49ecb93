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
	{"storefront-web", "website", "storefront", "production", "The shop's customer-facing web app.", []string{"react", "typescript"}, []string{"checkout-service", "catalog-service", "search-service"}, nil},
	{"mobile-bff", "service", "storefront", "production", "Backend for the iOS and Android apps.", []string{"kotlin", "graphql"}, []string{"catalog-service", "cart-service"}, nil},
	{"checkout-service", "service", "storefront", "production", "Turns a cart into a paid order.", []string{"go", "grpc"}, []string{"payments-gateway", "cart-service", "resource:orders-db"}, []string{"checkout-api"}},
	{"cart-service", "service", "storefront", "production", "Keeps shopping carts across devices.", []string{"go", "redis"}, []string{"resource:cache-cluster"}, nil},
	{"catalog-service", "service", "storefront", "production", "Product data, prices and availability.", []string{"java", "postgres"}, []string{"inventory-service"}, []string{"catalog-api"}},
	{"search-service", "service", "storefront", "production", "Product search with typo tolerance.", []string{"java", "elasticsearch"}, []string{"search-indexer"}, []string{"search-api"}},
	{"search-indexer", "service", "storefront", "experimental", "Streams catalog changes into the search index.", []string{"go", "kafka"}, []string{"resource:events-bus"}, nil},
	{"product-images", "service", "storefront", "production", "Resizes and serves product images.", []string{"rust"}, []string{"resource:assets-bucket"}, nil},
	{"design-system", "library", "storefront", "production", "Shared React components and tokens.", []string{"react", "typescript"}, nil, nil},
	{"marketing-site", "website", "storefront", "production", "Campaign and landing pages.", []string{"nextjs"}, nil, nil},
	{"payments-gateway", "service", "payments", "production", "One API in front of every payment provider.", []string{"java", "pci"}, []string{"fraud-detector", "resource:payments-db"}, []string{"payments-api"}},
	{"fraud-detector", "service", "payments", "experimental", "Scores orders for fraud risk.", []string{"python", "ml"}, []string{"events-pipeline"}, nil},
	{"billing-service", "service", "payments", "production", "Subscriptions and recurring charges.", []string{"kotlin", "pci"}, []string{"payments-gateway", "ledger-service"}, nil},
	{"invoice-renderer", "service", "payments", "production", "Renders invoices as PDF.", []string{"node"}, []string{"billing-service"}, nil},
	{"refunds-worker", "service", "payments", "production", "Processes refunds in the background.", []string{"go", "kafka"}, []string{"payments-gateway", "resource:events-bus"}, nil},
	{"payments-sdk-js", "library", "payments", "production", "Browser SDK for card forms.", []string{"typescript", "pci"}, nil, nil},
	{"ledger-service", "service", "payments", "production", "Double-entry ledger of every money movement.", []string{"go", "postgres"}, []string{"resource:payments-db"}, nil},
	{"auth-service", "service", "identity", "production", "Sign-in, tokens and sessions.", []string{"go", "oauth"}, []string{"resource:users-db"}, []string{"auth-api"}},
	{"user-profile-service", "service", "identity", "production", "Names, addresses and preferences.", []string{"java", "gdpr"}, []string{"auth-service", "resource:users-db"}, nil},
	{"admin-console", "website", "identity", "production", "Back-office console for support staff.", []string{"react"}, []string{"auth-service", "permissions-service"}, nil},
	{"sso-login-page", "website", "identity", "production", "The single sign-on login page.", []string{"typescript"}, []string{"auth-service"}, nil},
	{"auth-client-go", "library", "identity", "production", "Go client for the auth API.", []string{"go"}, nil, nil},
	{"permissions-service", "service", "identity", "experimental", "Role and policy checks.", []string{"go", "opa"}, []string{"auth-service"}, nil},
	{"shipping-service", "service", "logistics", "production", "Rates, labels and tracking from carriers.", []string{"kotlin"}, []string{"carrier-adapters"}, []string{"shipping-api"}},
	{"inventory-service", "service", "logistics", "production", "Stock levels per warehouse.", []string{"go", "postgres"}, []string{"resource:orders-db"}, []string{"inventory-api"}},
	{"warehouse-portal", "website", "logistics", "production", "Pick, pack and ship screens for warehouses.", []string{"vue"}, []string{"inventory-service", "shipping-service"}, nil},
	{"route-optimizer", "service", "logistics", "experimental", "Plans delivery routes.", []string{"python"}, []string{"shipping-service"}, nil},
	{"returns-service", "service", "logistics", "deprecated", "Old returns flow, moving into shipping-service.", []string{"php", "legacy"}, []string{"shipping-service"}, nil},
	{"carrier-adapters", "library", "logistics", "production", "Adapters for each delivery carrier.", []string{"kotlin"}, nil, nil},
	{"events-pipeline", "service", "data-platform", "production", "Collects product events into the warehouse.", []string{"scala", "kafka"}, []string{"resource:events-bus"}, nil},
	{"analytics-dashboard", "website", "data-platform", "production", "Self-service dashboards.", []string{"react"}, []string{"reporting-service"}, nil},
	{"recommendations-service", "service", "data-platform", "experimental", "Products you may also like.", []string{"python", "ml"}, []string{"events-pipeline", "catalog-service"}, nil},
	{"data-quality-checks", "library", "data-platform", "production", "Checks that run on every pipeline.", []string{"python"}, nil, nil},
	{"reporting-service", "service", "data-platform", "deprecated", "Nightly CSV reports, replaced by dashboards.", []string{"java", "legacy"}, []string{"events-pipeline"}, nil},
	{"notifications-service", "service", "developer-platform", "production", "Email, SMS and push notifications.", []string{"go", "kafka"}, []string{"resource:events-bus"}, []string{"notifications-api"}},
	{"feature-flags-service", "service", "developer-platform", "production", "Feature flags for every service.", []string{"go"}, nil, nil},
	{"developer-portal", "website", "developer-platform", "production", "Docs and templates for engineers.", []string{"typescript"}, nil, nil},
	{"logging-lib-java", "library", "developer-platform", "production", "Structured logging for Java services.", []string{"java"}, nil, nil},
	{"build-tools", "library", "developer-platform", "production", "Shared CI steps and build images.", []string{"bash", "docker"}, nil, nil},
	{"config-service", "service", "developer-platform", "production", "Runtime configuration for services.", []string{"go"}, []string{"feature-flags-service"}, nil},
	{"legacy-monolith", "service", "storefront", "deprecated", "The original shop, being taken apart.", []string{"php", "legacy"}, []string{"resource:orders-db", "resource:users-db"}, nil},
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
			map[string]any{"type": a.typ, "lifecycle": "production", "owner": teamOf(a.system), "system": a.system, "definition": "# " + a.name}))
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
			map[string]any{"title": titleCase(strings.TrimPrefix(s.team, "team-")) + " Team", "description": "Owns the " + s.name + " system."},
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
		links = append(links, link("https://acme.atlassian.net/browse/MIGR-"+fmt.Sprint(100+i), "Migration plan", "docs", "project"))
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
