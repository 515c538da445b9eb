package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/incidentmap/incidentmap/geo"
)

// towns around which most synthetic incidents cluster (lon, lat).
var benchTowns = [][2]float64{
	{36.63, 35.93}, {37.16, 36.20}, {36.80, 35.86}, {37.04, 35.74}, {36.72, 34.73},
	{36.29, 33.51}, {38.99, 35.95}, {40.14, 35.33}, {35.78, 35.52}, {36.16, 36.20},
}

// bulkIncidents inserts n synthetic incidents with BulkLoad (no merge
// search, which is not under test), five per report, spread over 40
// outlets with a skewed distribution: 80% clustered around benchTowns, 20%
// over the Middle East, dates 2011-2024, 10% mentions, half of them with a
// claimant.
func bulkIncidents(tb testing.TB, db *DB, n int, seed uint64) {
	tb.Helper()
	rng := rand.New(rand.NewPCG(seed, 42))
	const outlets = 40
	start := time.Date(2011, 1, 1, 0, 0, 0, 0, time.UTC)
	sentence := strings.Repeat("Shelling was reported near the town, according to local sources. ", 3)
	reports := func(yield func(BulkReport) bool) {
		for i := 0; i < n; i += 5 {
			o := int(float64(outlets) * rng.Float64() * rng.Float64()) // skewed towards low numbers
			r := &geo.Report{Text: "bulk", Hash: fmt.Sprintf("bulk-%d-%d", seed, i), Published: start,
				Source: fmt.Sprintf("Outlet %02d", o)}
			incs := make([]*geo.Incident, min(5, n-i))
			for j := range incs {
				var lon, lat float64
				if rng.Float64() < 0.8 {
					t := benchTowns[rng.IntN(len(benchTowns))]
					lon, lat = t[0]+rng.NormFloat64()*0.08, t[1]+rng.NormFloat64()*0.08
				} else {
					lon, lat = 30+rng.Float64()*18, 29+rng.Float64()*13
				}
				d := start.AddDate(0, 0, rng.IntN(14*365))
				in := &geo.Incident{Date: d, ReportDate: d, Place: "Town", Name: "Town", GeonameID: int64(rng.IntN(1000) + 1),
					Lat: lat, Lon: lon, Role: geo.RoleIncident, Precision: 1 + rng.IntN(3), Confidence: 0.9, Sentence: sentence}
				if rng.IntN(10) == 0 {
					in.Role = geo.RoleMention
				}
				if rng.IntN(2) == 0 {
					in.Sources = []geo.SourceRef{{Name: fmt.Sprintf("Claimant %d", rng.IntN(8)), Kind: geo.SourceClaimant, Stance: geo.StanceClaims}}
				}
				incs[j] = in
			}
			if !yield(BulkReport{Report: r, Incidents: incs}) {
				return
			}
		}
	}
	if _, err := db.BulkLoad(context.Background(), reports, BulkOptions{Offline: true}); err != nil {
		tb.Fatal(err)
	}
	db.setVersion(1 << 40) // forget cached counts
}

// BenchmarkFindIncidentsBBox measures issue 8's queries on 200k
// synthetic incidents. The count cache is reset every iteration so each
// one pays for the count as a first request would; "cached" keeps it.
func BenchmarkFindIncidentsBBox(b *testing.B) {
	db := MustOpenDB(b)
	bulkIncidents(b, db, 200_000, 1)
	from, to := time.Date(2016, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2017, 12, 31, 0, 0, 0, 0, time.UTC)
	for _, bm := range []struct {
		name   string
		f      geo.IncidentFilter
		cached bool
	}{
		{"region", geo.IncidentFilter{BBox: &[4]float64{36.0, 35.5, 37.2, 36.3}, Limit: 1000}, false},
		{"region/cached", geo.IncidentFilter{BBox: &[4]float64{36.0, 35.5, 37.2, 36.3}, Limit: 1000}, true},
		{"region+dates+source", geo.IncidentFilter{BBox: &[4]float64{36.0, 35.5, 37.2, 36.3}, Limit: 1000,
			From: &from, To: &to, Sources: []string{"Outlet 03"}}, false},
		{"city", geo.IncidentFilter{BBox: &[4]float64{36.58, 35.89, 36.70, 35.97}, Limit: 1000}, false},
		{"no bbox", geo.IncidentFilter{Limit: 1000}, false},
	} {
		b.Run(bm.name, func(b *testing.B) { benchFind(b, db, bm.f, !bm.cached) })
	}
}

