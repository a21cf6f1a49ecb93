package compasssim_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/backstage-sync/backstage-sync/sync/compass/compasssim"
)

func ExampleNew() {
	sim := compasssim.New(compasssim.Options{
		Email: "admin@example.com", Token: "t0ken", SiteHost: "example.atlassian.net", CloudID: "cloud-1",
	})
	team := sim.SeedTeam("Platform")
	if _, err := sim.SeedComponent(compasssim.Component{Name: "payments", TypeID: "SERVICE", OwnerID: team}); err != nil {
		fmt.Println(err)
		return
	}
	ts := httptest.NewServer(sim)
	defer ts.Close()

	body := `{"query":"{ compass { searchComponents(cloudId: \"cloud-1\", query: {query: \"pay\"}) {
  ... on CompassSearchComponentConnection { nodes { component { name typeId } } } } } }"}`
	req, _ := http.NewRequest(http.MethodPost, ts.URL+"/gateway/api/graphql",
		strings.NewReader(strings.ReplaceAll(body, "\n", " ")))
	req.SetBasicAuth("admin@example.com", "t0ken")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(resp.Body)
	fmt.Println(resp.StatusCode, string(answer))
	// Output:
	// 200 {"data":{"compass":{"searchComponents":{"nodes":[{"component":{"name":"payments","typeId":"SERVICE"}}]}}}}
}

func ExampleValidateDocument() {
	err := compasssim.ValidateDocument(`query { compass { component(id: "x") { name } } }`)
	fmt.Println(err)
	// Output:
	// invalid graphql document: input:1:40: Cannot query field "name" on type "CompassComponentResult". Did you mean to use an inline fragment on "CompassComponent"?
}
