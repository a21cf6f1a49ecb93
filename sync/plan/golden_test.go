package plan

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/backstage-sync/backstage-sync/sync/mapping"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// scenario is one planning situation and the golden file that holds its plan.
type scenario struct {
	name  string
	input func() Input
}

var scenarios = []scenario{
	{"create_new_entities", createNewEntities},
	{"update_field_level_diffs", updateFieldLevelDiffs},
	{"unchanged_component", unchangedComponent},
	{"drift_is_reported_and_overwritten", driftIsReported},
	{"compass_owned_fields_are_not_overwritten", compassOwnedFields},
	{"adopt_unaliased_namesake", adoptUnaliasedNamesake},
	{"adoption_conflicts", adoptionConflicts},
	{"adoption_off_creates_beside_a_namesake", adoptionOff},
	{"rename_moves_the_alias", renameMovesTheAlias},
	{"rename_waits_for_a_complete_listing", renameWaitsForCompleteListing},
	{"rename_claimed_twice_is_a_conflict", renameClaimedTwice},
	{"skip_carries_the_rule", skipCarriesTheRule},
	{"missing_once_is_only_counted", missingOnce},
	{"missing_long_enough_follows_the_kind", missingLongEnough},
	{"incomplete_listing_never_deletes", incompleteListing},
	{"only_managed_components_are_retired", onlyManagedAreRetired},
	{"orphan_counts_as_missing", orphanCountsAsMissing},
	{"reappearing_entities_reset_and_undo", reappearingEntities},
	{"guard_holds_back_past_the_count", guardPastTheCount},
	{"guard_holds_back_past_the_percentage", guardPastThePercentage},
	{"guard_confirmed_goes_ahead", guardConfirmed},
	{"relationships_between_synced_components", relationshipsBetweenSynced},
	{"linked_component_gone_or_unaliased", linkedComponentGone},
	{"incremental_run_touches_only_fetched", incrementalRun},
}

func TestComputeGolden(t *testing.T) {
	t.Parallel()

	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			t.Parallel()
			in := sc.input()

			p, err := Compute(in)
			if err != nil {
				t.Fatalf("Compute: %v", err)
			}

			checkGolden(t, sc.name, render(in, p))
		})
	}
}

func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")

	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatalf("writing golden file: %v", err)
		}
		return
	}

	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading golden file (run with -update to create it): %v", err)
	}
	if got != string(want) {
		t.Errorf("plan differs from %s (run with -update to accept):\n--- got\n%s--- want\n%s", path, got, want)
	}
}

// createNewEntities: two new entities and nothing in Compass; a Compass-owned tier is still set
// on create, an empty field is not.
func createNewEntities() Input {
	a := service("billing")
	a.CustomFields = []mapping.CustomFieldValue{
		{Definition: "cost-center", Kind: mapping.CustomText, Text: text("cc-42")},
	}
	b := api("billing-api")
	b.Tier = "1"
	b.OwnerID = ""
	b.Truth = map[string]mapping.Truth{mapping.FieldTier: mapping.TruthCompass}

	return Input{
		Desired:         []mapping.Component{b, a},
		Listed:          listed(a, b),
		ListingComplete: true,
		Policy:          DefaultPolicy(source),
	}
}

// updateFieldLevelDiffs: Backstage changed several fields since the last apply; Compass still
// holds what was applied, so nothing is drift.
func updateFieldLevelDiffs() Input {
	old := service("orders")
	old.CustomFields = []mapping.CustomFieldValue{
		{Definition: "cost-center", Kind: mapping.CustomText, Text: text("cc-1")},
		{Definition: "score", Kind: mapping.CustomNumber, Number: number(3)},
	}
	old.Links = append(old.Links,
		mapping.Link{Type: "DOCUMENT", URL: "https://docs.acme.io/orders", Name: "Docs"},
		mapping.Link{Type: "DASHBOARD", URL: "https://grafana.acme.io/orders", Name: "Grafana"},
	)
	known, current := synced(old)

	d := old
	d.Description = "Takes and tracks orders"
	d.TypeID = "APPLICATION"
	d.OwnerID = "ari:cloud:identity::team/checkout"
	d.Labels = []string{"backstage", "payments"}
	d.Links = []mapping.Link{
		old.Links[0],
		{Type: "DOCUMENT", URL: "https://docs.acme.io/orders", Name: "Handbook"},
		{Type: "ON_CALL", URL: "https://acme.pagerduty.com/orders", Name: "On call"},
	}
	d.CustomFields = []mapping.CustomFieldValue{
		{Definition: "score", Kind: mapping.CustomNumber, Number: number(4.5)},
		{Definition: "cost-center", Kind: mapping.CustomText, Text: text("cc-1")},
	}

	return Input{
		Desired:         []mapping.Component{d},
		Listed:          listed(d),
		ListingComplete: true,
		Known:           known,
		Current:         current,
		Policy:          DefaultPolicy(source),
	}
}

func unchangedComponent() Input {
	c := service("search")
	known, current := synced(c)

	return Input{
		Desired:         []mapping.Component{c},
		Listed:          listed(c),
		ListingComplete: true,
		Known:           known,
		Current:         current,
		Policy:          DefaultPolicy(source),
	}
}

