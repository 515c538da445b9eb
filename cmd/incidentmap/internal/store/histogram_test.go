package store

import (
	"context"
	"slices"
	"testing"

	"github.com/incidentmap/incidentmap/geo"
)

// TestHistogramWeeksStartOnMonday checks the week buckets of dates
// around 1970-01-01 (day 0, a Thursday): SQL's % truncates towards zero,
// so "day - ((day + 3) % 7)" put 1969-12-27 (a Saturday) in a week
// starting 1969-12-29, two days later.
func TestHistogramWeeksStartOnMonday(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	for i, d := range []string{"1969-12-21", "1969-12-22", "1969-12-27", "1969-12-28", "1969-12-29", "1970-01-01", "1970-01-04", "1970-01-05"} {
		MustCreateReport(t, db, newReport("A", d, "week "+d),
			&geo.Incident{Role: geo.RoleIncident, Lat: 35, Lon: 36, GeonameID: int64(i + 1), Place: "X", Date: day(d)})
	}
	want := []geo.Bucket{{Date: day("1969-12-15"), Count: 1}, {Date: day("1969-12-22"), Count: 3},
		{Date: day("1969-12-29"), Count: 3}, {Date: day("1970-01-05"), Count: 1}}
	for _, cached := range []bool{false, true} {
		if cached {
			mustLoadSmallPointCache(t, db)
		}
		got, err := db.Histogram(ctx, geo.IncidentFilter{}, "week")
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, want) {
			t.Errorf("cached=%v: weeks %v, want %v", cached, got, want)
		}
	}
}
