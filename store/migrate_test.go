package store

import (
	"path/filepath"
	"reflect"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// TestMigrationFromVersion1IndexesEtags writes links the way schema version 1 stored them (no
// etag index) and checks that Open brings them to version 2 without losing any.
func TestMigrationFromVersion1IndexesEtags(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "state.db")
	v1Links := map[string]string{
		"component:default/billing": `{"ref":"component:default/billing","component_id":"ari:c/1",` +
			`"etag":"e1","desired_hash":"h1","missing_count":1}`,
		"component:default/search": `{"ref":"component:default/search","component_id":"ari:c/2","etag":"e2"}`,
		"api:default/skipped":      `{"ref":"api:default/skipped"}`,
	}
	rawUpdate(t, path, func(tx *bolt.Tx) error {
		if err := migrateTo(tx, path, 1); err != nil {
			return err
		}
		for ref, rec := range v1Links {
			if err := tx.Bucket(bucketLinks).Put([]byte(ref), []byte(rec)); err != nil {
				return err
			}
		}
		return tx.Bucket(bucketLinksByComp).Put([]byte("ari:c/1"), []byte("component:default/billing"))
	})

	s, err := Open(path)
	if err != nil {
		t.Fatalf("Open after version 1: %v", err)
	}
	defer s.Close()

	etags, err := s.Etags()
	if err != nil {
		t.Fatalf("Etags: %v", err)
	}
	want := map[string]string{"component:default/billing": "e1", "component:default/search": "e2"}
	if !reflect.DeepEqual(etags, want) {
		t.Errorf("Etags = %v, want %v", etags, want)
	}
	count := 0
	if err := s.ForEachLink(func(Link) error { count++; return nil }); err != nil {
		t.Fatalf("ForEachLink: %v", err)
	}
	if count != len(v1Links) {
		t.Errorf("links after migration = %d, want %d", count, len(v1Links))
	}
	l, err := s.LinkByComponent("ari:c/1")
	if err != nil || l.DesiredHash != "h1" || l.MissingCount != 1 {
		t.Errorf("LinkByComponent = %+v, %v; want the billing link with its hash and count", l, err)
	}
}

func TestMigrationsCountUpToTheSchemaVersion(t *testing.T) {
	t.Parallel()
	for i, m := range migrations {
		if m.to != uint64(i+1) {
			t.Errorf("migration %d targets version %d, want %d", i, m.to, i+1)
		}
	}
	if last := migrations[len(migrations)-1].to; last != SchemaVersion {
		t.Errorf("last migration targets %d, SchemaVersion is %d", last, SchemaVersion)
	}
}

func TestAFailedMigrationLeavesTheDatabaseAsItWas(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "state.db")
	rawUpdate(t, path, func(tx *bolt.Tx) error {
		if err := migrateTo(tx, path, 1); err != nil {
			return err
		}
		return tx.Bucket(bucketLinks).Put([]byte("component:default/broken"), []byte("{not json"))
	})

	if _, err := Open(path); err == nil {
		t.Fatal("Open succeeded over a corrupt link record")
	}

	rawUpdate(t, path, func(tx *bolt.Tx) error {
		v, err := schemaVersion(tx.Bucket(bucketMeta))
		if v != 1 || err != nil {
			t.Errorf("schema version after a failed migration = %d, %v; want 1", v, err)
		}
		if tx.Bucket(bucketLinkEtags) != nil {
			t.Error("the failed migration left its bucket behind")
		}
		return nil
	})
}
