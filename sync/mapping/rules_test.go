package mapping

import (
	"encoding/json"
	"reflect"
	"testing"

	"gopkg.in/yaml.v3"
)

func TestRulesSurviveSerialisation(t *testing.T) {
	t.Parallel()

	rules := readRules(t, "testdata/rich-rules.yaml")
	rules.StableKeyAnnotation = ""

	tests := []struct {
		name      string
		marshal   func(any) ([]byte, error)
		unmarshal func([]byte, any) error
	}{
		{"as YAML", yaml.Marshal, yaml.Unmarshal},
		{"as JSON", json.Marshal, json.Unmarshal},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			data, err := tt.marshal(rules)
			if err != nil {
				t.Fatalf("marshal: %v", err)
			}
			var got Rules
			if err := tt.unmarshal(data, &got); err != nil {
				t.Fatalf("unmarshal: %v", err)
			}
			if !reflect.DeepEqual(got, rules) {
				t.Errorf("round trip changed the rules:\n got %+v\nwant %+v", got, rules)
			}
		})
	}
}

func TestKindFilter(t *testing.T) {
	t.Parallel()

	got := KindFilter("Component", "API")
	want := FilterRule{Name: "kinds:Component,API", Kinds: []string{"Component", "API"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("KindFilter = %+v, want %+v", got, want)
	}
}

func TestParseRef(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name string
		ref  string
		want string
		ok   bool
	}{
		{"a bare name takes both defaults", "Web", "group:shop/web", true},
		{"a namespace and name take the default kind", "other/web", "group:other/web", true},
		{"a kind and name take the default namespace", "user:jane", "user:shop/jane", true},
		{"a full ref is lower-cased", "Component:Default/Cart", "component:default/cart", true},
		{"an empty name is refused", "group:shop/", "", false},
		{"two slashes are refused", "group:a/b/c", "", false},
		{"whitespace inside is refused", "group:a b", "", false},
		{"nothing is refused", " ", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			ref, ok := ParseRef(tt.ref, "group", "shop")
			if ok != tt.ok || ok && ref.String() != tt.want {
				t.Errorf("ParseRef(%q) = %s, %v; want %s, %v", tt.ref, ref, ok, tt.want, tt.ok)
			}
		})
	}
}
