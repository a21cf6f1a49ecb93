package store

import (
	"encoding/binary"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// Bucket names. A bucket is never renamed; a change of shape is a new migration.
var (
	bucketMeta        = []byte("meta")
	bucketKV          = []byte("kv")
	bucketSettings    = []byte("settings")
	bucketLinks       = []byte("links")
	bucketLinksByComp = []byte("links_by_component")
	bucketLinkEtags   = []byte("link_etags")
	bucketStatus      = []byte("status")
	bucketRuns        = []byte("runs")
	bucketRunItems    = []byte("run_items")
	bucketRunIDs      = []byte("run_ids")
	bucketAudit       = []byte("audit")
	bucketIntents     = []byte("intents")
)

var keySchemaVersion = []byte("schema_version")

// migration brings the schema from version to-1 up to version to. It runs inside the
// transaction that records the new version, so it either completes or leaves nothing behind.
type migration struct {
	to    uint64
	what  string
	apply func(tx *bolt.Tx) error
}

// SchemaVersion is the schema version this build writes: the target of the last migration.
const SchemaVersion uint64 = 2

// migrations lists every schema step in order, one per version from 1 to SchemaVersion.
var migrations = []migration{
	{to: 1, what: "create the initial buckets", apply: createInitialBuckets},
	{to: 2, what: "index entity etags for incremental listings", apply: indexLinkEtags},
}

// migrate runs the pending migrations up to target in tx.
func migrate(tx *bolt.Tx, path string) error {
	return migrateTo(tx, path, SchemaVersion)
}

func migrateTo(tx *bolt.Tx, path string, target uint64) error {
	meta, err := tx.CreateBucketIfNotExists(bucketMeta)
	if err != nil {
		return fmt.Errorf("creating meta bucket: %w", err)
	}
	current, err := schemaVersion(meta)
	if err != nil {
		return err
	}
	if current > SchemaVersion {
		return fmt.Errorf("%w: %s has schema version %d but this app supports up to version %d; "+
			"upgrade backstage-sync to open it", ErrNewerSchema, path, current, SchemaVersion)
	}

	for _, m := range migrations {
		if m.to <= current || m.to > target {
			continue
		}
		if err := m.apply(tx); err != nil {
			return fmt.Errorf("migrating schema to version %d (%s): %w", m.to, m.what, err)
		}
		if err := meta.Put(keySchemaVersion, encodeUint(m.to)); err != nil {
			return fmt.Errorf("recording schema version %d: %w", m.to, err)
		}
	}
	return nil
}

func schemaVersion(meta *bolt.Bucket) (uint64, error) {
	v := meta.Get(keySchemaVersion)
	if v == nil {
		return 0, nil
	}
	if len(v) != 8 {
		return 0, fmt.Errorf("reading schema version: %w: %d bytes", ErrCorrupt, len(v))
	}
	return binary.BigEndian.Uint64(v), nil
}

func createInitialBuckets(tx *bolt.Tx) error {
	names := [][]byte{
		bucketKV, bucketSettings, bucketLinks, bucketLinksByComp, bucketStatus,
		bucketRuns, bucketRunItems, bucketRunIDs, bucketAudit, bucketIntents,
	}
	for _, name := range names {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return fmt.Errorf("creating bucket %s: %w", name, err)
		}
	}
	return nil
}

// indexLinkEtags adds the ref -> etag bucket that Etags reads, filled from the existing links,
// so that the incremental diff does not decode every link record.
func indexLinkEtags(tx *bolt.Tx) error {
	etags, err := tx.CreateBucketIfNotExists(bucketLinkEtags)
	if err != nil {
		return fmt.Errorf("creating bucket %s: %w", bucketLinkEtags, err)
	}

	return tx.Bucket(bucketLinks).ForEach(func(k, v []byte) error {
		l, err := decodeLink(v)
		if err != nil {
			return fmt.Errorf("reading link %q: %w", k, err)
		}
		if l.Etag == "" {
			return nil
		}
		return etags.Put(k, []byte(l.Etag))
	})
}

func encodeUint(n uint64) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, n)
	return b
}
