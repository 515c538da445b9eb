package store

import (
	"context"
	"reflect"
	"testing"

	"github.com/incidentmap/incidentmap/geo"
)

// TestIncidentsByIDMatchesIncidentColumns checks that the packed page
// read returns exactly what the plain incidentColumns query does, for
// incidents whose texts hold the packing's separator, other control
// characters, quotes and non-Latin script, with and without candidates,
// sources and several reports.
func TestIncidentsByIDMatchesIncidentColumns(t *testing.T) {
	db := MustOpenDB(t)
	ctx := context.Background()
	byPlace := fixture(t, db)
	hostile := []*geo.Incident{
		{Place: "Abu\x1fSharja", Name: "Abu\x1fSharja", Lat: 35.7, Lon: 37.0, Role: geo.RoleIncident, Precision: 3,
			Date: day("2020-01-22"), Sentence: "first\x1fsecond\x1e third", Start: 6, End: 17},
		{Place: "Kafr \"Nabl\"", Name: "كفرنبل", Lat: 35.61, Lon: 36.56, Role: geo.RoleIncident, Precision: 1,
			Date: day("2020-01-22"), Sentence: "<script>alert(1)</script>\x00\x1f", Disputed: true,
			Candidates: []geo.Candidate{{GeonameID: 1, Name: "a\x1fb", Score: 0.5}, {GeonameID: 2, Name: "c", Score: 0.25}},
			Sources:    []geo.SourceRef{{Name: "Someone", Kind: geo.SourceClaimant, Stance: geo.StanceDenies}}},
		{Place: "Saraqib", Name: "Saraqib", Lat: 35.86, Lon: 36.8, Role: geo.RoleIncident, Precision: 1,
			Date: day("2020-01-22"), Sentence: "clean text",
			Sources: []geo.SourceRef{{Name: "Group\x1dA\x1eclaims\x1e7", Kind: geo.SourceClaimant, Stance: geo.StanceClaims}}},
		{Place: "Maarat", Name: "Maarat", Lat: 35.64, Lon: 36.67, Role: geo.RoleMention, Precision: 2,
			Date: day("2020-01-22"), Sentence: "plain", NeedsReview: true, Start: 1 << 20, End: 1<<20 + 6},
	}
	MustCreateReport(t, db, newReport("C D", "2020-01-22", "report four"), hostile...)
	again := &geo.Incident{Place: "Idlib", GeonameID: 169389, Lat: 35.931, Lon: 36.631, Role: geo.RoleIncident,
		Date: day("2020-01-23"), Sentence: "Strikes hit Idlib.", Sources: []geo.SourceRef{{Name: "Another claimant", Stance: geo.StanceClaims}}}
	MustCreateReport(t, db, newReport("E", "2020-01-24", "report five"), again)
	if again.ID != byPlace["Idlib"].ID {
		t.Fatal("the second Idlib report did not merge; the test needs an incident with two reports")
	}
	tx, err := db.beginRead(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	want, err := db.queryIncidents(ctx, tx, `SELECT `+incidentColumns+` FROM incidents i ORDER BY i.id`)
	if err != nil {
		t.Fatal(err)
	}
	if len(want) != 8 {
		t.Fatalf("%d incidents stored, want 8", len(want))
	}
	ids := make([]int64, len(want))
	for i, in := range want {
		ids[i] = in.ID
	}
	got, err := db.incidentsByID(ctx, tx, append(ids, ids[len(ids)-1]+100)) // and one absent id
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("incidentsByID returned %d incidents, want %d", len(got), len(want))
	}
	if len(want[0].ReportIDs) != 2 || len(want[0].Sources) < 4 {
		t.Fatalf("merged incident has reports %v, sources %v", want[0].ReportIDs, want[0].Sources)
	}
	for i := range want {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Errorf("incident %d:\n got %+v\nwant %+v", want[i].ID, got[i], want[i])
		}
	}
	if got, err := db.incidentsByID(ctx, tx, nil); err != nil || len(got) != 0 {
		t.Errorf("no ids: %v, %v", got, err)
	}
}

// TestFindIncidents_DensePagesMatchIndexPages checks the pages of filters
// matching most of the table, which walk incidents in id order, against
// the ids of the whole result read in one page (sorted from the index).
func TestFindIncidents_DensePagesMatchIndexPages(t *testing.T) {
	db := MustOpenDB(t)
	bulkIncidents(t, db, 3000, 5)
	for _, f := range []geo.IncidentFilter{
		{},
		{Roles: []geo.Role{geo.RoleIncident, geo.RoleMention}},
		{From: ptr(day("2012-01-01")), To: ptr(day("2023-12-31"))},
		{Sources: []string{"Outlet 00", "Outlet 01", "Outlet 02", "Claimant 1"}},
		{Disputed: ptr(false), MaxPrecision: 3},
	} {
		all := findAllIDs(t, db, f) // limit 10000: one page, from the index
		if len(all) < 500 {
			t.Fatalf("filter %+v matches %d of 3000; not dense enough to test", f, len(all))
		}
		assertPages(t, db, f, all)
	}
}
