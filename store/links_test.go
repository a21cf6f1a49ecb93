package store

import (
	"errors"
	"reflect"
	"testing"
	"time"
)

var seen = time.Date(2026, 11, 2, 9, 30, 0, 0, time.UTC)

func link(ref, component, etag string) Link {
	return Link{Ref: ref, ComponentID: component, Etag: etag, FirstSeen: seen, LastSeen: seen}
}

func TestPutLinksAndLookUpBothWays(t *testing.T) {
	t.Parallel()
	s := openTest(t)
	billing := link("Component:Default/Billing", "ari:c/1", "e1")
	billing.DesiredHash = "whole"
	billing.FieldHashes = map[string]string{"name": "h-name", "labels": "h-labels"}
	billing.MissingCount = 1

	if err := s.PutLinks([]Link{billing, link("component:default/search", "ari:c/2", "e2")}); err != nil {
		t.Fatalf("PutLinks: %v", err)
	}

	byRef, err := s.LinkByRef("COMPONENT:default/billing")
	if err != nil {
		t.Fatalf("LinkByRef: %v", err)
	}
	want := billing
	want.Ref = "component:default/billing"
	if !reflect.DeepEqual(byRef, want) {
		t.Errorf("LinkByRef = %+v, want %+v", byRef, want)
	}
	byComp, err := s.LinkByComponent("ari:c/1")
	if err != nil || byComp.Ref != want.Ref {
		t.Errorf("LinkByComponent = %+v, %v; want ref %s", byComp, err, want.Ref)
	}
}

func TestLinkLookups(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		steps     func(s *Store) error
		ref       string
		component string
		wantRef   error
		wantComp  error
	}{
		{
			name:  "an unknown ref is not found",
			steps: func(*Store) error { return nil },
			ref:   "component:default/none", component: "ari:c/none",
			wantRef: ErrNotFound, wantComp: ErrNotFound,
		},
		{
			name: "a deleted link is gone both ways",
			steps: func(s *Store) error {
				if err := s.PutLinks([]Link{link("component:default/a", "ari:c/a", "e")}); err != nil {
					return err
				}
				return s.DeleteLink("component:default/a")
			},
			ref: "component:default/a", component: "ari:c/a",
			wantRef: ErrNotFound, wantComp: ErrNotFound,
		},
		{
			name: "a link moved to another component drops the old index",
			steps: func(s *Store) error {
				if err := s.PutLinks([]Link{link("component:default/a", "ari:c/old", "e")}); err != nil {
					return err
				}
				return s.PutLinks([]Link{link("component:default/a", "ari:c/new", "e")})
			},
			ref: "component:default/a", component: "ari:c/old",
			wantRef: nil, wantComp: ErrNotFound,
		},
		{
			name: "a replaced link moves its component to the new ref",
			steps: func(s *Store) error {
				if err := s.PutLinks([]Link{link("component:default/old", "ari:c/a", "e")}); err != nil {
					return err
				}
				return s.ReplaceLink("component:default/old", link("component:default/new", "ari:c/a", "e"))
			},
			ref: "component:default/old", component: "ari:c/a",
			wantRef: ErrNotFound, wantComp: nil,
		},
		{
			name:  "deleting a link that does not exist is not an error",
			steps: func(s *Store) error { return s.DeleteLink("component:default/none") },
			ref:   "component:default/none", component: "ari:c/none",
			wantRef: ErrNotFound, wantComp: ErrNotFound,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := openTest(t)
			if err := tt.steps(s); err != nil {
				t.Fatalf("steps: %v", err)
			}

			if _, err := s.LinkByRef(tt.ref); !errors.Is(err, tt.wantRef) {
				t.Errorf("LinkByRef(%s) error = %v, want %v", tt.ref, err, tt.wantRef)
			}
			if _, err := s.LinkByComponent(tt.component); !errors.Is(err, tt.wantComp) {
				t.Errorf("LinkByComponent(%s) error = %v, want %v", tt.component, err, tt.wantComp)
			}
		})
	}
}

