package catalogsim

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func component(name string, spec map[string]any) map[string]any {
	if spec == nil {
		spec = map[string]any{"type": "service"}
	}
	return map[string]any{
		"apiVersion": "backstage.io/v1alpha1",
		"kind":       "Component",
		"metadata":   map[string]any{"name": name},
		"spec":       spec,
	}
}

func mustPut(t testing.TB, s *Server, entities ...map[string]any) {
	t.Helper()
	for _, e := range entities {
		if err := s.Put(e); err != nil {
			t.Fatal(err)
		}
	}
}

// served returns the served document of ref.
func served(t testing.TB, s *Server, ref string) map[string]any {
	t.Helper()
	for _, e := range s.Entities() {
		md := e["metadata"].(map[string]any)
		if refOf(e["kind"].(string), md["namespace"].(string), md["name"].(string)) == ref {
			return e
		}
	}
	t.Fatalf("%s is not served", ref)
	return nil
}

func idOf(t testing.TB, s *Server, ref string) (uid, etag string) {
	t.Helper()
	md := served(t, s, ref)["metadata"].(map[string]any)
	return md["uid"].(string), md["etag"].(string)
}

func TestPutKeepsTheUIDAndChangesTheEtagOnlyOnChange(t *testing.T) {
	t.Parallel()
	s := New(Options{})
	mustPut(t, s, component("shop", nil))
	uid1, etag1 := idOf(t, s, "component:default/shop")

	mustPut(t, s, component("shop", nil))
	uid2, etag2 := idOf(t, s, "component:default/shop")
	if uid2 != uid1 || etag2 != etag1 {
		t.Errorf("an identical put changed uid or etag: %s/%s -> %s/%s", uid1, etag1, uid2, etag2)
	}

	mustPut(t, s, component("shop", map[string]any{"type": "website"}))
	uid3, etag3 := idOf(t, s, "component:default/shop")
	if uid3 != uid1 || etag3 == etag1 {
		t.Errorf("an edit: uid %s -> %s, etag %s -> %s; want the same uid and a new etag", uid1, uid3, etag1, etag3)
	}
}

func TestPutIgnoresGivenIdentity(t *testing.T) {
	t.Parallel()
	s := New(Options{})
	e := component("shop", nil)
	e["metadata"].(map[string]any)["uid"] = "given"
	e["metadata"].(map[string]any)["etag"] = "given"
	e["relations"] = []any{map[string]any{"type": "ownedBy", "targetRef": "group:default/x"}}
	mustPut(t, s, e)

	doc := served(t, s, "component:default/shop")
	uid, etag := idOf(t, s, "component:default/shop")
	if uid == "given" || etag == "given" || len(doc["relations"].([]any)) != 0 {
		t.Errorf("served %v, want computed uid, etag and relations", doc)
	}
}

func TestPutCopiesTheEntity(t *testing.T) {
	t.Parallel()
	s := New(Options{})
	e := component("shop", nil)
	mustPut(t, s, e)
	_, before := idOf(t, s, "component:default/shop")

	e["spec"].(map[string]any)["type"] = "changed behind the server's back"
	_, after := idOf(t, s, "component:default/shop")

	if before != after {
		t.Error("changing the caller's map changed the stored entity")
	}
}

func TestDeleteAndReAddGivesANewUID(t *testing.T) {
	t.Parallel()
	s := New(Options{})
	mustPut(t, s, component("shop", nil))
	uid1, _ := idOf(t, s, "component:default/shop")

	existed, err := s.Delete("Component:Shop")
	if err != nil || !existed || s.Len() != 0 {
		t.Fatalf("Delete = %v, %v; Len = %d", existed, err, s.Len())
	}
	mustPut(t, s, component("shop", nil))
	uid2, _ := idOf(t, s, "component:default/shop")

	if uid1 == uid2 {
		t.Error("a re-added entity kept its old uid")
	}
	if existed, _ := s.Delete("component:default/other"); existed {
		t.Error("Delete reported a missing entity as existing")
	}
}

