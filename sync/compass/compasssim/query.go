package compasssim

import (
	"cmp"
	"fmt"
	"slices"
	"sort"
	"strings"
)

// queryRoot returns the Query root object.
func (s *Server) queryRoot() obj {
	return obj{
		"tenantContexts": lazy(s.tenantContexts),
		"compass":        s.compassQuery(),
	}
}

// tenantContexts answers the configured cloud id for the site host, by host name or cloud id.
func (s *Server) tenantContexts(args map[string]any) (any, error) {
	out := []any{}
	for _, host := range stringList(args["hostNames"]) {
		if host == s.opts.SiteHost {
			out = append(out, s.tenantContext())
		}
	}
	for _, id := range stringList(args["cloudIds"]) {
		if id == s.opts.CloudID {
			out = append(out, s.tenantContext())
		}
	}
	return out, nil
}

func (s *Server) tenantContext() obj {
	return obj{
		"cloudId":  s.opts.CloudID,
		"hostName": s.opts.SiteHost,
		"cloudUrl": "https://" + s.opts.SiteHost,
	}
}

// compassQuery returns the CompassCatalogQueryApi object.
func (s *Server) compassQuery() obj {
	return obj{
		"component":                lazy(s.queryComponent),
		"componentByExternalAlias": lazy(s.queryComponentByAlias),
		"components":               lazy(s.queryComponents),
		"searchComponents":         lazy(s.searchComponents),
		"componentTypes":           lazy(s.componentTypes),
		"customFieldDefinitions":   lazy(s.customFieldDefinitions),
		"searchTeams":              lazy(s.searchTeams),
	}
}

func (s *Server) checkCloudID(cloudID string) *apiError {
	if cloudID != s.opts.CloudID {
		return badRequest(errCloudIDInvalid, fmt.Sprintf("Cloud id %q is not this site", cloudID))
	}
	return nil
}

func (s *Server) queryComponent(args map[string]any) (any, error) {
	id, _ := str(args, "id")
	rec, err := s.lookup(id)
	if err != nil {
		return queryErrorObj(err, id), nil
	}
	return s.componentObj(rec), nil
}

func (s *Server) queryComponentByAlias(args map[string]any) (any, error) {
	cloudID, _ := str(args, "cloudId")
	externalID, _ := str(args, "externalID")
	source, _ := str(args, "externalSource")
	if err := s.checkCloudID(cloudID); err != nil {
		return queryErrorObj(err, externalID), nil
	}

	id, ok := s.aliases[aliasKey{source: source, id: externalID}]
	if !ok {
		return queryErrorObj(notFound(errComponentNotFound, "Component not found"), externalID), nil
	}
	return s.componentObj(s.components[id]), nil
}

// queryComponents answers the components found among ids, skipping unknown ones. More than 30
// ids fail the whole field, as the list type leaves no room for a QueryError.
func (s *Server) queryComponents(args map[string]any) (any, error) {
	ids := stringList(args["ids"])
	if len(ids) > maxComponentIDs {
		msg := fmt.Sprintf("At most %d component ids can be requested at once, got %d", maxComponentIDs, len(ids))
		return nil, badRequest(errArgumentInvalid, msg)
	}

	out := make([]any, 0, len(ids))
	for _, id := range ids {
		if rec, err := s.lookup(id); err == nil {
			out = append(out, s.componentObj(rec))
		}
	}
	return out, nil
}

// pageArgs reads first and after of a paged query, with the default and maximum page sizes.
func pageArgs(query map[string]any) (first int, after uint64, err *apiError) {
	first = defaultPageSize
	if v, ok := query["first"]; ok && v != nil {
		n, ok := intArg(v)
		if !ok || n < 1 || n > maxPageSize {
			return 0, 0, badRequest(errArgumentInvalid, fmt.Sprintf("first must be between 1 and %d", maxPageSize))
		}
		first = n
	}
	if cursor, _ := str(query, "after"); cursor != "" {
		pos, ok := decodeCursor(cursor)
		if !ok {
			return 0, 0, badRequest(errArgumentInvalid, fmt.Sprintf("%q is not a cursor", cursor))
		}
		after = pos
	}
	return first, after, nil
}

