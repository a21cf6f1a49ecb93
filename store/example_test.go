package store_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/backstage-sync/backstage-sync/store"
)

func Example() {
	dir, err := os.MkdirTemp("", "store-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	s, err := store.Open(filepath.Join(dir, "state.db"))
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()

	now := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	err = s.PutLinks([]store.Link{{
		Ref:         "Component:default/billing",
		ComponentID: "ari:cloud:compass:site:component/1",
		Etag:        "a1b2",
		FirstSeen:   now,
		LastSeen:    now,
	}})
	if err != nil {
		log.Fatal(err)
	}

	etags, err := s.Etags()
	if err != nil {
		log.Fatal(err)
	}
	l, err := s.LinkByComponent("ari:cloud:compass:site:component/1")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(etags)
	fmt.Println(l.Ref)
	// Output:
	// map[component:default/billing:a1b2]
	// component:default/billing
}

func ExampleStore_Append() {
	dir, err := os.MkdirTemp("", "store-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	s, err := store.Open(filepath.Join(dir, "state.db"))
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()

	for _, action := range []string{"settings.save", "sync.run"} {
		e, err := s.Append(store.Entry{Actor: "admin", Action: action, Target: "site"})
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(e.Seq, e.Action)
	}
	fmt.Println(s.VerifyAudit())
	// Output:
	// 1 settings.save
	// 2 sync.run
	// <nil>
}
