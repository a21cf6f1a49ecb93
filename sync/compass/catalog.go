package compass

import (
	"context"
	"fmt"
)

// CustomFieldDefinition is a site-wide custom field definition.
type CustomFieldDefinition struct {
	ID               string
	Name             string
	Description      string
	Kind             CustomFieldKind
	ComponentTypeIDs []string
	// Options are the choices of a single select, in Compass's order.
	Options []SelectOption
}

// Option returns the id of the option whose value is value, and false when there is none.
func (d *CustomFieldDefinition) Option(value string) (string, bool) {
	for _, o := range d.Options {
		if o.Value == value {
			return o.ID, true
		}
	}

	return "", false
}

// SelectOption is one choice of a select custom field.
type SelectOption struct {
	ID    string
	Value string
}

// CustomFieldDefinitionInput is a new custom field definition. Options are used by single
// selects only.
type CustomFieldDefinitionInput struct {
	Name             string
	Description      string
	Kind             CustomFieldKind
	ComponentTypeIDs []string
	Options          []string
}

// definitionSelection reads a CompassCustomFieldDefinition.
const definitionSelection = `__typename id name description componentTypeIds
      ... on CompassCustomSingleSelectFieldDefinition { options { id value } }`

type customFieldDefinitionJSON struct {
	Typename         string         `json:"__typename"`
	ID               string         `json:"id"`
	Name             *string        `json:"name"`
	Description      *string        `json:"description"`
	ComponentTypeIDs []string       `json:"componentTypeIds"`
	Options          []SelectOption `json:"options"`
}

func (d *customFieldDefinitionJSON) definition() CustomFieldDefinition {
	kinds := map[string]CustomFieldKind{
		"CompassCustomTextFieldDefinition":         CustomText,
		"CompassCustomNumberFieldDefinition":       CustomNumber,
		"CompassCustomBooleanFieldDefinition":      CustomBoolean,
		"CompassCustomSingleSelectFieldDefinition": CustomSingleSelect,
	}
	kind, ok := kinds[d.Typename]
	if !ok {
		kind = CustomOther
	}

	return CustomFieldDefinition{
		ID:               d.ID,
		Name:             deref(d.Name),
		Description:      deref(d.Description),
		Kind:             kind,
		ComponentTypeIDs: d.ComponentTypeIDs,
		Options:          d.Options,
	}
}

const listCustomFieldDefinitionsQuery = `query ListCustomFieldDefinitions($query: CompassCustomFieldDefinitionsQuery!) {
  compass {
    customFieldDefinitions(query: $query) {
      __typename
      ... on CompassCustomFieldDefinitionsConnection {
        nodes { ` + definitionSelection + ` }
      }
      ` + queryErrorSelection + `
    }
  }
}
`

// ListCustomFieldDefinitions calls compass.customFieldDefinitions for the whole site.
func (c *Client) ListCustomFieldDefinitions(ctx context.Context) ([]CustomFieldDefinition, error) {
	cloudID, err := c.CloudID(ctx)
	if err != nil {
		return nil, err
	}

	var out struct {
		Compass struct {
			Result struct {
				queryErrorJSON
				Nodes []customFieldDefinitionJSON `json:"nodes"`
			} `json:"customFieldDefinitions"`
		} `json:"compass"`
	}
	vars := map[string]any{"query": map[string]any{"cloudId": cloudID}}
	if err := c.query(ctx, listCustomFieldDefinitionsQuery, vars, &out); err != nil {
		return nil, fmt.Errorf("listing compass custom field definitions: %w", err)
	}

	if err := out.Compass.Result.err(); err != nil {
		return nil, fmt.Errorf("listing compass custom field definitions: %w", err)
	}

	defs := make([]CustomFieldDefinition, 0, len(out.Compass.Result.Nodes))
	for i := range out.Compass.Result.Nodes {
		defs = append(defs, out.Compass.Result.Nodes[i].definition())
	}

	return defs, nil
}

// CreateCustomFieldDefinition adds a createCustomFieldDefinition mutation. Kinds other than
// text, number, boolean and single select are sent as text.
func (b *Batch) CreateCustomFieldDefinition(in CustomFieldDefinitionInput) int {
	keys := map[CustomFieldKind]string{
		CustomText:         "textFieldDefinition",
		CustomNumber:       "numberFieldDefinition",
		CustomBoolean:      "booleanFieldDefinition",
		CustomSingleSelect: "singleSelectFieldDefinition",
	}
	key, ok := keys[in.Kind]
	if !ok {
		key = keys[CustomText]
	}

	build := func(cloudID string) any {
		def := map[string]any{"cloudId": cloudID, "name": in.Name}
		setIf(def, "description", in.Description)
		if len(in.ComponentTypeIDs) > 0 {
			def["componentTypeIds"] = in.ComponentTypeIDs
		}
		if in.Kind == CustomSingleSelect {
			def["options"] = in.Options
		}

		return map[string]any{key: def}
	}

	return b.add(mutation{
		field: "createCustomFieldDefinition", inputType: "CompassCreateCustomFieldDefinitionInput",
		input: build, needsCloudID: true,
		selection: " customFieldDefinition { " + definitionSelection + " }",
	})
}

