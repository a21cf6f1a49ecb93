package plan

import (
	"slices"
	"testing"
)

func TestHashesRoundTripThroughTheirStoredForm(t *testing.T) {
	t.Parallel()

	var h Hashes
	h.set("name", hash("a"))
	h.set("description", hash("b"))
	h.set("name", hash("c"))

	want := Hashes{{Field: "description", Hash: hash("b")}, {Field: "name", Hash: hash("c")}}
	if !slices.Equal(h, want) {
		t.Fatalf("hashes after set = %v, want %v", h, want)
	}
	if got := ParseHashes(h.Strings()); !slices.Equal(got, want) {
		t.Errorf("parsed stored hashes = %v, want %v", got, want)
	}
	if v, ok := h.Get("name"); !ok || v != hash("c") {
		t.Errorf("Get(name) = %x, %t; want %x", v, ok, hash("c"))
	}
	if _, ok := h.Get("tier"); ok {
		t.Error("Get(tier) found a hash that was never set")
	}
}

func TestParseHashesLeavesOutValuesThatAreNotHexadecimal(t *testing.T) {
	t.Parallel()

	got := ParseHashes(map[string]string{"name": "ff", "tier": "not a hash"})
	want := Hashes{{Field: "name", Hash: 0xff}}
	if !slices.Equal(got, want) {
		t.Errorf("ParseHashes = %v, want %v", got, want)
	}
	if ParseHashes(nil) != nil {
		t.Error("ParseHashes(nil) is not nil")
	}
}
