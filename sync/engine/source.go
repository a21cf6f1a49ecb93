package engine

import (
	"context"
	"strings"

	"github.com/backstage-sync/backstage-sync/sync/backstage"
	"github.com/backstage-sync/backstage-sync/sync/mapping"
)

// stubFields are the only fields an incremental listing asks for.
var stubFields = []string{"kind", "metadata.namespace", "metadata.name", "metadata.uid", "metadata.etag"}

// Catalog reads entities through a Backstage client. It satisfies Source.
type Catalog struct {
	client *backstage.Client
	// filters are catalog filters sent with each listing, for example "kind=component".
	filters []string
}

var _ Source = (*Catalog)(nil)

// NewCatalog returns a Source over client. Filters narrow every listing on the server; an
// empty list lists every entity.
func NewCatalog(client *backstage.Client, filters []string) *Catalog {
	return &Catalog{client: client, filters: filters}
}

// ListStubs implements Source with a fields-only listing.
func (c *Catalog) ListStubs(ctx context.Context, fn func([]Stub) error) error {
	opts := backstage.ListOptions{Filters: c.filters, Fields: stubFields}

	return c.client.ListEntities(ctx, opts, func(page []backstage.Entity) error {
		stubs := make([]Stub, 0, len(page))
		for i := range page {
			e := &page[i]
			stubs = append(stubs, Stub{Ref: e.Ref(), UID: e.Metadata.UID, Etag: e.Metadata.Etag})
		}
		return fn(stubs)
	})
}

// ListEntities streams whole entity documents. A sync lists stubs and fetches what it needs;
// this listing serves the naive sync the benchmarks compare it with.
func (c *Catalog) ListEntities(ctx context.Context, fn func([]map[string]any) error) error {
	opts := backstage.ListOptions{Filters: c.filters}

	return c.client.ListEntities(ctx, opts, func(page []backstage.Entity) error {
		docs := make([]map[string]any, 0, len(page))
		for i := range page {
			docs = append(docs, page[i].Raw)
		}
		return fn(docs)
	})
}

// FetchEntities implements Source through by-refs.
func (c *Catalog) FetchEntities(ctx context.Context, refs []string) ([]map[string]any, error) {
	entities, err := c.client.GetEntitiesByRefs(ctx, refs, nil)
	if err != nil {
		return nil, err
	}
	docs := make([]map[string]any, len(entities))
	for i, e := range entities {
		if e != nil {
			docs[i] = e.Raw
		}
	}

	return docs, nil
}

// ListGroups implements Source with a listing of groups' names and titles.
func (c *Catalog) ListGroups(ctx context.Context) (mapping.GroupMap, error) {
	groups := mapping.GroupMap{}
	opts := backstage.ListOptions{
		Filters: []string{"kind=group"},
		Fields:  []string{"kind", "metadata.namespace", "metadata.name", "metadata.title", "spec.profile.displayName"},
	}
	err := c.client.ListEntities(ctx, opts, func(page []backstage.Entity) error {
		for i := range page {
			e := &page[i]
			title := e.Metadata.Title
			if title == "" {
				title, _ = e.LookupString("spec.profile.displayName")
			}
			ref := strings.ToLower(e.Ref())
			groups[ref] = mapping.Group{Ref: ref, Title: title}
		}
		return nil
	})

	return groups, err
}

// Requests implements Source.
func (c *Catalog) Requests() int64 {
	return c.client.Stats().Requests
}
