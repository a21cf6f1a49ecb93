package compass_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/backstage-sync/backstage-sync/sync/compass"
)

// BenchmarkSendBatch sends batches of DefaultBatchSize label mutations to the simulator over
// loopback: the cost of building, sending and reading one batch request.
func BenchmarkSendBatch(b *testing.B) {
	_, c := newSim(b)
	ctx := context.Background()
	id, err := c.CreateComponent(ctx, compass.ComponentInput{Name: "bench", TypeID: "SERVICE"})
	if err != nil {
		b.Fatal(err)
	}

	var batch compass.Batch
	for i := range compass.DefaultBatchSize {
		if i%2 == 0 {
			batch.AddLabels(id, []string{fmt.Sprintf("l%d", i)})
		} else {
			batch.RemoveLabels(id, []string{fmt.Sprintf("l%d", i-1)})
		}
	}

	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.SendBatch(ctx, &batch); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(compass.DefaultBatchSize), "mutations/op")
}
