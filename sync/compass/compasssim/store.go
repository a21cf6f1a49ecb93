package compasssim

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// newUUID returns a random version 4 UUID from the seeded generator. Callers hold s.mu.
func (s *Server) newUUID() string {
	hi, lo := s.rng.Uint64(), s.rng.Uint64()
	hi = hi&^0xf000 | 0x4000
	lo = lo&^(0xc<<60) | 0x8<<60
	return fmt.Sprintf("%08x-%04x-%04x-%04x-%012x",
		hi>>32, (hi>>16)&0xffff, hi&0xffff, lo>>48, lo&0xffffffffffff)
}

func (s *Server) newComponentID() string {
	return fmt.Sprintf("ari:cloud:compass:%s:component/%s/%s", s.opts.CloudID, s.opts.WorkspaceID, s.newUUID())
}

// lookup finds a live component by id, refusing malformed ids first.
func (s *Server) lookup(id string) (*record, *apiError) {
	if err := checkComponentID(id); err != nil {
		return nil, err
	}
	rec, ok := s.components[id]
	if !ok {
		return nil, notFound(errComponentNotFound, "Component not found")
	}
	return rec, nil
}

// check validates a whole component against every limit; selfID is the component's own id so
// its own slug and aliases do not count as taken.
func (s *Server) check(c *Component, selfID string) *apiError {
	for _, err := range []*apiError{
		checkName(c.Name),
		checkDescription(c.Description),
		s.checkType(c.TypeID),
		s.checkOwner(c.OwnerID),
		s.checkSlugFree(c.Slug, selfID),
		checkLabels(c.Labels),
		checkLinks(c.Links),
		s.checkAliases(c.ExternalAliases, selfID),
		checkFields(c.Fields),
		s.checkCustomFields(c),
	} {
		if err != nil {
			return err
		}
	}
	return nil
}

func (s *Server) checkType(typeID string) *apiError {
	if !isTypeID(typeID) {
		return badRequest(errTypeInvalid, fmt.Sprintf("%q is not a component type", typeID))
	}
	return nil
}

func (s *Server) checkOwner(ownerID string) *apiError {
	if ownerID == "" {
		return nil
	}
	key, ok := teamKey(ownerID)
	if !ok || s.teams[key] == nil {
		return badRequest(errOwnerInvalid, fmt.Sprintf("Owner %q is not a known team", ownerID))
	}
	return nil
}

func (s *Server) checkSlugFree(slug, selfID string) *apiError {
	if slug == "" {
		return nil
	}
	if err := checkSlug(slug); err != nil {
		return err
	}
	if owner, ok := s.slugs[slug]; ok && owner != selfID {
		return conflict(errSlugTaken, fmt.Sprintf("Slug %q is already used by another component", slug))
	}
	return nil
}

func (s *Server) checkAliases(aliases []ExternalAlias, selfID string) *apiError {
	seen := make(map[aliasKey]bool, len(aliases))
	for _, a := range aliases {
		key := aliasKey{source: a.ExternalSource, id: a.ExternalID}
		if a.ExternalSource == "" || a.ExternalID == "" {
			return badRequest(errArgumentInvalid, "External alias needs a source and an id")
		}
		if seen[key] {
			return conflict(errAliasTaken, "External alias is given twice")
		}
		seen[key] = true
		if owner, ok := s.aliases[key]; ok && owner != selfID {
			msg := fmt.Sprintf("External alias %s/%s already belongs to another component", a.ExternalSource, a.ExternalID)
			return conflict(errAliasTaken, msg)
		}
	}
	return nil
}

func (s *Server) checkCustomFields(c *Component) *apiError {
	seen := make(map[string]bool, len(c.CustomFields))
	for _, v := range c.CustomFields {
		def := s.definitions[v.DefinitionID]
		if def == nil {
			msg := fmt.Sprintf("Custom field definition %q does not exist", v.DefinitionID)
			return notFound(errCustomFieldUnknown, msg)
		}
		if seen[v.DefinitionID] {
			return badRequest(errCustomFieldInvalid, fmt.Sprintf("Custom field %q is given twice", def.Name))
		}
		seen[v.DefinitionID] = true
		if len(def.ComponentTypeIDs) > 0 && !contains(def.ComponentTypeIDs, c.TypeID) {
			msg := fmt.Sprintf("Custom field %q does not apply to type %s", def.Name, c.TypeID)
			return badRequest(errCustomFieldInvalid, msg)
		}
		if err := checkCustomValue(def, v); err != nil {
			return err
		}
	}
	return nil
}

