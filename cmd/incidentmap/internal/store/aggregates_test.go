package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/incidentmap/incidentmap/geo"
	"github.com/incidentmap/incidentmap/geo/spatial"
)

// mixedReports stores n reports through CreateReport (merges included)
// with the cases the counts must get right: outlet and claimant names
// that differ only in ASCII case (one source under NOCASE) or in
// non-ASCII case (two), a name that is both an outlet and a claimant,
// incidents that several reports name (merged: counted once per source),
// mentions, disputed incidents, precisions 1–3, incidents needing
// review, and event dates from 1969 to 2021, month and leap-day edges
// included.
func mixedReports(tb testing.TB, db *DB, n int, seed uint64) {
	tb.Helper()
	rng := rand.New(rand.NewPCG(seed, 7))
	outlets := []string{"Levant Times", "levant times", "LEVANT TIMES", "Alpha", "Beta", "Echo", "Ünal Press", "ünal Press"}
	claimants := []string{"a local council", "A Local Council", "the ministry", "Echo", "Ärzte", "ärzte"}
	days := []string{"1969-12-22", "1969-12-27", "1969-12-28", "1969-12-31", "1970-01-01", "1970-01-04", "1970-01-05",
		"2016-02-29", "2016-03-01", "2019-12-31", "2020-01-01", "2020-01-23", "2020-02-29", "2021-06-15"}
	type event struct {
		geonameID int64
		date      string
		lon, lat  float64
		sentence  string
	}
	var events []event
	for i := range n {
		r := newReport(outlets[rng.IntN(len(outlets))], "2020-01-01", fmt.Sprintf("mixed report %d-%d", seed, i))
		var incs []*geo.Incident
		for j := range 1 + rng.IntN(3) {
			var e event
			if len(events) > 0 && rng.IntN(4) == 0 {
				e = events[rng.IntN(len(events))] // the same event again: merged
			} else {
				e = event{int64(1000 + len(events)), days[rng.IntN(len(days))],
					35.5 + rng.Float64()*2, 34.5 + rng.Float64()*2,
					fmt.Sprintf("Shelling hit the market of town %d in report %d.", len(events), i)}
				events = append(events, e)
			}
			in := &geo.Incident{Place: "Town", Name: "Town", GeonameID: e.geonameID, Lon: e.lon, Lat: e.lat,
				Date: day(e.date), Sentence: e.sentence, Role: geo.RoleIncident, Precision: 1 + rng.IntN(3),
				NeedsReview: rng.IntN(5) == 0, Start: j}
			if rng.IntN(8) == 0 {
				in.Role, in.GeonameID = geo.RoleMention, e.geonameID+100_000
			}
			for range rng.IntN(3) {
				stance := geo.StanceClaims
				if rng.IntN(6) == 0 {
					stance = geo.StanceDenies
				}
				in.Sources = append(in.Sources, geo.SourceRef{Name: claimants[rng.IntN(len(claimants))], Kind: geo.SourceClaimant, Stance: stance})
			}
			incs = append(incs, in)
		}
		MustCreateReport(tb, db, r, incs...)
	}
}

