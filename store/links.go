package store

import (
	"errors"
	"fmt"
	"slices"
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
	MissingCount int `json:"missing_count,omitempty"`
	// StableKey is the value of the rename annotation when the component was last applied.
	StableKey string `json:"stable_key,omitempty"`
	// Deprecated is true when the app deprecated the component after its entity went away.
	Deprecated bool `json:"deprecated,omitempty"`
	// Orphan is true when Backstage marked the entity as an orphan.
	Orphan bool `json:"orphan,omitempty"`
	// FirstSeen is when the ref was first written; a link written without one keeps the time
	// already stored, or takes LastSeen for a new ref.
	FirstSeen time.Time `json:"first_seen"`
	LastSeen  time.Time `json:"last_seen"`
}

// NormalizeRef returns the form of an entity ref that the store uses as a key.
func NormalizeRef(ref string) string {
	return strings.ToLower(strings.TrimSpace(ref))
}

// PutLinks writes links in one transaction, replacing those with the same ref. It fails with
// ErrComponentLinked, writing nothing, when a component is already linked to another ref.
func (s *Store) PutLinks(links []Link) error {
	return s.SaveLinks(links, nil)
}

// SaveLinks removes the links of deletes and then writes puts, in one transaction, so that a
// component can move from a deleted ref to a new one. It fails like PutLinks, writing nothing.
func (s *Store) SaveLinks(puts []Link, deletes []string) error {
	sorted := make([]Link, len(puts))
	copy(sorted, puts)
	for i := range sorted {
		sorted[i].Ref = NormalizeRef(sorted[i].Ref)
		if sorted[i].Ref == "" {
			return fmt.Errorf("writing link %d: %w: empty ref", i, ErrInvalidRecord)
		}
	}
	slices.SortStableFunc(sorted, func(a, b Link) int { return strings.Compare(a.Ref, b.Ref) })

	return s.update(func(tx *bolt.Tx) error {
		lb := newLinkBatch(tx)
		for _, ref := range deletes {
			if err := lb.delete(NormalizeRef(ref)); err != nil {
				return err
			}
		}
		// Every put first lets go of a component it moves away from, so that another put of
		// the same call may take it, whatever their order.
		for _, l := range sorted {
			if _, err := lb.release(l.Ref, l.ComponentID); err != nil {
				return err
			}
		}
		for _, l := range sorted {
			if err := lb.put(l); err != nil {
				return err
			}
		}
		return lb.flush()
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
		lb := newLinkBatch(tx)
		if err := lb.delete(NormalizeRef(oldRef)); err != nil {
			return err
		}
		if err := lb.put(l); err != nil {
			return err
		}
		return lb.flush()
	})
}

// ForgetEtags clears the etag of each ref's link, so that the next incremental run reads the
// entity again. Refs without a link are passed over.
func (s *Store) ForgetEtags(refs []string) error {
	return s.update(func(tx *bolt.Tx) error {
		lb := newLinkBatch(tx)
		for _, ref := range refs {
			l, err := lb.get(NormalizeRef(ref))
			if errors.Is(err, ErrNotFound) {
				continue
			}
			if err != nil {
				return err
			}
			l.Etag = ""
			if err := lb.put(l); err != nil {
				return err
			}
		}
		return lb.flush()
	})
}

// DeleteLink removes the link of ref. Deleting a ref that has no link is not an error.
func (s *Store) DeleteLink(ref string) error {
	return s.update(func(tx *bolt.Tx) error {
		lb := newLinkBatch(tx)
		if err := lb.delete(NormalizeRef(ref)); err != nil {
			return err
		}
		return lb.flush()
	})
}

// LinkByRef returns the link of an entity ref, or ErrNotFound.
func (s *Store) LinkByRef(ref string) (Link, error) {
	var l Link
	err := s.view(func(tx *bolt.Tx) error {
		var err error
		l, err = newLinkBatch(tx).get(NormalizeRef(ref))
		return err
	})
	return l, err
}