// CreateCustomFieldDefinition calls compass.createCustomFieldDefinition.
func (c *Client) CreateCustomFieldDefinition(ctx context.Context, in CustomFieldDefinitionInput) (*CustomFieldDefinition, error) {
	r, err := c.sendOne(ctx, "creating compass custom field definition "+in.Name, func(b *Batch) {
		b.CreateCustomFieldDefinition(in)
	})
	if err != nil {
		return nil, err
	}

	if r.Definition == nil {
		return nil, fmt.Errorf("creating compass custom field definition %s: %w", in.Name, ErrUnexpectedResponse)
	}

	return r.Definition, nil
}

// ComponentType is a built-in or custom component type.
type ComponentType struct {
	ID          string
	Name        string
	Description string
}

// componentTypesPage is the page size for componentTypes.
const componentTypesPage = 50

const listComponentTypesQuery = `query ListComponentTypes($cloudId: ID!, $query: CompassComponentTypeQueryInput) {
  compass {
    componentTypes(cloudId: $cloudId, query: $query) {
      __typename
      ... on CompassComponentTypeConnection {
        nodes { id name description }
        pageInfo { hasNextPage endCursor }
      }
      ` + queryErrorSelection + `
    }
  }
}
`

// ListComponentTypes calls compass.componentTypes and walks every page.
func (c *Client) ListComponentTypes(ctx context.Context) ([]ComponentType, error) {
	cloudID, err := c.CloudID(ctx)
	if err != nil {
		return nil, err
	}

	var types []ComponentType
	after := ""
	for {
		page, next, err := c.componentTypesPage(ctx, cloudID, after)
		if err != nil {
			return nil, fmt.Errorf("listing compass component types: %w", err)
		}

		types = append(types, page...)
		if next == "" || next == after {
			return types, nil
		}
		after = next
	}
}

// componentTypesPage reads one page and returns the cursor of the next, or empty at the end.
func (c *Client) componentTypesPage(ctx context.Context, cloudID, after string) ([]ComponentType, string, error) {
	var out struct {
		Compass struct {
			Result struct {
				queryErrorJSON
				Nodes []struct {
					ID          string  `json:"id"`
					Name        *string `json:"name"`
					Description *string `json:"description"`
				} `json:"nodes"`
				PageInfo pageInfoJSON `json:"pageInfo"`
			} `json:"componentTypes"`
		} `json:"compass"`
	}
	q := map[string]any{"first": componentTypesPage}
	if after != "" {
		q["after"] = after
	}
	if err := c.query(ctx, listComponentTypesQuery, map[string]any{"cloudId": cloudID, "query": q}, &out); err != nil {
		return nil, "", err
	}

	res := &out.Compass.Result
	if err := res.err(); err != nil {
		return nil, "", err
	}

	types := make([]ComponentType, 0, len(res.Nodes))
	for _, n := range res.Nodes {
		types = append(types, ComponentType{ID: n.ID, Name: deref(n.Name), Description: deref(n.Description)})
	}
	if !res.PageInfo.HasNextPage {
		return types, "", nil
	}

	return types, deref(res.PageInfo.EndCursor), nil
}

// Team is a team found by SearchTeams. Compass's team search answers ids and labels, not
// display names.
type Team struct {
	// ID is the team's ARI (Compass's teamId), the value components take as ownerId.
	ID string
	// DataID is the id of Compass's own record about the team.
	DataID string
	Labels []string
}

const searchTeamsQuery = `query SearchTeams($input: CompassSearchTeamsInput!) {
  compass {
    searchTeams(input: $input) {
      __typename
      ... on CompassSearchTeamsConnection {
        nodes { id teamId labels { name } }
      }
      ` + queryErrorSelection + `
    }
  }
}
`

// SearchTeams calls compass.searchTeams with term, which Compass matches against team names.
func (c *Client) SearchTeams(ctx context.Context, term string) ([]Team, error) {
	cloudID, err := c.CloudID(ctx)
	if err != nil {
		return nil, err
	}

	var out struct {
		Compass struct {
			Result struct {
				queryErrorJSON
				Nodes []struct {
					ID     string  `json:"id"`
					TeamID *string `json:"teamId"`
					Labels []struct {
						Name string `json:"name"`
					} `json:"labels"`
				} `json:"nodes"`
			} `json:"searchTeams"`
		} `json:"compass"`
	}
	vars := map[string]any{"input": map[string]any{"cloudId": cloudID, "term": term}}
	if err := c.query(ctx, searchTeamsQuery, vars, &out); err != nil {
		return nil, fmt.Errorf("searching compass teams for %q: %w", term, err)
	}

	res := &out.Compass.Result
	if err := res.err(); err != nil {
		return nil, fmt.Errorf("searching compass teams for %q: %w", term, err)
	}

	teams := make([]Team, 0, len(res.Nodes))
	for _, n := range res.Nodes {
		t := Team{ID: deref(n.TeamID), DataID: n.ID}
		for _, l := range n.Labels {
			t.Labels = append(t.Labels, l.Name)
		}
		teams = append(teams, t)
	}

	return teams, nil
}