// checkCustomValue makes sure the value holds at most one member, the one that fits the
// definition's kind. No member at all is an empty value.
func checkCustomValue(def *CustomFieldDefinition, v CustomFieldValue) *apiError {
	var kinds []CustomFieldKind
	if v.Text != nil {
		kinds = append(kinds, CustomFieldText)
	}
	if v.Number != nil {
		kinds = append(kinds, CustomFieldNumber)
	}
	if v.Boolean != nil {
		kinds = append(kinds, CustomFieldBoolean)
	}
	if v.OptionIDs != nil {
		kinds = append(kinds, CustomFieldSingleSelect, CustomFieldMultiSelect)
	}
	if v.UserID != nil {
		kinds = append(kinds, CustomFieldUser)
	}
	fits := len(kinds) == 0 || (slices.Contains(kinds, def.Kind) &&
		(len(kinds) == 1 || v.OptionIDs != nil && len(kinds) == 2))
	if !fits {
		msg := fmt.Sprintf("Custom field %q takes a %s value", def.Name, strings.ToLower(string(def.Kind)))
		return badRequest(errCustomFieldInvalid, msg)
	}

	if def.Kind == CustomFieldSingleSelect && len(v.OptionIDs) > 1 {
		return badRequest(errCustomFieldInvalid, fmt.Sprintf("Custom field %q takes one option", def.Name))
	}
	for _, id := range v.OptionIDs {
		if !slices.ContainsFunc(def.Options, func(o SelectOption) bool { return o.ID == id }) {
			msg := fmt.Sprintf("Option %q is not an option of custom field %q", id, def.Name)
			return badRequest(errCustomFieldInvalid, msg)
		}
	}
	return nil
}

// insert stores a checked component, giving it an id, link ids and timestamps where missing.
func (s *Server) insert(c Component) *record {
	if c.ID == "" {
		c.ID = s.newComponentID()
	}
	for i := range c.Links {
		if c.Links[i].ID == "" {
			c.Links[i].ID = s.newUUID()
		}
	}
	now := s.opts.Now().UTC()
	if c.CreatedAt.IsZero() {
		c.CreatedAt = now
	}
	if c.UpdatedAt.IsZero() {
		c.UpdatedAt = now
	}

	s.nextSeq++
	rec := &record{seq: s.nextSeq}
	s.components[c.ID] = rec
	s.order = append(s.order, rec)
	s.replace(rec, c)
	return rec
}

// replace swaps a record's component for a checked new version and keeps the indexes in step.
func (s *Server) replace(rec *record, next Component) {
	if rec.Slug != "" {
		delete(s.slugs, rec.Slug)
	}
	for _, a := range rec.ExternalAliases {
		delete(s.aliases, aliasKey{source: a.ExternalSource, id: a.ExternalID})
	}

	rec.Component = next
	if next.Slug != "" {
		s.slugs[next.Slug] = next.ID
	}
	for _, a := range next.ExternalAliases {
		s.aliases[aliasKey{source: a.ExternalSource, id: a.ExternalID}] = next.ID
	}
}

// update checks a changed copy of a component and stores it, stamping the modification time.
func (s *Server) update(rec *record, next Component) *apiError {
	next.ID = rec.ID
	if err := s.check(&next, rec.ID); err != nil {
		return err
	}
	next.UpdatedAt = s.opts.Now().UTC()
	s.replace(rec, next)
	return nil
}

// remove deletes a component with its aliases, slug and relationships.
func (s *Server) remove(rec *record) {
	s.replace(rec, Component{ID: rec.ID})
	delete(s.components, rec.ID)
	rec.deleted = true

	for _, r := range s.relsOut[rec.ID] {
		s.relsIn[r.EndNodeID] = dropRelationship(s.relsIn[r.EndNodeID], r)
	}
	for _, r := range s.relsIn[rec.ID] {
		s.relsOut[r.StartNodeID] = dropRelationship(s.relsOut[r.StartNodeID], r)
	}
	delete(s.relsOut, rec.ID)
	delete(s.relsIn, rec.ID)

	// Compact the paging order once tombstones make up half of it.
	if len(s.order) > 64 && len(s.components) < len(s.order)/2 {
		s.order = slices.DeleteFunc(s.order, func(r *record) bool { return r.deleted })
	}
}

