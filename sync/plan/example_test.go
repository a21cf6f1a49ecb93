package plan_test

import (
	"fmt"

	"github.com/backstage-sync/backstage-sync/sync/mapping"
	"github.com/backstage-sync/backstage-sync/sync/plan"
)

func ExampleCompute() {
	desired := mapping.Component{
		Ref:    "component:default/billing",
		Name:   "billing",
		TypeID: "SERVICE",
		Labels: []string{"payments"},
	}

	p, err := plan.Compute(plan.Input{
		Desired:         []mapping.Component{desired},
		Listed:          map[string]bool{desired.Ref: true},
		ListingComplete: true,
		Policy:          plan.DefaultPolicy("backstage"),
	})
	if err != nil {
		fmt.Println(err)
		return
	}

	for _, a := range p.Actions {
		fmt.Println(a.Kind, a.Ref, a.Set, a.LabelsAdd)
	}
	fmt.Printf("%+v\n", p.Counts())
	// Output:
	// create component:default/billing [name typeId] [payments]
	// {Create:1 Update:0 Adopt:0 Rename:0 Deprecate:0 Delete:0 Unchanged:0 Skip:0 Conflict:0}
}
