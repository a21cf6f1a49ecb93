package compass

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"
)

func TestSendBatchGivesEachAliasItsOwnResult(t *testing.T) {
	t.Parallel()

	var sent graphqlBody
	c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		sent = decodeBody(t, r)
		respond(200, `{"data":{"compass":{
			"a0":{"success":true,"errors":null,"componentDetails":{"id":"new-1"}},
			"a1":{"success":false,"errors":[{"message":"Description too long",
				"extensions":{"statusCode":400,"errorType":"COMPONENT_DESCRIPTION_TOO_LONG"}}],"componentDetails":null},
			"a2":null,
			"a3":{"success":true,"errors":[],"createdComponentLink":{"id":"link-9"}},
			"a4":{"success":false,"errors":[{"message":"slow down","extensions":{"statusCode":429}}]},
			"a5":{"success":true,"errors":[],"deletedComponentIds":["x","y"]}
		}},"errors":[{"message":"Component not found","path":["compass","a2"],
			"extensions":{"statusCode":404,"errorType":"COMPONENT_NOT_FOUND"}}]}`)(w, r)
	})

	var b Batch
	b.CreateComponent(ComponentInput{Name: "new"})
	b.UpdateComponent(ComponentUpdate{ID: "c1", Description: new(string)})
	b.DeleteComponent("missing")
	b.CreateLink("c1", Link{Type: "REPOSITORY", URL: "https://x"})
	b.AddLabels("c1", []string{"a"})
	b.DeleteComponents([]string{"x", "y"})

	results, err := c.SendBatch(context.Background(), &b)
	if err != nil {
		t.Fatal(err)
	}

	if len(results) != 6 {
		t.Fatalf("got %d results, want 6", len(results))
	}
	if r := results[0]; r.Err != nil || r.ComponentID != "new-1" || r.Op != "createComponent" {
		t.Errorf("create result = %+v, want success with id new-1", r)
	}
	var apiErr *APIError
	if !errors.As(results[1].Err, &apiErr) || apiErr.ErrorType != "COMPONENT_DESCRIPTION_TOO_LONG" || apiErr.StatusCode != 400 {
		t.Errorf("update result error = %v, want COMPONENT_DESCRIPTION_TOO_LONG", results[1].Err)
	}
	if !errors.Is(results[2].Err, ErrNotFound) {
		t.Errorf("delete result error = %v, want ErrNotFound from the path error", results[2].Err)
	}
	if r := results[3]; r.Err != nil || r.LinkID != "link-9" {
		t.Errorf("link result = %+v, want success with link-9", r)
	}
	if !errors.Is(results[4].Err, ErrRateLimited) {
		t.Errorf("labels result error = %v, want a rate limit", results[4].Err)
	}
	if r := results[5]; r.Err != nil || !reflect.DeepEqual(r.DeletedIDs, []string{"x", "y"}) {
		t.Errorf("bulk delete result = %+v, want x and y deleted", r)
	}

	for i := range 6 {
		if !strings.Contains(sent.Query, fmt.Sprintf("a%d: ", i)) || sent.Variables[fmt.Sprintf("i%d", i)] == nil {
			t.Errorf("alias a%d or variable i%d missing from the request", i, i)
		}
	}
	if sent.Variables["cloudId"] != "cloud-1" {
		t.Errorf("cloudId variable = %v, want cloud-1", sent.Variables["cloudId"])
	}
	if s := c.Stats(); s.Requests != 1 || s.Mutations != 6 {
		t.Errorf("Stats() = %+v, want 1 request and 6 mutations", s)
	}
}

