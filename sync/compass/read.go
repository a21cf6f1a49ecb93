package compass

import (
	"context"
	"encoding/json"
	"fmt"
)

// MaxComponentsPerRead is the most ids Compass accepts in one components(ids:) query.
const MaxComponentsPerRead = 30

const getComponentQuery = `query GetComponent($id: ID!) {
  compass {
    component(id: $id) {
      __typename
      ... on CompassComponent { ...ComponentFields }
      ` + queryErrorSelection + `
    }
  }
}
` + componentFragment

// GetComponent calls compass.component(id). A missing component is an *APIError that matches
// ErrNotFound.
func (c *Client) GetComponent(ctx context.Context, id string) (*Component, error) {
	var out struct {
		Compass struct {
			Component json.RawMessage `json:"component"`
		} `json:"compass"`
	}
	if err := c.query(ctx, getComponentQuery, map[string]any{"id": id}, &out); err != nil {
		return nil, fmt.Errorf("getting compass component %s: %w", id, err)
	}

	comp, err := decodeResult(out.Compass.Component)
	if err != nil {
		return nil, fmt.Errorf("getting compass component %s: %w", id, err)
	}

	return comp, nil
}

const getComponentByAliasQuery = `query GetComponentByExternalAlias($cloudId: ID!, $externalId: ID!, $externalSource: ID!) {
  compass {
    componentByExternalAlias(cloudId: $cloudId, externalID: $externalId, externalSource: $externalSource) {
      __typename
      ... on CompassComponent { ...ComponentFields }
      ` + queryErrorSelection + `
    }
  }
}
` + componentFragment

// GetComponentByExternalAlias calls compass.componentByExternalAlias for the alias source/id.
// When no component carries the alias the error matches ErrNotFound.
func (c *Client) GetComponentByExternalAlias(ctx context.Context, source, id string) (*Component, error) {
	cloudID, err := c.CloudID(ctx)
	if err != nil {
		return nil, err
	}

	var out struct {
		Compass struct {
			Component json.RawMessage `json:"componentByExternalAlias"`
		} `json:"compass"`
	}
	vars := map[string]any{"cloudId": cloudID, "externalId": id, "externalSource": source}
	if err := c.query(ctx, getComponentByAliasQuery, vars, &out); err != nil {
		return nil, fmt.Errorf("getting compass component by alias %s/%s: %w", source, id, err)
	}

	comp, err := decodeResult(out.Compass.Component)
	if err != nil {
		return nil, fmt.Errorf("getting compass component by alias %s/%s: %w", source, id, err)
	}

	return comp, nil
}

// decodeResult reads a CompassComponentResult; null counts as not found.
func decodeResult(raw json.RawMessage) (*Component, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, &APIError{StatusCode: 404, ErrorType: ErrorTypeComponentNotFound, Message: "no component returned"}
	}

	comp, err := decodeComponent(raw)
	if err != nil {
		if _, ok := err.(*APIError); ok {
			return nil, err
		}

		return nil, fmt.Errorf("%w: %v", ErrUnexpectedResponse, err)
	}

	return comp, nil
}

const getComponentsQuery = `query GetComponents($ids: [ID!]!) {
  compass {
    components(ids: $ids) { ...ComponentFields }
  }
}
` + componentFragment

// GetComponents calls compass.components(ids), MaxComponentsPerRead ids per request. Ids that
// Compass does not know are left out of the answer, so the result may be shorter than ids.
func (c *Client) GetComponents(ctx context.Context, ids []string) ([]Component, error) {
	comps := make([]Component, 0, len(ids))
	for start := 0; start < len(ids); start += MaxComponentsPerRead {
		chunk := ids[start:min(start+MaxComponentsPerRead, len(ids))]

		var out struct {
			Compass struct {
				Components []componentJSON `json:"components"`
			} `json:"compass"`
		}
		if err := c.query(ctx, getComponentsQuery, map[string]any{"ids": chunk}, &out); err != nil {
			return nil, fmt.Errorf("getting %d compass components: %w", len(chunk), err)
		}

		for i := range out.Compass.Components {
			comps = append(comps, *out.Compass.Components[i].component())
		}
	}

	return comps, nil
}

// SearchOptions selects one page of compass.searchComponents.
type SearchOptions struct {
	// Query is Compass's free-text search; empty lists every component.
	Query string
	// First is the page size; zero leaves Compass's default (25).
	First int
	// After is the EndCursor of the previous page, or empty for the first page.
	After string
}

// ComponentPage is one page of search results.
type ComponentPage struct {
	Components  []Component
	HasNextPage bool
	// EndCursor goes into SearchOptions.After to read the next page.
	EndCursor  string
	TotalCount int
}

const searchComponentsQuery = `query SearchComponents($cloudId: String!, $query: CompassSearchComponentQuery) {
  compass {
    searchComponents(cloudId: $cloudId, query: $query) {
      __typename
      ... on CompassSearchComponentConnection {
        nodes { component { ...ComponentFields } }
        pageInfo { hasNextPage endCursor }
        totalCount
      }
      ` + queryErrorSelection + `
    }
  }
}
` + componentFragment

// SearchComponents calls compass.searchComponents for one page.
func (c *Client) SearchComponents(ctx context.Context, opts SearchOptions) (*ComponentPage, error) {
	cloudID, err := c.CloudID(ctx)
	if err != nil {
		return nil, err
	}

	var out struct {
		Compass struct {
			Search struct {
				queryErrorJSON
				Nodes []struct {
					Component *componentJSON `json:"component"`
				} `json:"nodes"`
				PageInfo   pageInfoJSON `json:"pageInfo"`
				TotalCount *int         `json:"totalCount"`
			} `json:"searchComponents"`
		} `json:"compass"`
	}
	vars := map[string]any{"cloudId": cloudID, "query": opts.input()}
	if err := c.query(ctx, searchComponentsQuery, vars, &out); err != nil {
		return nil, fmt.Errorf("searching compass components: %w", err)
	}

	s := &out.Compass.Search
	if err := s.err(); err != nil {
		return nil, fmt.Errorf("searching compass components: %w", err)
	}

	page := &ComponentPage{HasNextPage: s.PageInfo.HasNextPage, EndCursor: deref(s.PageInfo.EndCursor)}
	if s.TotalCount != nil {
		page.TotalCount = *s.TotalCount
	}
	for _, n := range s.Nodes {
		if n.Component != nil {
			page.Components = append(page.Components, *n.Component.component())
		}
	}

	return page, nil
}

type pageInfoJSON struct {
	HasNextPage bool    `json:"hasNextPage"`
	EndCursor   *string `json:"endCursor"`
}

func (o SearchOptions) input() map[string]any {
	in := map[string]any{}
	if o.Query != "" {
		in["query"] = o.Query
	}
	if o.First > 0 {
		in["first"] = o.First
	}
	if o.After != "" {
		in["after"] = o.After
	}

	return in
}

// SearchAllComponents walks every page of compass.searchComponents from opts.After on and
// returns all components found. It stops at the first failing page.
func (c *Client) SearchAllComponents(ctx context.Context, opts SearchOptions) ([]Component, error) {
	var all []Component
	for {
		page, err := c.SearchComponents(ctx, opts)
		if err != nil {
			return nil, err
		}

		all = append(all, page.Components...)
		if !page.HasNextPage || page.EndCursor == "" || page.EndCursor == opts.After {
			return all, nil
		}
		opts.After = page.EndCursor
	}
}