// BenchmarkFindIncidentsDB runs the queries of issue 8 against an
// existing database named by INCIDENTMAP_BENCH_DB (docs/bench.sh sets it
// to its generated 1M-incident database), without the count cache, so
// each iteration costs what a first request does. Skipped when unset.
func BenchmarkFindIncidentsDB(b *testing.B) {
	path := os.Getenv("INCIDENTMAP_BENCH_DB")
	if path == "" {
		b.Skip("INCIDENTMAP_BENCH_DB not set")
	}
	db, err := Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	from, to := time.Date(2016, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2017, 12, 31, 0, 0, 0, 0, time.UTC)
	queries := []struct {
		name string
		f    geo.IncidentFilter
	}{
		{"region", geo.IncidentFilter{BBox: &[4]float64{36.0, 35.5, 37.2, 36.3}, Limit: 1000}},
		{"region+dates+source", geo.IncidentFilter{BBox: &[4]float64{36.0, 35.5, 37.2, 36.3}, Limit: 1000,
			From: &from, To: &to, Sources: []string{"Levant Times"}}},
		{"city", geo.IncidentFilter{BBox: &[4]float64{36.58, 35.89, 36.70, 35.97}, Limit: 1000}},
		{"small", geo.IncidentFilter{BBox: &[4]float64{44.30, 33.25, 44.45, 33.40}, Limit: 1000}},
	}
	// "sql" answers from SQLite alone, "points" with the in-memory point
	// cache, as the server does once it has loaded it.
	release := func() {}
	for _, mode := range []string{"sql", "points"} {
		if mode == "points" {
			release() // undo holdPointCache
			if err := db.WarmPointCache(ctx); err != nil {
				b.Fatal(err)
			}
		} else {
			release = holdPointCache(db)
		}
		for _, bm := range queries {
			b.Run(bm.name+"/"+mode, func(b *testing.B) { benchFind(b, db, bm.f, true) })
		}
	}
}

// holdPointCache drops the point cache and keeps it from being rebuilt,
// so that queries are answered in SQL, until release.
func holdPointCache(db *DB) (release func()) {
	return db.points.idx.Hold(nil)
}

// benchFind runs FindIncidents(f) per iteration, clearing the count cache
// first when resetCounts, so that each pays for the count as a first
// request would, and reports the matched and returned counts.
func benchFind(b *testing.B, db *DB, f geo.IncidentFilter, resetCounts bool) {
	var n, got int
	for b.Loop() {
		if resetCounts {
			db.mu.Lock()
			clear(db.counts)
			db.mu.Unlock()
		}
		incs, total, err := db.FindIncidents(context.Background(), f)
		if err != nil {
			b.Fatal(err)
		}
		n, got = total, len(incs)
	}
	b.ReportMetric(float64(n), "matched")
	b.ReportMetric(float64(got), "returned")
}

// BenchmarkAggregatesDB measures FindSources and Histogram from the point
// cache on the database INCIDENTMAP_BENCH_DB names (docs/bench.sh: the 1M
// one), with the per-version aggregate cache dropped every iteration, so
// each pays for its walk as the first request of a filter would.
func BenchmarkAggregatesDB(b *testing.B) {
	path := os.Getenv("INCIDENTMAP_BENCH_DB")
	if path == "" {
		b.Skip("INCIDENTMAP_BENCH_DB not set")
	}
	db, err := Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	start := time.Now()
	if err := db.WarmPointCache(ctx); err != nil {
		b.Fatal(err)
	}
	b.Logf("point cache with source sets loaded in %v", time.Since(start))
	from, to := time.Date(2016, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2017, 12, 31, 0, 0, 0, 0, time.UTC)
	region := &[4]float64{36.0, 35.5, 37.2, 36.3}
	for _, bm := range []struct {
		name string
		f    geo.IncidentFilter
	}{
		{"all", geo.IncidentFilter{}},
		{"region", geo.IncidentFilter{BBox: region}},
		{"region+dates+source", geo.IncidentFilter{BBox: region, From: &from, To: &to, Sources: []string{"Levant Times"}}},
	} {
		for _, kind := range []string{"sources", "histogram"} {
			b.Run(bm.name+"/"+kind, func(b *testing.B) {
				for b.Loop() {
					db.points.aggs.Drop()
					var err error
					if kind == "sources" {
						_, err = db.FindSources(ctx, bm.f)
					} else {
						_, err = db.Histogram(ctx, bm.f, "month")
					}
					if err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
