package compass

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/backstage-sync/backstage-sync/sync/compass/compasssim"
)

// recorder is a Compass stand-in that keeps every document it receives and answers each with
// an empty result, so that every operation of the client can be driven without a catalog.
type recorder struct {
	mu   sync.Mutex
	docs []string
}

func (r *recorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	var body struct {
		Query string `json:"query"`
	}
	_ = json.NewDecoder(req.Body).Decode(&body)

	r.mu.Lock()
	r.docs = append(r.docs, body.Query)
	r.mu.Unlock()

	w.Header().Set("Content-Type", "application/json")
	if strings.Contains(body.Query, "tenantContexts") {
		_, _ = w.Write([]byte(`{"data":{"tenantContexts":[{"cloudId":"cloud-1","orgId":"org-1"}]}}`))
		return
	}
	_, _ = w.Write([]byte(`{"data":{"compass":{}}}`))
}

// take returns the documents received since the last call.
func (r *recorder) take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()

	docs := r.docs
	r.docs = nil

	return docs
}

// everyBatchKind adds one mutation of each kind the client can send.
func everyBatchKind(b *Batch) {
	name, desc, owner, lifecycle := "n", "d", "ari:cloud:identity::team/t", "Active"
	text, num, yes, opt := "t", 1.5, true, "o1"
	fields := []CustomFieldValue{
		{DefinitionID: "f1", Kind: CustomText, Text: &text},
		{DefinitionID: "f2", Kind: CustomNumber, Number: &num},
		{DefinitionID: "f3", Kind: CustomBoolean, Boolean: &yes},
		{DefinitionID: "f4", Kind: CustomSingleSelect, OptionID: &opt},
	}
	b.CreateComponent(ComponentInput{
		Name: "n", Description: "d", TypeID: "SERVICE", OwnerID: owner, Slug: "n",
		Labels: []string{"a"}, Links: []Link{{Type: "REPOSITORY", URL: "https://x", Name: "repo"}},
		Lifecycle: "Active", Tier: "1", CustomFields: fields,
	})
	b.UpdateComponent(ComponentUpdate{
		ID: "c1", Name: &name, Description: &desc, OwnerID: &owner, Lifecycle: &lifecycle, CustomFields: fields,
	})
	b.UpdateComponentType("c1", "LIBRARY")
	b.DeleteComponent("c1")
	b.DeleteComponents([]string{"c1", "c2"})
	b.CreateExternalAlias("c1", ExternalAlias{Source: "backstage", ID: "component:default/a", URL: "https://b"})
	b.DeleteExternalAlias("c1", ExternalAlias{Source: "backstage", ID: "component:default/a"})
	b.AddLabels("c1", []string{"a"})
	b.RemoveLabels("c1", []string{"a"})
	b.CreateLink("c1", Link{Type: "DASHBOARD", URL: "https://d"})
	b.UpdateLink("c1", Link{ID: "l1", Type: "DASHBOARD", URL: "https://d", Name: "dash"})
	b.DeleteLink("c1", "l1")
	b.CreateRelationship("c1", "c2")
	b.DeleteRelationship("c1", "c2")
	for _, kind := range []CustomFieldKind{CustomText, CustomNumber, CustomBoolean, CustomSingleSelect} {
		b.CreateCustomFieldDefinition(CustomFieldDefinitionInput{
			Name: string(kind), Description: "d", Kind: kind, ComponentTypeIDs: []string{"SERVICE"}, Options: []string{"x"},
		})
	}
}