func TestPutLinksIsAllOrNothing(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		batch []Link
		want  error
	}{
		{
			name:  "a component linked to another ref fails the batch",
			batch: []Link{link("component:default/b", "ari:c/b", "e"), link("component:default/c", "ari:c/a", "e")},
			want:  ErrComponentLinked,
		},
		{
			name:  "an empty ref fails the batch",
			batch: []Link{link("component:default/b", "ari:c/b", "e"), link(" ", "ari:c/x", "e")},
			want:  ErrInvalidRecord,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := openTest(t)
			if err := s.PutLinks([]Link{link("component:default/a", "ari:c/a", "e")}); err != nil {
				t.Fatalf("PutLinks: %v", err)
			}

			if err := s.PutLinks(tt.batch); !errors.Is(err, tt.want) {
				t.Fatalf("PutLinks error = %v, want %v", err, tt.want)
			}
			if _, err := s.LinkByRef("component:default/b"); !errors.Is(err, ErrNotFound) {
				t.Errorf("a link from the failed batch was written: %v", err)
			}
		})
	}
}

func TestEtagsFollowLinkWrites(t *testing.T) {
	t.Parallel()
	s := openTest(t)
	err := s.PutLinks([]Link{
		link("component:default/a", "ari:c/a", "ea"),
		link("component:default/b", "ari:c/b", "eb"),
		link("component:default/c", "", "ec"),
		link("component:default/d", "ari:c/d", ""),
	})
	if err != nil {
		t.Fatalf("PutLinks: %v", err)
	}
	if err := s.PutLinks([]Link{link("component:default/a", "ari:c/a", "ea2")}); err != nil {
		t.Fatalf("PutLinks: %v", err)
	}
	if err := s.DeleteLink("component:default/b"); err != nil {
		t.Fatalf("DeleteLink: %v", err)
	}

	got, err := s.Etags()
	if err != nil {
		t.Fatalf("Etags: %v", err)
	}
	want := map[string]string{"component:default/a": "ea2", "component:default/c": "ec"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Etags = %v, want %v", got, want)
	}
}

func TestForEachLinkVisitsEveryLinkInRefOrderAndStopsOnError(t *testing.T) {
	t.Parallel()
	s := openTest(t)
	refs := []string{"component:default/c", "component:default/a", "component:default/b"}
	var batch []Link
	for _, r := range refs {
		batch = append(batch, link(r, "", ""))
	}
	if err := s.PutLinks(batch); err != nil {
		t.Fatalf("PutLinks: %v", err)
	}

	var got []string
	if err := s.ForEachLink(func(l Link) error { got = append(got, l.Ref); return nil }); err != nil {
		t.Fatalf("ForEachLink: %v", err)
	}
	want := []string{"component:default/a", "component:default/b", "component:default/c"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("visited %v, want %v", got, want)
	}

	stop := errors.New("stop")
	calls := 0
	err := s.ForEachLink(func(Link) error { calls++; return stop })
	if !errors.Is(err, stop) || calls != 1 {
		t.Errorf("ForEachLink returned %v after %d calls, want stop after 1", err, calls)
	}
}

func TestSaveLinksMovesAComponentFromADeletedRef(t *testing.T) {
	t.Parallel()
	s := openTest(t)
	old := Link{Ref: "component:default/old", ComponentID: "ari:c/1", StableKey: "org/repo"}
	if err := s.PutLinks([]Link{old}); err != nil {
		t.Fatal(err)
	}

	moved := Link{Ref: "component:default/new", ComponentID: "ari:c/1", StableKey: "org/repo", Deprecated: true}
	if err := s.SaveLinks([]Link{moved}, []string{old.Ref}); err != nil {
		t.Fatalf("SaveLinks: %v", err)
	}

	if _, err := s.LinkByRef(old.Ref); !errors.Is(err, ErrNotFound) {
		t.Errorf("old ref still linked: %v", err)
	}
	got, err := s.LinkByComponent("ari:c/1")
	if err != nil || got.Ref != moved.Ref || got.StableKey != "org/repo" || !got.Deprecated {
		t.Errorf("LinkByComponent = %+v, %v; want the moved link with its stable key", got, err)
	}
}