func TestPutAndDeleteRejectBadInput(t *testing.T) {
	t.Parallel()
	s := New(Options{})
	for name, e := range map[string]map[string]any{
		"no kind":       {"metadata": map[string]any{"name": "x"}},
		"no metadata":   {"kind": "Component"},
		"no name":       {"kind": "Component", "metadata": map[string]any{}},
		"slash in name": {"kind": "Component", "metadata": map[string]any{"name": "a/b"}},
		"not JSON":      {"kind": "Component", "metadata": map[string]any{"name": "x"}, "spec": func() {}},
	} {
		if err := s.Put(e); !errors.Is(err, ErrInvalidEntity) {
			t.Errorf("Put with %s: error = %v, want ErrInvalidEntity", name, err)
		}
	}
	for _, ref := range []string{"shop", "component:", ":x", "a:b/c/d"} {
		if _, err := s.Delete(ref); !errors.Is(err, ErrInvalidRef) {
			t.Errorf("Delete(%q) error = %v, want ErrInvalidRef", ref, err)
		}
	}
}

func relationsOfDoc(doc map[string]any) []string {
	var out []string
	for _, r := range doc["relations"].([]any) {
		m := r.(map[string]any)
		out = append(out, m["type"].(string)+" "+m["targetRef"].(string))
	}
	return out
}

func TestRelationsGoBothWays(t *testing.T) {
	t.Parallel()
	s := New(Options{})
	mustPut(t, s,
		component("web", map[string]any{"owner": "team-a", "dependsOn": []any{"component:api", "resource:db"}, "system": "shop"}),
		component("api", map[string]any{"owner": "group:default/team-a"}),
		map[string]any{"kind": "Group", "metadata": map[string]any{"name": "team-a"}, "spec": map[string]any{}},
	)

	web := relationsOfDoc(served(t, s, "component:default/web"))
	wantWeb := []string{
		"dependsOn component:default/api", "dependsOn resource:default/db",
		"ownedBy group:default/team-a", "partOf system:default/shop",
	}
	if !reflect.DeepEqual(web, wantWeb) {
		t.Errorf("web relations = %v, want %v", web, wantWeb)
	}
	team := relationsOfDoc(served(t, s, "group:default/team-a"))
	if !reflect.DeepEqual(team, []string{"ownerOf component:default/api", "ownerOf component:default/web"}) {
		t.Errorf("team relations = %v", team)
	}
	api := relationsOfDoc(served(t, s, "component:default/api"))
	if !slices.Contains(api, "dependencyOf component:default/web") {
		t.Errorf("api relations = %v, want the incoming dependency", api)
	}
}

func TestIncomingRelationChangesTheTargetEtag(t *testing.T) {
	t.Parallel()
	s := New(Options{})
	mustPut(t, s, component("api", nil), component("web", nil))
	_, apiBefore := idOf(t, s, "component:default/api")
	_, webBefore := idOf(t, s, "component:default/web")

	mustPut(t, s, component("web", map[string]any{"dependsOn": []any{"component:default/api"}}))
	_, apiAfter := idOf(t, s, "component:default/api")
	if apiAfter == apiBefore {
		t.Error("a new incoming relation left the target's etag alone")
	}

	if _, err := s.Delete("component:default/web"); err != nil {
		t.Fatal(err)
	}
	_, apiGone := idOf(t, s, "component:default/api")
	if apiGone != apiBefore {
		t.Errorf("the target's etag after the source left = %s, want %s as before", apiGone, apiBefore)
	}
	if webBefore == "" {
		t.Error("no etag")
	}
}

func TestEntitiesAreInNameOrder(t *testing.T) {
	t.Parallel()
	s := New(Options{})
	mustPut(t, s, component("b", nil), component("A", nil), component("c", nil))

	var names []string
	for _, e := range s.Entities() {
		names = append(names, e["metadata"].(map[string]any)["name"].(string))
	}

	if !reflect.DeepEqual(names, []string{"A", "b", "c"}) {
		t.Errorf("names = %v", names)
	}
}

