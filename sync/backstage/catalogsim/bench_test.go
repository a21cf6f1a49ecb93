package catalogsim_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"sync"
	"testing"

	"github.com/backstage-sync/backstage-sync/sync/backstage"
	"github.com/backstage-sync/backstage-sync/sync/backstage/catalogsim"
)

const benchSize = 50_000

var (
	benchOnce sync.Once
	benchSim  *catalogsim.Server
)

// bigCatalog returns a server holding 50,000 generated components and their groups, built
// once for all benchmarks.
func bigCatalog(b *testing.B) *catalogsim.Server {
	b.Helper()
	benchOnce.Do(func() {
		benchSim = catalogsim.New(catalogsim.Options{})
		for _, e := range catalogsim.Generate(benchSize, 1) {
			if err := benchSim.Put(e); err != nil {
				b.Fatal(err)
			}
		}
		stitch(benchSim)
	})
	return benchSim
}

var incrementalFields = []string{"kind", "metadata.namespace", "metadata.name", "metadata.uid", "metadata.etag"}

// BenchmarkHandlerFieldsOnlyListing pages through 50,000 components with the fields an
// incremental run asks for, calling the handler directly.
func BenchmarkHandlerFieldsOnlyListing(b *testing.B) {
	for _, limit := range []int{500, 5000} {
		b.Run("limit="+strconv.Itoa(limit), func(b *testing.B) {
			sim := bigCatalog(b)
			b.ReportAllocs()
			for b.Loop() {
				n := listThroughHandler(b, sim, limit)
				if n != benchSize {
					b.Fatalf("listed %d", n)
				}
			}
			b.ReportMetric(float64(benchSize), "entities/op")
		})
	}
}

func listThroughHandler(b *testing.B, sim *catalogsim.Server, limit int) int {
	target := "/api/catalog/entities/by-query?filter=kind%3Dcomponent&limit=" + strconv.Itoa(limit) +
		"&fields=kind,metadata.namespace,metadata.name,metadata.uid,metadata.etag"
	total := 0
	for {
		rec := httptest.NewRecorder()
		sim.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
		var page struct {
			Items    []struct{} `json:"items"`
			PageInfo struct {
				NextCursor string `json:"nextCursor"`
			} `json:"pageInfo"`
		}
		if err := jsonDecode(rec.Body.Bytes(), &page); err != nil {
			b.Fatal(err)
		}
		total += len(page.Items)
		if page.PageInfo.NextCursor == "" {
			return total
		}
		target = "/api/catalog/entities/by-query?limit=" + strconv.Itoa(limit) +
			"&fields=kind,metadata.namespace,metadata.name,metadata.uid,metadata.etag&cursor=" + page.PageInfo.NextCursor
	}
}

// BenchmarkClientFieldsOnlyListing is the same listing through the client over loopback.
func BenchmarkClientFieldsOnlyListing(b *testing.B) {
	sim := bigCatalog(b)
	srv := httptest.NewServer(sim)
	defer srv.Close()
	c, err := backstage.New(srv.URL, nil)
	if err != nil {
		b.Fatal(err)
	}
	opts := backstage.ListOptions{Filters: []string{"kind=component"}, Fields: incrementalFields}

	b.ReportAllocs()
	for b.Loop() {
		n := 0
		err := c.ListEntities(context.Background(), opts, func(page []backstage.Entity) error {
			n += len(page)
			return nil
		})
		if err != nil || n != benchSize {
			b.Fatalf("listed %d: %v", n, err)
		}
	}
	b.ReportMetric(float64(benchSize), "entities/op")
}

// BenchmarkLoad measures putting 50,000 components and stitching them, and the heap the
// loaded server holds per entity.
func BenchmarkLoad(b *testing.B) {
	entities := catalogsim.Generate(benchSize, 2)
	var heap uint64
	for b.Loop() {
		before := heapInUse()
		sim := catalogsim.New(catalogsim.Options{})
		for _, e := range entities {
			if err := sim.Put(e); err != nil {
				b.Fatal(err)
			}
		}
		stitch(sim)
		heap = heapInUse() - before
		runtime.KeepAlive(sim)
	}
	b.ReportMetric(float64(heap)/float64(len(entities)), "heap-B/entity")
}

func heapInUse() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// stitch makes the server build every served document, as its first request does.
func stitch(sim *catalogsim.Server) {
	sim.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/api/catalog/entities/by-query?limit=1", nil))
}
