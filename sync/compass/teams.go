package compass

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// MaxTeamSearchesPerRequest bounds the searches SearchTeamsEach puts in one request.
const MaxTeamSearchesPerRequest = 25

// searchTeamsJSON is one compass.searchTeams answer.
type searchTeamsJSON struct {
	queryErrorJSON
	Nodes []struct {
		ID     string  `json:"id"`
		TeamID *string `json:"teamId"`
		Labels []struct {
			Name string `json:"name"`
		} `json:"labels"`
	} `json:"nodes"`
}

func (s *searchTeamsJSON) teams() []Team {
	teams := make([]Team, 0, len(s.Nodes))
	for _, n := range s.Nodes {
		t := Team{ID: deref(n.TeamID), DataID: n.ID}
		for _, l := range n.Labels {
			t.Labels = append(t.Labels, l.Name)
		}
		teams = append(teams, t)
	}

	return teams
}

// SearchTeamsEach calls compass.searchTeams once per term, every call under its own alias in
// one request, and returns the teams found for each term in the order of terms. It takes at
// most MaxTeamSearchesPerRequest terms.
func (c *Client) SearchTeamsEach(ctx context.Context, terms []string) ([][]Team, error) {
	if len(terms) == 0 || len(terms) > MaxTeamSearchesPerRequest {
		return nil, fmt.Errorf("searching compass teams for %d terms: %w", len(terms), ErrTooManyTerms)
	}
	cloudID, err := c.CloudID(ctx)
	if err != nil {
		return nil, err
	}

	doc, vars := teamSearchesDocument(cloudID, terms)
	var out struct {
		Compass map[string]json.RawMessage `json:"compass"`
	}
	if err := c.query(ctx, doc, vars, &out); err != nil {
		return nil, fmt.Errorf("searching compass teams for %d terms: %w", len(terms), err)
	}

	found := make([][]Team, len(terms))
	for i, term := range terms {
		var s searchTeamsJSON
		raw, ok := out.Compass["t"+strconv.Itoa(i)]
		if !ok {
			return nil, fmt.Errorf("searching compass teams for %q: %w: no answer", term, ErrUnexpectedResponse)
		}
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, fmt.Errorf("searching compass teams for %q: %w: %v", term, ErrUnexpectedResponse, err)
		}
		if err := s.err(); err != nil {
			return nil, fmt.Errorf("searching compass teams for %q: %w", term, err)
		}
		found[i] = s.teams()
	}

	return found, nil
}

// teamSearchesDocument builds a query with one aliased searchTeams per term.
func teamSearchesDocument(cloudID string, terms []string) (string, map[string]any) {
	var params, fields strings.Builder
	vars := make(map[string]any, len(terms))
	for i, term := range terms {
		n := strconv.Itoa(i)
		if i > 0 {
			params.WriteString(", ")
		}
		params.WriteString("$i" + n + ": CompassSearchTeamsInput!")
		fields.WriteString("    t" + n + ": searchTeams(input: $i" + n + ") {\n" +
			"      __typename\n" +
			"      ... on CompassSearchTeamsConnection { nodes { id teamId labels { name } } }\n" +
			"      " + queryErrorSelection + "\n    }\n")
		vars["i"+n] = map[string]any{"cloudId": cloudID, "term": term}
	}

	return "query SearchTeamsEach(" + params.String() + ") {\n  compass {\n" + fields.String() + "  }\n}\n", vars
}