func TestSendBatchFailsAsAWholeOnRequestErrors(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name    string
		handler http.HandlerFunc
		want    error
	}{
		{"an HTTP 401 fails the whole batch", respond(401, `{}`), ErrUnauthorized},
		{"an HTTP 429 fails the whole batch", respond(429, `{}`, "Retry-After", "1"), ErrRateLimited},
		{
			"a 429 in the errors fails the whole batch",
			respond(200, `{"data":null,"errors":[{"message":"limit","extensions":{"statusCode":429}}]}`),
			ErrRateLimited,
		},
		{
			"an error on the compass field fails the whole batch",
			respond(200, `{"data":{"compass":null},"errors":[{"message":"boom","path":["compass"]}]}`),
			nil,
		},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			c := newTestClient(t, tt.handler)
			var b Batch
			b.AddLabels("c1", []string{"a"})
			b.RemoveLabels("c1", []string{"b"})

			results, err := c.SendBatch(context.Background(), &b)
			if err == nil || results != nil {
				t.Fatalf("SendBatch() = %v, %v; want no results and an error", results, err)
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("err = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestSendBatchLeavesOutTheCloudIDWhenNoMutationTakesIt(t *testing.T) {
	t.Parallel()

	var sent graphqlBody
	c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		sent = decodeBody(t, r)
		respond(200, `{"data":{"compass":{"a0":{"success":true,"errors":[]}}}}`)(w, r)
	})

	var b Batch
	b.CreateRelationship("c1", "c2")
	if _, err := c.SendBatch(context.Background(), &b); err != nil {
		t.Fatal(err)
	}

	if _, ok := sent.Variables["cloudId"]; ok || strings.Contains(sent.Query, "$cloudId") {
		t.Errorf("request declares a cloudId it does not use:\n%s", sent.Query)
	}
}

func TestSendBatchRefusesAnEmptyBatch(t *testing.T) {
	t.Parallel()

	c := newTestClient(t, respond(500, `{}`))

	if _, err := c.SendBatch(context.Background(), &Batch{}); !errors.Is(err, ErrEmptyBatch) {
		t.Errorf("err = %v, want ErrEmptyBatch", err)
	}
	if s := c.Stats(); s.Requests != 0 {
		t.Errorf("an empty batch sent %d requests", s.Requests)
	}
}

func TestSplitKeepsOrderAndSizes(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name  string
		total int
		size  int
		want  []int
	}{
		{"an exact multiple splits evenly", 40, 20, []int{20, 20}},
		{"a remainder goes last", 45, 20, []int{20, 20, 5}},
		{"a small batch stays whole", 3, 20, []int{3}},
		{"a size below one means the default", 25, 0, []int{DefaultBatchSize, 25 - DefaultBatchSize}},
		{"an empty batch has no parts", 0, 5, nil},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			var b Batch
			for i := range tt.total {
				b.DeleteLink("c", fmt.Sprint(i))
			}

			parts := b.Split(tt.size)

			var sizes []int
			var order []string
			for _, p := range parts {
				sizes = append(sizes, p.Len())
				for _, m := range p.muts {
					order = append(order, fmt.Sprint(m.input("")))
				}
			}
			if !reflect.DeepEqual(sizes, tt.want) {
				t.Errorf("sizes = %v, want %v", sizes, tt.want)
			}
			for i := range order {
				if want := fmt.Sprint(b.muts[i].input("")); order[i] != want {
					t.Fatalf("mutation %d is %s, want %s", i, order[i], want)
				}
			}
		})
	}
}

func TestSplitPartsDoNotShareRoomWithTheWhole(t *testing.T) {
	t.Parallel()

	var b Batch
	for i := range 4 {
		b.DeleteLink("c", fmt.Sprint(i))
	}

	parts := b.Split(2)
	parts[0].DeleteLink("c", "added")

	if got := fmt.Sprint(b.muts[2].input("")); !strings.Contains(got, "link:2") {
		t.Errorf("appending to a part overwrote the whole batch: mutation 2 is %s", got)
	}
}

