package mapping

import (
	"fmt"
	"testing"
)

// BenchmarkMap maps a catalog of 50,000 entities per iteration, so ns/op is the time for the
// whole catalog.
func BenchmarkMap(b *testing.B) {
	base := readEntity(b, "testdata/entities/coupon-api.json")
	entities := make([]map[string]any, 50_000)
	for i := range entities {
		entities[i] = cloneWithName(base, fmt.Sprintf("svc-%05d", i))
	}

	rules := Default()
	rules.Links.TechDocsBaseURL = "https://bs.example/docs"
	rules.Filters.Exclude = append(rules.Filters.Exclude, FilterRule{Expression: `"skip-me" in tags`})
	m := mustCompile(b, rules)
	env := testEnv()

	b.ReportAllocs()
	for b.Loop() {
		for _, e := range entities {
			if _, skip := m.Map(e, env); skip != nil {
				b.Fatalf("skipped: %+v", skip)
			}
		}
	}
}

func cloneWithName(doc map[string]any, name string) map[string]any {
	out := make(map[string]any, len(doc))
	for k, v := range doc {
		out[k] = v
	}
	meta := make(map[string]any)
	for k, v := range doc["metadata"].(map[string]any) {
		meta[k] = v
	}
	meta["name"] = name
	out["metadata"] = meta

	return out
}
