package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/incidentmap/incidentmap/geo"
)

// fixture stores three reports by two outlets:
//
//	A 2020-01-23: Idlib (incident, claimed by Syrian state media, denied by
//	  Syrian Observatory), Moscow (mention)
//	A 2020-01-24: Saraqib (incident, precision 2, needs review)
//	B 2019-01-23: Abu al-Duhur (incident, date precision 2, claimed by the
//	  Russian Reconciliation Center)
//
// and returns the incidents by place.
func fixture(tb testing.TB, db *DB) map[string]*geo.Incident {
	tb.Helper()
	idlib := &geo.Incident{Place: "Idlib", Name: "Idlib", GeonameID: 169389, Lat: 35.93, Lon: 36.63,
		Role: geo.RoleIncident, Precision: 1, Date: day("2020-01-23"), Sentence: "Strikes hit Idlib.",
		Sources: []geo.SourceRef{
			{Name: "Syrian state media", Kind: geo.SourceClaimant, Stance: geo.StanceClaims},
			{Name: "Syrian Observatory", Kind: geo.SourceClaimant, Stance: geo.StanceDenies},
		},
		Candidates: []geo.Candidate{{GeonameID: 169389, Name: "Idlib", Score: 0.9}}}
	moscow := &geo.Incident{Place: "Moscow", Name: "Moscow", GeonameID: 524901, Lat: 55.75, Lon: 37.62,
		Role: geo.RoleMention, Precision: 1}
	MustCreateReport(tb, db, newReport("A", "2020-01-23", "report one"), idlib, moscow)

	saraqib := &geo.Incident{Place: "Saraqib", Name: "Saraqib", GeonameID: 172515, Lat: 35.86, Lon: 36.80,
		Role: geo.RoleIncident, Precision: 2, NeedsReview: true, Date: day("2020-01-24")}
	MustCreateReport(tb, db, newReport("A", "2020-01-24", "report two"), saraqib)

	duhur := &geo.Incident{Place: "Abu al-Duhur", Name: "Abū az̧ Z̧uhūr", GeonameID: 172008, Lat: 35.74, Lon: 37.04,
		Role: geo.RoleIncident, Precision: 1, Date: day("2019-01-23"), DatePrecision: geo.DatePrecisionWeek,
		Sources: []geo.SourceRef{{Name: "Russian Reconciliation Center", Kind: geo.SourceClaimant}}}
	MustCreateReport(tb, db, newReport("B", "2019-01-25", "report three"), duhur)
	return map[string]*geo.Incident{"Idlib": idlib, "Moscow": moscow, "Saraqib": saraqib, "Abu al-Duhur": duhur}
}

func places(incs []*geo.Incident) []string {
	out := make([]string, len(incs))
	for i, inc := range incs {
		out[i] = inc.Place
	}
	return out
}

