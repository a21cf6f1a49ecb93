package compasssim

import (
	"errors"
	"reflect"
	"testing"
)

func TestSeedComponentStoresPreExistingComponents(t *testing.T) {
	t.Parallel()
	sim, url := newTestServer(t)

	aliased, err := sim.SeedComponent(Component{
		Name: "legacy", TypeID: "SERVICE",
		ExternalAliases: []ExternalAlias{{ExternalSource: "backstage", ExternalID: "component:default/legacy"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sim.SeedComponent(Component{Name: "hand-made", TypeID: "OTHER"}); err != nil {
		t.Fatal(err)
	}

	resp := post(t, url, `{ compass { componentByExternalAlias(cloudId: "`+testCloud+`",
  externalID: "component:default/legacy", externalSource: "backstage") { ... on CompassComponent { id } } } }`, nil)
	if got := dig(resp.Data, "compass", "componentByExternalAlias", "id"); got != aliased {
		t.Errorf("alias lookup = %v, want %s", got, aliased)
	}
	if n := len(sim.Dump().Components); n != 2 {
		t.Errorf("%d components, want 2", n)
	}
}

func TestSeedComponentRefusesBrokenComponents(t *testing.T) {
	t.Parallel()
	sim, _ := newTestServer(t)
	alias := []ExternalAlias{{ExternalSource: "backstage", ExternalID: "x"}}
	if _, err := sim.SeedComponent(Component{Name: "first", TypeID: "SERVICE", ExternalAliases: alias}); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name string
		c    Component
	}{
		{name: "an unknown type", c: Component{Name: "n", TypeID: "NOPE"}},
		{name: "an alias another component carries", c: Component{Name: "n", TypeID: "SERVICE", ExternalAliases: alias}},
		{name: "a malformed id", c: Component{ID: "bad", Name: "n", TypeID: "SERVICE"}},
		{name: "eleven labels", c: Component{Name: "n", TypeID: "SERVICE",
			Labels: []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := sim.SeedComponent(tt.c); !errors.Is(err, ErrInvalidComponent) {
				t.Errorf("err = %v, want ErrInvalidComponent", err)
			}
		})
	}
	if n := len(sim.Dump().Components); n != 1 {
		t.Errorf("%d components, want 1", n)
	}
}

func TestEditComponentActsLikeAPersonInCompass(t *testing.T) {
	t.Parallel()
	sim, url := newTestServer(t)
	id, err := sim.SeedComponent(Component{Name: "svc", TypeID: "SERVICE", Labels: []string{"a"}})
	if err != nil {
		t.Fatal(err)
	}

	err = sim.EditComponent(id, func(c *Component) {
		c.Description = "edited by hand"
		c.Labels = append(c.Labels, "b")
		c.Links = append(c.Links, Link{Type: "DOCUMENT", URL: "https://wiki/svc"})
	})
	if err != nil {
		t.Fatal(err)
	}
	resp := post(t, url, `query($id: ID!) { compass { component(id: $id) { ... on CompassComponent {
  description labels { name } links { id } } } } }`, map[string]any{"id": id})
	c := dig(resp.Data, "compass", "component")
	if dig(c, "description") != "edited by hand" || dig(c, "labels", 1, "name") != "b" || dig(c, "links", 0, "id") == "" {
		t.Errorf("component = %s", resp.Raw)
	}

	before := sim.Dump()
	if err := sim.EditComponent(id, func(c *Component) { c.Name = "" }); !errors.Is(err, ErrInvalidComponent) {
		t.Errorf("blank name: err = %v", err)
	}
	if err := sim.EditComponent(id[:len(id)-4]+"0000", func(*Component) {}); !errors.Is(err, ErrComponentNotFound) {
		t.Errorf("unknown id: err = %v", err)
	}
	if after := sim.Dump(); !reflect.DeepEqual(before, after) {
		t.Errorf("a refused edit changed the state")
	}
}

func TestDumpIsADeepCopy(t *testing.T) {
	t.Parallel()
	sim, _ := newTestServer(t)
	if _, err := sim.SeedComponent(Component{Name: "svc", TypeID: "SERVICE", Labels: []string{"b", "a"},
		Fields: map[string][]string{FieldTier: {"2"}}}); err != nil {
		t.Fatal(err)
	}

	st := sim.Dump()
	if !reflect.DeepEqual(st.Components[0].Labels, []string{"a", "b"}) {
		t.Errorf("labels not sorted: %v", st.Components[0].Labels)
	}
	st.Components[0].Labels[0] = "changed"
	st.Components[0].Fields[FieldTier][0] = "9"

	again := sim.Dump().Components[0]
	if again.Labels[0] != "a" || again.Fields[FieldTier][0] != "2" {
		t.Errorf("changing a dump changed the simulator: %+v", again)
	}
}
