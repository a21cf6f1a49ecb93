package backstagetest

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// TestBackend starts one real backend and runs its checks in order: the edits build on each
// other, and one start costs seconds.
func TestBackend(t *testing.T) {
	catalog := GenerateCatalog(CatalogOptions{})
	b := Start(t, Options{Catalog: catalog})

	t.Run("the catalog holds every generated entity, counted by kind", func(t *testing.T) {
		items, err := b.List("kind", "metadata.namespace", "metadata.name")
		if err != nil {
			t.Fatal(err)
		}

		got := map[string]int{}
		for _, e := range items {
			if e["kind"] != "Location" {
				got[e["kind"].(string)]++
			}
		}
		if want := catalog.CountByKind(); !reflect.DeepEqual(got, want) {
			t.Errorf("counts by kind = %v, want %v", got, want)
		}
	})

	t.Run("a request without the token is refused", func(t *testing.T) {
		resp, err := http.Get(b.URL + "/api/catalog/entities/by-query?limit=1")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()

		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("status = %d, want 401", resp.StatusCode)
		}
	})

	t.Run("an entity is served with the fields the file gives it", func(t *testing.T) {
		ref := "component:default/" + ComponentName(0)
		want, _ := catalog.Find(ref)

		got, found, err := b.Get(ref)
		if err != nil || !found {
			t.Fatalf("Get(%s) = found %v, error %v", ref, found, err)
		}

		if path := mismatch(mustNormalize(t, want), map[string]any(got), ""); path != "" {
			t.Errorf("served entity differs at %s", path)
		}
		if etagOf(got) == "" || field(got, "metadata.uid") == nil {
			t.Error("served entity has no etag or uid")
		}
		if !hasRelation(got, "ownedBy", "group:default/team-checkout") {
			t.Errorf("relations = %v, want ownedBy group:default/team-checkout", got["relations"])
		}
	})

	t.Run("awkward tags and a long description are accepted", func(t *testing.T) {
		long, _, err := b.Get("component:default/" + ComponentName(1))
		if err != nil {
			t.Fatal(err)
		}
		many, _, err := b.Get("component:default/" + ComponentName(6))
		if err != nil {
			t.Fatal(err)
		}
		upper, _, err := b.Get("component:default/" + ComponentName(3))
		if err != nil {
			t.Fatal(err)
		}

		if d, _ := field(long, "metadata.description").(string); len(d) <= 4096 {
			t.Errorf("description has %d characters, want more than 4096", len(d))
		}
		if n := len(tags(many)); n <= 10 {
			t.Errorf("%d tags, want more than 10", n)
		}
		want, _ := catalog.Find("component:default/" + ComponentName(3))
		if got := tags(upper); !reflect.DeepEqual(got, tags(want)) || !slices.Contains(got, "Java") {
			t.Errorf("tags = %q, want %q with upper case kept", got, tags(want))
		}
	})

	t.Run("an edit becomes visible with a new etag", func(t *testing.T) {
		ref := "component:default/" + ComponentName(4)
		before, _, err := b.Get(ref)
		if err != nil {
			t.Fatal(err)
		}
		e, _ := b.Catalog().Find(ref)
		e["metadata"].(map[string]any)["description"] = "Edited while the backend runs."

		if err := b.Put(e); err != nil {
			t.Fatal(err)
		}

		after, _, err := b.Get(ref)
		if err != nil {
			t.Fatal(err)
		}
		if field(after, "metadata.description") != "Edited while the backend runs." {
			t.Errorf("description = %v", field(after, "metadata.description"))
		}
		if etagOf(after) == etagOf(before) {
			t.Error("etag did not change")
		}
	})

	t.Run("a field taken out of the file goes away", func(t *testing.T) {
		ref := "component:default/" + ComponentName(5)
		e, _ := b.Catalog().Find(ref)
		delete(e["metadata"].(map[string]any), "description")

		if err := b.Put(e); err != nil {
			t.Fatal(err)
		}

		got, _, err := b.Get(ref)
		if err != nil {
			t.Fatal(err)
		}
		if d := field(got, "metadata.description"); d != nil {
			t.Errorf("description = %v, want none", d)
		}
	})

	t.Run("putting an unchanged entity returns", func(t *testing.T) {
		ref := "component:default/" + ComponentName(8)
		e, _ := b.Catalog().Find(ref)

		if err := b.Put(e); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("an added entity becomes visible", func(t *testing.T) {
		e := Entity{
			"apiVersion": apiVersion, "kind": "Component",
			"metadata": map[string]any{"name": "added-later", "tags": []any{"New"}},
			"spec":     map[string]any{"type": "service", "lifecycle": "experimental", "owner": "team-sre"},
		}

		if err := b.Put(e); err != nil {
			t.Fatal(err)
		}

		if _, found, err := b.Get("component:default/added-later"); err != nil || !found {
			t.Errorf("Get = found %v, error %v", found, err)
		}
		if _, err := os.Stat(filepath.Join(b.CatalogDir, addedFile)); err != nil {
			t.Errorf("added entity not written to %s: %v", addedFile, err)
		}
	})

	// Removals wait for the orphan cleanup, which runs every 30 s: these run side by side to
	// share one cleanup.
	t.Run("entities that leave the files", func(t *testing.T) {
		t.Run("a removed entity goes away", func(t *testing.T) {
			t.Parallel()
			ref := "component:default/" + ComponentName(9)

			if err := b.Remove(ref); err != nil {
				t.Fatal(err)
			}

			if _, found, err := b.Get(ref); err != nil || found {
				t.Errorf("Get = found %v, error %v; want gone", found, err)
			}
			if _, ok := b.Catalog().Find(ref); ok {
				t.Error("removed entity is still in the catalog files")
			}
		})

		t.Run("a renamed entity has a new ref and uid", func(t *testing.T) {
			t.Parallel()
			oldRef := "component:default/" + ComponentName(10)
			old, _, err := b.Get(oldRef)
			if err != nil {
				t.Fatal(err)
			}

			newRef, err := b.Rename(oldRef, "component-renamed")
			if err != nil {
				t.Fatal(err)
			}

			got, found, err := b.Get(newRef)
			if err != nil || !found {
				t.Fatalf("Get(%s) = found %v, error %v", newRef, found, err)
			}
			if field(got, "metadata.uid") == field(old, "metadata.uid") {
				t.Error("renamed entity kept its uid")
			}
			slug := "metadata.annotations." + AnnotationProjectSlug
			if field(got, slug) != field(old, slug) {
				t.Errorf("project slug = %v, want %v", field(got, slug), field(old, slug))
			}
		})
	})

	t.Run("removing an unknown ref is an error", func(t *testing.T) {
		err := b.Remove("component:default/never-there")

		if !errors.Is(err, ErrUnknownRef) {
			t.Errorf("error = %v, want ErrUnknownRef", err)
		}
	})
}

func TestRequireInstalled(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "backend")

	tests := []struct {
		name      string
		required  string
		wantSkip  bool
		wantFatal bool
	}{
		{"a missing backend skips the test", "", true, false},
		{"a missing backend fails the test when it is required", "1", false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv(RequiredEnv, tt.required)
			rec := &recordingTB{TB: t}

			requireInstalled(rec, missing)

			if rec.skipped != tt.wantSkip || rec.fatal != tt.wantFatal {
				t.Errorf("skipped %v, fatal %v; want %v, %v", rec.skipped, rec.fatal, tt.wantSkip, tt.wantFatal)
			}
			if !strings.Contains(rec.msg, "install.sh") {
				t.Errorf("message %q does not name the install script", rec.msg)
			}
		})
	}
}

