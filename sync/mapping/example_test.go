package mapping_test

import (
	"encoding/json"
	"fmt"

	"github.com/backstage-sync/backstage-sync/sync/mapping"
)

func Example() {
	rules := mapping.Default()
	rules.Filters.Include = []mapping.FilterRule{mapping.KindFilter("Component", "API")}
	rules.Owner.Teams = map[string]string{"payments": "ari:cloud:identity::team/1234"}

	m, err := mapping.Compile(rules)
	if err != nil {
		fmt.Println(err)
		return
	}

	var entity map[string]any
	_ = json.Unmarshal([]byte(`{
		"kind": "Component",
		"metadata": {"name": "checkout", "title": "Checkout", "tags": ["Java"]},
		"spec": {"type": "service", "lifecycle": "production", "owner": "payments"}
	}`), &entity)

	c, skip := m.Map(entity, mapping.Env{})
	fmt.Println(c.Ref, c.Name, c.TypeID, c.OwnerID, c.Lifecycle, c.Labels, skip)
	fmt.Println(c.Warnings)
	// Output:
	// component:default/checkout Checkout SERVICE ari:cloud:identity::team/1234 Active [java] <nil>
	// [{labels tag "Java" became label "java"}]
}

func ExampleCompile() {
	rules := mapping.Default()
	rules.Filters.Exclude = append(rules.Filters.Exclude, mapping.FilterRule{Expression: "kind =="})
	rules.Labels.Extra = []string{"from backstage"}

	_, err := mapping.Compile(rules)
	fmt.Println(err)
	// Output:
	// mapping.filters.exclude[1].expression: unexpected token EOF at column 7
	// mapping.labels.extra[0]: "from backstage" is not a label: use lower case, no whitespace, at most 40 characters
}
