package backstagetest

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"time"
)

// addedFile receives entities that Put adds.
const addedFile = "added.yaml"

// Catalog returns a copy of the catalog as the files now hold it.
func (b *Backend) Catalog() Catalog {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.catalog.Clone()
}

// Put adds an entity, or replaces the entity with the same ref, in the catalog files, and waits
// until the catalog serves it: a new etag and every field of the entity as written. Putting an
// entity exactly as the files already hold it waits only until the catalog serves it.
func (b *Backend) Put(e Entity) error {
	ref := Ref(e)
	e = CloneEntity(e)

	var same bool
	before, err := b.edit(func() error {
		fi, ei, ok := b.locate(ref)
		if !ok {
			return b.appendEntity(e)
		}
		same = sameDocument(b.catalog.Files[fi].Entities[ei], e)
		b.catalog.Files[fi].Entities[ei] = e
		return b.writeFile(fi)
	}, ref)
	if err != nil {
		return fmt.Errorf("putting %s: %w", ref, err)
	}

	if same {
		// An unchanged document keeps its etag.
		before = ""
	}
	if _, err := b.WaitForEntity(e, before); err != nil {
		return fmt.Errorf("putting %s: %w", ref, err)
	}
	return nil
}

// Remove deletes the entity with the given ref from the catalog files and waits until the catalog
// no longer serves it. The catalog first marks the entity as an orphan and deletes it in a
// cleanup that runs every 30 s, so a removal takes up to about half a minute.
func (b *Backend) Remove(ref string) error {
	_, err := b.edit(func() error {
		fi, ei, ok := b.locate(ref)
		if !ok {
			return ErrUnknownRef
		}
		f := &b.catalog.Files[fi]
		f.Entities = append(f.Entities[:ei:ei], f.Entities[ei+1:]...)
		return b.writeFile(fi)
	}, "")
	if err != nil {
		return fmt.Errorf("removing %s: %w", ref, err)
	}

	if err := b.WaitGone(ref); err != nil {
		return fmt.Errorf("removing %s: %w", ref, err)
	}
	return nil
}

// Rename gives the entity with ref oldRef the name newName in the catalog files, waits until the
// catalog serves the new entity and no longer the old one, and returns the new ref. For the
// catalog a rename is a new entity with a new uid, and the old one goes away as an orphan.
func (b *Backend) Rename(oldRef, newName string) (string, error) {
	var e Entity
	_, err := b.edit(func() error {
		fi, ei, ok := b.locate(oldRef)
		if !ok {
			return ErrUnknownRef
		}
		e = CloneEntity(b.catalog.Files[fi].Entities[ei])
		meta, _ := e["metadata"].(map[string]any)
		if meta == nil {
			return fmt.Errorf("%w: no metadata", ErrInvalidRef)
		}
		meta["name"] = newName
		b.catalog.Files[fi].Entities[ei] = e
		return b.writeFile(fi)
	}, "")
	if err != nil {
		return "", fmt.Errorf("renaming %s: %w", oldRef, err)
	}

	newRef := Ref(e)
	if _, err := b.WaitForEntity(e, ""); err != nil {
		return "", fmt.Errorf("renaming %s to %s: %w", oldRef, newRef, err)
	}
	if err := b.WaitGone(oldRef); err != nil {
		return "", fmt.Errorf("renaming %s to %s: %w", oldRef, newRef, err)
	}
	return newRef, nil
}

// edit applies change to the catalog files while holding the edit lock. When etagRef is not
// empty, it first reads that entity's etag under the same lock and returns it ("" when the
// catalog does not hold the entity).
func (b *Backend) edit(change func() error, etagRef string) (string, error) {
	b.mu.Lock()
	defer b.mu.Unlock()

	var before string
	if etagRef != "" {
		var err error
		if before, err = b.etag(etagRef); err != nil {
			return "", err
		}
	}
	return before, change()
}

// WaitForEntity waits, at most Options.WaitTimeout, until the catalog serves the entity with an
// etag other than notEtag (pass "" to accept any) and with every field that want sets, and
// returns the served entity. Maps in want may leave keys out; lists must match whole.
func (b *Backend) WaitForEntity(want Entity, notEtag string) (Entity, error) {
	ref := Ref(want)
	normal, err := normalize(want)
	if err != nil {
		return nil, fmt.Errorf("waiting for %s: %w", ref, err)
	}

	var got Entity
	err = b.poll(time.Now().Add(b.opts.WaitTimeout), ref, func() (bool, error) {
		e, found, err := b.Get(ref)
		if err != nil || !found {
			return false, err
		}
		got = e
		if etagOf(e) == notEtag {
			return false, nil
		}
		if path := mismatch(normal, map[string]any(e), ""); path != "" {
			return false, fmt.Errorf("%s differs", path)
		}
		return true, nil
	})
	if err != nil {
		return got, err
	}
	return got, nil
}