func dropRelationship(list []Relationship, r Relationship) []Relationship {
	return slices.DeleteFunc(list, func(x Relationship) bool {
		return x.StartNodeID == r.StartNodeID && x.EndNodeID == r.EndNodeID && x.Type == r.Type
	})
}

func (s *Server) findRelationship(start, end, typ string) (Relationship, bool) {
	for _, r := range s.relsOut[start] {
		if r.EndNodeID == end && r.Type == typ {
			return r, true
		}
	}
	return Relationship{}, false
}

// SeedTeam adds a team with the given name and returns its ARI.
func (s *Server) SeedTeam(name string) string {
	s.mu.Lock()
	defer s.mu.Unlock()

	key := s.newUUID()
	t := &Team{ID: "ari:cloud:identity::team/" + key, Name: name}
	s.teams[key] = t
	s.teamOrder = append(s.teamOrder, key)
	return t.ID
}

// SeedComponent stores a component as if it had been created in Compass before the sync, with
// or without external aliases. ID, link ids and timestamps are filled in when empty. It returns
// the component's id, or ErrInvalidComponent when the component breaks a limit.
func (s *Server) SeedComponent(c Component) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()

	c = c.deepCopy()
	if c.ID != "" {
		if err := checkComponentID(c.ID); err != nil {
			return "", fmt.Errorf("seeding component %q: %w: %s", c.Name, ErrInvalidComponent, err.message)
		}
		if _, taken := s.components[c.ID]; taken {
			return "", fmt.Errorf("seeding component %q: %w: id %s is taken", c.Name, ErrInvalidComponent, c.ID)
		}
	}
	if err := s.check(&c, c.ID); err != nil {
		return "", fmt.Errorf("seeding component %q: %w: %s", c.Name, ErrInvalidComponent, err.message)
	}
	return s.insert(c).ID, nil
}

// EditComponent changes a component the way a person editing it in Compass would. The edit
// works on a copy; the copy must still respect every limit, or nothing changes and
// ErrInvalidComponent is returned. The id cannot be changed.
func (s *Server) EditComponent(id string, edit func(*Component)) error {
	s.mu.Lock()
	defer s.mu.Unlock()

	rec, ok := s.components[id]
	if !ok {
		return fmt.Errorf("editing component %s: %w", id, ErrComponentNotFound)
	}
	next := rec.deepCopy()
	edit(&next)
	for i := range next.Links {
		if next.Links[i].ID == "" {
			next.Links[i].ID = s.newUUID()
		}
	}
	if err := s.update(rec, next); err != nil {
		return fmt.Errorf("editing component %s: %w: %s", id, ErrInvalidComponent, err.message)
	}
	return nil
}

// Dump returns a deep copy of everything the simulator holds, sorted (see State).
func (s *Server) Dump() State {
	s.mu.RLock()
	defer s.mu.RUnlock()

	var st State
	for _, rec := range s.components {
		st.Components = append(st.Components, rec.sortedCopy())
	}
	slices.SortFunc(st.Components, func(a, b Component) int {
		return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID))
	})

	for _, rels := range s.relsOut {
		st.Relationships = append(st.Relationships, rels...)
	}
	slices.SortFunc(st.Relationships, func(a, b Relationship) int {
		return cmp.Or(cmp.Compare(a.StartNodeID, b.StartNodeID), cmp.Compare(a.EndNodeID, b.EndNodeID),
			cmp.Compare(a.Type, b.Type))
	})

	for _, t := range s.teams {
		st.Teams = append(st.Teams, t.clone())
	}
	slices.SortFunc(st.Teams, func(a, b Team) int {
		return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID))
	})

	for _, d := range s.definitions {
		st.CustomFieldDefinitions = append(st.CustomFieldDefinitions, d.clone())
	}
	slices.SortFunc(st.CustomFieldDefinitions, func(a, b CustomFieldDefinition) int {
		return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID))
	})
	return st
}
