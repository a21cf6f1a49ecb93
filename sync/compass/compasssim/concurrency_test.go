package compasssim

import (
	"encoding/json"
	"fmt"
	"sync"
	"testing"
)

func TestConcurrentRequestsKeepTheStateConsistent(t *testing.T) {
	t.Parallel()
	sim, url := newTestServer(t)
	team := sim.SeedTeam("Platform")

	const workers, perWorker = 4, 10
	batch := `mutation($c: ID!, $in: CreateCompassComponentInput!) { compass {
  createComponent(cloudId: $c, input: $in) { success componentDetails { name } } } }`
	errs := make(chan error, workers*perWorker)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := range perWorker {
				in := map[string]any{"name": fmt.Sprintf("w%d-%d", w, i), "typeId": "SERVICE", "ownerId": team, "labels": []string{"busy"}}
				if err := send(url, batch, map[string]any{"c": testCloud, "in": in}); err != nil {
					errs <- err
				}
				if err := send(url, searchDoc, map[string]any{"c": testCloud, "q": map[string]any{"query": "w"}}); err != nil {
					errs <- err
				}
				sim.Dump()
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}

	st := sim.Dump()
	if len(st.Components) != workers*perWorker {
		t.Fatalf("%d components, want %d", len(st.Components), workers*perWorker)
	}
	for _, c := range st.Components {
		if len(c.Labels) != 1 || c.Labels[0] != "busy" || c.OwnerID != team {
			t.Errorf("%s = %+v", c.Name, c)
		}
	}
	if got := sim.Stats().Mutations; got != workers*perWorker {
		t.Errorf("mutations = %d, want %d", got, workers*perWorker)
	}
}

// send posts a document and fails on anything but a clean answer.
func send(url, doc string, vars map[string]any) error {
	body, err := json.Marshal(map[string]any{"query": doc, "variables": vars})
	if err != nil {
		return err
	}
	resp, err := tryPost(url, testEmail, testToken, body)
	if err != nil {
		return err
	}
	if resp.Status != 200 || len(resp.Errors) > 0 {
		return fmt.Errorf("answer %d: %s", resp.Status, resp.Raw)
	}
	return nil
}