func TestFindIncidents_Filters(t *testing.T) {
	db := MustOpenDB(t)
	fixture(t, db)
	ctx := context.Background()
	for _, tt := range []struct {
		name string
		f    geo.IncidentFilter
		want []string // places, in id order
	}{
		{"default is incidents only", geo.IncidentFilter{}, []string{"Idlib", "Saraqib", "Abu al-Duhur"}},
		{"mentions only", geo.IncidentFilter{Roles: []geo.Role{geo.RoleMention}}, []string{"Moscow"}},
		{"both roles", geo.IncidentFilter{Roles: []geo.Role{geo.RoleIncident, geo.RoleMention}},
			[]string{"Idlib", "Moscow", "Saraqib", "Abu al-Duhur"}},
		{"from is inclusive", geo.IncidentFilter{From: ptr(day("2020-01-24"))}, []string{"Saraqib"}},
		{"to is inclusive", geo.IncidentFilter{To: ptr(day("2020-01-23"))}, []string{"Idlib", "Abu al-Duhur"}},
		{"from drops 2019", geo.IncidentFilter{From: ptr(day("2020-01-01"))}, []string{"Idlib", "Saraqib"}},
		{"event date not report date", geo.IncidentFilter{From: ptr(day("2019-01-23")), To: ptr(day("2019-01-23"))},
			[]string{"Abu al-Duhur"}},
		{"outlet", geo.IncidentFilter{Sources: []string{"B"}}, []string{"Abu al-Duhur"}},
		{"outlet any case", geo.IncidentFilter{Sources: []string{"a"}}, []string{"Idlib", "Saraqib"}},
		{"any of two sources", geo.IncidentFilter{Sources: []string{"B", "Syrian state media"}},
			[]string{"Idlib", "Abu al-Duhur"}},
		{"claimant", geo.IncidentFilter{Sources: []string{"Syrian Observatory"}}, []string{"Idlib"}},
		{"claimant kind narrows", geo.IncidentFilter{Sources: []string{"A"}, SourceKind: geo.SourceClaimant}, nil},
		{"outlet kind narrows", geo.IncidentFilter{Sources: []string{"A", "Syrian state media"}, SourceKind: geo.SourceOutlet},
			[]string{"Idlib", "Saraqib"}},
		{"unknown source", geo.IncidentFilter{Sources: []string{"x' OR 1=1 --"}}, nil},
		{"bbox", geo.IncidentFilter{BBox: &[4]float64{36.9, 35.6, 37.2, 35.9}}, []string{"Abu al-Duhur"}},
		{"bbox edge inclusive", geo.IncidentFilter{BBox: &[4]float64{36.63, 35.93, 36.63, 35.93}}, []string{"Idlib"}},
		{"bbox mentions", geo.IncidentFilter{BBox: &[4]float64{30, 50, 40, 60}, Roles: []geo.Role{geo.RoleMention}},
			[]string{"Moscow"}},
		{"bbox default role", geo.IncidentFilter{BBox: &[4]float64{30, 30, 40, 60}}, []string{"Idlib", "Saraqib", "Abu al-Duhur"}},
		{"bbox and date", geo.IncidentFilter{BBox: &[4]float64{36, 35, 38, 37}, From: ptr(day("2020-01-01")), To: ptr(day("2020-01-23"))},
			[]string{"Idlib"}},
		{"bbox and source", geo.IncidentFilter{BBox: &[4]float64{36, 35, 38, 37}, Sources: []string{"B"}}, []string{"Abu al-Duhur"}},
		{"bbox and precision", geo.IncidentFilter{BBox: &[4]float64{36, 35, 38, 37}, MaxPrecision: 1}, []string{"Idlib", "Abu al-Duhur"}},
		{"bbox and disputed", geo.IncidentFilter{BBox: &[4]float64{36, 35, 38, 37}, Disputed: ptr(true)}, []string{"Idlib"}},
		{"bbox and needs review", geo.IncidentFilter{BBox: &[4]float64{36, 35, 38, 37}, NeedsReview: ptr(true)}, []string{"Saraqib"}},
		{"max precision", geo.IncidentFilter{MaxPrecision: 1}, []string{"Idlib", "Abu al-Duhur"}},
		{"disputed", geo.IncidentFilter{Disputed: ptr(true)}, []string{"Idlib"}},
		{"not disputed", geo.IncidentFilter{Disputed: ptr(false)}, []string{"Saraqib", "Abu al-Duhur"}},
		{"needs review", geo.IncidentFilter{NeedsReview: ptr(true)}, []string{"Saraqib"}},
		{"report", geo.IncidentFilter{ReportID: 1, Roles: []geo.Role{geo.RoleIncident, geo.RoleMention}}, []string{"Idlib", "Moscow"}},
		{"limit", geo.IncidentFilter{Limit: 2}, []string{"Idlib", "Saraqib"}},
		{"offset", geo.IncidentFilter{Offset: 1, Limit: 1}, []string{"Saraqib"}},
		{"after id", geo.IncidentFilter{AfterID: 1}, []string{"Saraqib", "Abu al-Duhur"}},
		{"bbox after id", geo.IncidentFilter{AfterID: 1, BBox: &[4]float64{36, 35, 38, 37}}, []string{"Saraqib", "Abu al-Duhur"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, n, err := db.FindIncidents(ctx, tt.f)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(places(got), tt.want) && !(len(got) == 0 && len(tt.want) == 0) {
				t.Errorf("places=%q, want %q", places(got), tt.want)
			}
			// The total ignores paging.
			f := tt.f
			f.Limit, f.Offset, f.AfterID = MaxLimit, 0, 0
			all, _, err := db.FindIncidents(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			if n != len(all) {
				t.Errorf("total=%d, want %d", n, len(all))
			}
		})
	}
}

func TestFindIncidents_Fields(t *testing.T) {
	db := MustOpenDB(t)
	want := fixture(t, db)["Idlib"]
	got, err := db.FindIncidentByID(context.Background(), want.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Place != "Idlib" || got.Name != "Idlib" || got.GeonameID != 169389 || got.Lat != 35.93 || got.Lon != 36.63 ||
		!got.Date.Equal(day("2020-01-23")) || got.DatePrecision != 1 || !got.ReportDate.Equal(day("2020-01-23")) ||
		got.Source != "A" || got.Role != geo.RoleIncident || !got.Disputed || got.Sentence != "Strikes hit Idlib." ||
		len(got.Candidates) != 1 || got.Candidates[0].GeonameID != 169389 {
		t.Errorf("got %+v", got)
	}
	wantSources := []geo.SourceRef{
		{Name: "A", Kind: geo.SourceOutlet, ReportID: got.ReportID},
		{Name: "Syrian Observatory", Kind: geo.SourceClaimant, Stance: geo.StanceDenies, ReportID: got.ReportID},
		{Name: "Syrian state media", Kind: geo.SourceClaimant, Stance: geo.StanceClaims, ReportID: got.ReportID},
	}
	if !slices.Equal(got.Sources, wantSources) {
		t.Errorf("Sources=%+v, want %+v", got.Sources, wantSources)
	}
	if !slices.Equal(got.ReportIDs, []int64{got.ReportID}) {
		t.Errorf("ReportIDs=%v, want [%d]", got.ReportIDs, got.ReportID)
	}
	if _, err := db.FindIncidentByID(context.Background(), 9999); geo.ErrorCode(err) != geo.ENOTFOUND {
		t.Errorf("absent id: err=%v, want ENOTFOUND", err)
	}
}

func TestFindIncidents_Invalid(t *testing.T) {
	db := MustOpenDB(t)
	nan := func() float64 { var z float64; return z / z }()
	for _, tt := range []struct {
		name, param string
		f           geo.IncidentFilter
	}{
		{"from after to", "from", geo.IncidentFilter{From: ptr(day("2020-02-01")), To: ptr(day("2020-01-01"))}},
		{"bbox min lon > max", "bbox", geo.IncidentFilter{BBox: &[4]float64{37, 35, 36, 36}}},
		{"bbox min lat > max", "bbox", geo.IncidentFilter{BBox: &[4]float64{36, 36, 37, 35}}},
		{"bbox out of range", "bbox", geo.IncidentFilter{BBox: &[4]float64{-181, 0, 0, 0}}},
		{"bbox NaN", "bbox", geo.IncidentFilter{BBox: &[4]float64{nan, 0, 1, 1}}},
		{"role", "role", geo.IncidentFilter{Roles: []geo.Role{"victim"}}},
		{"source kind", "source_kind", geo.IncidentFilter{SourceKind: "author"}},
		{"negative precision", "max_precision", geo.IncidentFilter{MaxPrecision: -1}},
		{"negative limit", "limit", geo.IncidentFilter{Limit: -1}},
		{"negative offset", "offset", geo.IncidentFilter{Offset: -1}},
		{"too many sources", "source", geo.IncidentFilter{Sources: make([]string, geo.MaxFilterSources+1)}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := db.FindIncidents(context.Background(), tt.f)
			var e *geo.Error
			if geo.ErrorCode(err) != geo.EINVALID {
				t.Fatalf("err=%v, want EINVALID", err)
			} else if e = err.(*geo.Error); e.Param != tt.param {
				t.Errorf("Param=%q, want %q", e.Param, tt.param)
			}
			if _, err := db.FindSources(context.Background(), tt.f); geo.ErrorCode(err) != geo.EINVALID && !slices.Contains([]string{"source", "source_kind", "limit", "offset"}, tt.param) {
				t.Errorf("FindSources: err=%v, want EINVALID", err)
			}
		})
	}
}

func TestFindIncidents_LimitCap(t *testing.T) {
	db := MustOpenDB(t)
	bulkIncidents(t, db, MaxLimit+5, 1)
	both := []geo.Role{geo.RoleIncident, geo.RoleMention}
	got, n, err := db.FindIncidents(context.Background(), geo.IncidentFilter{Limit: MaxLimit * 2, Roles: both})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != MaxLimit || n != MaxLimit+5 {
		t.Errorf("len=%d total=%d, want %d and %d", len(got), n, MaxLimit, MaxLimit+5)
	}
	if got, _, _ := db.FindIncidents(context.Background(), geo.IncidentFilter{Roles: both}); len(got) != DefaultLimit {
		t.Errorf("default limit: len=%d, want %d", len(got), DefaultLimit)
	}
}

func TestFindIncidents_BBoxUsesRTree(t *testing.T) {
	db := MustOpenDB(t)
	for _, f := range []geo.IncidentFilter{
		{BBox: &[4]float64{36.0, 35.5, 37.2, 36.3}},
		{BBox: &[4]float64{36.0, 35.5, 37.2, 36.3}, From: ptr(day("2011-01-01")), To: ptr(day("2019-12-31")), Sources: []string{"A"}},
	} {
		q, err := buildQuery(f)
		if err != nil {
			t.Fatal(err)
		}
		for name, sql := range map[string]string{"count": "SELECT count(*) FROM (" + q.ids() + ")", "page": func() string {
			p, _ := q.page(0, 1000, 0)
			return "SELECT " + incidentColumns + " FROM incidents i WHERE i.id IN (" + p + ") ORDER BY i.id"
		}()} {
			args := q.args
			if name == "page" {
				args = append(slices.Clone(args), 1000, 0)
			}
			rows, err := db.rdb.Query("EXPLAIN QUERY PLAN "+sql, args...)
			if err != nil {
				t.Fatal(err)
			}
			var plan []string
			for rows.Next() {
				var id, parent, notused int
				var detail string
				if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
					t.Fatal(err)
				}
				plan = append(plan, detail)
			}
			rows.Close()
			text := strings.Join(plan, "\n")
			// Index 2 is the R*Tree's constrained search; 1 is lookup by id.
			if !strings.Contains(text, "SCAN r VIRTUAL TABLE INDEX 2:") {
				t.Errorf("%s plan does not use the R*Tree:\n%s", name, text)
			}
			for _, line := range plan {
				if strings.HasPrefix(line, "SCAN incidents") || strings.HasPrefix(line, "SCAN i") {
					t.Errorf("%s plan scans incidents:\n%s", name, text)
				}
			}
		}
	}
}

