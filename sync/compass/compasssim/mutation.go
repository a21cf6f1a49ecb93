package compasssim

import (
	"fmt"
	"slices"
	"strings"
)

// mutation is one CompassCatalogMutationApi field. It always answers a payload; failures go in
// the payload's errors.
type mutation func(args map[string]any) obj

// mutationRoot returns the Mutation root object. Callers hold s.mu for writing.
func (s *Server) mutationRoot() obj {
	fields := map[string]mutation{
		"createComponent":              s.createComponent,
		"updateComponent":              s.updateComponent,
		"updateComponentType":          s.updateComponentType,
		"deleteComponent":              s.deleteComponent,
		"deleteComponents":             s.deleteComponents,
		"createComponentExternalAlias": s.createExternalAlias,
		"deleteComponentExternalAlias": s.deleteExternalAlias,
		"addComponentLabels":           s.addLabels,
		"removeComponentLabels":        s.removeLabels,
		"createComponentLink":          s.createLink,
		"updateComponentLink":          s.updateLink,
		"deleteComponentLink":          s.deleteLink,
		"createRelationship":           s.createRelationship,
		"deleteRelationship":           s.deleteRelationship,
		"createCustomFieldDefinition":  s.createCustomFieldDefinition,
	}

	api := make(obj, len(fields))
	for name, run := range fields {
		api[name] = lazy(func(args map[string]any) (any, error) {
			s.stats.mutations.Add(1)
			return run(args), nil
		})
	}
	return obj{"compass": api}
}

func inputOf(args map[string]any) map[string]any {
	in, _ := args["input"].(map[string]any)
	return in
}

// detailsPayload answers a payload holding the component's details, or the error.
func (s *Server) detailsPayload(rec *record, err *apiError, extra obj) obj {
	if err != nil {
		return payload(err, nil)
	}
	if extra == nil {
		extra = obj{}
	}
	extra["componentDetails"] = s.componentObj(rec)
	return payload(nil, extra)
}

func (s *Server) createComponent(args map[string]any) obj {
	cloudID, _ := str(args, "cloudId")
	if err := s.checkCloudID(cloudID); err != nil {
		return payload(err, nil)
	}

	c, err := s.componentFromInput(inputOf(args))
	if err == nil {
		err = s.check(&c, "")
	}
	if err != nil {
		return payload(err, nil)
	}
	return s.detailsPayload(s.insert(c), nil, nil)
}

// componentFromInput builds a new component from CreateCompassComponentInput.
func (s *Server) componentFromInput(in map[string]any) (Component, *apiError) {
	var c Component
	c.Name, _ = str(in, "name")
	c.Description, _ = str(in, "description")
	c.OwnerID, _ = str(in, "ownerId")
	c.Slug, _ = str(in, "slug")
	c.State, _ = str(in, "state")

	c.TypeID, _ = str(in, "typeId")
	if c.TypeID == "" {
		c.TypeID, _ = str(in, "type")
	}
	if c.TypeID == "" {
		return c, badRequest(errTypeInvalid, "A component needs a typeId")
	}

	c.Labels = dedupe(stringList(in["labels"]))
	for _, l := range objList(in["links"]) {
		c.Links = append(c.Links, linkFromInput(l))
	}

	var err *apiError
	if c.Fields, err = fieldsFromInput(nil, in["fields"]); err != nil {
		return c, err
	}
	c.CustomFields, err = s.customFieldsFromInput(nil, in["customFields"])
	return c, err
}

