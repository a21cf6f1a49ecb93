package plan

import (
	"reflect"
	"testing"

	"github.com/backstage-sync/backstage-sync/sync/mapping"
)

func TestLinkEdits(t *testing.T) {
	t.Parallel()

	repo := mapping.Link{Type: "REPOSITORY", URL: "https://github.com/acme/x", Name: "Source"}
	docs := mapping.Link{Type: "DOCUMENT", URL: "https://docs.acme.io/x", Name: "Docs"}
	tests := []struct {
		name       string
		want       []mapping.Link
		have       []Link
		wantAdd    []mapping.Link
		wantUpdate []Link
		wantRemove []Link
	}{
		{
			name:    "a missing link is added",
			want:    []mapping.Link{repo, docs},
			have:    []Link{{ID: "l1", Type: repo.Type, URL: repo.URL, Name: repo.Name}},
			wantAdd: []mapping.Link{docs},
		},
		{
			name:       "a link with another name is renamed in place",
			want:       []mapping.Link{repo},
			have:       []Link{{ID: "l1", Type: repo.Type, URL: repo.URL, Name: "Code"}},
			wantUpdate: []Link{{ID: "l1", Type: repo.Type, URL: repo.URL, Name: repo.Name}},
		},
		{
			name: "a duplicate and an undeclared link are removed once each",
			want: []mapping.Link{repo},
			have: []Link{
				{ID: "l1", Type: repo.Type, URL: repo.URL, Name: repo.Name},
				{ID: "l2", Type: repo.Type, URL: repo.URL, Name: repo.Name},
				{ID: "l3", Type: "DASHBOARD", URL: "https://grafana.acme.io/x"},
			},
			wantRemove: []Link{
				{ID: "l2", Type: repo.Type, URL: repo.URL, Name: repo.Name},
				{ID: "l3", Type: "DASHBOARD", URL: "https://grafana.acme.io/x"},
			},
		},
		{
			name:       "the same URL under another type is a different link",
			want:       []mapping.Link{{Type: "DASHBOARD", URL: repo.URL}},
			have:       []Link{{ID: "l1", Type: repo.Type, URL: repo.URL}},
			wantAdd:    []mapping.Link{{Type: "DASHBOARD", URL: repo.URL}},
			wantRemove: []Link{{ID: "l1", Type: repo.Type, URL: repo.URL}},
		},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var a Action
			d := differ{action: &a}

			d.linkEdits(tt.want, tt.have)

			if !reflect.DeepEqual(a.LinksAdd, tt.wantAdd) {
				t.Errorf("LinksAdd = %+v, want %+v", a.LinksAdd, tt.wantAdd)
			}
			if !reflect.DeepEqual(a.LinksUpdate, tt.wantUpdate) {
				t.Errorf("LinksUpdate = %+v, want %+v", a.LinksUpdate, tt.wantUpdate)
			}
			if !reflect.DeepEqual(a.LinksRemove, tt.wantRemove) {
				t.Errorf("LinksRemove = %+v, want %+v", a.LinksRemove, tt.wantRemove)
			}
		})
	}
}

func TestCustomValueRendersEachKind(t *testing.T) {
	t.Parallel()

	yes := true
	tests := []struct {
		name string
		in   mapping.CustomFieldValue
		want string
	}{
		{"text is kept", mapping.CustomFieldValue{Text: text("cc-1")}, "cc-1"},
		{"a whole number has no decimals", mapping.CustomFieldValue{Number: number(3)}, "3"},
		{"a fraction is kept", mapping.CustomFieldValue{Number: number(0.25)}, "0.25"},
		{"a boolean is spelled out", mapping.CustomFieldValue{Boolean: &yes}, "true"},
		{"an option is its name", mapping.CustomFieldValue{Option: text("Gold")}, "Gold"},
		{"an unset value is empty", mapping.CustomFieldValue{Definition: "x"}, ""},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			if got := customValue(tt.in); got != tt.want {
				t.Errorf("customValue = %q, want %q", got, tt.want)
			}
		})
	}
}
