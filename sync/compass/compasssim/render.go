package compasssim

import (
	"encoding/base64"
	"strconv"
	"strings"
	"time"
)

// nullable answers an empty string as null.
func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func timestamp(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// legacyType maps a type id onto the deprecated CompassComponentType enum.
func legacyType(typeID string) string {
	switch typeID {
	case "SERVICE", "LIBRARY", "APPLICATION":
		return typeID
	}
	return "OTHER"
}

// componentObj renders a stored component. Nested lists are rendered only when selected.
func (s *Server) componentObj(rec *record) obj {
	c := &rec.Component
	return obj{
		"__typename":  "CompassComponent",
		"id":          c.ID,
		"name":        c.Name,
		"description": nullable(c.Description),
		"typeId":      c.TypeID,
		"type":        legacyType(c.TypeID),
		"ownerId":     nullable(c.OwnerID),
		"slug":        nullable(c.Slug),
		"state":       nullable(c.State),
		"labels":      lazy(func(map[string]any) (any, error) { return labelObjs(c.Labels), nil }),
		"links":       lazy(func(map[string]any) (any, error) { return linkObjs(c.Links), nil }),
		"externalAliases": lazy(func(map[string]any) (any, error) {
			return aliasObjs(c.ExternalAliases), nil
		}),
		"fields":         lazy(func(map[string]any) (any, error) { return fieldObjs(c.Fields), nil }),
		"customFields":   lazy(func(map[string]any) (any, error) { return s.customFieldObjs(c.CustomFields), nil }),
		"relationships":  lazy(func(args map[string]any) (any, error) { return s.relationships(c.ID, args), nil }),
		"changeMetadata": obj{"createdAt": timestamp(c.CreatedAt), "lastUserModificationAt": timestamp(c.UpdatedAt)},
	}
}

func labelObjs(labels []string) []any {
	out := make([]any, len(labels))
	for i, l := range labels {
		out[i] = obj{"name": l}
	}
	return out
}

func linkObjs(links []Link) []any {
	out := make([]any, len(links))
	for i, l := range links {
		out[i] = linkObj(l)
	}
	return out
}

func linkObj(l Link) obj {
	return obj{"id": l.ID, "type": l.Type, "url": l.URL, "name": nullable(l.Name), "objectId": nullable(l.ObjectID)}
}

func aliasObjs(aliases []ExternalAlias) []any {
	out := make([]any, len(aliases))
	for i, a := range aliases {
		out[i] = aliasObj(a)
	}
	return out
}

func aliasObj(a ExternalAlias) obj {
	return obj{"externalAliasId": a.ExternalID, "externalSource": a.ExternalSource, "url": nullable(a.URL)}
}

// fieldObjs renders the built-in fields in a fixed order: lifecycle, then tier.
func fieldObjs(fields map[string][]string) []any {
	out := make([]any, 0, len(fields))
	for _, def := range []string{FieldLifecycle, FieldTier} {
		if values, ok := fields[def]; ok {
			out = append(out, obj{
				"__typename": "CompassEnumField",
				"definition": fieldDefinitionObj(def),
				"value":      values,
			})
		}
	}
	return out
}

func fieldDefinitionObj(id string) obj {
	name := map[string]string{FieldLifecycle: "Lifecycle", FieldTier: "Tier"}[id]
	return obj{
		"id":          id,
		"name":        name,
		"description": "The " + strings.ToLower(name) + " of the component",
		"type":        "ENUM",
		"options": obj{
			"__typename": "CompassEnumFieldDefinitionOptions",
			"values":     builtinFields[id],
			"default":    nil,
		},
	}
}

// customKinds maps a definition kind onto its GraphQL type names: value, then definition.
var customKinds = map[CustomFieldKind][2]string{
	CustomFieldText:         {"CompassCustomTextField", "CompassCustomTextFieldDefinition"},
	CustomFieldNumber:       {"CompassCustomNumberField", "CompassCustomNumberFieldDefinition"},
	CustomFieldBoolean:      {"CompassCustomBooleanField", "CompassCustomBooleanFieldDefinition"},
	CustomFieldSingleSelect: {"CompassCustomSingleSelectField", "CompassCustomSingleSelectFieldDefinition"},
	CustomFieldMultiSelect:  {"CompassCustomMultiSelectField", "CompassCustomMultiSelectFieldDefinition"},
	CustomFieldUser:         {"CompassCustomUserField", "CompassCustomUserFieldDefinition"},
}

func (s *Server) customFieldObjs(values []CustomFieldValue) []any {
	out := make([]any, 0, len(values))
	for _, v := range values {
		def := s.definitions[v.DefinitionID]
		if def == nil {
			continue
		}
		o := obj{
			"__typename":  customKinds[def.Kind][0],
			"definition":  definitionObj(def),
			"annotations": []any{},
		}
		switch def.Kind {
		case CustomFieldText:
			o["textValue"] = derefAny(v.Text)
		case CustomFieldNumber:
			o["numberValue"] = derefAny(v.Number)
		case CustomFieldBoolean:
			o["booleanValue"] = derefAny(v.Boolean)
		case CustomFieldUser:
			o["userIdValue"] = derefAny(v.UserID)
		case CustomFieldSingleSelect:
			o["option"] = nil
			if len(v.OptionIDs) == 1 {
				o["option"] = optionObj(def, v.OptionIDs[0])
			}
		case CustomFieldMultiSelect:
			opts := make([]any, 0, len(v.OptionIDs))
			for _, id := range v.OptionIDs {
				if o := optionObj(def, id); o != nil {
					opts = append(opts, o)
				}
			}
			o["options"] = opts
		}
		out = append(out, o)
	}
	return out
}

func derefAny[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

// optionObj renders one option of a select definition, or null for an option since removed.
func optionObj(def *CustomFieldDefinition, id string) any {
	for _, o := range def.Options {
		if o.ID == id {
			return obj{"id": o.ID, "value": o.Value}
		}
	}
	return nil
}

func definitionObj(def *CustomFieldDefinition) obj {
	o := obj{
		"__typename":       customKinds[def.Kind][1],
		"id":               def.ID,
		"name":             def.Name,
		"description":      nullable(def.Description),
		"componentTypeIds": def.ComponentTypeIDs,
		"componentTypes":   nil,
	}
	if def.Kind == CustomFieldSingleSelect || def.Kind == CustomFieldMultiSelect {
		opts := make([]any, len(def.Options))
		for i, op := range def.Options {
			opts[i] = obj{"id": op.ID, "value": op.Value}
		}
		o["options"] = opts
	}
	return o
}

func (s *Server) relationshipObj(r Relationship) obj {
	node := func(id string) lazy {
		return func(map[string]any) (any, error) {
			if rec, ok := s.components[id]; ok {
				return s.componentObj(rec), nil
			}
			return nil, nil
		}
	}
	return obj{
		"relationshipType": r.Type,
		"type":             relationshipTypeEnum(r.Type),
		"startNode":        node(r.StartNodeID),
		"endNode":          node(r.EndNodeID),
		"changeMetadata":   obj{"createdAt": timestamp(r.CreatedAt), "lastUserModificationAt": timestamp(r.CreatedAt)},
	}
}

// relationshipTypeEnum answers the deprecated type field, which only knows DEPENDS_ON.
func relationshipTypeEnum(t string) any {
	if t == "DEPENDS_ON" {
		return t
	}
	return nil
}

// queryErrorObj renders a failure as the QueryError union member, whose extensions are a list.
func queryErrorObj(err *apiError, identifier string) obj {
	return obj{
		"__typename": "QueryError",
		"message":    err.message,
		"identifier": nullable(identifier),
		"extensions": []any{obj{
			"__typename": "GenericQueryErrorExtension",
			"statusCode": err.statusCode,
			"errorType":  err.errorType,
		}},
	}
}

// payload renders a mutation payload: success with the given fields, or the error.
func payload(err *apiError, fields obj) obj {
	if fields == nil {
		fields = obj{}
	}
	if err == nil {
		fields["success"] = true
		fields["errors"] = nil
		return fields
	}
	fields["success"] = false
	fields["errors"] = []any{mutationErrorObj(err)}
	return fields
}

func mutationErrorObj(err *apiError) obj {
	return obj{
		"message": err.message,
		"extensions": obj{
			"__typename": "GenericMutationErrorExtension",
			"statusCode": err.statusCode,
			"errorType":  err.errorType,
		},
	}
}

// pageInfoObj renders PageInfo for a page that ends at endCursor.
func pageInfoObj(startCursor, endCursor string, hasNext, hasPrevious bool) obj {
	return obj{
		"startCursor":     nullable(startCursor),
		"endCursor":       nullable(endCursor),
		"hasNextPage":     hasNext,
		"hasPreviousPage": hasPrevious,
	}
}

// encodeCursor and decodeCursor make opaque cursors from positions.
func encodeCursor(n uint64) string {
	return base64.RawURLEncoding.EncodeToString([]byte("pos:" + strconv.FormatUint(n, 10)))
}

func decodeCursor(cursor string) (uint64, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil || !strings.HasPrefix(string(raw), "pos:") {
		return 0, false
	}
	n, err := strconv.ParseUint(string(raw[4:]), 10, 64)
	return n, err == nil
}
