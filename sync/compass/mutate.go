package compass

import (
	"context"
	"fmt"
)

// ComponentInput is a new component for createComponent.
type ComponentInput struct {
	Name        string
	Description string
	TypeID      string
	// OwnerID is a team ARI, or empty for no owner.
	OwnerID string
	Slug    string
	Labels  []string
	Links   []Link
	// Lifecycle and Tier, when set, go into the compass:lifecycle and compass:tier fields.
	Lifecycle    string
	Tier         string
	CustomFields []CustomFieldValue
}

// ComponentUpdate changes a component through updateComponent. A nil field is left as it is;
// OwnerID pointing to "" removes the owner. Type, labels and links have their own mutations.
type ComponentUpdate struct {
	ID           string
	Name         *string
	Description  *string
	OwnerID      *string
	Lifecycle    *string
	Tier         *string
	CustomFields []CustomFieldValue
}

// CreateComponent adds a createComponent mutation.
func (b *Batch) CreateComponent(in ComponentInput) int {
	input := map[string]any{"name": in.Name}
	setIf(input, "description", in.Description)
	setIf(input, "typeId", in.TypeID)
	setIf(input, "ownerId", in.OwnerID)
	setIf(input, "slug", in.Slug)
	if len(in.Labels) > 0 {
		input["labels"] = in.Labels
	}
	if len(in.Links) > 0 {
		links := make([]any, len(in.Links))
		for i, l := range in.Links {
			links[i] = linkInput(l)
		}
		input["links"] = links
	}
	if fields := fieldInputs(ptrIf(in.Lifecycle), ptrIf(in.Tier)); len(fields) > 0 {
		input["fields"] = fields
	}
	if len(in.CustomFields) > 0 {
		input["customFields"] = customFieldInputs(in.CustomFields)
	}

	return b.add(mutation{
		field: "createComponent", inputType: "CreateCompassComponentInput", cloudIDArg: true,
		input: constant(input), selection: " componentDetails { id }",
	})
}

// UpdateComponent adds an updateComponent mutation.
func (b *Batch) UpdateComponent(u ComponentUpdate) int {
	input := map[string]any{"id": u.ID}
	if u.Name != nil {
		input["name"] = *u.Name
	}
	if u.Description != nil {
		input["description"] = *u.Description
	}
	if u.OwnerID != nil {
		input["ownerId"] = nilIfEmpty(*u.OwnerID)
	}
	if fields := fieldInputs(u.Lifecycle, u.Tier); len(fields) > 0 {
		input["fields"] = fields
	}
	if len(u.CustomFields) > 0 {
		input["customFields"] = customFieldInputs(u.CustomFields)
	}

	return b.add(mutation{
		field: "updateComponent", inputType: "UpdateCompassComponentInput",
		input: constant(input), selection: " componentDetails { id }",
	})
}

// UpdateComponentType adds an updateComponentType mutation.
func (b *Batch) UpdateComponentType(componentID, typeID string) int {
	return b.add(mutation{
		field: "updateComponentType", inputType: "UpdateCompassComponentTypeInput",
		input:     constant(map[string]any{"id": componentID, "typeId": typeID}),
		selection: " componentDetails { id }",
	})
}

// DeleteComponent adds a deleteComponent mutation.
func (b *Batch) DeleteComponent(id string) int {
	return b.add(mutation{
		field: "deleteComponent", inputType: "DeleteCompassComponentInput",
		input: constant(map[string]any{"id": id}), selection: " deletedComponentId",
	})
}

// DeleteComponents adds a deleteComponents mutation for several components at once.
func (b *Batch) DeleteComponents(ids []string) int {
	return b.add(mutation{
		field: "deleteComponents", inputType: "BulkDeleteCompassComponentsInput",
		input: constant(map[string]any{"ids": ids}), selection: " deletedComponentIds",
	})
}

// CreateExternalAlias adds a createComponentExternalAlias mutation.
func (b *Batch) CreateExternalAlias(componentID string, alias ExternalAlias) int {
	ea := map[string]any{"externalId": alias.ID, "externalSource": alias.Source}
	setIf(ea, "url", alias.URL)

	return b.add(mutation{
		field: "createComponentExternalAlias", inputType: "CreateCompassComponentExternalAliasInput",
		input:     constant(map[string]any{"componentId": componentID, "externalAlias": ea}),
		selection: " componentDetails { id }",
	})
}

// DeleteExternalAlias adds a deleteComponentExternalAlias mutation.
func (b *Batch) DeleteExternalAlias(componentID string, alias ExternalAlias) int {
	ea := map[string]any{"externalId": alias.ID, "externalSource": alias.Source}

	return b.add(mutation{
		field: "deleteComponentExternalAlias", inputType: "DeleteCompassComponentExternalAliasInput",
		input:     constant(map[string]any{"componentId": componentID, "externalAlias": ea}),
		selection: " componentDetails { id }",
	})
}

