package catalogsim_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/backstage-sync/backstage-sync/sync/backstage"
	"github.com/backstage-sync/backstage-sync/sync/backstage/catalogsim"
)

const token = "round-trip-token"

func start(t testing.TB, entities []map[string]any) (*catalogsim.Server, *backstage.Client) {
	t.Helper()
	sim := catalogsim.New(catalogsim.Options{Token: token})
	for _, e := range entities {
		if err := sim.Put(e); err != nil {
			t.Fatal(err)
		}
	}
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	c, err := backstage.New(srv.URL, backstage.StaticToken(token))
	if err != nil {
		t.Fatal(err)
	}
	return sim, c
}

// listRefs lists every entity matching filters, in pages of limit, calling between after
// each page.
func listRefs(t testing.TB, c *backstage.Client, filters []string, limit int, between func(page int)) ([]string, int) {
	t.Helper()
	var refs []string
	var total, page int
	opts := backstage.ListOptions{
		Filters: filters,
		Fields:  []string{"kind", "metadata.namespace", "metadata.name", "metadata.uid", "metadata.etag"},
		Limit:   limit,
		OnTotal: func(n int) { total = n },
	}
	err := c.ListEntities(context.Background(), opts, func(items []backstage.Entity) error {
		page++
		for _, e := range items {
			if e.Metadata.UID == "" || e.Metadata.Etag == "" {
				return fmt.Errorf("%s has no uid or etag", e.Ref())
			}
			refs = append(refs, e.Ref())
		}
		if between != nil {
			between(page)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return refs, total
}

func TestClientListsTheWholeDemoCatalog(t *testing.T) {
	t.Parallel()
	sim, c := start(t, catalogsim.DemoCatalog())

	refs, total := listRefs(t, c, nil, 9, nil)

	if len(refs) != sim.Len() || total != sim.Len() {
		t.Errorf("listed %d with total %d, want %d", len(refs), total, sim.Len())
	}
	if got, want := c.Stats().Requests, int64((sim.Len()+8)/9); got != want {
		t.Errorf("requests = %d, want %d pages", got, want)
	}
	if compact := slices.Compact(slices.Sorted(slices.Values(refs))); len(compact) != len(refs) {
		t.Error("an entity was listed twice")
	}
}

func TestClientFiltersAndReadsByRefsAndName(t *testing.T) {
	t.Parallel()
	_, c := start(t, catalogsim.DemoCatalog())
	ctx := context.Background()

	refs, _ := listRefs(t, c, []string{"kind=component,spec.lifecycle=deprecated"}, 0, nil)
	want := []string{"component:default/legacy-monolith", "component:default/reporting-service", "component:default/returns-service"}
	if !slices.Equal(refs, want) {
		t.Fatalf("deprecated components = %v, want %v", refs, want)
	}

	got, err := c.GetEntitiesByRefs(ctx, append(refs, "component:default/gone"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 4 || got[3] != nil || got[0].Ref() != refs[0] || got[0].SpecString("lifecycle") != "deprecated" {
		t.Errorf("by-refs = %v", got)
	}
	slug, ok := got[0].LookupString(`metadata.annotations["github.com/project-slug"]`)
	if !ok || slug != "acme/legacy-monolith" {
		t.Errorf("project slug = %q, %v", slug, ok)
	}

	e, err := c.GetEntityByName(ctx, "Component", "", "Auth-Service")
	if err != nil {
		t.Fatal(err)
	}
	if e.Ref() != "component:default/auth-service" || len(e.Relations) == 0 || e.Metadata.Title != "Auth Service" {
		t.Errorf("by-name = %s with %d relations, title %q", e.Ref(), len(e.Relations), e.Metadata.Title)
	}
}

func TestClientErrorsAgainstTheServer(t *testing.T) {
	t.Parallel()
	sim, c := start(t, catalogsim.DemoCatalog())
	srv := httptest.NewServer(sim)
	defer srv.Close()
	ctx := context.Background()
	noop := func([]backstage.Entity) error { return nil }

	_, err := c.GetEntityByName(ctx, "component", "default", "nope")
	if !errors.Is(err, backstage.ErrNotFound) {
		t.Errorf("missing entity: %v, want ErrNotFound", err)
	}

	wrongToken, _ := backstage.New(srv.URL, backstage.StaticToken("wrong-token"))
	err = wrongToken.ListEntities(ctx, backstage.ListOptions{}, noop)
	var apiErr *backstage.APIError
	if !errors.Is(err, backstage.ErrUnauthorized) || !errors.As(err, &apiErr) || apiErr.Message != "Illegal token" {
		t.Errorf("wrong token: %v, want ErrUnauthorized with Illegal token", err)
	}

	wrongBase, _ := backstage.New(srv.URL+"/backstage", backstage.StaticToken(token))
	if err := wrongBase.ListEntities(ctx, backstage.ListOptions{}, noop); !errors.Is(err, backstage.ErrNotCatalog) {
		t.Errorf("wrong base URL: %v, want ErrNotCatalog", err)
	}
}

func TestPagingWhileEntitiesChange(t *testing.T) {
	t.Parallel()
	sim, c := start(t, catalogsim.Generate(300, 3))
	before, _ := listRefs(t, c, []string{"kind=component"}, 1000, nil)
	// Changes land after the first page: one entity not yet seen goes, one already seen goes,
	// one is edited, one is renamed into the unseen part and one new entity appears there.
	unseenGone, seenGone, edited := before[250], before[10], before[200]
	var added []string

	got, total := listRefs(t, c, []string{"kind=component"}, 40, func(page int) {
		if page != 1 {
			return
		}
		for _, ref := range []string{unseenGone, seenGone} {
			if ok, err := sim.Delete(ref); !ok || err != nil {
				t.Errorf("Delete(%s) = %v, %v", ref, ok, err)
			}
		}
		for _, name := range []string{"zzz-new", "aaa-new"} {
			e := catalogsim.Generate(1, 9)[1]
			e["metadata"].(map[string]any)["name"] = name
			if err := sim.Put(e); err != nil {
				t.Error(err)
			}
			added = append(added, "component:default/"+name)
		}
		e := catalogsim.Generate(1, 5)[1]
		e["metadata"].(map[string]any)["name"] = refName(edited)
		if err := sim.Put(e); err != nil {
			t.Error(err)
		}
	})

	if total != 300 {
		t.Errorf("total = %d, want the first page's 300", total)
	}
	if compact := slices.Compact(slices.Sorted(slices.Values(got))); len(compact) != len(got) {
		t.Error("an entity was listed twice")
	}
	for _, ref := range before {
		if ref != unseenGone && !slices.Contains(got, ref) {
			t.Errorf("%s lived through the listing but was not listed", ref)
		}
	}
	if slices.Contains(got, unseenGone) {
		t.Errorf("%s was deleted before its page but was listed", unseenGone)
	}
	if !slices.Contains(got, added[0]) || slices.Contains(got, added[1]) {
		t.Errorf("of the added entities, the one after the cursor must be listed and the one before not: %v", added)
	}
}

func refName(ref string) string {
	r, _ := backstage.ParseRef(ref, "", "")
	return r.Name
}

func TestEtagsTellWhatChanged(t *testing.T) {
	t.Parallel()
	sim, c := start(t, catalogsim.DemoCatalog())
	ctx := context.Background()
	etags := func() map[string]string {
		out := map[string]string{}
		err := c.ListEntities(ctx, backstage.ListOptions{Fields: []string{"kind", "metadata.name", "metadata.etag"}}, func(page []backstage.Entity) error {
			for _, e := range page {
				out[e.Ref()] = e.Metadata.Etag
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	before := etags()

	e, err := c.GetEntityByName(ctx, "component", "default", "cart-service")
	if err != nil {
		t.Fatal(err)
	}
	doc := e.Raw
	doc["spec"].(map[string]any)["dependsOn"] = []any{"component:default/config-service"}
	if err := sim.Put(doc); err != nil {
		t.Fatal(err)
	}
	after := etags()

	var changed []string
	for ref, etag := range after {
		if before[ref] != etag {
			changed = append(changed, ref)
		}
	}
	slices.Sort(changed)
	// The edited entity, the dependency it dropped and the one it gained.
	want := []string{"component:default/cart-service", "component:default/config-service", "resource:default/cache-cluster"}
	if !slices.Equal(changed, want) {
		t.Errorf("changed etags = %v, want %v", changed, want)
	}
}

func jsonDecode(data []byte, v any) error {
	return json.Unmarshal(data, v)
}

func TestConcurrentWritesAndListings(t *testing.T) {
	t.Parallel()
	sim, c := start(t, catalogsim.Generate(400, 4))
	extra := catalogsim.Generate(50, 6)[1:]
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i, e := range extra {
			if err := sim.Put(e); err != nil {
				t.Error(err)
			}
			if i%2 == 0 {
				name := e["metadata"].(map[string]any)["name"].(string)
				if _, err := sim.Delete("component:default/" + name); err != nil {
					t.Error(err)
				}
			}
		}
	}()

	for range 3 {
		refs, total := listRefs(t, c, []string{"kind=component"}, 25, nil)
		if len(refs) < 400 || total < 400 {
			t.Errorf("listed %d of total %d, want at least the 400 that never change", len(refs), total)
		}
	}
	<-done
	if got := sim.Len(); got != 400+8+25 {
		t.Errorf("Len = %d, want 433", got)
	}
}
