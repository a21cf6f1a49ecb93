package compass

import (
	"encoding/json"
	"sort"
)

// Built-in field definitions that carry a component's lifecycle and tier.
const (
	FieldLifecycle = "compass:lifecycle"
	FieldTier      = "compass:tier"
)

// RelationshipDependsOn is the only relationship type the client reads and writes.
const RelationshipDependsOn = "DEPENDS_ON"

// Component is a Compass component as the client reads it.
type Component struct {
	ID          string
	Name        string
	Description string
	TypeID      string
	// OwnerID is the owner team's ARI, or empty.
	OwnerID string
	Slug    string
	// Labels are in the order Compass returned them.
	Labels          []string
	Links           []Link
	ExternalAliases []ExternalAlias
	// Lifecycle is the compass:lifecycle value (Pre-release, Active, Deprecated) or empty.
	Lifecycle string
	// Tier is the compass:tier value ("1" to "4") or empty.
	Tier         string
	CustomFields []CustomFieldValue
	// DependsOn holds the ids of the components this one depends on (outward DEPENDS_ON),
	// sorted.
	DependsOn []string
	// DependsOnComplete is false when Compass had more relationships than one page returned.
	DependsOnComplete bool
}

// HasAlias reports whether the component carries the external alias source/id.
func (c *Component) HasAlias(source, id string) bool {
	for _, a := range c.ExternalAliases {
		if a.Source == source && a.ID == id {
			return true
		}
	}

	return false
}

// Link is a component link. ID is set on links read from Compass and required by UpdateLink.
type Link struct {
	ID   string
	Type string
	URL  string
	Name string
}

// ExternalAlias ties a component to an id in another system.
type ExternalAlias struct {
	Source string
	ID     string
	URL    string
}

// CustomFieldKind is the kind of a custom field definition.
type CustomFieldKind string

// Custom field kinds the client reads and writes.
const (
	CustomText         CustomFieldKind = "text"
	CustomNumber       CustomFieldKind = "number"
	CustomBoolean      CustomFieldKind = "boolean"
	CustomSingleSelect CustomFieldKind = "single_select"
	CustomOther        CustomFieldKind = "other"
)

// CustomFieldValue is one custom field of a component. When read, every field is filled in that
// Compass returned; when written, DefinitionID, Kind and the value matching Kind are used, and a
// nil value clears the field.
type CustomFieldValue struct {
	DefinitionID   string
	DefinitionName string
	Kind           CustomFieldKind
	Text           *string
	Number         *float64
	Boolean        *bool
	// OptionID is the chosen option of a single select; OptionValue is its text, read only.
	OptionID    *string
	OptionValue string
}

// componentFragment selects everything a Component holds. Documents that use it append it.
const componentFragment = `fragment ComponentFields on CompassComponent {
  id
  name
  description
  typeId
  ownerId
  slug
  labels { name }
  links { id type url name }
  externalAliases { externalAliasId externalSource url }
  fields {
    definition { id name }
    ... on CompassEnumField { value }
  }
  customFields {
    __typename
    definition { id name }
    ... on CompassCustomTextField { textValue }
    ... on CompassCustomNumberField { numberValue }
    ... on CompassCustomBooleanField { booleanValue }
    ... on CompassCustomSingleSelectField { option { id value } }
  }
  relationships(query: {relationshipType: DEPENDS_ON, direction: OUTWARD, first: 100}) {
    __typename
    ... on CompassRelationshipConnection {
      nodes { relationshipType endNode { id } }
      pageInfo { hasNextPage }
    }
    ... on QueryError { message extensions { statusCode errorType } }
  }
}
`

// queryErrorSelection reads the QueryError arm of a result union.
const queryErrorSelection = `... on QueryError { message extensions { statusCode errorType } }`

// queryErrorJSON is the QueryError arm of a result union.
type queryErrorJSON struct {
	Typename   string `json:"__typename"`
	Message    string `json:"message"`
	Extensions []struct {
		StatusCode int    `json:"statusCode"`
		ErrorType  string `json:"errorType"`
	} `json:"extensions"`
}

// err returns the QueryError as an *APIError, or nil when the union held something else.
func (q *queryErrorJSON) err() error {
	if q.Typename != "QueryError" {
		return nil
	}

	e := &APIError{StatusCode: 200, Message: q.Message}
	if len(q.Extensions) > 0 {
		e.StatusCode = q.Extensions[0].StatusCode
		e.ErrorType = q.Extensions[0].ErrorType
	}

	return e
}

