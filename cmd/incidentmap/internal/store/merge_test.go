package store

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/incidentmap/incidentmap/geo"
	"github.com/incidentmap/incidentmap/geo/merge"
)

// TestFindSameEvent_Candidates pins which stored incidents the merge
// search compares, on both of its paths: a window of a few rows (ordered
// and filtered in Go) and one denser than mergeScanLimit (ordered and
// filtered by SQL). In both, only the mergeMaxCandidates lowest ids other
// than the report's own, among those that can be at the same place, are
// compared.
func TestFindSameEvent_Candidates(t *testing.T) {
	const lat, lon = 35.93, 36.63
	match := func() *geo.Incident {
		return &geo.Incident{Place: "Idlib", Name: "Idlib", GeonameID: 169389, Lat: lat, Lon: lon, Role: geo.RoleIncident,
			Date: day("2020-01-23"), ReportDate: day("2020-01-23"), DatePrecision: geo.DatePrecisionDay,
			Sentence: "Artillery shells hit the grain silos of Idlib."}
	}
	// other is a candidate (0.05° from Idlib, same days) but no match:
	// another place, with nothing else in common.
	other := func(i int) *geo.Incident {
		return &geo.Incident{Place: "Elsewhere", Name: "Elsewhere", GeonameID: int64(1000 + i), Lat: lat + 0.05, Lon: lon,
			Role: geo.RoleIncident, Date: day("2020-01-23"), ReportDate: day("2020-01-23"), DatePrecision: geo.DatePrecisionDay,
			Sentence: "A protest was held."}
	}
	for _, tt := range []struct {
		name             string
		before, after    int  // non-matching candidates stored before and after the match
		far              bool // the ones before are in the window but too far to be the same place
		own              bool
		wantFound        bool
		wantDensePathHit bool
	}{
		{name: "sparse window finds the match", before: 3, after: 3, wantFound: true},
		{name: "the report's own incident is never a candidate", before: 3, own: true},
		{name: "dense window finds a match among the lowest ids", before: 10, after: mergeScanLimit + 10, wantFound: true, wantDensePathHit: true},
		{name: "dense window ignores a match past the cap", before: mergeMaxCandidates, after: mergeScanLimit, wantDensePathHit: true},
		{name: "sparse window ignores a match past the cap", before: mergeMaxCandidates, after: 5},
		{name: "other places do not count towards the cap", before: mergeScanLimit + 10, far: true, wantFound: true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			db := MustOpenDB(t)
			ctx := context.Background()
			var incs []*geo.Incident
			for i := 0; i < tt.before; i++ {
				o := other(i)
				if tt.far {
					o.Lat = lat + 0.15 // 17 km: in the 25 km window, past merge.NearbyKm
				}
				incs = append(incs, o)
			}
			m := match()
			incs = append(incs, m)
			for i := 0; i < tt.after; i++ {
				incs = append(incs, other(tt.before+i))
			}
			seq := func(yield func(BulkReport) bool) {
				for i, in := range incs {
					r := &geo.Report{Text: "x", Hash: fmt.Sprintf("h%d", i), Published: day("2020-01-23")}
					if !yield(BulkReport{Report: r, Incidents: []*geo.Incident{in}}) {
						return
					}
				}
			}
			if _, err := db.BulkLoad(ctx, seq, BulkOptions{}); err != nil {
				t.Fatal(err)
			}
			tx, err := db.beginWrite(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer tx.Rollback()
			var own []int64
			if tt.own {
				own = []int64{m.ID}
			}
			n, err := scanCandidates(ctx, tx, `SELECT `+candidateColumns+` FROM incidents i WHERE i.lat < ?`, lat+0.1)
			if err != nil {
				t.Fatal(err)
			}
			if dense := len(n) > mergeScanLimit; dense != tt.wantDensePathHit {
				t.Fatalf("%d rows in the window: dense=%v, want %v", len(n), dense, tt.wantDensePathHit)
			}
			got, err := db.findSameEvent(ctx, tx, 1<<40, own, match())
			if err != nil {
				t.Fatal(err)
			}
			if found := got != nil; found != tt.wantFound {
				t.Fatalf("found=%v (%v), want %v", found, got, tt.wantFound)
			}
			if got != nil && got.ID != m.ID {
				t.Errorf("found incident %d, want %d", got.ID, m.ID)
			}
		})
	}
}