func TestDemoCatalogIsConsistent(t *testing.T) {
	t.Parallel()
	s := New(Options{})
	mustPut(t, s, DemoCatalog()...)
	kinds := map[string]int{}
	refs := map[string]bool{}
	for _, e := range s.Entities() {
		md := e["metadata"].(map[string]any)
		kinds[e["kind"].(string)]++
		refs[refOf(e["kind"].(string), "default", md["name"].(string))] = true
	}

	want := map[string]int{"Component": 41, "Group": 8, "User": 10, "System": 6, "Domain": 2, "API": 8, "Resource": 6}
	if !reflect.DeepEqual(kinds, want) {
		t.Errorf("kinds = %v, want %v", kinds, want)
	}
	for _, e := range s.Entities() {
		for _, rel := range e["relations"].([]any) {
			target := rel.(map[string]any)["targetRef"].(string)
			if !refs[target] {
				t.Errorf("%s has a relation to missing %s", e["metadata"].(map[string]any)["name"], target)
			}
		}
	}
}

func TestDemoComponentsCarryTheUsualFields(t *testing.T) {
	t.Parallel()
	types := map[string]int{}
	for _, e := range DemoCatalog() {
		if e["kind"] != "Component" {
			continue
		}
		md := e["metadata"].(map[string]any)
		ann := md["annotations"].(map[string]any)
		spec := e["spec"].(map[string]any)
		types[spec["type"].(string)]++
		if md["title"] == "" || md["description"] == "" || len(md["tags"].([]any)) == 0 || len(md["links"].([]any)) == 0 {
			t.Errorf("%s lacks a title, description, tags or links", md["name"])
		}
		if ann["github.com/project-slug"] == nil || ann["backstage.io/techdocs-ref"] == nil {
			t.Errorf("%s lacks the github or techdocs annotation", md["name"])
		}
		if spec["type"] == "service" && !strings.HasPrefix(ann["pagerduty.com/service-id"].(string), "P") {
			t.Errorf("service %s lacks a pagerduty id", md["name"])
		}
	}
	if types["service"] < 20 || types["website"] < 5 || types["library"] < 5 {
		t.Errorf("component types = %v", types)
	}
}

func TestGenerateIsDeterministic(t *testing.T) {
	t.Parallel()
	a, b, c := Generate(200, 7), Generate(200, 7), Generate(200, 8)

	if !reflect.DeepEqual(a, b) {
		t.Error("the same seed gave different catalogs")
	}
	if reflect.DeepEqual(a, c) {
		t.Error("different seeds gave the same catalog")
	}
	if len(a) != 204 {
		t.Errorf("len = %d, want 200 components and 4 groups", len(a))
	}
}

func TestGeneratedComponentsHaveTheAdvertisedShape(t *testing.T) {
	t.Parallel()
	s := New(Options{})
	mustPut(t, s, Generate(100, 1)...)

	comps := 0
	for _, e := range s.Entities() {
		if e["kind"] != "Component" {
			continue
		}
		comps++
		md := e["metadata"].(map[string]any)
		deps := e["spec"].(map[string]any)["dependsOn"].([]any)
		if len(md["links"].([]any)) != 2 || len(md["tags"].([]any)) == 0 || len(deps) != 1 {
			t.Errorf("%s: links %v, tags %v, deps %v", md["name"], md["links"], md["tags"], deps)
		}
		if deps[0] == "component:default/"+md["name"].(string) {
			t.Errorf("%s depends on itself", md["name"])
		}
	}
	if comps != 100 || s.Len() != 102 {
		t.Errorf("%d components, %d entities", comps, s.Len())
	}
}

func TestRepeatedRelationsAreServedOnceAndDroppedTogether(t *testing.T) {
	t.Parallel()
	s := New(Options{})
	twice := []any{"component:default/api", "component:api"}
	mustPut(t, s, component("api", nil), component("web", map[string]any{"dependsOn": twice}))

	if got := relationsOfDoc(served(t, s, "component:default/api")); !reflect.DeepEqual(got, []string{"dependencyOf component:default/web"}) {
		t.Errorf("api relations = %v, want one dependencyOf", got)
	}
	mustPut(t, s, component("web", nil))
	if got := relationsOfDoc(served(t, s, "component:default/api")); len(got) != 0 {
		t.Errorf("api relations after the dependency went = %v", got)
	}
}