// searchComponents pages through components filtered by a case-insensitive name match and by
// field filters on type, owner, labels and state. Without a sort, pages follow creation order
// and cursors stay valid while components are renamed or deleted; a sort by name orders the
// matches by name and its cursors are offsets into that order.
func (s *Server) searchComponents(args map[string]any) (any, error) {
	cloudID, _ := str(args, "cloudId")
	if err := s.checkCloudID(cloudID); err != nil {
		return queryErrorObj(err, ""), nil
	}
	query, _ := args["query"].(map[string]any)
	first, after, err := pageArgs(query)
	if err != nil {
		return queryErrorObj(err, ""), nil
	}
	match, err := componentFilter(query)
	if err != nil {
		return queryErrorObj(err, ""), nil
	}
	desc, sorted, err := nameSort(query)
	if err != nil {
		return queryErrorObj(err, ""), nil
	}

	if sorted {
		return s.searchByName(match, first, after, desc), nil
	}
	return s.searchByCreation(match, first, after), nil
}

func (s *Server) searchByCreation(match func(*record) bool, first int, after uint64) obj {
	start := sort.Search(len(s.order), func(i int) bool { return s.order[i].seq > after })
	var page []*record
	hasNext := false
	for _, rec := range s.order[start:] {
		if rec.deleted || (match != nil && !match(rec)) {
			continue
		}
		if len(page) == first {
			hasNext = true
			break
		}
		page = append(page, rec)
	}
	cursor := func(i int) uint64 { return page[i].seq }
	return s.searchConnection(page, cursor, hasNext, after > 0, match)
}

func (s *Server) searchByName(match func(*record) bool, first int, after uint64, desc bool) obj {
	var all []*record
	for _, rec := range s.order {
		if !rec.deleted && (match == nil || match(rec)) {
			all = append(all, rec)
		}
	}
	slices.SortFunc(all, func(a, b *record) int {
		c := cmp.Or(cmp.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)), cmp.Compare(a.seq, b.seq))
		if desc {
			return -c
		}
		return c
	})

	from := int(min(after, uint64(len(all))))
	end := min(from+first, len(all))
	cursor := func(i int) uint64 { return uint64(from + i + 1) }
	return s.searchConnection(all[from:end], cursor, end < len(all), from > 0, match)
}

// nameSort reads the sort of a search query; only a sort by name is supported.
func nameSort(query map[string]any) (desc, sorted bool, err *apiError) {
	for _, srt := range objList(query["sort"]) {
		name, _ := str(srt, "name")
		if name != "name" && name != "title" {
			return false, false, badRequest(errArgumentInvalid, fmt.Sprintf("Sort by %q is not supported", name))
		}
		order, _ := str(srt, "order")
		desc, sorted = order == "DESC", true
	}
	return desc, sorted, nil
}

func (s *Server) searchConnection(
	page []*record, cursor func(int) uint64, hasNext, hasPrevious bool, match func(*record) bool,
) obj {
	edges := make([]any, len(page))
	nodes := make([]any, len(page))
	for i, rec := range page {
		node := obj{
			"component": s.componentObj(rec),
			"link":      s.componentLink(rec.ID),
		}
		nodes[i] = node
		edges[i] = obj{"cursor": encodeCursor(cursor(i)), "node": node}
	}

	var startCursor, endCursor string
	if len(page) > 0 {
		startCursor, endCursor = encodeCursor(cursor(0)), encodeCursor(cursor(len(page)-1))
	}
	return obj{
		"__typename": "CompassSearchComponentConnection",
		"edges":      edges,
		"nodes":      nodes,
		"pageInfo":   pageInfoObj(startCursor, endCursor, hasNext, hasPrevious),
		"totalCount": lazy(func(map[string]any) (any, error) {
			if match == nil {
				return len(s.components), nil
			}
			n := 0
			for _, rec := range s.components {
				if match(rec) {
					n++
				}
			}
			return n, nil
		}),
	}
}

func (s *Server) componentLink(id string) string {
	uuid := id[strings.LastIndexByte(id, '/')+1:]
	return fmt.Sprintf("https://%s/compass/component/%s", s.opts.SiteHost, uuid)
}

