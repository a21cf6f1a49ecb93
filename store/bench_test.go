package store

import (
	"fmt"
	"testing"
)

const benchLinks = 50000

func benchLinkSet(n int) []Link {
	links := make([]Link, n)
	for i := range links {
		links[i] = Link{
			Ref:         fmt.Sprintf("component:default/service-%06d", (i*7919)%n),
			ComponentID: fmt.Sprintf("ari:cloud:compass:site:component/%06d", i),
			DesiredHash: "4f2a9c0d7e1b3a5c",
			FieldHashes: map[string]string{"name": "a1", "description": "b2", "labels": "c3", "links": "d4"},
			Etag:        fmt.Sprintf("etag-%d", i),
			FirstSeen:   seen,
			LastSeen:    seen,
		}
	}
	return links
}

func BenchmarkPutLinks50k(b *testing.B) {
	links := benchLinkSet(benchLinks)
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		s := openTest(b)
		b.StartTimer()
		if err := s.PutLinks(links); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEtags50k(b *testing.B) {
	s := openTest(b)
	if err := s.PutLinks(benchLinkSet(benchLinks)); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		etags, err := s.Etags()
		if err != nil || len(etags) != benchLinks {
			b.Fatalf("Etags = %d entries, %v", len(etags), err)
		}
	}
}

func BenchmarkForEachLink50k(b *testing.B) {
	s := openTest(b)
	if err := s.PutLinks(benchLinkSet(benchLinks)); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		if err := s.ForEachLink(func(Link) error { n++; return nil }); err != nil || n != benchLinks {
			b.Fatalf("ForEachLink visited %d, %v", n, err)
		}
	}
}
