package compass_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/backstage-sync/backstage-sync/sync/compass"
)

func TestSearchTeamsEachAnswersEveryTermInOneRequest(t *testing.T) {
	t.Parallel()
	sim, c := newSim(t)
	payments := sim.SeedTeam("payments team")
	search := sim.SeedTeam("search team")
	ctx := context.Background()
	if _, err := c.CloudID(ctx); err != nil {
		t.Fatal(err)
	}
	before := sim.Stats().Requests

	found, err := c.SearchTeamsEach(ctx, []string{"search team", "nobody", "payments team"})
	if err != nil {
		t.Fatal(err)
	}

	if n := sim.Stats().Requests - before; n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
	want := []string{search, "", payments}
	for i, teams := range found {
		got := ""
		if len(teams) == 1 {
			got = teams[0].ID
		}
		if got != want[i] || len(teams) > 1 {
			t.Errorf("term %d: teams %+v, want %q", i, teams, want[i])
		}
	}
}

func TestSearchTeamsEachRefusesTooManyTerms(t *testing.T) {
	t.Parallel()
	_, c := newSim(t)
	terms := make([]string, compass.MaxTeamSearchesPerRequest+1)
	for i := range terms {
		terms[i] = fmt.Sprint("team ", i)
	}

	for _, tt := range []struct {
		name  string
		terms []string
	}{{"no term", nil}, {"one term too many", terms}} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := c.SearchTeamsEach(context.Background(), tt.terms); !errors.Is(err, compass.ErrTooManyTerms) {
				t.Errorf("error = %v, want ErrTooManyTerms", err)
			}
		})
	}
}