// AddLabels adds an addComponentLabels mutation.
func (b *Batch) AddLabels(componentID string, labels []string) int {
	return b.add(mutation{
		field: "addComponentLabels", inputType: "AddCompassComponentLabelsInput",
		input:     constant(map[string]any{"componentId": componentID, "labelNames": labels}),
		selection: " componentDetails { id }",
	})
}

// RemoveLabels adds a removeComponentLabels mutation.
func (b *Batch) RemoveLabels(componentID string, labels []string) int {
	return b.add(mutation{
		field: "removeComponentLabels", inputType: "RemoveCompassComponentLabelsInput",
		input:     constant(map[string]any{"componentId": componentID, "labelNames": labels}),
		selection: " componentDetails { id }",
	})
}

// CreateLink adds a createComponentLink mutation; the link's ID is ignored.
func (b *Batch) CreateLink(componentID string, link Link) int {
	return b.add(mutation{
		field: "createComponentLink", inputType: "CreateCompassComponentLinkInput",
		input:     constant(map[string]any{"componentId": componentID, "link": linkInput(link)}),
		selection: " createdComponentLink { id }",
	})
}

// UpdateLink adds an updateComponentLink mutation for the link with link.ID.
func (b *Batch) UpdateLink(componentID string, link Link) int {
	in := linkInput(link)
	in["id"] = link.ID

	return b.add(mutation{
		field: "updateComponentLink", inputType: "UpdateCompassComponentLinkInput",
		input:     constant(map[string]any{"componentId": componentID, "link": in}),
		selection: " updatedComponentLink { id }",
	})
}

// DeleteLink adds a deleteComponentLink mutation.
func (b *Batch) DeleteLink(componentID, linkID string) int {
	return b.add(mutation{
		field: "deleteComponentLink", inputType: "DeleteCompassComponentLinkInput",
		input:     constant(map[string]any{"componentId": componentID, "link": linkID}),
		selection: " deletedCompassLinkId",
	})
}

// CreateRelationship adds a createRelationship mutation: from depends on to.
func (b *Batch) CreateRelationship(from, to string) int {
	return b.add(mutation{
		field: "createRelationship", inputType: "CreateCompassRelationshipInput",
		input: constant(relationshipInput(from, to)),
	})
}

// DeleteRelationship adds a deleteRelationship mutation for the DEPENDS_ON from -> to.
func (b *Batch) DeleteRelationship(from, to string) int {
	return b.add(mutation{
		field: "deleteRelationship", inputType: "DeleteCompassRelationshipInput",
		input: constant(relationshipInput(from, to)),
	})
}

func relationshipInput(from, to string) map[string]any {
	return map[string]any{"startNodeId": from, "endNodeId": to, "relationshipType": RelationshipDependsOn}
}

func linkInput(l Link) map[string]any {
	in := map[string]any{"type": l.Type, "url": l.URL}
	setIf(in, "name", l.Name)

	return in
}

// fieldInputs writes lifecycle and tier as built-in enum fields.
func fieldInputs(lifecycle, tier *string) []any {
	var fields []any
	for _, f := range []struct {
		def   string
		value *string
	}{{FieldLifecycle, lifecycle}, {FieldTier, tier}} {
		if f.value == nil || *f.value == "" {
			continue
		}
		fields = append(fields, map[string]any{
			"definition": f.def,
			"value":      map[string]any{"enum": map[string]any{"value": []string{*f.value}}},
		})
	}

	return fields
}

func customFieldInputs(values []CustomFieldValue) []any {
	out := make([]any, 0, len(values))
	for _, v := range values {
		var key string
		in := map[string]any{"definitionId": v.DefinitionID}
		switch v.Kind {
		case CustomText:
			key, in["textValue"] = "textField", value(v.Text)
		case CustomNumber:
			key, in["numberValue"] = "numberField", value(v.Number)
		case CustomBoolean:
			key = "booleanField"
			if v.Boolean == nil {
				// booleanValue is required, so a cleared boolean becomes false.
				in["booleanValue"] = false
			} else {
				in["booleanValue"] = *v.Boolean
			}
		case CustomSingleSelect:
			key, in["option"] = "singleSelectField", value(v.OptionID)
		default:
			continue
		}
		out = append(out, map[string]any{key: in})
	}

	return out
}

// value returns *p, or nil for a nil p, so that inputs hold plain values.
func value[T any](p *T) any {
	if p == nil {
		return nil
	}

	return *p
}

func constant(v any) func(string) any {
	return func(string) any { return v }
}

func setIf(m map[string]any, key, value string) {
	if value != "" {
		m[key] = value
	}
}

func ptrIf(s string) *string {
	if s == "" {
		return nil
	}

	return &s
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}

	return s
}