// driftIsReported: someone edited the description and owner in Compass. The description is
// overwritten and reported; the owner edit matches Backstage's new owner, so it is no drift.
// The tier changed in Backstage only.
func driftIsReported() Input {
	c := service("payments")
	known, current := synced(c)
	cur := current[idOf(c)]
	cur.Description = "edited by hand in Compass"
	cur.OwnerID = "ari:cloud:identity::team/finance"
	current[cur.ID] = cur

	d := c
	d.OwnerID = "ari:cloud:identity::team/finance"
	d.Tier = "1"

	return Input{
		Desired:         []mapping.Component{d},
		Listed:          listed(d),
		ListingComplete: true,
		Known:           known,
		Current:         current,
		Policy:          DefaultPolicy(source),
	}
}

// compassOwnedFields: description and labels belong to Compass; their edits stay.
func compassOwnedFields() Input {
	c := service("gateway")
	c.Truth = map[string]mapping.Truth{
		mapping.FieldDescription: mapping.TruthCompass,
		mapping.FieldLabels:      mapping.TruthCompass,
	}
	known, current := synced(c)
	cur := current[idOf(c)]
	cur.Description = "Written by the gateway team in Compass"
	cur.Labels = []string{"edge", "critical"}
	current[cur.ID] = cur

	d := c
	d.Description = "The new Backstage description"
	d.Labels = []string{"backstage"}
	d.Lifecycle = "Pre-release"

	return Input{
		Desired:         []mapping.Component{d},
		Listed:          listed(d),
		ListingComplete: true,
		Known:           known,
		Current:         current,
		Policy:          DefaultPolicy(source),
	}
}

// adoptUnaliasedNamesake: a hand-made component named like the entity gets the alias. The
// Compass-owned description is kept, the empty Compass-owned tier is filled.
func adoptUnaliasedNamesake() Input {
	d := service("inventory")
	d.Name = "Inventory"
	d.Truth = map[string]mapping.Truth{
		mapping.FieldDescription: mapping.TruthCompass,
		mapping.FieldTier:        mapping.TruthCompass,
	}
	cand := Current{
		ID:          "c-hand-made",
		Name:        "inventory",
		Description: "Hand written",
		TypeID:      "SERVICE",
		Labels:      []string{"go"},
		Aliases:     []Alias{{Source: "github", ID: "acme/inventory"}},
	}

	return Input{
		Desired:         []mapping.Component{d},
		Listed:          listed(d),
		ListingComplete: true,
		Unaliased:       map[string][]Current{"inventory": {cand}},
		Policy:          DefaultPolicy(source),
	}
}

// adoptionConflicts: two candidates named "ledger", and two entities titled "Audit" claiming
// one candidate.
func adoptionConflicts() Input {
	ledger := service("ledger")
	auditA := service("audit-a")
	auditA.Name = "Audit"
	auditB := service("audit-b")
	auditB.Name = "audit"

	return Input{
		Desired:         []mapping.Component{ledger, auditA, auditB},
		Listed:          listed(ledger, auditA, auditB),
		ListingComplete: true,
		Unaliased: map[string][]Current{
			"ledger": {{ID: "c-ledger-1", Name: "ledger"}, {ID: "c-ledger-2", Name: "Ledger"}},
			"audit":  {{ID: "c-audit", Name: "audit"}},
		},
		Policy: DefaultPolicy(source),
	}
}

// renameMovesTheAlias: component:default/web became component:default/storefront, both with
// the stable key acme/web.
func renameMovesTheAlias() Input {
	old := service("web")
	known, current := synced(old)

	d := service("storefront")
	d.StableKey = old.StableKey
	d.Links = old.Links

	return Input{
		Desired:         []mapping.Component{d},
		Listed:          listed(d),
		ListingComplete: true,
		Known:           known,
		Current:         current,
		Policy:          DefaultPolicy(source),
	}
}

// renameWaitsForCompleteListing: a rename seen in an incomplete listing is a conflict, and the
// vanished ref is held.
func renameWaitsForCompleteListing() Input {
	old := service("cart")
	known, current := synced(old)
	known[0].MissingCount = 5

	d := service("basket")
	d.StableKey = old.StableKey

	return Input{
		Desired: []mapping.Component{d},
		Listed:  listed(d),
		Known:   known,
		Current: current,
		Policy:  deleteEverything(),
	}
}

// renameClaimedTwice: two new refs claim the stable key of one vanished ref in a complete
// listing; both are conflicts and the vanished ref is held rather than deleted.
func renameClaimedTwice() Input {
	old := service("mailer")
	known, current := synced(old)
	known[0].MissingCount = 5

	a := service("mailer-v2")
	a.StableKey = old.StableKey
	b := service("notifier")
	b.StableKey = old.StableKey

	return Input{
		Desired:         []mapping.Component{a, b},
		Listed:          listed(a, b),
		ListingComplete: true,
		Known:           known,
		Current:         current,
		Policy:          deleteEverything(),
	}
}

// deleteEverything deletes every missing kind and never asks for confirmation.
func deleteEverything() Policy {
	p := DefaultPolicy(source)
	p.DefaultDeletion = ModeDelete
	p.ThresholdPercent = 100
	p.ThresholdCount = 1000

	return p
}

// adoptionOff: with adoption off a namesake does not stop a create.
func adoptionOff() Input {
	in := adoptUnaliasedNamesake()
	in.Policy.Adoption = false

	return in
}