// WaitGone waits, at most Options.WaitTimeout, until the catalog no longer serves ref.
func (b *Backend) WaitGone(ref string) error {
	return b.poll(time.Now().Add(b.opts.WaitTimeout), "removal of "+ref, func() (bool, error) {
		_, found, err := b.Get(ref)
		return err == nil && !found, err
	})
}

// WaitForRefs waits until a fields-only listing holds every ref in refs, or until deadline.
func (b *Backend) WaitForRefs(refs []string, deadline time.Time) error {
	what := fmt.Sprintf("%d entities", len(refs))
	return b.poll(deadline, what, func() (bool, error) {
		items, err := b.List("kind", "metadata.namespace", "metadata.name")
		if err != nil {
			return false, err
		}
		have := map[string]bool{}
		for _, e := range items {
			have[Ref(e)] = true
		}
		var missing []string
		for _, ref := range refs {
			if !have[strings.ToLower(ref)] {
				missing = append(missing, ref)
			}
		}
		if len(missing) > 0 {
			return false, fmt.Errorf("%d missing, first %s", len(missing), missing[0])
		}
		return true, nil
	})
}

func (b *Backend) etag(ref string) (string, error) {
	e, found, err := b.Get(ref)
	if err != nil || !found {
		return "", err
	}
	return etagOf(e), nil
}

func etagOf(e Entity) string {
	meta, _ := e["metadata"].(map[string]any)
	etag, _ := meta["etag"].(string)
	return etag
}

// locate finds the file and position of an entity in the catalog files.
func (b *Backend) locate(ref string) (file, index int, ok bool) {
	ref = strings.ToLower(ref)
	for fi, f := range b.catalog.Files {
		for ei, e := range f.Entities {
			if Ref(e) == ref {
				return fi, ei, true
			}
		}
	}
	return 0, 0, false
}

func (b *Backend) appendEntity(e Entity) error {
	for fi, f := range b.catalog.Files {
		if f.Name == addedFile {
			b.catalog.Files[fi].Entities = append(f.Entities, e)
			return b.writeFile(fi)
		}
	}
	b.catalog.Files = append(b.catalog.Files, File{Name: addedFile, Entities: []Entity{e}})
	return b.writeFile(len(b.catalog.Files) - 1)
}

func (b *Backend) writeCatalog() error {
	if err := os.MkdirAll(b.CatalogDir, 0o755); err != nil {
		return fmt.Errorf("creating catalog directory: %w", err)
	}
	for fi := range b.catalog.Files {
		if err := b.writeFile(fi); err != nil {
			return err
		}
	}
	return nil
}

// writeFile replaces one catalog file in one step, so that the catalog never reads half a file.
// The temporary name does not match the location's "*.yaml" glob.
func (b *Backend) writeFile(fi int) error {
	f := b.catalog.Files[fi]
	data, err := f.Encode()
	if err != nil {
		return err
	}

	path := filepath.Join(b.CatalogDir, f.Name)
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return fmt.Errorf("writing catalog file: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("replacing catalog file: %w", err)
	}
	return nil
}

// sameDocument reports whether two entities encode to the same document.
func sameDocument(a, b Entity) bool {
	na, errA := normalize(a)
	nb, errB := normalize(b)
	return errA == nil && errB == nil && reflect.DeepEqual(na, nb)
}

// normalize turns an entity into what its JSON form decodes to, so that it compares with
// entities read from the API.
func normalize(e Entity) (map[string]any, error) {
	data, err := json.Marshal(e)
	if err != nil {
		return nil, fmt.Errorf("encoding entity: %w", err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("decoding entity: %w", err)
	}
	return m, nil
}

// mismatch returns the dotted path of the first value in want that got lacks or holds
// differently, or "" when got holds all of want. Maps in want may be partial; any other value,
// lists included, must be equal.
func mismatch(want, got any, path string) string {
	wantMap, ok := want.(map[string]any)
	if !ok {
		if reflect.DeepEqual(want, got) {
			return ""
		}
		return strings.TrimPrefix(path, ".")
	}

	gotMap, ok := got.(map[string]any)
	if !ok {
		return strings.TrimPrefix(path, ".")
	}
	for _, k := range slices.Sorted(maps.Keys(wantMap)) {
		if p := mismatch(wantMap[k], gotMap[k], path+"."+k); p != "" {
			return p
		}
	}
	return ""
}