func TestSaveLinksWritesNothingWhenAComponentWouldBeLinkedTwice(t *testing.T) {
	t.Parallel()
	s := openTest(t)
	if err := s.PutLinks([]Link{{Ref: "component:default/a", ComponentID: "ari:c/1"}}); err != nil {
		t.Fatal(err)
	}

	err := s.SaveLinks([]Link{
		{Ref: "component:default/b", ComponentID: "ari:c/2"},
		{Ref: "component:default/c", ComponentID: "ari:c/1"},
	}, nil)

	if !errors.Is(err, ErrComponentLinked) {
		t.Fatalf("SaveLinks = %v, want ErrComponentLinked", err)
	}
	if _, err := s.LinkByRef("component:default/b"); !errors.Is(err, ErrNotFound) {
		t.Errorf("part of a failed batch was written: %v", err)
	}
}

func TestForgetEtagsKeepsTheRestOfEachLink(t *testing.T) {
	t.Parallel()
	s := openTest(t)
	a := link("component:default/a", "ari:c/a", "ea")
	a.FieldHashes = map[string]string{"name": "h-name"}
	a.StableKey = "acme/a"
	if err := s.PutLinks([]Link{a, link("component:default/b", "ari:c/b", "eb")}); err != nil {
		t.Fatalf("PutLinks: %v", err)
	}

	if err := s.ForgetEtags([]string{"Component:default/A", "component:default/unknown"}); err != nil {
		t.Fatalf("ForgetEtags: %v", err)
	}

	got, err := s.LinkByRef("component:default/a")
	if err != nil {
		t.Fatalf("LinkByRef: %v", err)
	}
	want := a
	want.Etag = ""
	if !reflect.DeepEqual(got, want) {
		t.Errorf("link after ForgetEtags = %+v, want %+v", got, want)
	}
	etags, err := s.Etags()
	if err != nil {
		t.Fatalf("Etags: %v", err)
	}
	if want := map[string]string{"component:default/b": "eb"}; !reflect.DeepEqual(etags, want) {
		t.Errorf("Etags = %v, want %v", etags, want)
	}
	if _, err := s.LinkByRef("component:default/unknown"); !errors.Is(err, ErrNotFound) {
		t.Errorf("ForgetEtags made a link for an unknown ref: %v", err)
	}
}

func TestALinkKeepsWhenItWasFirstSeen(t *testing.T) {
	t.Parallel()
	s := openTest(t)
	later := seen.Add(time.Hour)
	if err := s.SaveLinks([]Link{link("component:default/a", "ari:c/a", "e1")}, nil); err != nil {
		t.Fatal(err)
	}
	again := Link{Ref: "component:default/a", ComponentID: "ari:c/a", Etag: "e2", LastSeen: later}
	fresh := Link{Ref: "component:default/b", ComponentID: "ari:c/b", LastSeen: later}
	if err := s.SaveLinks([]Link{again, fresh}, nil); err != nil {
		t.Fatal(err)
	}

	for ref, want := range map[string]time.Time{"component:default/a": seen, "component:default/b": later} {
		got, err := s.LinkByRef(ref)
		if err != nil {
			t.Fatal(err)
		}
		if !got.FirstSeen.Equal(want) || !got.LastSeen.Equal(later) {
			t.Errorf("%s: first seen %v, last seen %v; want %v and %v", ref, got.FirstSeen, got.LastSeen, want, later)
		}
	}
}

func TestSaveLinksMovesAComponentBetweenRefsInEitherOrder(t *testing.T) {
	t.Parallel()
	for _, refs := range [][2]string{
		{"component:default/a-takes", "component:default/b-gives"},
		{"component:default/b-takes", "component:default/a-gives"},
	} {
		taker, giver := refs[0], refs[1]
		s := openTest(t)
		if err := s.PutLinks([]Link{link(giver, "ari:c/1", "e1")}); err != nil {
			t.Fatal(err)
		}

		err := s.SaveLinks([]Link{link(taker, "ari:c/1", "e2"), link(giver, "", "e1")}, nil)
		if err != nil {
			t.Fatalf("%s taking the component of %s: %v", taker, giver, err)
		}
		if got, err := s.LinkByComponent("ari:c/1"); err != nil || got.Ref != taker {
			t.Errorf("component linked to %+v, %v; want %s", got, err, taker)
		}
		if got, _ := s.LinkByRef(giver); got.ComponentID != "" {
			t.Errorf("%s still links %s", giver, got.ComponentID)
		}
	}
}