func TestFindIncidents_BBoxNarrowDatesUsesDateIndex(t *testing.T) {
	db := MustOpenDB(t)
	q, err := buildQuery(geo.IncidentFilter{BBox: &[4]float64{36.0, 35.5, 37.2, 36.3},
		From: ptr(day("2018-01-01")), To: ptr(day("2019-12-31")), Sources: []string{"A"}})
	if err != nil {
		t.Fatal(err)
	}
	rows, err := db.rdb.Query("EXPLAIN QUERY PLAN SELECT count(*) FROM ("+q.ids()+")", q.args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, notused int
		var detail string
		if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	if text := strings.Join(plan, "\n"); !strings.Contains(text, "SEARCH i USING COVERING INDEX incidents_role_day") {
		t.Errorf("plan does not search incidents_role_day:\n%s", text)
	}
}

func TestFindIncidents_PagingAfterID(t *testing.T) {
	db := MustOpenDB(t)
	const n = 2345
	bulkIncidents(t, db, n, 7)
	ctx := context.Background()
	for _, f := range []geo.IncidentFilter{
		{Limit: 500, Roles: []geo.Role{geo.RoleIncident, geo.RoleMention}},
		{Limit: 333, BBox: &[4]float64{35, 32, 38, 37}},
		{Limit: 100, Sources: []string{"Outlet 01", "Claimant 3"}},
		{Limit: 50, BBox: &[4]float64{35, 32, 38, 37}, From: ptr(day("2014-01-01")), To: ptr(day("2015-06-30"))},
	} {
		seen := map[int64]bool{}
		var total int
		for f.AfterID = 0; ; {
			page, matched, err := db.FindIncidents(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			total = matched
			if len(page) == 0 {
				break
			}
			for i, inc := range page {
				if seen[inc.ID] {
					t.Fatalf("incident %d returned twice", inc.ID)
				}
				if i > 0 && inc.ID <= page[i-1].ID {
					t.Fatalf("page not ordered by id at %d", i)
				}
				seen[inc.ID] = true
			}
			f.AfterID = page[len(page)-1].ID
		}
		if len(seen) != total || total == 0 {
			t.Errorf("bbox=%v: saw %d incidents, total %d", f.BBox, len(seen), total)
		}
		if f.BBox == nil && f.Sources == nil && total != n {
			t.Errorf("total=%d, want %d", total, n)
		}
	}
}

// TestFindIncidents_OneScanPageMatchesTwoScans checks that a bbox query
// with a narrow date range returns the same page and count whether it is
// answered by one scan collecting ids (count not cached) or by a count
// and a page query (count cached).
func TestFindIncidents_OneScanPageMatchesTwoScans(t *testing.T) {
	db := MustOpenDB(t)
	bulkIncidents(t, db, 3000, 3)
	ctx := context.Background()
	base := geo.IncidentFilter{BBox: &[4]float64{35, 32, 38, 37}, From: ptr(day("2013-01-01")), To: ptr(day("2014-12-31")),
		Sources: []string{"Outlet 00", "Claimant 1"}}
	for _, tc := range []struct{ afterID, offset, limit int }{{0, 0, 10}, {0, 7, 5}, {500, 0, 20}, {500, 3, 1000}, {0, 100000, 10}} {
		t.Run(fmt.Sprintf("after=%d offset=%d limit=%d", tc.afterID, tc.offset, tc.limit), func(t *testing.T) {
			f := base
			f.AfterID, f.Offset, f.Limit = int64(tc.afterID), tc.offset, tc.limit
			var ids [2][]int64
			var totals [2]int
			for i := range 2 {
				if i == 0 {
					db.mu.Lock()
					clear(db.counts)
					db.mu.Unlock()
				}
				page, n, err := db.FindIncidents(ctx, f)
				if err != nil {
					t.Fatal(err)
				}
				totals[i] = n
				for _, in := range page {
					ids[i] = append(ids[i], in.ID)
				}
			}
			if totals[0] != totals[1] || totals[0] == 0 || !slices.Equal(ids[0], ids[1]) {
				t.Errorf("one scan: %d matched, page %v; two scans: %d matched, page %v", totals[0], ids[0], totals[1], ids[1])
			}
		})
	}
}

func TestCreateReport_DuplicateHash(t *testing.T) {
	db := MustOpenDB(t)
	ctx := context.Background()
	first := newReport("A", "2020-01-23", "same text")
	MustCreateReport(t, db, first, &geo.Incident{Role: geo.RoleIncident, Lat: 1, Lon: 1, GeonameID: 5})
	again := newReport("Other", "2021-05-05", "same text")
	created, err := db.CreateReport(ctx, again, []*geo.Incident{{Role: geo.RoleIncident, Lat: 2, Lon: 2}})
	if err != nil || created {
		t.Fatalf("created=%v err=%v, want false, nil", created, err)
	}
	if again.ID != first.ID {
		t.Errorf("ID=%d, want the existing %d", again.ID, first.ID)
	}
	if r, i, _ := db.Stats(ctx); r != 1 || i != 1 {
		t.Errorf("reports=%d incidents=%d, want 1 and 1", r, i)
	}
}

func TestCreateReport_Invalid(t *testing.T) {
	db := MustOpenDB(t)
	for _, tt := range []struct {
		name string
		r    *geo.Report
		incs []*geo.Incident
	}{
		{"no hash", &geo.Report{Text: "x", Published: day("2020-01-01")}, nil},
		{"no date", &geo.Report{Text: "x", Hash: "h"}, nil},
		{"bad role", newReport("A", "2020-01-01", "r"), []*geo.Incident{{Role: "x"}}},
		{"bad lat", newReport("A", "2020-01-01", "r"), []*geo.Incident{{Role: geo.RoleIncident, Lat: 91}}},
		{"bad stance", newReport("A", "2020-01-01", "r"), []*geo.Incident{{Role: geo.RoleIncident,
			Sources: []geo.SourceRef{{Name: "n", Kind: geo.SourceClaimant, Stance: "maybe"}}}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := db.CreateReport(context.Background(), tt.r, tt.incs); geo.ErrorCode(err) != geo.EINVALID {
				t.Errorf("err=%v, want EINVALID", err)
			}
		})
	}
	if r, _, _ := db.Stats(context.Background()); r != 0 {
		t.Errorf("reports=%d after invalid input, want 0", r)
	}
}

func TestCreateReport_MergesSameEvent(t *testing.T) {
	db := MustOpenDB(t)
	ctx := context.Background()
	first := &geo.Incident{Place: "Idlib", GeonameID: 169389, Lat: 35.93, Lon: 36.63, Role: geo.RoleIncident,
		Date: day("2020-01-23"), Sources: []geo.SourceRef{{Name: "Syrian state media", Stance: geo.StanceClaims}}}
	r1 := newReport("A", "2020-01-23", "first outlet's words")
	MustCreateReport(t, db, r1, first)
	if first.Disputed {
		t.Fatal("disputed before any denial")
	}

	second := &geo.Incident{Place: "Idlib city", GeonameID: 169389, Lat: 35.931, Lon: 36.632, Role: geo.RoleIncident,
		Date: day("2020-01-23"), Sources: []geo.SourceRef{{Name: "Syrian Observatory", Stance: geo.StanceDenies}}}
	elsewhere := &geo.Incident{Place: "Saraqib", GeonameID: 172515, Lat: 35.86, Lon: 36.80, Role: geo.RoleIncident,
		Date: day("2020-01-23")}
	r2 := newReport("B", "2020-01-24", "second outlet's other words")
	MustCreateReport(t, db, r2, second, elsewhere)

	if second.ID != first.ID {
		t.Fatalf("second incident ID=%d, want merged into %d", second.ID, first.ID)
	}
	if elsewhere.ID == first.ID {
		t.Fatal("a different place was merged")
	}
	got, err := db.FindIncidentByID(ctx, first.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.ReportIDs, []int64{r1.ID, r2.ID}) {
		t.Errorf("ReportIDs=%v, want [%d %d]", got.ReportIDs, r1.ID, r2.ID)
	}
	if !got.Disputed {
		t.Error("a claimant denies it but it is not disputed")
	}
	var names []string
	for _, s := range got.Sources {
		names = append(names, fmt.Sprintf("%s/%s/%s/%d", s.Kind, s.Name, s.Stance, s.ReportID))
	}
	want := []string{"outlet/A//1", "outlet/B//2", "claimant/Syrian state media/claims/1", "claimant/Syrian Observatory/denies/2"}
	if !slices.Equal(names, want) {
		t.Errorf("Sources=%q, want %q", names, want)
	}
	// Both outlets find it; the merged incident is counted once.
	for _, src := range []string{"A", "B"} {
		if incs, n, _ := db.FindIncidents(ctx, geo.IncidentFilter{Sources: []string{src}}); n == 0 || incs[0].ID != first.ID {
			t.Errorf("source %s: n=%d, want the merged incident", src, n)
		}
	}
	if _, n, _ := db.FindIncidents(ctx, geo.IncidentFilter{}); n != 2 {
		t.Errorf("total=%d, want 2", n)
	}
	// Both reports list it.
	for _, r := range []*geo.Report{r1, r2} {
		_, incs, err := db.FindReportByID(ctx, r.ID)
		if err != nil || !slices.ContainsFunc(incs, func(i *geo.Incident) bool { return i.ID == first.ID }) {
			t.Errorf("report %d: incidents=%v err=%v, want the merged one", r.ID, places(incs), err)
		}
	}
	counts, err := db.FindSources(ctx, geo.IncidentFilter{})
	if err != nil {
		t.Fatal(err)
	}
	wantCounts := []geo.SourceCount{{Name: "B", Kind: geo.SourceOutlet, Count: 2}, {Name: "A", Kind: geo.SourceOutlet, Count: 1},
		{Name: "Syrian Observatory", Kind: geo.SourceClaimant, Count: 1}, {Name: "Syrian state media", Kind: geo.SourceClaimant, Count: 1}}
	if !slices.Equal(counts, wantCounts) {
		t.Errorf("FindSources=%v, want %v", counts, wantCounts)
	}
}

func TestCreateReport_NoMergeWithinOneReport(t *testing.T) {
	db := MustOpenDB(t)
	a := &geo.Incident{GeonameID: 1, Lat: 35, Lon: 36, Role: geo.RoleIncident}
	b := &geo.Incident{GeonameID: 1, Lat: 35, Lon: 36, Role: geo.RoleIncident, Start: 40, End: 45}
	MustCreateReport(t, db, newReport("A", "2020-01-23", "two mentions of one place"), a, b)
	if a.ID == b.ID {
		t.Error("two incidents of one report were merged")
	}
}

func TestDeleteReport(t *testing.T) {
	db := MustOpenDB(t)
	ctx := context.Background()
	shared := &geo.Incident{GeonameID: 169389, Lat: 35.93, Lon: 36.63, Role: geo.RoleIncident, Date: day("2020-01-23"),
		Sources: []geo.SourceRef{{Name: "Observer", Stance: geo.StanceDenies}}}
	only1 := &geo.Incident{GeonameID: 172515, Lat: 35.86, Lon: 36.80, Role: geo.RoleIncident, Date: day("2020-01-23")}
	r1 := newReport("A", "2020-01-23", "delete one")
	MustCreateReport(t, db, r1, shared, only1)
	again := &geo.Incident{GeonameID: 169389, Lat: 35.93, Lon: 36.63, Role: geo.RoleIncident, Date: day("2020-01-23")}
	r2 := newReport("B", "2020-01-25", "delete two")
	MustCreateReport(t, db, r2, again)
	if again.ID != shared.ID {
		t.Fatal("fixture: not merged")
	}

	if err := db.DeleteReport(ctx, r1.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.FindIncidentByID(ctx, only1.ID); geo.ErrorCode(err) != geo.ENOTFOUND {
		t.Errorf("incident of the deleted report only: err=%v, want ENOTFOUND", err)
	}
	got, err := db.FindIncidentByID(ctx, shared.ID)
	if err != nil {
		t.Fatalf("incident another report supports was deleted: %v", err)
	}
	if got.ReportID != r2.ID || got.Source != "B" || !got.ReportDate.Equal(day("2020-01-25")) ||
		!slices.Equal(got.ReportIDs, []int64{r2.ID}) || got.Disputed || len(got.Sources) != 1 {
		t.Errorf("survivor=%+v, want it moved to report %d, outlet B, not disputed", got, r2.ID)
	}
	if _, _, err := db.FindReportByID(ctx, r1.ID); geo.ErrorCode(err) != geo.ENOTFOUND {
		t.Errorf("deleted report: err=%v, want ENOTFOUND", err)
	}
	if err := db.DeleteReport(ctx, r1.ID); geo.ErrorCode(err) != geo.ENOTFOUND {
		t.Errorf("delete twice: err=%v, want ENOTFOUND", err)
	}
	// Nothing dangles: the R*Tree and link tables follow.
	for q, want := range map[string]int{
		`SELECT count(*) FROM incidents_rtree`:                                            1,
		`SELECT count(*) FROM incident_reports`:                                           1,
		`SELECT count(*) FROM incident_sources WHERE report_id = 1`:                       0,
		`SELECT count(*) FROM incidents WHERE id NOT IN (SELECT id FROM incidents_rtree)`: 0,
	} {
		var n int
		if err := db.rdb.QueryRow(q).Scan(&n); err != nil || n != want {
			t.Errorf("%s = %d (err %v), want %d", q, n, err, want)
		}
	}
	if err := db.DeleteReport(ctx, r2.ID); err != nil {
		t.Fatal(err)
	}
	if r, i, _ := db.Stats(ctx); r != 0 || i != 0 {
		t.Errorf("after deleting both: reports=%d incidents=%d", r, i)
	}
}

func TestFindReportByID(t *testing.T) {
	db := MustOpenDB(t)
	incs := fixture(t, db)
	r, got, err := db.FindReportByID(context.Background(), incs["Idlib"].ReportID)
	if err != nil {
		t.Fatal(err)
	}
	if r.Source != "A" || r.Text != "report one" || !r.Published.Equal(day("2020-01-23")) || r.Ingested.IsZero() || r.Hash == "" {
		t.Errorf("report=%+v", r)
	}
	if !slices.Equal(places(got), []string{"Idlib", "Moscow"}) {
		t.Errorf("incidents=%q, want Idlib and Moscow", places(got))
	}
}

func TestCountCacheFollowsWrites(t *testing.T) {
	db := MustOpenDB(t)
	ctx := context.Background()
	f := geo.IncidentFilter{BBox: &[4]float64{0, 0, 10, 10}}
	for i := range 3 {
		if _, n, err := db.FindIncidents(ctx, f); err != nil || n != i {
			t.Fatalf("after %d reports: total=%d err=%v", i, n, err)
		}
		MustCreateReport(t, db, newReport("A", "2020-01-01", fmt.Sprint("count ", i)),
			&geo.Incident{Role: geo.RoleIncident, Lat: 5, Lon: 5, Date: time.Date(2020, 1, 1+i*3, 0, 0, 0, 0, time.UTC)})
	}
}