func TestEveryDocumentValidatesAgainstTheSchema(t *testing.T) {
	t.Parallel()

	rec := &recorder{}
	srv := httptest.NewServer(rec)
	t.Cleanup(srv.Close)
	c, err := New(srv.URL, "e", "t")
	if err != nil {
		t.Fatal(err)
	}

	ctx := context.Background()
	note := "a, b"
	steps := []struct {
		name string
		run  func()
	}{
		{"cloud id lookup", func() { _, _ = c.CloudID(ctx) }},
		{"get component", func() { _, _ = c.GetComponent(ctx, "c1") }},
		{"get component by external alias", func() { _, _ = c.GetComponentByExternalAlias(ctx, "backstage", "x") }},
		{"get components", func() { _, _ = c.GetComponents(ctx, []string{"c1", "c2"}) }},
		{"search components", func() { _, _ = c.SearchComponents(ctx, SearchOptions{Query: "q", First: 10, After: "x"}) }},
		{"search components with no options", func() { _, _ = c.SearchComponents(ctx, SearchOptions{}) }},
		{"list custom field definitions", func() { _, _ = c.ListCustomFieldDefinitions(ctx) }},
		{"list component types", func() { _, _ = c.ListComponentTypes(ctx) }},
		{"search teams", func() { _, _ = c.SearchTeams(ctx, "team") }},
		{"create component", func() { _, _ = c.CreateComponent(ctx, ComponentInput{Name: "n"}) }},
		{"update component", func() { _ = c.UpdateComponent(ctx, ComponentUpdate{ID: "c1", Description: &note}) }},
		{"update component type", func() { _ = c.UpdateComponentType(ctx, "c1", "SERVICE") }},
		{"delete component", func() { _ = c.DeleteComponent(ctx, "c1") }},
		{"delete components", func() { _, _ = c.DeleteComponents(ctx, []string{"c1"}) }},
		{"create external alias", func() { _ = c.CreateExternalAlias(ctx, "c1", ExternalAlias{Source: "s", ID: "i"}) }},
		{"delete external alias", func() { _ = c.DeleteExternalAlias(ctx, "c1", ExternalAlias{Source: "s", ID: "i"}) }},
		{"add labels", func() { _ = c.AddLabels(ctx, "c1", []string{"a"}) }},
		{"remove labels", func() { _ = c.RemoveLabels(ctx, "c1", []string{"a"}) }},
		{"create link", func() { _, _ = c.CreateLink(ctx, "c1", Link{Type: "REPOSITORY", URL: "https://x"}) }},
		{"update link", func() { _ = c.UpdateLink(ctx, "c1", Link{ID: "l1", Type: "REPOSITORY", URL: "https://x"}) }},
		{"delete link", func() { _ = c.DeleteLink(ctx, "c1", "l1") }},
		{"create relationship", func() { _ = c.CreateRelationship(ctx, "c1", "c2") }},
		{"delete relationship", func() { _ = c.DeleteRelationship(ctx, "c1", "c2") }},
		{"create custom field definition", func() {
			_, _ = c.CreateCustomFieldDefinition(ctx, CustomFieldDefinitionInput{Name: "n", Kind: CustomSingleSelect, Options: []string{"a"}})
		}},
		{"batch of every mutation kind", func() {
			var b Batch
			everyBatchKind(&b)
			_, _ = c.SendBatch(ctx, &b)
		}},
		{"batch without cloud id argument", func() {
			var b Batch
			b.AddLabels("c1", []string{"a"})
			b.DeleteLink("c1", "l1")
			_, _ = c.SendBatch(ctx, &b)
		}},
	}

	for _, step := range steps {
		step.run()
		docs := rec.take()
		t.Run(step.name+" sends only valid documents", func(t *testing.T) {
			if len(docs) == 0 {
				t.Fatal("no document was sent")
			}
			for _, doc := range docs {
				if err := compasssim.ValidateDocument(doc); err != nil {
					t.Errorf("document does not validate: %v\n%s", err, doc)
				}
			}
		})
	}
}

func TestTheSchemaCheckRefusesADocumentWithAnUnknownField(t *testing.T) {
	t.Parallel()

	doc := strings.Replace(getComponentQuery, "typeId", "typeIdentifier", 1)

	if err := compasssim.ValidateDocument(doc); err == nil {
		t.Fatal("a document asking for an unknown field validates")
	}
}
