package plan

import (
	"fmt"

	"github.com/backstage-sync/backstage-sync/sync/mapping"
)

// skipCarriesTheRule: one new and one managed entity are skipped by mapping rules; the managed
// one is listed, so its missing count resets.
func skipCarriesTheRule() Input {
	kept := service("kept")
	managed := service("legacy")
	known, current := synced(managed, kept)
	known[0].MissingCount = 1

	return Input{
		Desired: []mapping.Component{kept},
		Skipped: []mapping.Skip{
			{Ref: "component:default/sandbox", Rule: "exclude-experimental", Reason: "lifecycle experimental is excluded"},
			{Ref: managed.Ref, Rule: "only-production", Reason: "lifecycle is not production"},
		},
		Listed:          map[string]bool{kept.Ref: true, managed.Ref: true, "component:default/sandbox": true},
		ListingComplete: true,
		Known:           known,
		Current:         current,
		Policy:          DefaultPolicy(source),
	}
}

// missingOnce: a managed entity missing from its first complete listing is only counted.
func missingOnce() Input {
	stay := service("stay")
	gone := service("gone")
	known, current := synced(stay, gone)

	p := deleteEverything()

	return Input{
		Desired:         []mapping.Component{stay},
		Listed:          listed(stay),
		ListingComplete: true,
		Known:           known,
		Current:         current,
		Policy:          p,
	}
}

// retiring returns managed entities of three kinds, each missing from one complete listing
// already, next to enough listed ones to stay under the thresholds.
func retiring() Input {
	var cs []mapping.Component
	for i := range 20 {
		cs = append(cs, service(fmt.Sprintf("stay-%02d", i)))
	}
	comp := service("old-service")
	dep := service("old-deprecated")
	apiGone := api("old-api")
	group := service("old-group")
	group.Ref = "group:default/old-group"
	known, current := synced(append(cs, comp, dep, apiGone, group)...)
	for i := 20; i < len(known); i++ {
		known[i].MissingCount = 1
	}
	known[21].Deprecated = true

	p := DefaultPolicy(source)
	p.Deletion = map[string]Mode{"component": ModeDeprecate, "API": ModeDelete}
	p.DefaultDeletion = ModeKeep
	p.ThresholdPercent = 20

	return Input{
		Listed:          listed(cs...),
		ListingComplete: true,
		Known:           known,
		Current:         current,
		Policy:          p,
	}
}

// missingLongEnough: at the second complete listing each kind follows its mode: component
// deprecated (or left when already deprecated), api deleted, group kept.
func missingLongEnough() Input {
	return retiring()
}

// incompleteListing: the same state after a listing that was cut short: counts stay, nothing
// is deprecated or deleted.
func incompleteListing() Input {
	in := retiring()
	in.ListingComplete = false

	return in
}

// orphanCountsAsMissing: Backstage still serves the orphaned entity, but the engine leaves it
// out of the listing, so it is counted and, here, deleted.
func orphanCountsAsMissing() Input {
	live := service("live")
	orphan := service("orphaned")
	known, current := synced(live, orphan)
	known[1].MissingCount = 1

	return Input{
		Desired:         []mapping.Component{live},
		Listed:          listed(live),
		ListingComplete: true,
		Known:           known,
		Current:         current,
		Policy:          deleteEverything(),
	}
}

// reappearingEntities: a counted entity is listed again in an incremental run (not fetched),
// and an entity the app deprecated is fetched again, so the deprecation is undone without
// calling the app's own edits drift.
func reappearingEntities() Input {
	counted := service("counted")
	back := service("back")
	known, current := synced(counted, back)
	known[0].MissingCount = 1
	known[1].MissingCount = 1

	p := DefaultPolicy(source)
	p.DefaultDeletion = ModeDeprecate
	p.ThresholdPercent = 100
	earlier, err := Compute(Input{
		Listed: listed(counted), ListingComplete: true, Known: known, Current: current, Policy: p,
	})
	if err != nil || len(earlier.Actions) != 1 || earlier.Actions[0].Kind != KindDeprecate {
		panic(fmt.Sprintf("setting up a deprecated component: %v %+v", err, earlier.Actions))
	}
	k, cur, _ := applyAction(known[1], current[idOf(back)], earlier.Actions[0])
	k.MissingCount = 3
	known[1] = k
	current[cur.ID] = cur

	return Input{
		Desired:         []mapping.Component{back},
		Listed:          listed(counted, back),
		ListingComplete: true,
		Known:           known,
		Current:         current,
		Policy:          p,
	}
}

