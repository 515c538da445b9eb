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
	plain.rows.budget = -1
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
	if len(db.rows.items) == 0 {
		t.Fatal("the row cache holds nothing after two rounds of pages")
	}
	if len(plain.rows.items) != 0 {
		t.Fatal("a disabled row cache holds rows")
	}
	// Later pages (an export paging by after_id) are read, not kept.
	db.rows.drop()
	for _, f := range []geo.IncidentFilter{{Limit: 50, AfterID: 100}, {Limit: 50, Offset: 100}} {
		if page, _, err := db.FindIncidents(ctx, f); err != nil || len(page) != 50 {
			t.Fatalf("%+v: %d incidents, %v", f, len(page), err)
		}
	}
	if len(db.rows.items) != 0 {
		t.Errorf("pages after the first left %d rows in the cache", len(db.rows.items))
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
	if before == nil || len(db.rows.items) == 0 {
		t.Fatalf("Idlib not in the page (%v) or nothing cached (%d)", before, len(db.rows.items))
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

// TestRowCache_VersionsAndBudget checks the cache alone: rows read at an
// older version are refused, a newer version empties it, and it stays
// within its budget.
func TestRowCache_VersionsAndBudget(t *testing.T) {
	incident := func(id int64) *geo.Incident {
		return &geo.Incident{ID: id, Place: "Place", Sentence: "A sentence of some length about the place."}
	}
	var c rowCache
	c.budget = 20 * incidentBytes(incident(1))
	c.add(5, []*geo.Incident{incident(1), incident(2)})
	out := make([]*geo.Incident, 3)
	missing := c.lookup(5, []int64{1, 2, 3}, out)
	if !reflect.DeepEqual(missing, []int64{3}) || out[0] == nil || out[1] == nil || out[1].ID != 2 || out[2] != nil {
		t.Fatalf("lookup at 5: missing %v, out %v", missing, out)
	}
	clear(out)
	if missing := c.lookup(6, []int64{1}, out); len(missing) != 1 {
		t.Error("a lookup at another version found rows")
	}
	c.add(4, []*geo.Incident{incident(3)})
	if missing := c.lookup(5, []int64{3}, out); len(missing) != 1 {
		t.Error("rows read at an older version were kept")
	}
	c.add(6, []*geo.Incident{incident(3)})
	if missing := c.lookup(6, []int64{1, 2, 3}, out); !reflect.DeepEqual(missing, []int64{1, 2}) {
		t.Errorf("after version 6: missing %v, want the rows of version 5", missing)
	}
	var many []*geo.Incident
	for id := range int64(100) {
		many = append(many, incident(id+10))
	}
	c.add(6, many)
	if c.size > c.budget || len(c.items) == 0 || len(c.items) > 20 {
		t.Errorf("over budget: %d rows, %d bytes of %d", len(c.items), c.size, c.budget)
	}
	var sum int64
	for _, in := range c.items {
		sum += incidentBytes(in)
	}
	if sum != c.size {
		t.Errorf("size %d, but the rows held take %d", c.size, sum)
	}
	c.drop()
	if missing := c.lookup(6, []int64{3}, out); len(missing) != 1 {
		t.Error("rows survived drop")
	}
}