type idName struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type componentJSON struct {
	queryErrorJSON
	ID          string  `json:"id"`
	Name        string  `json:"name"`
	Description *string `json:"description"`
	TypeID      string  `json:"typeId"`
	OwnerID     *string `json:"ownerId"`
	Slug        *string `json:"slug"`
	Labels      []struct {
		Name *string `json:"name"`
	} `json:"labels"`
	Links []struct {
		ID   string  `json:"id"`
		Type string  `json:"type"`
		URL  string  `json:"url"`
		Name *string `json:"name"`
	} `json:"links"`
	ExternalAliases []struct {
		ID     string  `json:"externalAliasId"`
		Source string  `json:"externalSource"`
		URL    *string `json:"url"`
	} `json:"externalAliases"`
	Fields []struct {
		Definition *idName  `json:"definition"`
		Value      []string `json:"value"`
	} `json:"fields"`
	CustomFields  []customFieldJSON `json:"customFields"`
	Relationships *struct {
		queryErrorJSON
		Nodes []struct {
			RelationshipType string  `json:"relationshipType"`
			EndNode          *idOnly `json:"endNode"`
		} `json:"nodes"`
		PageInfo struct {
			HasNextPage bool `json:"hasNextPage"`
		} `json:"pageInfo"`
	} `json:"relationships"`
}

type idOnly struct {
	ID string `json:"id"`
}

type customFieldJSON struct {
	Typename     string   `json:"__typename"`
	Definition   *idName  `json:"definition"`
	TextValue    *string  `json:"textValue"`
	NumberValue  *float64 `json:"numberValue"`
	BooleanValue *bool    `json:"booleanValue"`
	Option       *struct {
		ID    string `json:"id"`
		Value string `json:"value"`
	} `json:"option"`
}

// decodeComponent reads a CompassComponentResult or a bare CompassComponent.
func decodeComponent(raw json.RawMessage) (*Component, error) {
	var cj componentJSON
	if err := json.Unmarshal(raw, &cj); err != nil {
		return nil, err
	}

	if err := cj.err(); err != nil {
		return nil, err
	}

	return cj.component(), nil
}

func (cj *componentJSON) component() *Component {
	c := &Component{
		ID:          cj.ID,
		Name:        cj.Name,
		Description: deref(cj.Description),
		TypeID:      cj.TypeID,
		OwnerID:     deref(cj.OwnerID),
		Slug:        deref(cj.Slug),
	}

	for _, l := range cj.Labels {
		if l.Name != nil {
			c.Labels = append(c.Labels, *l.Name)
		}
	}
	for _, l := range cj.Links {
		c.Links = append(c.Links, Link{ID: l.ID, Type: l.Type, URL: l.URL, Name: deref(l.Name)})
	}
	for _, a := range cj.ExternalAliases {
		c.ExternalAliases = append(c.ExternalAliases, ExternalAlias{Source: a.Source, ID: a.ID, URL: deref(a.URL)})
	}
	cj.readFields(c)
	for _, f := range cj.CustomFields {
		c.CustomFields = append(c.CustomFields, f.value())
	}
	cj.readRelationships(c)

	return c
}

// readFields picks lifecycle and tier out of the built-in fields, by definition id or name.
func (cj *componentJSON) readFields(c *Component) {
	for _, f := range cj.Fields {
		if f.Definition == nil || len(f.Value) == 0 {
			continue
		}

		switch {
		case f.Definition.ID == FieldLifecycle, f.Definition.Name == "lifecycle":
			c.Lifecycle = f.Value[0]
		case f.Definition.ID == FieldTier, f.Definition.Name == "tier":
			c.Tier = f.Value[0]
		}
	}
}

func (cj *componentJSON) readRelationships(c *Component) {
	rel := cj.Relationships
	if rel == nil || rel.Typename == "QueryError" {
		return
	}

	for _, n := range rel.Nodes {
		if n.EndNode != nil && (n.RelationshipType == "" || n.RelationshipType == RelationshipDependsOn) {
			c.DependsOn = append(c.DependsOn, n.EndNode.ID)
		}
	}
	sort.Strings(c.DependsOn)
	c.DependsOnComplete = !rel.PageInfo.HasNextPage
}

func (f *customFieldJSON) value() CustomFieldValue {
	v := CustomFieldValue{
		Text:    f.TextValue,
		Number:  f.NumberValue,
		Boolean: f.BooleanValue,
	}
	if f.Definition != nil {
		v.DefinitionID, v.DefinitionName = f.Definition.ID, f.Definition.Name
	}
	if f.Option != nil {
		v.OptionID, v.OptionValue = &f.Option.ID, f.Option.Value
	}

	switch f.Typename {
	case "CompassCustomTextField":
		v.Kind = CustomText
	case "CompassCustomNumberField":
		v.Kind = CustomNumber
	case "CompassCustomBooleanField":
		v.Kind = CustomBoolean
	case "CompassCustomSingleSelectField":
		v.Kind = CustomSingleSelect
	default:
		v.Kind = CustomOther
	}

	return v
}

func deref(s *string) string {
	if s == nil {
		return ""
	}

	return *s
}
