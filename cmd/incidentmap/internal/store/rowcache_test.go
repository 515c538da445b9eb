package store

import (
	"context"
	"reflect"
	"testing"

	"github.com/incidentmap/incidentmap/geo"
)

// TestRowCache_PagesMatchUncached reads the same pages twice (the second
// time from the row cache) and through a database without the cache, for
// filters taking each of FindIncidents' paths, and for pages that overlap
// (so some rows come from the cache and some from SQL).
func TestRowCache_PagesMatchUncached(t *testing.T) {
	db := MustOpenDB(t)
	bulkIncidents(t, db, 3000, 7)
	plain, err := Open(db.Path) // the same file, without the row cache
	if err != nil {
		t.Fatal(err)
	}
	defer plain.Close()
	plain.SetRowCacheBytes(0)
	ctx := context.Background()
	filters := []geo.IncidentFilter{
		{Limit: 50},
		{Limit: 50, AfterID: 25},
		{Limit: 200, Offset: 10},
		{BBox: &[4]float64{35.5, 33, 38, 37}, Limit: 100},
		{BBox: &[4]float64{35.5, 33, 38, 37}, Limit: 100, Offset: 40},
		{BBox: &[4]float64{35.5, 33, 38, 37}, From: ptr(day("2015-01-01")), To: ptr(day("2015-06-30"))},
		{Sources: []string{"Outlet 01"}, Limit: 30},
	}
	for round := range 2 {
		for _, f := range filters {
			got, gn, err := db.FindIncidents(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			want, wn, err := plain.FindIncidents(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			if gn != wn || len(got) != len(want) || len(got) == 0 {
				t.Fatalf("round %d, %+v: %d of %d, want %d of %d", round, f, len(got), gn, len(want), wn)
			}
			for i := range want {
				if !reflect.DeepEqual(got[i], want[i]) {
					t.Fatalf("round %d, %+v: incident %d:\n got %+v\nwant %+v", round, f, want[i].ID, got[i], want[i])
				}
			}
		}
	}
	if n, _ := db.rows.Len(); n == 0 {
		t.Fatal("the row cache holds nothing after two rounds of pages")
	}
	if n, _ := plain.rows.Len(); n != 0 {
		t.Fatal("a disabled row cache holds rows")
	}
	// Later pages (an export paging by after_id) are read, not kept.
	db.rows.Drop()
	for _, f := range []geo.IncidentFilter{{Limit: 50, AfterID: 100}, {Limit: 50, Offset: 100}} {
		if page, _, err := db.FindIncidents(ctx, f); err != nil || len(page) != 50 {
			t.Fatalf("%+v: %d incidents, %v", f, len(page), err)
		}
	}
	if n, _ := db.rows.Len(); n != 0 {
		t.Errorf("pages after the first left %d rows in the cache", n)
	}
}

// TestRowCache_FollowsWrites checks that a page read after a write shows
// it, though the page's rows were cached before: a merge that adds a
// report and a source, a review move, and a deleted report.
func TestRowCache_FollowsWrites(t *testing.T) {
	db := MustOpenDB(t)
	ctx := context.Background()
	incs := fixture(t, db)
	idlib := incs["Idlib"]
	find := func() *geo.Incident {
		t.Helper()
		page, _, err := db.FindIncidents(ctx, geo.IncidentFilter{})
		if err != nil {
			t.Fatal(err)
		}
		for _, in := range page {
			if in.ID == idlib.ID {
				return in
			}
		}
		return nil
	}
	before := find()
	if n, _ := db.rows.Len(); before == nil || n == 0 {
		t.Fatalf("Idlib not in the page (%v) or nothing cached (%d)", before, n)
	}

	r := newReport("Later outlet", "2020-01-24", "a later report of the same strike")
	again := &geo.Incident{Place: "Idlib", GeonameID: idlib.GeonameID, Lat: idlib.Lat, Lon: idlib.Lon,
		Role: geo.RoleIncident, Date: idlib.Date, Sentence: idlib.Sentence,
		Sources: []geo.SourceRef{{Name: "A new claimant", Stance: geo.StanceClaims}}}
	MustCreateReport(t, db, r, again)
	if again.ID != idlib.ID {
		t.Fatalf("the later report's Idlib is incident %d, not merged into %d", again.ID, idlib.ID)
	}
	if full, err := db.FindIncidentByID(ctx, idlib.ID); err != nil || len(full.ReportIDs) != 2 {
		t.Fatalf("stored after the merge: %+v, %v", full, err)
	}
	merged := find()
	if merged == nil || len(merged.ReportIDs) != len(before.ReportIDs)+1 || len(merged.Sources) != len(before.Sources)+2 {
		t.Fatalf("after a merge: %+v, want one more report and two more sources than %+v", merged, before)
	}

	if _, err := db.ApplyCorrection(ctx, geo.Correction{IncidentID: idlib.ID, Action: geo.ActionMove,
		Lat: ptr(35.5), Lon: ptr(36.5), By: "ana"}); err != nil {
		t.Fatal(err)
	}
	if moved := find(); moved == nil || moved.Lat != 35.5 || moved.Lon != 36.5 {
		t.Fatalf("after a move: %+v, want 35.5, 36.5", moved)
	}

	if err := db.DeleteReport(ctx, r.ID); err != nil {
		t.Fatal(err)
	}
	if after := find(); after == nil || len(after.ReportIDs) != len(before.ReportIDs) {
		t.Fatalf("after deleting the later report: %+v, want its reports %v back", after, before.ReportIDs)
	}
}

// TestRowCache_Budget checks that the row cache stays within the budget
// SetRowCacheBytes gives it, as incidentBytes counts, and that 0 turns it
// off and empties it. (vcache's tests check versions and eviction.)
func TestRowCache_Budget(t *testing.T) {
	db := MustOpenDB(t)
	bulkIncidents(t, db, 400, 3)
	ctx := context.Background()
	one, _, err := db.FindIncidents(ctx, geo.IncidentFilter{Limit: 1})
	if err != nil || len(one) != 1 {
		t.Fatal(one, err)
	}
	db.SetRowCacheBytes(20 * incidentBytes(one[0]))
	db.DropRowCache()
	if _, _, err := db.FindIncidents(ctx, geo.IncidentFilter{Limit: 300}); err != nil {
		t.Fatal(err)
	}
	n, size := db.rows.Len()
	if n == 0 || size > 20*incidentBytes(one[0]) {
		t.Errorf("%d rows, %d bytes, budget %d", n, size, 20*incidentBytes(one[0]))
	}
	db.SetRowCacheBytes(0)
	if n, _ := db.rows.Len(); n != 0 {
		t.Errorf("turned off, the cache still holds %d rows", n)
	}
	if _, _, err := db.FindIncidents(ctx, geo.IncidentFilter{Limit: 300}); err != nil {
		t.Fatal(err)
	}
	if n, _ := db.rows.Len(); n != 0 {
		t.Errorf("turned off, the cache kept %d rows", n)
	}
}