// sendOne sends a batch of one mutation and returns its result, wrapping errors with what.
func (c *Client) sendOne(ctx context.Context, what string, add func(*Batch)) (Result, error) {
	var b Batch
	add(&b)

	r, err := firstError(c.SendBatch(ctx, &b))
	if err != nil {
		return r, fmt.Errorf("%s: %w", what, err)
	}

	return r, nil
}

// CreateComponent calls compass.createComponent and returns the new component's id.
func (c *Client) CreateComponent(ctx context.Context, in ComponentInput) (string, error) {
	r, err := c.sendOne(ctx, "creating compass component", func(b *Batch) { b.CreateComponent(in) })

	return r.ComponentID, err
}

// UpdateComponent calls compass.updateComponent.
func (c *Client) UpdateComponent(ctx context.Context, u ComponentUpdate) error {
	_, err := c.sendOne(ctx, "updating compass component "+u.ID, func(b *Batch) { b.UpdateComponent(u) })

	return err
}

// UpdateComponentType calls compass.updateComponentType.
func (c *Client) UpdateComponentType(ctx context.Context, componentID, typeID string) error {
	_, err := c.sendOne(ctx, "updating compass component type of "+componentID, func(b *Batch) {
		b.UpdateComponentType(componentID, typeID)
	})

	return err
}

// DeleteComponent calls compass.deleteComponent.
func (c *Client) DeleteComponent(ctx context.Context, id string) error {
	_, err := c.sendOne(ctx, "deleting compass component "+id, func(b *Batch) { b.DeleteComponent(id) })

	return err
}

// DeleteComponents calls compass.deleteComponents and returns the ids Compass deleted.
func (c *Client) DeleteComponents(ctx context.Context, ids []string) ([]string, error) {
	what := fmt.Sprintf("deleting %d compass components", len(ids))
	r, err := c.sendOne(ctx, what, func(b *Batch) { b.DeleteComponents(ids) })

	return r.DeletedIDs, err
}

// CreateExternalAlias calls compass.createComponentExternalAlias.
func (c *Client) CreateExternalAlias(ctx context.Context, componentID string, alias ExternalAlias) error {
	_, err := c.sendOne(ctx, "creating compass external alias on "+componentID, func(b *Batch) {
		b.CreateExternalAlias(componentID, alias)
	})

	return err
}

// DeleteExternalAlias calls compass.deleteComponentExternalAlias.
func (c *Client) DeleteExternalAlias(ctx context.Context, componentID string, alias ExternalAlias) error {
	_, err := c.sendOne(ctx, "deleting compass external alias on "+componentID, func(b *Batch) {
		b.DeleteExternalAlias(componentID, alias)
	})

	return err
}

// AddLabels calls compass.addComponentLabels.
func (c *Client) AddLabels(ctx context.Context, componentID string, labels []string) error {
	_, err := c.sendOne(ctx, "adding compass labels to "+componentID, func(b *Batch) {
		b.AddLabels(componentID, labels)
	})

	return err
}

// RemoveLabels calls compass.removeComponentLabels.
func (c *Client) RemoveLabels(ctx context.Context, componentID string, labels []string) error {
	_, err := c.sendOne(ctx, "removing compass labels from "+componentID, func(b *Batch) {
		b.RemoveLabels(componentID, labels)
	})

	return err
}

// CreateLink calls compass.createComponentLink and returns the new link's id.
func (c *Client) CreateLink(ctx context.Context, componentID string, link Link) (string, error) {
	r, err := c.sendOne(ctx, "creating compass link on "+componentID, func(b *Batch) {
		b.CreateLink(componentID, link)
	})

	return r.LinkID, err
}

// UpdateLink calls compass.updateComponentLink for the link with link.ID.
func (c *Client) UpdateLink(ctx context.Context, componentID string, link Link) error {
	_, err := c.sendOne(ctx, "updating compass link on "+componentID, func(b *Batch) {
		b.UpdateLink(componentID, link)
	})

	return err
}

// DeleteLink calls compass.deleteComponentLink.
func (c *Client) DeleteLink(ctx context.Context, componentID, linkID string) error {
	_, err := c.sendOne(ctx, "deleting compass link on "+componentID, func(b *Batch) {
		b.DeleteLink(componentID, linkID)
	})

	return err
}

// CreateRelationship calls compass.createRelationship: from depends on to.
func (c *Client) CreateRelationship(ctx context.Context, from, to string) error {
	_, err := c.sendOne(ctx, "creating compass relationship", func(b *Batch) { b.CreateRelationship(from, to) })

	return err
}

// DeleteRelationship calls compass.deleteRelationship for the DEPENDS_ON from -> to.
func (c *Client) DeleteRelationship(ctx context.Context, from, to string) error {
	_, err := c.sendOne(ctx, "deleting compass relationship", func(b *Batch) { b.DeleteRelationship(from, to) })

	return err
}
