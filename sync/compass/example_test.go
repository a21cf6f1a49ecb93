package compass_test

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"strings"

	"github.com/backstage-sync/backstage-sync/sync/compass"
	"github.com/backstage-sync/backstage-sync/sync/compass/compasssim"
)

func ExampleClient_SendBatch() {
	sim := compasssim.New(compasssim.Options{Email: "a@example.com", Token: "t", SiteHost: "127.0.0.1"})
	srv := httptest.NewServer(sim)
	defer srv.Close()

	c, err := compass.New(srv.URL, "a@example.com", "t")
	if err != nil {
		fmt.Println(err)
		return
	}

	var b compass.Batch
	b.CreateComponent(compass.ComponentInput{Name: "payments", TypeID: "SERVICE", Lifecycle: "Active"})
	b.CreateComponent(compass.ComponentInput{Name: "ledger", TypeID: "SERVICE", Description: strings.Repeat("x", 5000)})
	b.CreateComponent(compass.ComponentInput{Name: "web", TypeID: "WEBSITE"})

	results, err := c.SendBatches(context.Background(), &b, compass.DefaultBatchSize)
	if err != nil {
		fmt.Println(err)
		return
	}

	for _, r := range results {
		var apiErr *compass.APIError
		switch {
		case errors.As(r.Err, &apiErr):
			fmt.Println(r.Op, "failed:", apiErr.ErrorType)
		case r.Err != nil:
			fmt.Println(r.Op, "failed:", r.Err)
		default:
			fmt.Println(r.Op, "succeeded")
		}
	}
	fmt.Printf("%+v\n", c.Stats())
	// Output:
	// createComponent succeeded
	// createComponent failed: COMPONENT_DESCRIPTION_TOO_LONG
	// createComponent succeeded
	// {Requests:2 Mutations:3}
}