func TestSendBatchesStopsAtTheFirstFailedRequest(t *testing.T) {
	t.Parallel()

	calls := 0
	c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		calls++
		if calls == 2 {
			respond(503, `{}`)(w, r)
			return
		}
		respond(200, `{"data":{"compass":{"a0":{"success":true,"errors":[]},"a1":{"success":true,"errors":[]}}}}`)(w, r)
	})

	var b Batch
	for i := range 6 {
		b.DeleteLink("c", fmt.Sprint(i))
	}
	results, err := c.SendBatches(context.Background(), &b, 2)

	if !IsTransient(err) {
		t.Errorf("err = %v, want the transient 503", err)
	}
	if len(results) != 2 || calls != 2 {
		t.Errorf("got %d results after %d requests, want 2 results after 2", len(results), calls)
	}
}

func TestSingleOperationsReturnTheItemError(t *testing.T) {
	t.Parallel()

	c := newTestClient(t, respond(200, `{"data":{"compass":{"a0":{"success":false,"errors":[
		{"message":"Link does not exist","extensions":{"statusCode":404,"errorType":"COMPONENT_LINK_DOES_NOT_EXIST"}}]}}}}`))

	err := c.DeleteLink(context.Background(), "c1", "l1")

	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.ErrorType != "COMPONENT_LINK_DOES_NOT_EXIST" {
		t.Errorf("err = %v, want COMPONENT_LINK_DOES_NOT_EXIST", err)
	}
	if errors.Is(err, ErrNotFound) {
		t.Error("a missing link is reported as a missing component")
	}
}

func TestMutationInputs(t *testing.T) {
	t.Parallel()

	owner, none, tier := "team-1", "", "2"
	text := "x"
	tests := []struct {
		name string
		add  func(*Batch)
		want string
	}{
		{
			name: "a create sends lifecycle and tier as enum fields and skips empty values",
			add: func(b *Batch) {
				b.CreateComponent(ComponentInput{Name: "n", Lifecycle: "Active", Tier: "1", Labels: []string{"a"}})
			},
			want: `map[fields:[map[definition:compass:lifecycle value:map[enum:map[value:[Active]]]] ` +
				`map[definition:compass:tier value:map[enum:map[value:[1]]]]] labels:[a] name:n]`,
		},
		{
			name: "an update sends only the fields it changes",
			add:  func(b *Batch) { b.UpdateComponent(ComponentUpdate{ID: "c1", OwnerID: &owner, Tier: &tier}) },
			want: `map[fields:[map[definition:compass:tier value:map[enum:map[value:[2]]]]] id:c1 ownerId:team-1]`,
		},
		{
			name: "an update to an empty owner sends null",
			add:  func(b *Batch) { b.UpdateComponent(ComponentUpdate{ID: "c1", OwnerID: &none}) },
			want: `map[id:c1 ownerId:<nil>]`,
		},
		{
			name: "custom fields are keyed by kind",
			add: func(b *Batch) {
				b.UpdateComponent(ComponentUpdate{ID: "c1", CustomFields: []CustomFieldValue{
					{DefinitionID: "d1", Kind: CustomText, Text: &text},
					{DefinitionID: "d2", Kind: CustomBoolean},
				}})
			},
			want: `map[customFields:[map[textField:map[definitionId:d1 textValue:x]] ` +
				`map[booleanField:map[booleanValue:false definitionId:d2]]] id:c1]`,
		},
		{
			name: "a relationship is DEPENDS_ON from start to end",
			add:  func(b *Batch) { b.CreateRelationship("a", "b") },
			want: `map[endNodeId:b relationshipType:DEPENDS_ON startNodeId:a]`,
		},
		{
			name: "a custom field definition carries the cloud id inside its kind",
			add: func(b *Batch) {
				b.CreateCustomFieldDefinition(CustomFieldDefinitionInput{Name: "r", Kind: CustomSingleSelect, Options: []string{"eu"}})
			},
			want: `map[singleSelectFieldDefinition:map[cloudId:cloud-1 name:r options:[eu]]]`,
		},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			var b Batch
			tt.add(&b)

			got := fmt.Sprint(b.muts[0].input("cloud-1"))
			if strings.Contains(got, "*") || strings.Contains(got, "0x") {
				t.Fatalf("input holds pointers: %s", got)
			}
			if got != tt.want {
				t.Errorf("input =\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}
