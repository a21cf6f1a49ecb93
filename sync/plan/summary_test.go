package plan

import (
	"reflect"
	"testing"

	"github.com/backstage-sync/backstage-sync/sync/mapping"
)

// TestStandInsPlanLikeTheirComponents plans linked entities against their Compass components
// and against the stand-ins of the components' summaries, and checks that a stand-in is
// offered only where it plans the same, and whenever the entity needs nothing written.
func TestStandInsPlanLikeTheirComponents(t *testing.T) {
	t.Parallel()
	base := service("billing")
	base.CustomFields = []mapping.CustomFieldValue{{Definition: "cost-centre", Text: text("cc-1")}}
	base.DependsOn = []string{"component:default/ledger"}
	ledger := service("ledger")

	tests := []struct {
		name string
		// edit changes the component in Compass; want changes the desired component.
		edit func(*Current)
		want func(*mapping.Component)
		// writes says whether planning against the component writes a field.
		writes bool
	}{
		{name: "nothing differs"},
		{name: "labels in another order", edit: func(c *Current) { c.Labels = []string{"go", "backstage", "go"} }},
		{name: "a custom field Backstage does not map", edit: func(c *Current) {
			c.CustomFields = append(c.CustomFields, mapping.CustomFieldValue{Definition: "other", Text: text("x")})
		}},
		{name: "description edited by hand", edit: func(c *Current) { c.Description = "by hand" }, writes: true},
		{name: "a label removed by hand", edit: func(c *Current) { c.Labels = []string{"go"} }, writes: true},
		{name: "a link renamed by hand", edit: func(c *Current) { c.Links[0].Name = "Code" }, writes: true},
		{name: "a link added by hand", edit: func(c *Current) {
			c.Links = append(c.Links, Link{ID: "l9", Type: "DOCUMENT", URL: "https://docs.acme.example"})
		}, writes: true},
		{name: "the custom field edited by hand", edit: func(c *Current) { c.CustomFields[0].Text = text("cc-2") }, writes: true},
		{name: "the tier cleared by hand", edit: func(c *Current) { c.Tier = "" }, writes: true},
		{name: "owner changed in the catalog", want: func(d *mapping.Component) { d.OwnerID = "ari:team/other" }, writes: true},
		{name: "owner edited in Compass, which owns it", edit: func(c *Current) { c.OwnerID = "ari:team/by-hand" },
			want: func(d *mapping.Component) {
				d.Truth = map[string]mapping.Truth{mapping.FieldOwner: mapping.TruthCompass}
			}},
		{name: "a dependency dropped in the catalog", want: func(d *mapping.Component) { d.DependsOn = nil }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := base
			d.CustomFields = []mapping.CustomFieldValue{{Definition: "cost-centre", Text: text("cc-1")}}
			known, current := synced(d, ledger)
			cur := current[idOf(d)]
			cur.DependsOn = []string{idOf(ledger)}
			if tt.edit != nil {
				tt.edit(&cur)
			}
			if tt.want != nil {
				tt.want(&d)
			}

			plan := func(c Current) Plan {
				cs := map[string]Current{idOf(ledger): current[idOf(ledger)], c.ID: c}
				p, err := Compute(Input{
					Desired: []mapping.Component{d}, Listed: listed(d, ledger), ListingComplete: true,
					Known: known, Current: cs, Policy: DefaultPolicy(source),
				})
				if err != nil {
					t.Fatal(err)
				}
				return p
			}
			real := plan(cur)
			stand, ok := Summarize(cur, source).StandIn(&d)

			writes := real.Counts().Update > 0
			if writes != tt.writes {
				t.Fatalf("the component plans %+v, want writes=%v", real.Actions, tt.writes)
			}
			if ok == writes {
				t.Fatalf("stand-in offered: %v, while the plan writes: %v", ok, writes)
			}
			if !ok {
				return
			}
			if got := plan(stand); !reflect.DeepEqual(got, real) {
				t.Errorf("the stand-in plans\n%+v\nthe component plans\n%+v", got, real)
			}
		})
	}
}