// recordingTB records Skipf and Fatalf instead of stopping the test.
type recordingTB struct {
	testing.TB
	skipped, fatal bool
	msg            string
}

func (r *recordingTB) Helper() {}

func (r *recordingTB) Skipf(format string, args ...any) {
	r.skipped, r.msg = true, fmt.Sprintf(format, args...)
}

func (r *recordingTB) Fatalf(format string, args ...any) {
	r.fatal, r.msg = true, fmt.Sprintf(format, args...)
}

func hasRelation(e Entity, typ, target string) bool {
	rels, _ := e["relations"].([]any)
	for _, r := range rels {
		m, _ := r.(map[string]any)
		if m["type"] == typ && m["targetRef"] == target {
			return true
		}
	}
	return false
}

func mustNormalize(t *testing.T, e Entity) map[string]any {
	t.Helper()
	m, err := normalize(e)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestStartRetriesWhenThePortIsTaken(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	calls := 0
	pickPort = func(t testing.TB) int {
		calls++
		if calls == 1 {
			return taken.Addr().(*net.TCPAddr).Port
		}
		return freePort(t)
	}
	t.Cleanup(func() { pickPort = freePort })

	b := Start(t, Options{Catalog: GenerateCatalog(CatalogOptions{Components: 3})})

	if calls != 2 {
		t.Errorf("picked a port %d times, want 2", calls)
	}
	if b.URL == "http://"+taken.Addr().String() {
		t.Errorf("backend URL %s is the taken port", b.URL)
	}
	if !portTaken(filepath.Join(filepath.Dir(b.CatalogDir), "backend-1.log")) {
		t.Error("first log does not show the taken port")
	}
}
