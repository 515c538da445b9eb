package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/incidentmap/incidentmap/geo"
)

// batchScenario returns reports that exercise what CreateReports must do
// as CreateReport does: a merge into an incident stored earlier in the
// same batch, a duplicate within the batch, an invalid report and a
// report with no incidents. Each call returns fresh values.
func batchScenario() []NewReport {
	idlib := func(date, claimant string, stance geo.Stance) *geo.Incident {
		return &geo.Incident{Place: "Idlib", GeonameID: 169389, Lat: 35.93, Lon: 36.63, Role: geo.RoleIncident,
			Date: day(date), Sources: []geo.SourceRef{{Name: claimant, Stance: stance}}}
	}
	saraqib := &geo.Incident{Place: "Saraqib", GeonameID: 172515, Lat: 35.86, Lon: 36.80, Role: geo.RoleIncident,
		Date: day("2020-01-23")}
	mention := &geo.Incident{Place: "Damascus", GeonameID: 170654, Lat: 33.51, Lon: 36.29, Role: geo.RoleMention}
	return []NewReport{
		{Report: newReport("A", "2020-01-23", "a shelling of the old market"), Incidents: []*geo.Incident{idlib("2020-01-23", "Syrian state media", geo.StanceClaims), mention}},
		{Report: newReport("B", "2020-01-24", "the same shelling, told otherwise"), Incidents: []*geo.Incident{idlib("2020-01-23", "Syrian Observatory", geo.StanceDenies), saraqib}},
		{Report: newReport("C", "2020-01-24", "a shelling of the old market"), Incidents: []*geo.Incident{idlib("2020-01-23", "x", geo.StanceClaims)}}, // duplicate of A
		{Report: &geo.Report{Text: "no hash", Published: day("2020-01-25")}, Incidents: nil},                                                           // invalid
		{Report: newReport("D", "2020-02-01", "nothing happened anywhere"), Incidents: nil},
	}
}

