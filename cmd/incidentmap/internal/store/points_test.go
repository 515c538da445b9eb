package store

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/incidentmap/incidentmap/geo"
	"github.com/incidentmap/incidentmap/geo/spatial"
)

// mustLoadPointCache builds the point cache synchronously, as the
// background refresh would.
func mustLoadPointCache(tb testing.TB, db *DB) {
	tb.Helper()
	s, err := db.loadPointSnapshot(context.Background(), spatial.MinPoints)
	if err != nil {
		tb.Fatal(err)
	}
	if s == nil {
		tb.Fatal("loadPointSnapshot = nil: too few incidents to cache")
	}
	// bulkIncidents publishes a made-up version; the snapshot must carry
	// the one readers see or it would never be used.
	v, err := db.DataVersion(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	s = s.AtVersion(v)
	db.points.idx.Publish(s)
	db.points.mu.Lock()
	db.points.sets = nil
	db.points.mu.Unlock()
	db.points.aggs.Drop()
}

// findAllIDs pages through FindIncidents and returns every matching id.
func findAllIDs(tb testing.TB, db *DB, f geo.IncidentFilter) []int64 {
	tb.Helper()
	f.Limit = MaxLimit
	var ids []int64
	for {
		page, _, err := db.FindIncidents(context.Background(), f)
		if err != nil {
			tb.Fatal(err)
		}
		for _, in := range page {
			ids = append(ids, in.ID)
		}
		if len(page) < f.Limit {
			return ids
		}
		f.AfterID = page[len(page)-1].ID
	}
}

func eachPointIDs(tb testing.TB, db *DB, f geo.IncidentFilter, bound [4]float64) []int64 {
	tb.Helper()
	var ids []int64
	err := db.EachPoint(context.Background(), f, bound, func(p geo.PointRow) error {
		if p.Source == "" || (p.Role != "incident" && p.Role != "mention") || p.Precision < 1 || p.Date == 0 {
			tb.Fatalf("incomplete point %+v", p)
		}
		ids = append(ids, p.ID)
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	slices.Sort(ids)
	return ids
}

// TestEachPointMatchesFindIncidents checks that both ways EachPoint
// answers (SQL, and the in-memory cache) select exactly the incidents
// FindIncidents does, filter by filter.
func TestEachPointMatchesFindIncidents(t *testing.T) {
	db := MustOpenDB(t)
	bulkIncidents(t, db, 25_000, 7)
	from, to := day("2014-01-01"), day("2019-06-30")
	region := [4]float64{36.1, 35.4, 37.3, 36.4}
	cases := []struct {
		name  string
		f     geo.IncidentFilter
		bound [4]float64
	}{
		{"world", geo.IncidentFilter{}, geo.WorldBound()},
		{"region", geo.IncidentFilter{}, region},
		{"bbox filter narrows the bound", geo.IncidentFilter{BBox: &[4]float64{36.5, 35.8, 40, 40}}, region},
		{"dates", geo.IncidentFilter{From: &from, To: &to}, region},
		{"source any case", geo.IncidentFilter{Sources: []string{"outlet 03", "Claimant 2"}}, region},
		{"claimant kind", geo.IncidentFilter{Sources: []string{"Claimant 2"}, SourceKind: geo.SourceClaimant}, geo.WorldBound()},
		{"mentions and incidents", geo.IncidentFilter{Roles: []geo.Role{geo.RoleIncident, geo.RoleMention}}, region},
		{"mentions only", geo.IncidentFilter{Roles: []geo.Role{geo.RoleMention}}, geo.WorldBound()},
		{"precision", geo.IncidentFilter{MaxPrecision: 1}, region},
		{"not disputed", geo.IncidentFilter{Disputed: ptr(false)}, region},
		{"report", geo.IncidentFilter{ReportID: 3, Roles: []geo.Role{geo.RoleIncident, geo.RoleMention}}, geo.WorldBound()},
		{"disjoint bbox", geo.IncidentFilter{BBox: &[4]float64{0, 0, 1, 1}}, region},
	}
	// The expected ids come from FindIncidents in SQL, before the cache
	// exists; with it, FindIncidents answers from the cache too and must
	// agree, count and pages included.
	wants := make([][]int64, len(cases))
	for i, tc := range cases {
		wants[i] = []int64{}
		f := tc.f
		if b, ok := intersectBound(tc.bound, f.BBox); ok {
			f.BBox = &b
			wants[i] = findAllIDs(t, db, f)
		}
		if tc.name != "disjoint bbox" && len(wants[i]) == 0 {
			t.Fatalf("%s selects nothing; it tests nothing", tc.name)
		}
	}
	for _, cached := range []bool{false, true} {
		if cached {
			mustLoadPointCache(t, db)
		}
		for i, tc := range cases {
			t.Run(tc.name+map[bool]string{false: "/sql", true: "/cache"}[cached], func(t *testing.T) {
				want := wants[i]
				got := eachPointIDs(t, db, tc.f, tc.bound)
				v, _ := db.DataVersion(context.Background())
				if cached != (db.points.get(v) != nil) {
					t.Fatalf("point cache in use = %v, want %v", !cached, cached)
				}
				if len(got) != len(want) || !slices.Equal(got, want) {
					t.Fatalf("EachPoint gave %d ids, FindIncidents %d", len(got), len(want))
				}
				if !cached {
					return
				}
				f := tc.f
				b, ok := intersectBound(tc.bound, f.BBox)
				if !ok {
					return
				}
				f.BBox = &b
				if got := findAllIDs(t, db, f); !slices.Equal(got, want) {
					t.Fatalf("FindIncidents from the cache gave %d ids, from SQL %d", len(got), len(want))
				}
				assertPages(t, db, f, want)
			})
		}
	}
	// Sixteen requests at once with a source filter not asked before share
	// one query for its id set (singleflight) and all get the same answer.
	t.Run("concurrent source filter", func(t *testing.T) {
		f := geo.IncidentFilter{Sources: []string{"Outlet 05"}, BBox: &region}
		want := findAllIDs(t, db, f)
		if len(want) == 0 {
			t.Fatal("Outlet 05 has no incidents in the region; the test tests nothing")
		}
		db.points.mu.Lock()
		db.points.sets = nil // as after a write: the set is built again
		db.points.mu.Unlock()
		errs := make(chan error, 16)
		for range 16 {
			go func() {
				_, n, err := db.FindIncidents(context.Background(), f)
				if err == nil && n != len(want) {
					err = fmt.Errorf("%d incidents, want %d", n, len(want))
				}
				errs <- err
			}()
		}
		for range 16 {
			if err := <-errs; err != nil {
				t.Error(err)
			}
		}
	})
}

// assertPages checks FindIncidents' count and its pages by offset and by
// after_id against all, the ids f selects in order.
func assertPages(t *testing.T, db *DB, f geo.IncidentFilter, all []int64) {
	t.Helper()
	for _, p := range []struct {
		after         int64
		offset, limit int
	}{{0, 0, 1}, {0, 0, 7}, {0, 3, 5}, {0, len(all) - 2, 10}, {0, len(all) + 5, 10}, {0, math.MaxInt, 10}} {
		for _, byAfter := range []bool{false, true} {
			if byAfter && len(all) > p.offset && p.offset > 0 {
				p.after, p.offset = all[p.offset-1], 0
			}
			f.AfterID, f.Offset, f.Limit = p.after, p.offset, p.limit
			page, n, err := db.FindIncidents(context.Background(), f)
			if err != nil {
				t.Fatal(err)
			}
			start, _ := slices.BinarySearch(all, p.after+1)
			if p.offset > len(all)-start {
				start = len(all)
			} else {
				start += p.offset
			}
			want := all[start:min(start+p.limit, len(all))]
			got := make([]int64, len(page))
			for i, in := range page {
				got[i] = in.ID
			}
			if n != len(all) || !slices.Equal(got, want) {
				t.Fatalf("after=%d offset=%d limit=%d: matched %d, page %v; want %d, %v", p.after, p.offset, p.limit, n, got, len(all), want)
			}
		}
	}
}

func TestEachPointRejectsBadBound(t *testing.T) {
	db := MustOpenDB(t)
	for _, b := range [][4]float64{{10, 0, 5, 1}, {0, 0, 200, 1}} {
		err := db.EachPoint(context.Background(), geo.IncidentFilter{}, b, func(geo.PointRow) error { return nil })
		if geo.ErrorCode(err) != geo.EINVALID {
			t.Errorf("EachPoint(bound %v) = %v, want EINVALID", b, err)
		}
	}
}

// BenchmarkEachPoint reads the points of a z4 tile over the Middle East
// (nearly the whole table) and a z8 tile over Idlib from 1,000,000
// incidents, from SQL and from the cache. Building the database takes
// minutes: set INCIDENTMAP_BENCH_DB to a file path to keep it between runs.
func BenchmarkEachPoint(b *testing.B) {
	path := os.Getenv("INCIDENTMAP_BENCH_DB")
	if path == "" {
		path = filepath.Join(b.TempDir(), "bench.db")
	}
	_, statErr := os.Stat(path)
	db, err := Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if statErr != nil {
		bulkIncidents(b, db, 1_000_000, 1)
	}
	start := time.Now()
	mustLoadPointCache(b, db)
	b.Logf("cache of %d points loaded in %v", db.points.idx.Current().Len(), time.Since(start))
	for _, bm := range []struct {
		name  string
		bound [4]float64
		f     geo.IncidentFilter
	}{
		// maptile 4/9/6 and 8/154/101, plus 16 px of buffer.
		{"z4-middle-east", [4]float64{22.1, 21.3, 45.7, 41.6}, geo.IncidentFilter{}},
		{"z8-idlib", [4]float64{36.55, 35.46, 37.99, 36.63}, geo.IncidentFilter{}},
		{"z4-middle-east+source", [4]float64{22.1, 21.3, 45.7, 41.6}, geo.IncidentFilter{Sources: []string{"Outlet 03"}}},
	} {
		for _, cached := range []bool{false, true} {
			name := bm.name + map[bool]string{false: "/sql", true: "/cache"}[cached]
			b.Run(name, func(b *testing.B) {
				if !cached {
					// A snapshot at an impossible version is never used;
					// holding it keeps refresh from replacing it.
					cur := db.points.idx.Current()
					release := db.points.idx.Hold(spatial.NewBuilder(-1, 0).Build())
					defer func() { release(); db.points.idx.Publish(cur) }()
				}
				var times []time.Duration
				n := 0
				for b.Loop() {
					st := time.Now()
					n = 0
					if err := db.EachPoint(context.Background(), bm.f, bm.bound, func(geo.PointRow) error { n++; return nil }); err != nil {
						b.Fatal(err)
					}
					times = append(times, time.Since(st))
				}
				sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
				b.ReportMetric(float64(times[len(times)*95/100].Microseconds())/1000, "p95-ms")
				b.ReportMetric(float64(n), "points")
			})
		}
	}
}