// componentFilter builds the predicate of a search query, nil when the query matches every
// component.
func componentFilter(query map[string]any) (func(*record) bool, *apiError) {
	term, _ := str(query, "query")
	term = strings.ToLower(strings.TrimSpace(term))
	preds := []func(*record) bool{}
	if term != "" {
		preds = append(preds, func(r *record) bool { return strings.Contains(strings.ToLower(r.Name), term) })
	}

	for _, ff := range objList(query["fieldFilters"]) {
		name, _ := str(ff, "name")
		filter, _ := ff["filter"].(map[string]any)
		values := filterValues(filter)
		var get func(*record) []string
		switch name {
		case "type", "typeId":
			get = func(r *record) []string { return []string{r.TypeID} }
		case "ownerId", "owner":
			get = func(r *record) []string { return []string{r.OwnerID} }
		case "labels", "label":
			get = func(r *record) []string { return r.Labels }
		case "state":
			get = func(r *record) []string { return []string{r.State} }
		default:
			return nil, badRequest(errArgumentInvalid, fmt.Sprintf("Field filter %q is not supported", name))
		}
		preds = append(preds, func(r *record) bool {
			return slices.ContainsFunc(get(r), func(v string) bool { return contains(values, v) })
		})
	}

	if len(preds) == 0 {
		return nil, nil
	}
	return func(r *record) bool {
		for _, p := range preds {
			if !p(r) {
				return false
			}
		}
		return true
	}, nil
}

// filterValues reads the values of an eq or in filter.
func filterValues(filter map[string]any) []string {
	var out []string
	if eq, ok := filter["eq"].(string); ok {
		out = append(out, eq)
	}
	return append(out, stringList(filter["in"])...)
}

// componentTypes lists the built-in component types.
func (s *Server) componentTypes(args map[string]any) (any, error) {
	cloudID, _ := str(args, "cloudId")
	if err := s.checkCloudID(cloudID); err != nil {
		return queryErrorObj(err, ""), nil
	}
	query, _ := args["query"].(map[string]any)
	first, after, err := pageArgs(query)
	if err != nil {
		return queryErrorObj(err, ""), nil
	}
	if _, given := query["first"]; !given {
		first = len(typeIDs)
	}

	var edges, nodes []any
	end := min(int(min(after, uint64(len(typeIDs))))+first, len(typeIDs))
	for i := int(min(after, uint64(len(typeIDs)))); i < end; i++ {
		node := s.componentTypeObj(typeIDs[i])
		nodes = append(nodes, node)
		edges = append(edges, obj{"cursor": encodeCursor(uint64(i + 1)), "node": node})
	}

	var endCursor string
	if end > 0 {
		endCursor = encodeCursor(uint64(end))
	}
	return obj{
		"__typename": "CompassComponentTypeConnection",
		"edges":      edges,
		"nodes":      nodes,
		"pageInfo":   pageInfoObj("", endCursor, end < len(typeIDs), after > 0),
		"totalCount": len(typeIDs),
	}, nil
}

func (s *Server) componentTypeObj(id string) obj {
	name := strings.ReplaceAll(strings.ToLower(id), "_", " ")
	name = strings.ToUpper(name[:1]) + name[1:]
	return obj{
		"id":          id,
		"name":        name,
		"description": nil,
		"iconUrl":     nil,
		"componentCount": lazy(func(map[string]any) (any, error) {
			n := 0
			for _, rec := range s.components {
				if rec.TypeID == id {
					n++
				}
			}
			return n, nil
		}),
		"fieldDefinitions": obj{
			"__typename": "CompassFieldDefinitions",
			"definitions": []any{
				fieldDefinitionObj(FieldLifecycle),
				fieldDefinitionObj(FieldTier),
			},
		},
	}
}