// LinkByComponent returns the link of a component ARI, or ErrNotFound.
func (s *Store) LinkByComponent(componentID string) (Link, error) {
	var l Link
	err := s.view(func(tx *bolt.Tx) error {
		lb := newLinkBatch(tx)
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

// linkBatch writes link records as it goes and holds the index changes until flush, which
// writes them in key order: bbolt only splits pages at commit, so inserting many keys in random
// order into one transaction costs quadratic time.
type linkBatch struct {
	links, byComp, etags *bolt.Bucket
	// owners holds pending component index entries; an empty ref drops the entry.
	owners map[string]string
	// etagOf holds pending etag index entries; an empty etag drops the entry.
	etagOf map[string]string
}

func newLinkBatch(tx *bolt.Tx) *linkBatch {
	lb := &linkBatch{
		links:  tx.Bucket(bucketLinks),
		byComp: tx.Bucket(bucketLinksByComp),
		etags:  tx.Bucket(bucketLinkEtags),
		owners: make(map[string]string),
		etagOf: make(map[string]string),
	}
	// A batch writes its refs in order: full pages keep the file small. The component index
	// is keyed by random ids and keeps bbolt's default.
	lb.links.FillPercent = sortedFill
	lb.etags.FillPercent = sortedFill

	return lb
}

func (lb *linkBatch) get(ref string) (Link, error) {
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

// owner returns the ref that componentID is linked to, counting pending changes.
func (lb *linkBatch) owner(componentID string) string {
	if ref, ok := lb.owners[componentID]; ok {
		return ref
	}
	return string(lb.byComp.Get([]byte(componentID)))
}

func (lb *linkBatch) put(l Link) error {
	if l.ComponentID != "" {
		if owner := lb.owner(l.ComponentID); owner != "" && owner != l.Ref {
			return fmt.Errorf("linking %s to %s: %w: %s", l.Ref, l.ComponentID, ErrComponentLinked, owner)
		}
	}
	prev, err := lb.release(l.Ref, l.ComponentID)
	if err != nil {
		return err
	}
	if l.FirstSeen.IsZero() {
		l.FirstSeen = prev.FirstSeen
	}
	if l.FirstSeen.IsZero() {
		l.FirstSeen = l.LastSeen
	}

	v, err := encode(l)
	if err != nil {
		return err
	}
	if err := lb.links.Put([]byte(l.Ref), v); err != nil {
		return fmt.Errorf("writing link of %s: %w", l.Ref, err)
	}
	if l.ComponentID != "" {
		lb.owners[l.ComponentID] = l.Ref
	}
	lb.etagOf[l.Ref] = l.Etag
	return nil
}

func (lb *linkBatch) delete(ref string) error {
	if _, err := lb.release(ref, ""); err != nil {
		return err
	}
	if err := lb.links.Delete([]byte(ref)); err != nil {
		return fmt.Errorf("deleting link of %s: %w", ref, err)
	}
	lb.etagOf[ref] = ""
	return nil
}

// release drops the index entry of the component that ref is linked to, unless it is keep, and
// returns the link stored so far, if any.
func (lb *linkBatch) release(ref, keep string) (Link, error) {
	old := lb.links.Get([]byte(ref))
	if old == nil {
		return Link{}, nil
	}
	prev, err := decodeLink(old)
	if err != nil {
		return Link{}, fmt.Errorf("reading link of %s: %w", ref, err)
	}
	if prev.ComponentID != "" && prev.ComponentID != keep {
		// A component another ref of the batch has taken stays with it.
		if owner, pending := lb.owners[prev.ComponentID]; !pending || owner == "" || owner == ref {
			lb.owners[prev.ComponentID] = ""
		}
	}
	return prev, nil
}

// flush writes the pending index changes in key order.
func (lb *linkBatch) flush() error {
	if err := writeIndex(lb.byComp, lb.owners); err != nil {
		return fmt.Errorf("indexing link components: %w", err)
	}
	if err := writeIndex(lb.etags, lb.etagOf); err != nil {
		return fmt.Errorf("indexing link etags: %w", err)
	}
	return nil
}

// writeIndex puts every entry of m into b in key order, deleting keys whose value is empty.
func writeIndex(b *bolt.Bucket, m map[string]string) error {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)

	for _, k := range keys {
		var err error
		if m[k] == "" {
			err = b.Delete([]byte(k))
		} else {
			err = b.Put([]byte(k), []byte(m[k]))
		}
		if err != nil {
			return err
		}
	}
	return nil
}