// mustLoadSmallPointCache builds the point cache even for a table under
// spatial.MinPoints, at the data version readers see.
func mustLoadSmallPointCache(tb testing.TB, db *DB) {
	tb.Helper()
	ctx := context.Background()
	s, err := db.loadPointSnapshot(ctx, 0)
	if err != nil {
		tb.Fatal(err)
	}
	v, err := db.DataVersion(ctx)
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

// aggregateFilters are the filters /api/sources and /api/histogram are
// asked with: the map's (no filter, mentions too, precision, disputed),
// boxes, dates, sources with kinds and case, a report, and combinations.
func aggregateFilters() []struct {
	name string
	f    geo.IncidentFilter
} {
	from, to := day("2016-01-01"), day("2020-01-31")
	early := day("1970-01-01")
	box := [4]float64{36.0, 35.0, 37.0, 36.0}
	return []struct {
		name string
		f    geo.IncidentFilter
	}{
		{"no filter", geo.IncidentFilter{}},
		{"incidents and mentions", geo.IncidentFilter{Roles: []geo.Role{geo.RoleIncident, geo.RoleMention}}},
		{"mentions only", geo.IncidentFilter{Roles: []geo.Role{geo.RoleMention}}},
		{"bbox", geo.IncidentFilter{BBox: &box}},
		{"bbox with nothing in it", geo.IncidentFilter{BBox: &[4]float64{0, 0, 1, 1}}},
		{"dates", geo.IncidentFilter{From: &from, To: &to}},
		{"before 1970", geo.IncidentFilter{To: &early}},
		{"bbox and narrow dates", geo.IncidentFilter{BBox: &box, From: &from, To: &to}},
		{"precision 1", geo.IncidentFilter{MaxPrecision: 1}},
		{"disputed", geo.IncidentFilter{Disputed: ptr(true)}},
		{"not disputed, needs review", geo.IncidentFilter{Disputed: ptr(false), NeedsReview: ptr(true)}},
		{"source in another case", geo.IncidentFilter{Sources: []string{"LEVANT times"}}},
		{"sources, outlets only", geo.IncidentFilter{Sources: []string{"Echo", "a local council"}, SourceKind: geo.SourceOutlet}},
		{"sources, claimants only", geo.IncidentFilter{Sources: []string{"Echo", "a local council"}, SourceKind: geo.SourceClaimant}},
		{"non-ASCII case is another source", geo.IncidentFilter{Sources: []string{"ünal press"}}},
		{"unknown source", geo.IncidentFilter{Sources: []string{"nobody"}}},
		{"report", geo.IncidentFilter{ReportID: 3, Roles: []geo.Role{geo.RoleIncident, geo.RoleMention}}},
		{"everything", geo.IncidentFilter{BBox: &box, From: &from, MaxPrecision: 2, Disputed: ptr(false),
			Sources: []string{"alpha", "the ministry"}, Roles: []geo.Role{geo.RoleIncident, geo.RoleMention}}},
	}
}

// TestAggregatesMatchSQL checks that FindSources and Histogram answer from
// the point cache exactly what the SQL GROUP BY queries (the code that
// answered them before issue 20) answer, for a table of filters, on two
// databases: CreateReport's mixed cases and 25,000 bulk-loaded incidents.
func TestAggregatesMatchSQL(t *testing.T) {
	ctx := context.Background()
	for _, data := range []struct {
		name string
		load func(testing.TB, *DB)
	}{
		{"mixed", func(tb testing.TB, db *DB) {
			mixedReports(tb, db, 300, 1)
			var merged int
			if err := db.rdb.QueryRow(`SELECT count(*) FROM (SELECT incident_id FROM incident_reports
				GROUP BY incident_id HAVING count(*) > 1)`).Scan(&merged); err != nil || merged == 0 {
				tb.Fatalf("%d incidents named by several reports (%v): the data tests no merge", merged, err)
			}
		}},
		{"bulk", func(tb testing.TB, db *DB) { bulkIncidents(tb, db, 25_000, 3) }},
	} {
		t.Run(data.name, func(t *testing.T) {
			db := MustOpenDB(t)
			data.load(t, db)
			mustLoadSmallPointCache(t, db)
			v, _ := db.DataVersion(ctx)
			spellings := map[string]string{} // by NOCASE key
			for _, tc := range aggregateFilters() {
				t.Run(tc.name, func(t *testing.T) {
					if db.points.get(v) == nil {
						t.Fatal("the point cache is not in use")
					}
					sf := tc.f
					sf.Sources, sf.SourceKind = nil, ""
					want, err := db.findSourcesSQL(ctx, sf)
					if err != nil {
						t.Fatal(err)
					}
					got, err := db.FindSources(ctx, tc.f)
					if err != nil {
						t.Fatal(err)
					}
					// A name stored in several ASCII cases is one source;
					// SQL named it by an arbitrary row's spelling, which
					// changed with the filter.
					if !slices.EqualFunc(got, want, func(a, b geo.SourceCount) bool {
						return spatial.CompareNoCase(a.Name, b.Name) == 0 && a.Kind == b.Kind && a.Count == b.Count
					}) {
						t.Errorf("FindSources from memory:\n%v\nin SQL:\n%v", got, want)
					}
					for _, c := range got {
						if spelling := spellings[spatial.FoldNoCase(c.Name)]; spelling != "" && spelling != c.Name {
							t.Errorf("source %q, but under another filter %q: want one spelling", c.Name, spelling)
						}
						spellings[spatial.FoldNoCase(c.Name)] = c.Name
					}
					total := 0
					for _, interval := range []string{"day", "week", "month"} {
						want, err := db.histogramSQL(ctx, tc.f, interval)
						if err != nil {
							t.Fatal(err)
						}
						got, err := db.Histogram(ctx, tc.f, interval)
						if err != nil {
							t.Fatal(err)
						}
						if !slices.Equal(got, want) {
							t.Errorf("Histogram(%s) from memory:\n%v\nin SQL:\n%v", interval, got, want)
						}
						for _, b := range got {
							total += b.Count
						}
					}
					if total == 0 && data.name == "mixed" && tc.name != "bbox with nothing in it" && tc.name != "unknown source" {
						t.Errorf("the filter selects nothing; it tests nothing")
					}
				})
			}
		})
	}
}

// TestAggregatesWaitForThePointCache checks that on a table large enough
// for the point cache, FindSources and Histogram at a new data version
// wait for the cache to reach it and count from it, rather than run the
// GROUP BY in SQL (13–22 s each at 1M incidents), and that they see the
// write.
func TestAggregatesWaitForThePointCache(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	bulkIncidents(t, db, spatial.MinPoints, 5)
	// Back to the real version: bulkIncidents published a made-up one.
	db.mu.Lock()
	db.version, db.checked = 0, time.Time{}
	db.mu.Unlock()
	MustCreateReport(t, db, newReport("Newcomer", "2020-01-23", "a write after the load"),
		&geo.Incident{Role: geo.RoleIncident, Lat: 35.9, Lon: 36.6, GeonameID: 1, Place: "X", Date: day("2020-01-23")})
	// Eight at once, as the map's viewers after a write: they share the
	// one build and agree.
	results := make([][]geo.SourceCount, 8)
	errs := make(chan error, len(results))
	for i := range results {
		go func() {
			var err error
			results[i], err = db.FindSources(ctx, geo.IncidentFilter{})
			errs <- err
		}()
	}
	for range results {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	counts := results[0]
	for i, r := range results {
		if !slices.Equal(r, counts) {
			t.Errorf("concurrent FindSources %d: %v, want %v", i, r, counts)
		}
	}
	v, _ := db.DataVersion(ctx)
	s := db.points.get(v)
	if s == nil {
		t.Fatal("FindSources returned without the point cache at the data version")
	}
	if !slices.Contains(counts, geo.SourceCount{Name: "Newcomer", Kind: geo.SourceOutlet, Count: 1}) {
		t.Errorf("FindSources does not count the last write: %v", counts)
	}
	if _, ok := db.points.agg(s, aggKey("sources", geo.IncidentFilter{})); !ok {
		t.Error("the counts were not kept for the version")
	}
	buckets, err := db.Histogram(ctx, geo.IncidentFilter{Sources: []string{"newcomer"}}, "month")
	if err != nil {
		t.Fatal(err)
	}
	if want := []geo.Bucket{{Date: day("2020-01-01"), Count: 1}}; !slices.Equal(buckets, want) {
		t.Errorf("Histogram of the newcomer = %v, want %v", buckets, want)
	}
}
