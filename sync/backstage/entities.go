package backstage

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// ListOptions selects and shapes the entities of a listing.
type ListOptions struct {
	// Filters are catalog filters such as "kind=component,spec.type=service". Commas inside
	// one filter are AND; separate filters are OR.
	Filters []string
	// Fields limits each entity to these dotted paths, such as "metadata.etag". Empty means
	// whole entities.
	Fields []string
	// Limit is the page size; 0 means the client's page size (DefaultPageSize unless set).
	Limit int
	// OnTotal, when set, is called once with the catalog's totalItems for the listing, before
	// the first page is handed over. The count is taken when the listing starts; entities
	// added or removed while it pages make the final number differ.
	OnTotal func(totalItems int)
}

// entityPage is one answer of by-query.
type entityPage struct {
	Items      []Entity `json:"items"`
	TotalItems int      `json:"totalItems"`
	PageInfo   struct {
		NextCursor string `json:"nextCursor"`
	} `json:"pageInfo"`
}

// ListEntities lists entities with GET /api/catalog/entities/by-query, following the cursor
// page by page and handing each page to fn as it arrives, so the client holds one page at a
// time. It stops at the first error from fn or the catalog and returns it. A nil error means the
// listing is complete: every entity that existed through the whole listing was handed over once.
func (c *Client) ListEntities(ctx context.Context, opts ListOptions, fn func(page []Entity) error) error {
	query := url.Values{"limit": {strconv.Itoa(c.limit(opts.Limit))}}
	if len(opts.Fields) > 0 {
		query.Set("fields", strings.Join(opts.Fields, ","))
	}
	first := cloneValues(query)
	for _, f := range opts.Filters {
		first.Add("filter", f)
	}

	seen := map[string]bool{}
	r := request{method: http.MethodGet, path: "/entities/by-query", query: first}
	for page := 1; ; page++ {
		var ans entityPage
		if err := c.call(ctx, r, &ans); err != nil {
			return fmt.Errorf("listing entities, page %d: %w", page, err)
		}
		if page == 1 && opts.OnTotal != nil {
			opts.OnTotal(ans.TotalItems)
		}
		if err := fn(ans.Items); err != nil {
			return err
		}

		next := ans.PageInfo.NextCursor
		if next == "" {
			return nil
		}
		if seen[next] {
			return fmt.Errorf("listing entities, page %d: %w", page, ErrCursorLoop)
		}
		seen[next] = true
		// The cursor carries the filters but not the limit or the fields.
		r.query = cloneValues(query)
		r.query.Set("cursor", next)
	}
}

func (c *Client) limit(n int) int {
	if n > 0 {
		return n
	}
	return c.pageSize
}

func cloneValues(v url.Values) url.Values {
	out := make(url.Values, len(v)+2)
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// GetEntitiesByRefs reads entities with POST /api/catalog/entities/by-refs. The result follows
// the order of refs, with nil where the catalog has no such entity. Refs must be full
// kind:namespace/name refs; long lists go out in several requests. Empty fields means whole
// entities.
func (c *Client) GetEntitiesByRefs(ctx context.Context, refs []string, fields []string) ([]*Entity, error) {
	for _, ref := range refs {
		if _, err := ParseRef(ref, "", ""); err != nil || strings.Count(ref, "/") != 1 {
			return nil, fmt.Errorf("reading entities by refs: %w: %q is not kind:namespace/name", ErrInvalidRef, ref)
		}
	}

	out := make([]*Entity, 0, len(refs))
	for start := 0; start < len(refs); start += c.refChunk {
		chunk := refs[start:min(start+c.refChunk, len(refs))]
		items, err := c.byRefs(ctx, chunk, fields)
		if err != nil {
			return nil, fmt.Errorf("reading entities by refs: %w", err)
		}
		out = append(out, items...)
	}
	return out, nil
}

func (c *Client) byRefs(ctx context.Context, refs []string, fields []string) ([]*Entity, error) {
	payload := struct {
		EntityRefs []string `json:"entityRefs"`
		Fields     []string `json:"fields,omitempty"`
	}{refs, fields}
	body, err := json.Marshal(payload)
	if err != nil {
		return nil, fmt.Errorf("encoding refs: %w", err)
	}

	var ans struct {
		Items []*Entity `json:"items"`
	}
	r := request{method: http.MethodPost, path: "/entities/by-refs", body: body}
	if err := c.call(ctx, r, &ans); err != nil {
		return nil, err
	}

	if len(ans.Items) != len(refs) {
		return nil, fmt.Errorf("asked for %d refs, got %d items: %w", len(refs), len(ans.Items), ErrInvalidEntity)
	}
	return ans.Items, nil
}

// GetEntityByName reads one entity with GET
// /api/catalog/entities/by-name/{kind}/{namespace}/{name}. The catalog matches
// case-insensitively; an empty namespace means DefaultNamespace. A missing entity returns an
// *APIError that unwraps to ErrNotFound.
func (c *Client) GetEntityByName(ctx context.Context, kind, namespace, name string) (*Entity, error) {
	if namespace == "" {
		namespace = DefaultNamespace
	}
	if kind == "" || name == "" {
		return nil, fmt.Errorf("reading entity by name: %w: kind and name are required", ErrInvalidRef)
	}

	path := "/entities/by-name/" + url.PathEscape(kind) + "/" + url.PathEscape(namespace) + "/" + url.PathEscape(name)
	var e Entity
	r := request{method: http.MethodGet, path: path}
	if err := c.call(ctx, r, &e); err != nil {
		return nil, fmt.Errorf("reading entity %s:%s/%s: %w", kind, namespace, name, err)
	}
	return &e, nil
}
