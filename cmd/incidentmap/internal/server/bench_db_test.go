package server

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/incidentmap/incidentmap/cmd/incidentmap/internal/store"
)

// BenchmarkIncidentListDB measures GET /api/incidents end to end (filter
// parsing, store query, GeoJSON encoding) on the database named by
// INCIDENTMAP_BENCH_DB (docs/bench.sh sets it to its 1M-incident
// database), with the point cache loaded as the server has it. Every
// request moves the bbox's east edge, so the response cache never answers.
// "rows" keeps the store's row cache (as serve does): the page's incidents
// come from memory after the first request; "cold" turns it off, so every
// request reads its page through SQL. Skipped when unset.
func BenchmarkIncidentListDB(b *testing.B) {
	path := os.Getenv("INCIDENTMAP_BENCH_DB")
	if path == "" {
		b.Skip("INCIDENTMAP_BENCH_DB not set")
	}
	db, err := store.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if err := db.WarmPointCache(context.Background()); err != nil {
		b.Fatal(err)
	}
	s := &Server{Incidents: db, Versions: db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	h := s.Handler()
	for _, mode := range []string{"rows", "cold"} {
		if mode == "cold" {
			db.SetRowCacheBytes(0)
		}
		for _, q := range []struct{ name, query string }{
			{"region", "bbox=36.0,35.5,%.7f,36.3&limit=1000"},
			{"region+dates+source", "bbox=36.0,35.5,%.7f,36.3&limit=1000&from=2016-01-01&to=2017-12-31&source=Levant%%20Times"},
			{"city", "bbox=36.58,35.89,%.7f,35.97&limit=1000"},
		} {
			b.Run(mode+"/"+q.name, func(b *testing.B) {
				east := map[string]float64{"region": 37.2, "region+dates+source": 37.2, "city": 36.70}[q.name]
				n := 0
				for b.Loop() {
					n++
					req := httptest.NewRequest("GET", "/api/incidents?"+fmt.Sprintf(q.query, east+float64(n)*1e-7), nil)
					w := httptest.NewRecorder()
					h.ServeHTTP(w, req)
					if w.Code != 200 {
						b.Fatalf("status %d: %s", w.Code, w.Body)
					}
					b.SetBytes(int64(w.Body.Len()))
				}
			})
		}
	}
}