func dedupe(list []string) []string {
	out := make([]string, 0, len(list))
	for _, v := range list {
		if !contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

func linkFromInput(in map[string]any) Link {
	var l Link
	l.Type, _ = str(in, "type")
	l.URL, _ = str(in, "url")
	l.Name, _ = str(in, "name")
	l.ObjectID, _ = str(in, "objectId")
	return l
}

// fieldsFromInput merges built-in field inputs into fields, returning the new map.
func fieldsFromInput(fields map[string][]string, raw any) (map[string][]string, *apiError) {
	inputs := objList(raw)
	if len(inputs) == 0 {
		return fields, nil
	}

	out := make(map[string][]string, len(fields)+len(inputs))
	for k, v := range fields {
		out[k] = v
	}
	for _, f := range inputs {
		def, _ := str(f, "definition")
		value, _ := f["value"].(map[string]any)
		enum, ok := value["enum"].(map[string]any)
		if !ok {
			return nil, badRequest(errFieldValueInvalid, fmt.Sprintf("Field %q takes an enum value", def))
		}
		out[def] = stringList(enum["value"])
	}
	return out, nil
}

// customKindInputs maps each member of CompassCustomFieldInput onto its kind.
var customKindInputs = map[string]CustomFieldKind{
	"textField":         CustomFieldText,
	"numberField":       CustomFieldNumber,
	"booleanField":      CustomFieldBoolean,
	"singleSelectField": CustomFieldSingleSelect,
	"multiSelectField":  CustomFieldMultiSelect,
	"userField":         CustomFieldUser,
}

// customFieldsFromInput merges custom field inputs into values: a value replaces the value of
// the same definition, and an empty value removes it.
func (s *Server) customFieldsFromInput(values []CustomFieldValue, raw any) ([]CustomFieldValue, *apiError) {
	out := slices.Clone(values)
	for _, in := range objList(raw) {
		v, empty, err := s.customFieldFromInput(in)
		if err != nil {
			return nil, err
		}
		out = slices.DeleteFunc(out, func(x CustomFieldValue) bool { return x.DefinitionID == v.DefinitionID })
		if !empty {
			out = append(out, v)
		}
	}
	return out, nil
}

func (s *Server) customFieldFromInput(in map[string]any) (v CustomFieldValue, empty bool, err *apiError) {
	var member string
	var body map[string]any
	for name := range customKindInputs {
		if m, ok := in[name].(map[string]any); ok {
			if member != "" {
				return v, false, badRequest(errArgumentInvalid, "A custom field input takes exactly one member")
			}
			member, body = name, m
		}
	}
	if member == "" {
		return v, false, badRequest(errArgumentInvalid, "A custom field input takes exactly one member")
	}

	v.DefinitionID, _ = str(body, "definitionId")
	def := s.definitions[v.DefinitionID]
	if def == nil {
		msg := fmt.Sprintf("Custom field definition %q does not exist", v.DefinitionID)
		return v, false, notFound(errCustomFieldUnknown, msg)
	}
	if kind := customKindInputs[member]; kind != def.Kind {
		msg := fmt.Sprintf("Custom field %q takes a %s value", def.Name, strings.ToLower(string(def.Kind)))
		return v, false, badRequest(errCustomFieldInvalid, msg)
	}

	v = customValue(def, body)
	empty = v.Text == nil && v.UserID == nil && v.Number == nil && v.Boolean == nil && v.OptionIDs == nil
	return v, empty, nil
}

// customValue reads the value member that fits the definition's kind.
func customValue(def *CustomFieldDefinition, body map[string]any) CustomFieldValue {
	v := CustomFieldValue{DefinitionID: def.ID}
	switch def.Kind {
	case CustomFieldText:
		v.Text = optString(body, "textValue")
	case CustomFieldUser:
		v.UserID = optString(body, "userIdValue")
	case CustomFieldNumber:
		if n, ok := floatArg(body["numberValue"]); ok {
			v.Number = &n
		}
	case CustomFieldBoolean:
		if b, ok := body["booleanValue"].(bool); ok {
			v.Boolean = &b
		}
	case CustomFieldSingleSelect:
		if opt := optString(body, "option"); opt != nil {
			v.OptionIDs = []string{*opt}
		}
	case CustomFieldMultiSelect:
		if opts := stringList(body["options"]); len(opts) > 0 {
			v.OptionIDs = opts
		}
	}
	return v
}

func optString(m map[string]any, key string) *string {
	if v, ok := m[key].(string); ok {
		return &v
	}
	return nil
}

func (s *Server) updateComponent(args map[string]any) obj {
	in := inputOf(args)
	id, _ := str(in, "id")
	rec, err := s.lookup(id)
	if err != nil {
		return payload(err, nil)
	}

	next := rec.deepCopy()
	if name, ok := str(in, "name"); ok {
		next.Name = name
	}
	if d, ok := str(in, "description"); ok {
		next.Description = d
	}
	if details, ok := in["componentDescriptionDetails"].(map[string]any); ok {
		next.Description, _ = str(details, "content")
	}
	if owner, ok := str(in, "ownerId"); ok {
		next.OwnerID = owner
	}
	if slug, ok := str(in, "slug"); ok {
		next.Slug = slug
	}
	if state, ok := str(in, "state"); ok {
		next.State = state
	}
	if next.Fields, err = fieldsFromInput(next.Fields, in["fields"]); err != nil {
		return payload(err, nil)
	}
	if next.CustomFields, err = s.customFieldsFromInput(next.CustomFields, in["customFields"]); err != nil {
		return payload(err, nil)
	}
	return s.detailsPayload(rec, s.update(rec, next), nil)
}

func (s *Server) updateComponentType(args map[string]any) obj {
	in := inputOf(args)
	id, _ := str(in, "id")
	rec, err := s.lookup(id)
	if err != nil {
		return payload(err, nil)
	}

	next := rec.deepCopy()
	next.TypeID, _ = str(in, "typeId")
	if next.TypeID == "" {
		next.TypeID, _ = str(in, "type")
	}
	return s.detailsPayload(rec, s.update(rec, next), nil)
}

func (s *Server) deleteComponent(args map[string]any) obj {
	id, _ := str(inputOf(args), "id")
	rec, err := s.lookup(id)
	if err != nil {
		return payload(err, nil)
	}
	s.remove(rec)
	return payload(nil, obj{"deletedComponentId": id})
}

// deleteComponents deletes every component it finds; each id it cannot delete adds an error
// and makes the payload unsuccessful.
func (s *Server) deleteComponents(args map[string]any) obj {
	deleted := []string{}
	var errs []any
	for _, id := range stringList(inputOf(args)["ids"]) {
		rec, err := s.lookup(id)
		if err != nil {
			errs = append(errs, mutationErrorObj(err))
			continue
		}
		s.remove(rec)
		deleted = append(deleted, id)
	}
	return obj{"success": len(errs) == 0, "errors": errs, "deletedComponentIds": deleted}
}

func aliasFromInput(in map[string]any) ExternalAlias {
	alias, _ := in["externalAlias"].(map[string]any)
	var a ExternalAlias
	a.ExternalID, _ = str(alias, "externalId")
	a.ExternalSource, _ = str(alias, "externalSource")
	a.URL, _ = str(alias, "url")
	return a
}

// createExternalAlias attaches an alias; attaching one the component already carries succeeds
// without a change, so a retried request is harmless.
func (s *Server) createExternalAlias(args map[string]any) obj {
	in := inputOf(args)
	id, _ := str(in, "componentId")
	rec, err := s.lookup(id)
	if err != nil {
		return payload(err, nil)
	}

	a := aliasFromInput(in)
	if s.aliases[aliasKey{source: a.ExternalSource, id: a.ExternalID}] != rec.ID {
		next := rec.deepCopy()
		next.ExternalAliases = append(next.ExternalAliases, a)
		err = s.update(rec, next)
	}
	return s.detailsPayload(rec, err, obj{"createdCompassExternalAlias": aliasObj(a)})
}

func (s *Server) deleteExternalAlias(args map[string]any) obj {
	in := inputOf(args)
	id, _ := str(in, "componentId")
	rec, err := s.lookup(id)
	if err != nil {
		return payload(err, nil)
	}

	a := aliasFromInput(in)
	idx := slices.IndexFunc(rec.ExternalAliases, func(x ExternalAlias) bool {
		return x.ExternalSource == a.ExternalSource && x.ExternalID == a.ExternalID
	})
	if idx < 0 {
		return payload(notFound(errAliasNotFound, "External alias not found on the component"), nil)
	}
	removed := rec.ExternalAliases[idx]
	next := rec.deepCopy()
	next.ExternalAliases = slices.Delete(next.ExternalAliases, idx, idx+1)
	return s.detailsPayload(rec, s.update(rec, next), obj{"deletedCompassExternalAlias": aliasObj(removed)})
}

func (s *Server) addLabels(args map[string]any) obj {
	in := inputOf(args)
	id, _ := str(in, "componentId")
	rec, err := s.lookup(id)
	if err != nil {
		return payload(err, nil)
	}

	names := dedupe(stringList(in["labelNames"]))
	for _, l := range names {
		if err := checkLabel(l); err != nil {
			return payload(err, nil)
		}
	}
	next := rec.deepCopy()
	next.Labels = dedupe(append(next.Labels, names...))
	return s.detailsPayload(rec, s.update(rec, next), obj{"addedLabels": labelObjs(names)})
}

func (s *Server) removeLabels(args map[string]any) obj {
	in := inputOf(args)
	id, _ := str(in, "componentId")
	rec, err := s.lookup(id)
	if err != nil {
		return payload(err, nil)
	}

	names := stringList(in["labelNames"])
	removed := []string{}
	next := rec.deepCopy()
	next.Labels = slices.DeleteFunc(next.Labels, func(l string) bool {
		if contains(names, l) {
			removed = append(removed, l)
			return true
		}
		return false
	})
	return s.detailsPayload(rec, s.update(rec, next), obj{"removedLabelNames": removed})
}

func (s *Server) createLink(args map[string]any) obj {
	in := inputOf(args)
	id, _ := str(in, "componentId")
	rec, err := s.lookup(id)
	if err != nil {
		return payload(err, nil)
	}

	link, _ := in["link"].(map[string]any)
	l := linkFromInput(link)
	l.ID = s.newUUID()
	next := rec.deepCopy()
	next.Links = append(next.Links, l)
	return s.detailsPayload(rec, s.update(rec, next), obj{"createdComponentLink": linkObj(l)})
}

func (s *Server) updateLink(args map[string]any) obj {
	in := inputOf(args)
	id, _ := str(in, "componentId")
	rec, err := s.lookup(id)
	if err != nil {
		return payload(err, nil)
	}

	link, _ := in["link"].(map[string]any)
	linkID, _ := str(link, "id")
	idx := slices.IndexFunc(rec.Links, func(l Link) bool { return l.ID == linkID })
	if idx < 0 {
		return payload(notFound(errLinkNotFound, "Link does not exist"), nil)
	}
	next := rec.deepCopy()
	l := &next.Links[idx]
	for key, field := range map[string]*string{"type": &l.Type, "url": &l.URL, "name": &l.Name, "objectId": &l.ObjectID} {
		if v, ok := str(link, key); ok {
			*field = v
		}
	}
	updated := *l
	return s.detailsPayload(rec, s.update(rec, next), obj{"updatedComponentLink": linkObj(updated)})
}

func (s *Server) deleteLink(args map[string]any) obj {
	in := inputOf(args)
	id, _ := str(in, "componentId")
	rec, err := s.lookup(id)
	if err != nil {
		return payload(err, nil)
	}

	linkID, _ := str(in, "link")
	idx := slices.IndexFunc(rec.Links, func(l Link) bool { return l.ID == linkID })
	if idx < 0 {
		return payload(notFound(errLinkNotFound, "Link does not exist"), nil)
	}
	next := rec.deepCopy()
	next.Links = slices.Delete(next.Links, idx, idx+1)
	return s.detailsPayload(rec, s.update(rec, next), obj{"deletedCompassLinkId": linkID})
}

// relationshipFromInput reads the ends and type of a relationship and makes sure both ends exist.
func (s *Server) relationshipFromInput(in map[string]any) (Relationship, *apiError) {
	var r Relationship
	r.StartNodeID, _ = str(in, "startNodeId")
	r.EndNodeID, _ = str(in, "endNodeId")
	r.Type, _ = str(in, "relationshipType")
	if r.Type == "" {
		r.Type = "DEPENDS_ON"
	}

	for _, id := range []string{r.StartNodeID, r.EndNodeID} {
		if _, err := s.lookup(id); err != nil {
			return r, err
		}
	}
	return r, nil
}

func (s *Server) createRelationship(args map[string]any) obj {
	r, err := s.relationshipFromInput(inputOf(args))
	switch {
	case err != nil:
		return payload(err, nil)
	case r.StartNodeID == r.EndNodeID:
		return payload(badRequest(errRelationshipSelf, "A component cannot have a relationship with itself"), nil)
	}
	if _, exists := s.findRelationship(r.StartNodeID, r.EndNodeID, r.Type); exists {
		return payload(conflict(errRelationshipExists, "The relationship already exists"), nil)
	}

	r.CreatedAt = s.opts.Now().UTC()
	s.relsOut[r.StartNodeID] = append(s.relsOut[r.StartNodeID], r)
	s.relsIn[r.EndNodeID] = append(s.relsIn[r.EndNodeID], r)
	return payload(nil, obj{"createdCompassRelationship": s.relationshipObj(r)})
}

func (s *Server) deleteRelationship(args map[string]any) obj {
	r, err := s.relationshipFromInput(inputOf(args))
	if err != nil {
		return payload(err, nil)
	}
	if _, exists := s.findRelationship(r.StartNodeID, r.EndNodeID, r.Type); !exists {
		return payload(notFound(errRelationshipNotFound, "The relationship does not exist"), nil)
	}

	s.relsOut[r.StartNodeID] = dropRelationship(s.relsOut[r.StartNodeID], r)
	s.relsIn[r.EndNodeID] = dropRelationship(s.relsIn[r.EndNodeID], r)
	return payload(nil, nil)
}

// definitionInputs maps each member of CompassCreateCustomFieldDefinitionInput onto its kind.
var definitionInputs = map[string]CustomFieldKind{
	"textFieldDefinition":         CustomFieldText,
	"numberFieldDefinition":       CustomFieldNumber,
	"booleanFieldDefinition":      CustomFieldBoolean,
	"singleSelectFieldDefinition": CustomFieldSingleSelect,
	"multiSelectFieldDefinition":  CustomFieldMultiSelect,
	"userFieldDefinition":         CustomFieldUser,
}

func (s *Server) createCustomFieldDefinition(args map[string]any) obj {
	def, err := s.definitionFromInput(inputOf(args))
	if err != nil {
		return payload(err, nil)
	}

	def.ID = fmt.Sprintf("ari:cloud:compass:%s:custom-field-definition/%s/%s",
		s.opts.CloudID, s.opts.WorkspaceID, s.newUUID())
	for i := range def.Options {
		def.Options[i].ID = s.newUUID()
	}
	s.definitions[def.ID] = &def
	s.definitionSeq = append(s.definitionSeq, def.ID)
	return payload(nil, obj{"customFieldDefinition": definitionObj(&def)})
}

func (s *Server) definitionFromInput(in map[string]any) (CustomFieldDefinition, *apiError) {
	var def CustomFieldDefinition
	var body map[string]any
	for member, kind := range definitionInputs {
		if m, ok := in[member].(map[string]any); ok {
			if body != nil {
				return def, badRequest(errArgumentInvalid, "A custom field definition input takes exactly one member")
			}
			body, def.Kind = m, kind
		}
	}
	if body == nil {
		return def, badRequest(errArgumentInvalid, "A custom field definition input takes exactly one member")
	}

	cloudID, _ := str(body, "cloudId")
	if err := s.checkCloudID(cloudID); err != nil {
		return def, err
	}
	def.Name, _ = str(body, "name")
	def.Description, _ = str(body, "description")
	def.ComponentTypeIDs = stringList(body["componentTypeIds"])
	for _, t := range stringList(body["componentTypes"]) {
		def.ComponentTypeIDs = dedupe(append(def.ComponentTypeIDs, t))
	}
	for _, v := range dedupe(stringList(body["options"])) {
		def.Options = append(def.Options, SelectOption{Value: v})
	}
	return def, s.checkDefinition(def)
}

func (s *Server) checkDefinition(def CustomFieldDefinition) *apiError {
	if strings.TrimSpace(def.Name) == "" {
		return badRequest(errArgumentInvalid, "A custom field definition needs a name")
	}
	for _, other := range s.definitions {
		if strings.EqualFold(other.Name, def.Name) {
			return conflict(errCustomFieldNameTaken, fmt.Sprintf("Custom field %q already exists", def.Name))
		}
	}
	for _, t := range def.ComponentTypeIDs {
		if err := s.checkType(t); err != nil {
			return err
		}
	}
	return nil
}