// customFieldDefinitions lists the site's custom field definitions in creation order, those
// restricted to other component types left out when componentTypeIds is given.
func (s *Server) customFieldDefinitions(args map[string]any) (any, error) {
	query, _ := args["query"].(map[string]any)
	cloudID, _ := str(query, "cloudId")
	if err := s.checkCloudID(cloudID); err != nil {
		return queryErrorObj(err, ""), nil
	}
	types := stringList(query["componentTypeIds"])

	edges, nodes := []any{}, []any{}
	for i, id := range s.definitionSeq {
		def := s.definitions[id]
		if len(types) > 0 && len(def.ComponentTypeIDs) > 0 &&
			!slices.ContainsFunc(types, func(t string) bool { return contains(def.ComponentTypeIDs, t) }) {
			continue
		}
		node := definitionObj(def)
		nodes = append(nodes, node)
		edges = append(edges, obj{"cursor": encodeCursor(uint64(i + 1)), "node": node})
	}
	return obj{
		"__typename": "CompassCustomFieldDefinitionsConnection",
		"edges":      edges,
		"nodes":      nodes,
		"pageInfo":   pageInfoObj("", "", false, false),
	}, nil
}

// searchTeams finds seeded teams whose name contains the term, exact matches first.
func (s *Server) searchTeams(args map[string]any) (any, error) {
	input, _ := args["input"].(map[string]any)
	cloudID, _ := str(input, "cloudId")
	if err := s.checkCloudID(cloudID); err != nil {
		return queryErrorObj(err, ""), nil
	}
	term, _ := str(input, "term")
	term = strings.ToLower(strings.TrimSpace(term))
	labels := stringList(input["labels"])

	var exact, partial []*Team
	for _, key := range s.teamOrder {
		t := s.teams[key]
		name := strings.ToLower(t.Name)
		if !strings.Contains(name, term) || !hasAll(t.Labels, labels) {
			continue
		}
		if name == term {
			exact = append(exact, t)
		} else {
			partial = append(partial, t)
		}
	}

	edges, nodes := []any{}, []any{}
	for i, t := range append(exact, partial...) {
		node := s.teamObj(t)
		nodes = append(nodes, node)
		edges = append(edges, obj{"cursor": encodeCursor(uint64(i + 1)), "node": node})
	}
	return obj{
		"__typename": "CompassSearchTeamsConnection",
		"edges":      edges,
		"nodes":      nodes,
		"pageInfo":   pageInfoObj("", "", false, false),
	}, nil
}

func hasAll(have, want []string) bool {
	for _, w := range want {
		if !contains(have, w) {
			return false
		}
	}
	return true
}

func (s *Server) teamObj(t *Team) obj {
	key, _ := teamKey(t.ID)
	labels := make([]any, len(t.Labels))
	for i, l := range t.Labels {
		labels[i] = obj{"name": l}
	}
	return obj{
		"id":     fmt.Sprintf("ari:cloud:compass:%s:team/%s", s.opts.CloudID, key),
		"teamId": t.ID,
		"labels": labels,
	}
}

// relationships answers a component's relationships in one direction and of one type.
func (s *Server) relationships(id string, args map[string]any) obj {
	query, _ := args["query"].(map[string]any)
	direction, _ := str(query, "direction")
	relType, _ := str(query, "relationshipType")
	if relType == "" {
		relType = "DEPENDS_ON"
	}
	first, after, err := pageArgs(query)
	if err != nil {
		return queryErrorObj(err, id)
	}

	all := s.relsOut[id]
	if direction == "INWARD" {
		all = s.relsIn[id]
	}
	var matched []Relationship
	for _, r := range all {
		if r.Type == relType {
			matched = append(matched, r)
		}
	}

	from := int(min(after, uint64(len(matched))))
	end := min(from+first, len(matched))
	edges, nodes := []any{}, []any{}
	for i := from; i < end; i++ {
		node := s.relationshipObj(matched[i])
		nodes = append(nodes, node)
		edges = append(edges, obj{"cursor": encodeCursor(uint64(i + 1)), "node": node})
	}

	var endCursor string
	if end > from {
		endCursor = encodeCursor(uint64(end))
	}
	return obj{
		"__typename": "CompassRelationshipConnection",
		"edges":      edges,
		"nodes":      nodes,
		"pageInfo":   pageInfoObj("", endCursor, end < len(matched), from > 0),
	}
}