// TestCreateReports_MatchesOneByOne stores the same reports with
// CreateReport one at a time and with CreateReports in one batch, and
// compares results, IDs, merges and the change log.
func TestCreateReports_MatchesOneByOne(t *testing.T) {
	ctx := context.Background()
	one, batch := MustOpenDB(t), MustOpenDB(t)

	want := batchScenario()
	var wantRes []CreateResult
	for _, nr := range want {
		created, err := one.CreateReport(ctx, nr.Report, nr.Incidents)
		wantRes = append(wantRes, CreateResult{Created: created, Err: err})
	}
	got := batchScenario()
	gotRes, err := batch.CreateReports(ctx, got)
	if err != nil {
		t.Fatal(err)
	}

	for i := range want {
		t.Run(fmt.Sprintf("report %d", i), func(t *testing.T) {
			g, w := gotRes[i], wantRes[i]
			if g.Created != w.Created || geo.ErrorCode(g.Err) != geo.ErrorCode(w.Err) {
				t.Fatalf("Created=%v Err=%v, want %v %v", g.Created, g.Err, w.Created, w.Err)
			}
			if w.Err != nil {
				return
			}
			if got[i].Report.ID != want[i].Report.ID {
				t.Errorf("report ID=%d, want %d", got[i].Report.ID, want[i].Report.ID)
			}
			for j, inc := range want[i].Incidents {
				g := got[i].Incidents[j]
				if g.ID != inc.ID || g.Disputed != inc.Disputed || !slices.Equal(g.ReportIDs, inc.ReportIDs) {
					t.Errorf("incident %d: ID=%d disputed=%v reports=%v, want %d %v %v",
						j, g.ID, g.Disputed, g.ReportIDs, inc.ID, inc.Disputed, inc.ReportIDs)
				}
			}
		})
	}
	// The scenario must really merge across the batch: B's Idlib is A's.
	if a, b := got[0].Incidents[0], got[1].Incidents[0]; a.ID != b.ID || !b.Disputed {
		t.Errorf("B's Idlib: ID=%d disputed=%v, want merged into A's %d and disputed", b.ID, b.Disputed, a.ID)
	}
	for _, db := range []*DB{one, batch} {
		if err := db.IntegrityCheck(ctx); err != nil {
			t.Fatal(err)
		}
	}
	wantChanges, err := one.Changes(ctx, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	gotChanges, err := batch.Changes(ctx, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(gotChanges) != len(wantChanges) {
		t.Fatalf("%d changes, want %d (one per stored report)", len(gotChanges), len(wantChanges))
	}
	for i := range wantChanges {
		g, w := gotChanges[i], wantChanges[i]
		if g.Version != w.Version || g.ReportID != w.ReportID || !slices.Equal(g.IncidentIDs, w.IncidentIDs) {
			t.Errorf("change %d = %d/%d/%v, want %d/%d/%v", i, g.Version, g.ReportID, g.IncidentIDs, w.Version, w.ReportID, w.IncidentIDs)
		}
	}
	if v, err := batch.DataVersion(ctx); err != nil || v != wantChanges[len(wantChanges)-1].Version {
		t.Errorf("DataVersion=%d, %v, want the last change's %d", v, err, wantChanges[len(wantChanges)-1].Version)
	}
}

// TestCreateReports_FailedReportLosesNothing makes one report of a batch
// fail inside SQLite (a trigger refuses it) and checks that it alone is
// rolled back: the others are stored with ids that leave no gap.
func TestCreateReports_FailedReportLosesNothing(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	if _, err := db.wdb.ExecContext(ctx, `CREATE TEMP TRIGGER refuse AFTER INSERT ON incidents
		WHEN NEW.place = 'poison' BEGIN SELECT RAISE(ABORT, 'refused'); END`); err != nil {
		t.Fatal(err)
	}
	inc := func(place string, lat float64) []*geo.Incident {
		return []*geo.Incident{{Place: place, Lat: lat, Lon: 36, Role: geo.RoleIncident, Date: day("2021-03-01")}}
	}
	batch := []NewReport{
		{Report: newReport("A", "2021-03-01", "first"), Incidents: inc("Ariha", 35.8)},
		{Report: newReport("A", "2021-03-01", "second, refused after its report row"), Incidents: append(inc("Binnish", 35.9), inc("poison", 36)...)},
		{Report: newReport("A", "2021-03-01", "third"), Incidents: inc("Atarib", 36.1)},
	}
	res, err := db.CreateReports(ctx, batch)
	if err != nil {
		t.Fatal(err)
	}
	for i, wantErr := range []bool{false, true, false} {
		if (res[i].Err != nil) != wantErr || res[i].Created == wantErr {
			t.Errorf("report %d: Created=%v Err=%v, want failed=%v", i, res[i].Created, res[i].Err, wantErr)
		}
	}
	reports, incidents, err := db.Stats(ctx)
	if err != nil || reports != 2 || incidents != 2 {
		t.Fatalf("stored %d reports, %d incidents (%v), want 2 and 2: the refused report must leave nothing", reports, incidents, err)
	}
	for id := int64(1); id <= 2; id++ {
		r, _, err := db.FindReportByID(ctx, id)
		if err != nil {
			t.Fatalf("report %d: %v (ids must run without gaps)", id, err)
		}
		if want := batch[map[int64]int{1: 0, 2: 2}[id]].Report.Text; r.Text != want {
			t.Errorf("report %d = %q, want %q", id, r.Text, want)
		}
	}
}

func TestCreateReports_Cancelled(t *testing.T) {
	db := MustOpenDB(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res, err := db.CreateReports(ctx, batchScenario())
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range res {
		if !errors.Is(r.Err, context.Canceled) || r.Created {
			t.Errorf("report %d: Created=%v Err=%v, want context.Canceled", i, r.Created, r.Err)
		}
	}
	if n, _, _ := db.Stats(context.Background()); n != 0 {
		t.Errorf("%d reports stored after cancellation, want 0", n)
	}
}
