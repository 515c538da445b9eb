package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"sort"
	"testing"
	"time"

	"github.com/incidentmap/incidentmap/cmd/incidentmap/internal/server"
	"github.com/incidentmap/incidentmap/cmd/incidentmap/internal/store"
)

// BenchmarkIncidentTiles serves incident tiles through the real handler
// (filters parsed, ETag, points read from the store's cache, clustering,
// MVT encoding) from the database at INCIDENTMAP_BENCH_DB, e.g. one filled
// by `incidentmap generate --incidents 1000000`; skipped without it. It
// reports the 95th percentile per tile (p95-ms) and the tile's size, for
// tiles computed afresh (from the cluster pyramid where one answers) and for
// tiles from the response cache.
func BenchmarkIncidentTiles(b *testing.B) {
	path := os.Getenv("INCIDENTMAP_BENCH_DB")
	if path == "" {
		b.Skip("set INCIDENTMAP_BENCH_DB to a database with many incidents")
	}
	db, err := store.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	start := time.Now()
	if err := db.WarmPointCache(context.Background()); err != nil {
		b.Fatal(err)
	}
	b.Logf("point cache loaded in %v", time.Since(start))
	// The cluster pyramid is built once per data version (in the
	// background in a server); "computed" tiles read it when they can.
	pyr := &server.PyramidCache{}
	v, err := db.DataVersion(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	start = time.Now()
	if err := pyr.Build(context.Background(), db, v, nil); err != nil {
		b.Fatal(err)
	}
	b.Logf("cluster pyramid built in %v", time.Since(start))
	newHandler := func() http.Handler {
		return (&server.Server{Incidents: db, Versions: db, Points: db, Pyramids: pyr}).Handler()
	}
	for _, tc := range []struct{ name, target string }{
		{"z4-middle-east", "/tiles/incidents/4/9/6.mvt"},
		{"z8-idlib", "/tiles/incidents/8/154/100.mvt"},
		{"z8-idlib-filtered", "/tiles/incidents/8/154/100.mvt?from=2015-01-01&to=2016-12-31&role=all"},
		{"z12-idlib", "/tiles/incidents/12/2464/1609.mvt"},
		{"clusters-z6-view", "/api/clusters?z=6&cell=64&bbox=30.5,31.6,44.5,39.7"},
	} {
		for _, cached := range []bool{false, true} {
			name := tc.name + map[bool]string{false: "/computed", true: "/cached"}[cached]
			b.Run(name, func(b *testing.B) {
				var times []time.Duration
				size := 0
				h := newHandler()
				for b.Loop() {
					if !cached {
						h = newHandler() // an empty response cache
					}
					rec := httptest.NewRecorder()
					st := time.Now()
					h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, tc.target, nil))
					times = append(times, time.Since(st))
					if rec.Code != http.StatusOK {
						b.Fatalf("status %d: %s", rec.Code, rec.Body)
					}
					size = rec.Body.Len()
				}
				sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
				b.ReportMetric(float64(times[len(times)*95/100].Microseconds())/1000, "p95-ms")
				b.ReportMetric(float64(size), "bytes")
			})
		}
	}
}
