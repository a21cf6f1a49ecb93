package store

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Link ties one Backstage entity to the Compass component made from it, with what was last
// applied so that an unchanged entity costs no Compass call.
type Link struct {
	// Ref is the entity ref kind:namespace/name. The store lower-cases it.
	Ref string `json:"ref"`
	// ComponentID is the component ARI. It is empty for an entity that was seen but has no
	// component (skipped by the mapping), so that its etag still feeds the incremental diff.
	ComponentID string `json:"component_id,omitempty"`
	// DesiredHash is the hash of the whole desired component last applied.
	DesiredHash string `json:"desired_hash,omitempty"`
	// FieldHashes holds the hash of each field last applied, by field name.
	FieldHashes map[string]string `json:"field_hashes,omitempty"`
	// Etag is the entity's metadata.etag when it was last read.
	Etag string `json:"etag,omitempty"`
	// MissingCount counts the complete listings in a row that the entity was missing from.
	MissingCount int       `json:"missing_count,omitempty"`
	FirstSeen    time.Time `json:"first_seen"`
	LastSeen     time.Time `json:"last_seen"`
}

// NormalizeRef returns the form of an entity ref that the store uses as a key.
func NormalizeRef(ref string) string {
	return strings.ToLower(strings.TrimSpace(ref))
}

// PutLinks writes links in one transaction, replacing those with the same ref. It fails with
// ErrComponentLinked, writing nothing, when a component is already linked to another ref.
func (s *Store) PutLinks(links []Link) error {
	sorted := make([]Link, len(links))
	copy(sorted, links)
	for i := range sorted {
		sorted[i].Ref = NormalizeRef(sorted[i].Ref)
		if sorted[i].Ref == "" {
			return fmt.Errorf("writing link %d: %w: empty ref", i, ErrInvalidRecord)
		}
	}
	// Writing in key order keeps bbolt's page splits local on large batches.
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Ref < sorted[j].Ref })

	return s.update(func(tx *bolt.Tx) error {
		lb := openLinkBuckets(tx)
		for _, l := range sorted {
			if err := lb.put(l); err != nil {
				return err
			}
		}
		return nil
	})
}

// ReplaceLink removes the link of oldRef and writes l in one transaction, for a renamed entity
// whose component moves to its new ref.
func (s *Store) ReplaceLink(oldRef string, l Link) error {
	l.Ref = NormalizeRef(l.Ref)
	if l.Ref == "" {
		return fmt.Errorf("replacing link of %s: %w: empty ref", oldRef, ErrInvalidRecord)
	}

	return s.update(func(tx *bolt.Tx) error {
		lb := openLinkBuckets(tx)
		if err := lb.delete(NormalizeRef(oldRef)); err != nil {
			return err
		}
		return lb.put(l)
	})
}

// DeleteLink removes the link of ref. Deleting a ref that has no link is not an error.
func (s *Store) DeleteLink(ref string) error {
	return s.update(func(tx *bolt.Tx) error {
		return openLinkBuckets(tx).delete(NormalizeRef(ref))
	})
}

// LinkByRef returns the link of an entity ref, or ErrNotFound.
func (s *Store) LinkByRef(ref string) (Link, error) {
	var l Link
	err := s.view(func(tx *bolt.Tx) error {
		var err error
		l, err = openLinkBuckets(tx).get(NormalizeRef(ref))
		return err
	})
	return l, err
}

// LinkByComponent returns the link of a component ARI, or ErrNotFound.
func (s *Store) LinkByComponent(componentID string) (Link, error) {
	var l Link
	err := s.view(func(tx *bolt.Tx) error {
		lb := openLinkBuckets(tx)
		ref := lb.byComp.Get([]byte(componentID))
		if ref == nil {
			return fmt.Errorf("reading link of component %s: %w", componentID, ErrNotFound)
		}
		var err error
		l, err = lb.get(string(ref))
		return err
	})
	return l, err
}