// manyMissing returns n managed entities of which gone are missing for the second time.
func manyMissing(n, gone int) Input {
	var cs []mapping.Component
	for i := range n {
		cs = append(cs, service(fmt.Sprintf("svc-%03d", i)))
	}
	known, current := synced(cs...)
	for i := range gone {
		known[i].MissingCount = 1
	}

	p := DefaultPolicy(source)
	p.DefaultDeletion = ModeDelete

	return Input{
		Listed:          listed(cs[gone:]...),
		ListingComplete: true,
		Known:           known,
		Current:         current,
		Policy:          p,
	}
}

// guardPastTheCount: 26 deletions of 300 managed (8.7 %) pass the count of 25.
func guardPastTheCount() Input {
	return manyMissing(300, 26)
}

// guardPastThePercentage: 3 deletions of 20 managed (15 %) pass 10 %.
func guardPastThePercentage() Input {
	return manyMissing(20, 3)
}

// guardConfirmed: the same 3 of 20 go ahead once confirmed.
func guardConfirmed() Input {
	in := manyMissing(20, 3)
	in.Policy.Confirmed = true

	return in
}

// relationshipsBetweenSynced: legacy newly depends on a managed api; web depends on that api
// (already related), on a component created in this run and on an entity that is not synced; its old dependency on a managed component
// goes, a hand-made dependency on an unmanaged component stays, and a dependency on a
// component deleted in this run is left to the deletion.
func relationshipsBetweenSynced() Input {
	catalog := api("catalog")
	legacy := service("legacy")
	retired := service("retired")
	fresh := service("fresh")
	web := service("web")
	known, current := synced(catalog, legacy, retired, web)
	known[2].MissingCount = 5

	cur := current[idOf(web)]
	cur.DependsOn = []string{idOf(catalog), idOf(legacy), idOf(retired), "c-unmanaged"}
	current[cur.ID] = cur

	web.DependsOn = []string{catalog.Ref, fresh.Ref, "resource:default/s3-bucket", web.Ref}
	fresh.DependsOn = []string{catalog.Ref}
	legacy.DependsOn = []string{catalog.Ref}

	p := deleteEverything()

	return Input{
		Desired:         []mapping.Component{web, fresh, catalog, legacy},
		Listed:          listed(web, fresh, catalog, legacy),
		ListingComplete: true,
		Known:           known,
		Current:         current,
		Policy:          p,
	}
}

// linkedComponentGone: one linked component was deleted in Compass and is created again;
// another lost the app's alias and is left for people to sort out.
func linkedComponentGone() Input {
	gone := service("recreate")
	unaliased := service("unaliased")
	known, current := synced(gone, unaliased)
	delete(current, idOf(gone))
	cur := current[idOf(unaliased)]
	cur.Aliases = []Alias{{Source: "github", ID: "acme/unaliased"}}
	current[cur.ID] = cur

	return Input{
		Desired:         []mapping.Component{gone, unaliased},
		Listed:          listed(gone, unaliased),
		ListingComplete: true,
		Known:           known,
		Current:         current,
		Policy:          DefaultPolicy(source),
	}
}

// incrementalRun: five managed entities are listed, one of them changed and was fetched, and
// one new entity appeared. Only those two are planned; the rest cost nothing.
func incrementalRun() Input {
	var cs []mapping.Component
	for i := range 5 {
		cs = append(cs, service(fmt.Sprintf("quiet-%d", i)))
	}
	known, current := synced(cs...)
	changed := cs[2]
	changed.Description = "Now with a better description"
	fresh := service("fresh")

	return Input{
		Desired:         []mapping.Component{changed, fresh},
		Listed:          listed(append(cs, fresh)...),
		ListingComplete: true,
		Known:           known,
		Current:         map[string]Current{idOf(changed): current[idOf(changed)]},
		Policy:          DefaultPolicy(source),
	}
}

// onlyManagedAreRetired: with every kind set to delete, a hand-made component with no alias
// and a component that carries the alias but has no link in the store are left alone, while
// the one managed component missing long enough is deleted.
func onlyManagedAreRetired() Input {
	live := service("live")
	managed := service("managed")
	known, current := synced(live, managed)
	known[1].MissingCount = 1

	stray := currentOf(service("stray"))
	current[stray.ID] = stray

	return Input{
		Desired:         []mapping.Component{live},
		Listed:          listed(live),
		ListingComplete: true,
		Known:           known,
		Current:         current,
		Unaliased:       map[string][]Current{"hand-made": {{ID: "c-hand-made", Name: "hand-made"}}},
		Policy:          deleteEverything(),
	}
}
