package backstage_test

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"

	"github.com/backstage-sync/backstage-sync/sync/backstage"
	"github.com/backstage-sync/backstage-sync/sync/backstage/catalogsim"
)

// demoCatalog serves the demo catalog on loopback behind a static token.
func demoCatalog() (*httptest.Server, error) {
	sim := catalogsim.New(catalogsim.Options{Token: "example-token"})
	for _, e := range catalogsim.DemoCatalog() {
		if err := sim.Put(e); err != nil {
			return nil, err
		}
	}
	return httptest.NewServer(sim), nil
}

func ExampleClient_ListEntities() {
	srv, err := demoCatalog()
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()
	c, err := backstage.New(srv.URL, backstage.StaticToken("example-token"), backstage.WithPageSize(10))
	if err != nil {
		fmt.Println(err)
		return
	}

	opts := backstage.ListOptions{
		Filters: []string{"kind=component,spec.type=website"},
		Fields:  []string{"kind", "metadata.namespace", "metadata.name", "metadata.etag"},
		OnTotal: func(n int) { fmt.Println("websites:", n) },
	}
	err = c.ListEntities(context.Background(), opts, func(page []backstage.Entity) error {
		for _, e := range page {
			fmt.Println(e.Ref())
		}
		return nil
	})
	if err != nil {
		fmt.Println(err)
	}
	// Output:
	// websites: 7
	// component:default/admin-console
	// component:default/analytics-dashboard
	// component:default/developer-portal
	// component:default/marketing-site
	// component:default/sso-login-page
	// component:default/storefront-web
	// component:default/warehouse-portal
}

func ExampleEntity_Lookup() {
	srv, err := demoCatalog()
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()
	c, _ := backstage.New(srv.URL, backstage.StaticToken("example-token"))

	e, err := c.GetEntityByName(context.Background(), "component", "default", "checkout-service")
	if err != nil {
		fmt.Println(err)
		return
	}
	slug, _ := e.Lookup(`metadata.annotations["github.com/project-slug"]`)
	tier, _ := e.Lookup("metadata.labels.acme.io/tier")
	firstDep, _ := e.Lookup("spec.dependsOn[0]")
	fmt.Println(slug, tier, firstDep)

	owner, _ := backstage.ParseRef(e.SpecString("owner"), "group", e.Metadata.Namespace)
	fmt.Println(owner)
	// Output:
	// acme/checkout-service 3 component:default/payments-gateway
	// group:default/team-storefront
}

func ExampleUnreachableError() {
	c, _ := backstage.New("http://127.0.0.1:1", backstage.StaticToken("example-token"))

	_, err := c.GetEntityByName(context.Background(), "component", "", "x")

	var unreachable *backstage.UnreachableError
	fmt.Println(errors.As(err, &unreachable), unreachable.Host)
	// Output: true 127.0.0.1:1
}