// ForEachLink calls fn for every link in ref order without loading them all. It stops at the
// first error fn returns and returns it. fn must not write to the store.
func (s *Store) ForEachLink(fn func(Link) error) error {
	return s.view(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketLinks).ForEach(func(k, v []byte) error {
			l, err := decodeLink(v)
			if err != nil {
				return fmt.Errorf("reading link %q: %w", k, err)
			}
			return fn(l)
		})
	})
}

// Etags returns the last seen etag of every linked entity by ref, read from an index that does
// not decode the link records.
func (s *Store) Etags() (map[string]string, error) {
	var etags map[string]string
	err := s.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketLinkEtags)
		etags = make(map[string]string)
		return b.ForEach(func(k, v []byte) error {
			etags[string(k)] = string(v)
			return nil
		})
	})
	return etags, err
}

// linkBuckets keeps the link records and their two indexes in step.
type linkBuckets struct {
	links, byComp, etags *bolt.Bucket
}

func openLinkBuckets(tx *bolt.Tx) linkBuckets {
	return linkBuckets{
		links:  tx.Bucket(bucketLinks),
		byComp: tx.Bucket(bucketLinksByComp),
		etags:  tx.Bucket(bucketLinkEtags),
	}
}

func (lb linkBuckets) get(ref string) (Link, error) {
	v := lb.links.Get([]byte(ref))
	if v == nil {
		return Link{}, fmt.Errorf("reading link of %s: %w", ref, ErrNotFound)
	}
	l, err := decodeLink(v)
	if err != nil {
		return Link{}, fmt.Errorf("reading link of %s: %w", ref, err)
	}
	return l, nil
}

func (lb linkBuckets) put(l Link) error {
	key := []byte(l.Ref)
	if l.ComponentID != "" {
		owner := lb.byComp.Get([]byte(l.ComponentID))
		if owner != nil && !bytes.Equal(owner, key) {
			return fmt.Errorf("linking %s to %s: %w: %s", l.Ref, l.ComponentID, ErrComponentLinked, owner)
		}
	}
	if err := lb.dropComponentIndex(key, l.ComponentID); err != nil {
		return err
	}

	v, err := encode(l)
	if err != nil {
		return err
	}
	if err := lb.links.Put(key, v); err != nil {
		return fmt.Errorf("writing link of %s: %w", l.Ref, err)
	}
	if l.ComponentID != "" {
		if err := lb.byComp.Put([]byte(l.ComponentID), key); err != nil {
			return fmt.Errorf("indexing link of %s: %w", l.Ref, err)
		}
	}
	return lb.putEtag(key, l.Etag)
}

// dropComponentIndex removes the index entry of the component ref was linked to, unless it is
// keep.
func (lb linkBuckets) dropComponentIndex(key []byte, keep string) error {
	old := lb.links.Get(key)
	if old == nil {
		return nil
	}
	prev, err := decodeLink(old)
	if err != nil {
		return fmt.Errorf("reading link of %s: %w", key, err)
	}
	if prev.ComponentID == "" || prev.ComponentID == keep {
		return nil
	}
	if err := lb.byComp.Delete([]byte(prev.ComponentID)); err != nil {
		return fmt.Errorf("unindexing component %s: %w", prev.ComponentID, err)
	}
	return nil
}

func (lb linkBuckets) putEtag(key []byte, etag string) error {
	var err error
	if etag == "" {
		err = lb.etags.Delete(key)
	} else {
		err = lb.etags.Put(key, []byte(etag))
	}
	if err != nil {
		return fmt.Errorf("indexing etag of %s: %w", key, err)
	}
	return nil
}

func (lb linkBuckets) delete(ref string) error {
	key := []byte(ref)
	if err := lb.dropComponentIndex(key, ""); err != nil {
		return err
	}
	if err := lb.links.Delete(key); err != nil {
		return fmt.Errorf("deleting link of %s: %w", ref, err)
	}
	return lb.putEtag(key, "")
}