// TestNearBox checks that the near box of findSameEvent holds every point
// within the distance, at the equator, mid-latitudes and near a pole.
func TestNearBox(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, lat := range []float64{0, 35.9, -60, 84, 89.95} {
		t.Run(fmt.Sprint(lat), func(t *testing.T) {
			dLat, dLon := nearBox(lat, merge.NearbyKm)
			for range 20000 {
				// A point within merge.NearbyKm: bearing and distance at random,
				// many right at the edge.
				brg := rng.Float64() * 2 * math.Pi
				d := merge.NearbyKm * math.Min(1, 0.9+rng.Float64()*0.2) / geo.EarthRadiusKm
				p1 := lat * math.Pi / 180
				p2 := math.Asin(math.Sin(p1)*math.Cos(d) + math.Cos(p1)*math.Sin(d)*math.Cos(brg))
				dl := math.Atan2(math.Sin(brg)*math.Sin(d)*math.Cos(p1), math.Cos(d)-math.Sin(p1)*math.Sin(p2))
				plat, dlon := p2*180/math.Pi, dl*180/math.Pi
				if math.Abs(plat-lat) > dLat || math.Abs(dlon) > dLon {
					t.Fatalf("point %.6f,%+.6f (%.3f km away) outside the box ±%.6f,±%.6f", plat, dlon, d*geo.EarthRadiusKm, dLat, dLon)
				}
			}
			if lat == 35.9 && (dLat > 0.1 || dLon > 0.12) {
				t.Errorf("box ±%.4f,±%.4f is much larger than %v km", dLat, dLon, merge.NearbyKm)
			}
		})
	}
}

// TestFindSameEvent_DateWindows checks that the date test of the merge
// query lets through every stored incident whose date window overlaps the
// new one's, as merge.SameEvent wants, and that SameEvent has the last word.
func TestFindSameEvent_DateWindows(t *testing.T) {
	incident := func(date string, precision int) *geo.Incident {
		return &geo.Incident{Place: "Idlib", Name: "Idlib", GeonameID: 169389, Lat: 35.93, Lon: 36.63, Role: geo.RoleIncident,
			Date: day(date), ReportDate: day(date), DatePrecision: precision,
			Sentence: "Artillery shells hit the grain silos of Idlib."}
	}
	for _, tt := range []struct {
		stored, new string
		sp, np      int
		want        bool
	}{
		{"2020-01-23", "2020-01-23", geo.DatePrecisionDay, geo.DatePrecisionDay, true},
		{"2020-01-23", "2020-01-24", geo.DatePrecisionDay, geo.DatePrecisionDay, false},
		{"2020-01-23", "2020-01-30", geo.DatePrecisionWeek, geo.DatePrecisionDay, true},
		{"2020-01-23", "2020-01-31", geo.DatePrecisionWeek, geo.DatePrecisionDay, false},
		{"2020-01-23", "2020-02-06", geo.DatePrecisionWeek, geo.DatePrecisionWeek, true},
		{"2020-02-06", "2020-01-23", geo.DatePrecisionDay, geo.DatePrecisionWeek, false},
		{"2020-01-23", "2020-02-23", geo.DatePrecisionMonth, geo.DatePrecisionDay, true},
		{"2020-02-23", "2020-01-23", geo.DatePrecisionDay, geo.DatePrecisionMonth, true},
	} {
		t.Run(fmt.Sprintf("%s p%d vs %s p%d", tt.stored, tt.sp, tt.new, tt.np), func(t *testing.T) {
			db := MustOpenDB(t)
			ctx := context.Background()
			stored := incident(tt.stored, tt.sp)
			MustCreateReport(t, db, newReport("A", tt.stored, "stored"), stored)
			tx, err := db.beginWrite(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer tx.Rollback()
			inc := incident(tt.new, tt.np)
			got, err := db.findSameEvent(ctx, tx, 1<<40, nil, inc)
			if err != nil {
				t.Fatal(err)
			}
			if want := merge.SameEvent(stored, inc); want != tt.want {
				t.Fatalf("merge.SameEvent = %v, but the case wants %v: fix the case", want, tt.want)
			}
			if (got != nil) != tt.want {
				t.Errorf("found=%v, want %v", got != nil, tt.want)
			}
		})
	}
}
