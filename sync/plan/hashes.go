package plan

import (
	"hash/fnv"
	"slices"
	"strconv"
	"strings"
)

// Hashes holds the hash of the value last applied to each field, sorted by field. It is a
// slice rather than a map because a run over a large catalog holds one for every entity.
type Hashes []FieldHash

// FieldHash is the hash of the value last applied to one field.
type FieldHash struct {
	Field string
	Hash  uint64
}

// Get returns the hash of a field and whether there is one.
func (h Hashes) Get(field string) (uint64, bool) {
	for _, fh := range h {
		if fh.Field == field {
			return fh.Hash, true
		}
	}

	return 0, false
}

// Strings renders the hashes as hexadecimal text by field name, the form stores keep.
func (h Hashes) Strings() map[string]string {
	if h == nil {
		return nil
	}
	out := make(map[string]string, len(h))
	for _, fh := range h {
		out[fh.Field] = strconv.FormatUint(fh.Hash, 16)
	}

	return out
}

// ParseHashes reads hashes rendered by Strings; a value that is not hexadecimal is left out,
// so its field counts as never applied.
func ParseHashes(m map[string]string) Hashes {
	if m == nil {
		return nil
	}
	h := make(Hashes, 0, len(m))
	for field, v := range m {
		if n, err := strconv.ParseUint(v, 16, 64); err == nil {
			h = append(h, FieldHash{Field: field, Hash: n})
		}
	}
	slices.SortFunc(h, func(x, y FieldHash) int { return strings.Compare(x.Field, y.Field) })

	return h
}

// set stores the hash of a field, keeping the fields sorted.
func (h *Hashes) set(field string, v uint64) {
	i, found := slices.BinarySearchFunc(*h, field, func(fh FieldHash, f string) int {
		return strings.Compare(fh.Field, f)
	})
	if found {
		(*h)[i].Hash = v
		return
	}
	*h = slices.Insert(*h, i, FieldHash{Field: field, Hash: v})
}

// hash returns the hash of a rendered field value.
func hash(s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s))

	return h.Sum64()
}
