package store

import (
	"context"
	"encoding/json"
	"math"
	"testing"
	"time"

	"github.com/incidentmap/incidentmap/geo"
	"github.com/incidentmap/incidentmap/geo/gazetteer"
)

// mustSeedReview stores one report naming an unresolved place, a resolved
// place with a runner-up candidate and a mention, plus two gazetteer
// places, and returns the incidents by place.
func mustSeedReview(tb testing.TB, db *DB) map[string]*geo.Incident {
	tb.Helper()
	ctx := context.Background()
	if _, _, err := db.UpsertPlaces(ctx, []*geo.Place{
		{GeonameID: 900001, Name: "Sample Governorate", Lat: 35.5, Lon: 36.5, FeatureClass: "A", FeatureCode: "ADM1", CountryCode: "SY", Admin1Code: "07"},
		{GeonameID: 900002, Name: "Tell Sample", Lat: 35.61, Lon: 37.2, FeatureClass: "P", FeatureCode: "PPL", CountryCode: "SY", Admin1Code: "07", Population: 900},
	}); err != nil {
		tb.Fatal(err)
	}
	unresolved := &geo.Incident{Place: "Abu Sharja", Lat: 35.74, Lon: 37.04, CountryCode: "SY", Role: geo.RoleIncident,
		Precision: geo.PrecisionNear, Confidence: 0.3, NeedsReview: true, Date: day("2019-01-23"), Sentence: "Fighting near Abu Sharja."}
	doubtful := &geo.Incident{Place: "Tell Sample", Name: "Tell Sample", GeonameID: 900003, Lat: 40, Lon: 40, CountryCode: "TR",
		Role: geo.RoleIncident, Precision: 1, Confidence: 0.5, Date: day("2019-01-23"),
		Candidates: []geo.Candidate{{GeonameID: 900004, Name: "Tell Sample", Lat: 35.6, Lon: 37.21, CountryCode: "SY", Admin1: "Sample"}}}
	mention := &geo.Incident{Place: "Moscow", Name: "Moscow", GeonameID: 524901, Lat: 55.75, Lon: 37.62, CountryCode: "RU",
		Role: geo.RoleMention, Precision: 1, Confidence: 0.9}
	MustCreateReport(tb, db, newReport("A", "2019-01-23", "review report"), unresolved, doubtful, mention)
	return map[string]*geo.Incident{"unresolved": unresolved, "doubtful": doubtful, "mention": mention}
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

// nearF32 compares with the R*Tree's 32-bit float precision.
func nearF32(a, b float64) bool { return math.Abs(a-b) < 1e-4 }

// rtreeRow returns an incident's R*Tree entry, ok false if it has none.
func rtreeRow(tb testing.TB, db *DB, id int64) (lon, lat float64, role, prec int, ok bool) {
	tb.Helper()
	rows, err := db.rdb.Query(`SELECT min_lon, min_lat, min_role, min_prec FROM incidents_rtree WHERE id = ?`, id)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	if !rows.Next() {
		return 0, 0, 0, 0, false
	}
	if err := rows.Scan(&lon, &lat, &role, &prec); err != nil {
		tb.Fatal(err)
	}
	return lon, lat, role, prec, true
}

func TestApplyCorrection(t *testing.T) {
	at := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name     string
		place    string // key of mustSeedReview's incidents
		c        geo.Correction
		wantCode string
		check    func(t *testing.T, db *DB, in *geo.Incident, got *geo.Incident)
		wantRule *geo.PlaceRule
	}{
		{
			name: "move places the incident and remembers the point for the country", place: "unresolved",
			c: geo.Correction{Action: geo.ActionMove, Lat: ptr(35.70), Lon: ptr(37.10), By: "ana"},
			check: func(t *testing.T, db *DB, in, got *geo.Incident) {
				if !near(got.Lat, 35.70) || !near(got.Lon, 37.10) || got.Precision != 1 || got.NeedsReview || got.Confidence != 1 {
					t.Errorf("incident = lat %v lon %v prec %d review %v conf %v, want 35.70 37.10 1 false 1",
						got.Lat, got.Lon, got.Precision, got.NeedsReview, got.Confidence)
				}
				if got.Name != "Abu Sharja" || got.GeonameID != 0 {
					t.Errorf("name, geonameid = %q, %d; want the name as written and 0", got.Name, got.GeonameID)
				}
				if lon, lat, _, prec, ok := rtreeRow(t, db, in.ID); !ok || !nearF32(lon, 37.10) || !nearF32(lat, 35.70) || prec != 1 {
					t.Errorf("rtree = %v %v prec %d ok %v, want 37.10 35.70 1 true", lon, lat, prec, ok)
				}
			},
			wantRule: &geo.PlaceRule{Name: "Abu Sharja", Key: gazetteer.LooseKey("Abu Sharja"), CountryCode: "SY", Lat: 35.70, Lon: 37.10, Precision: 1, CreatedBy: "ana"},
		},
		{
			name: "candidate from the incident's runner-ups", place: "doubtful",
			c: geo.Correction{Action: geo.ActionCandidate, GeonameID: 900004, By: "ana"},
			check: func(t *testing.T, db *DB, in, got *geo.Incident) {
				if got.GeonameID != 900004 || !near(got.Lat, 35.6) || got.CountryCode != "SY" || got.Admin1 != "Sample" {
					t.Errorf("incident = %d %v %s %s, want 900004 35.6 SY Sample", got.GeonameID, got.Lat, got.CountryCode, got.Admin1)
				}
			},
			// The scope is the chosen place's country, not the wrong one.
			wantRule: &geo.PlaceRule{Name: "Tell Sample", Key: gazetteer.LooseKey("Tell Sample"), CountryCode: "SY", Lat: 35.6, Lon: 37.21, GeonameID: 900004,
				PlaceName: "Tell Sample", Precision: 1, CreatedBy: "ana"},
		},
		{
			name: "candidate from the stored gazetteer with its admin-1 name", place: "unresolved",
			c: geo.Correction{Action: geo.ActionCandidate, GeonameID: 900002, By: "ana", Country: "SY"},
			check: func(t *testing.T, db *DB, in, got *geo.Incident) {
				if got.GeonameID != 900002 || got.Name != "Tell Sample" || got.Admin1 != "Sample Governorate" || got.NeedsReview {
					t.Errorf("incident = %d %q %q review %v, want 900002 Tell Sample, Sample Governorate, false",
						got.GeonameID, got.Name, got.Admin1, got.NeedsReview)
				}
			},
			wantRule: &geo.PlaceRule{Name: "Abu Sharja", Key: gazetteer.LooseKey("Abu Sharja"), CountryCode: "SY", Lat: 35.61, Lon: 37.2, GeonameID: 900002,
				PlaceName: "Tell Sample", Precision: 1, CreatedBy: "ana"},
		},
		{
			name: "role turns a mention into an incident, in the R*Tree too", place: "mention",
			c: geo.Correction{Action: geo.ActionRole, Role: geo.RoleIncident, By: "ana"},
			check: func(t *testing.T, db *DB, in, got *geo.Incident) {
				if got.Role != geo.RoleIncident {
					t.Errorf("role = %s, want incident", got.Role)
				}
				if _, _, role, _, ok := rtreeRow(t, db, in.ID); !ok || role != 0 {
					t.Errorf("rtree role = %d ok %v, want 0 true", role, ok)
				}
			},
		},
		{
			name: "reject removes the incident but keeps the correction", place: "unresolved",
			c: geo.Correction{Action: geo.ActionReject, By: "ana"},
			check: func(t *testing.T, db *DB, in, got *geo.Incident) {
				if got.ID != in.ID {
					t.Errorf("returned incident %d, want the rejected one %d", got.ID, in.ID)
				}
				if _, err := db.FindIncidentByID(context.Background(), in.ID); geo.ErrorCode(err) != geo.ENOTFOUND {
					t.Errorf("FindIncidentByID after reject: err = %v, want ENOTFOUND", err)
				}
				if _, _, _, _, ok := rtreeRow(t, db, in.ID); ok {
					t.Error("rejected incident still in the R*Tree")
				}
				cs, err := db.Corrections(context.Background(), in.ID)
				if err != nil || len(cs) != 1 {
					t.Fatalf("corrections = %v, %v; want one", cs, err)
				}
				var old map[string]any
				if err := json.Unmarshal(cs[0].Old, &old); err != nil || old["place"] != "Abu Sharja" || old["date"] != "2019-01-23" {
					t.Errorf("old value = %s (%v), want the whole incident", cs[0].Old, err)
				}
			},
		},
		{name: "unknown incident", place: "", c: geo.Correction{IncidentID: 999, Action: geo.ActionReject, By: "ana"}, wantCode: geo.ENOTFOUND},
		{name: "unknown gazetteer place", place: "unresolved", c: geo.Correction{Action: geo.ActionCandidate, GeonameID: 12345, By: "ana"}, wantCode: geo.ENOTFOUND},
		{name: "unknown action", place: "unresolved", c: geo.Correction{Action: "delete", By: "ana"}, wantCode: geo.EINVALID},
		{name: "move without lon", place: "unresolved", c: geo.Correction{Action: geo.ActionMove, Lat: ptr(1.0), By: "ana"}, wantCode: geo.EINVALID},
		{name: "move off the globe", place: "unresolved", c: geo.Correction{Action: geo.ActionMove, Lat: ptr(91.0), Lon: ptr(0.0), By: "ana"}, wantCode: geo.EINVALID},
		{name: "bad role", place: "mention", c: geo.Correction{Action: geo.ActionRole, Role: "place", By: "ana"}, wantCode: geo.EINVALID},
		{name: "no analyst", place: "mention", c: geo.Correction{Action: geo.ActionReject}, wantCode: geo.EINVALID},
		{name: "bad country scope", place: "unresolved", c: geo.Correction{Action: geo.ActionMove, Lat: ptr(1.0), Lon: ptr(1.0), By: "ana", Country: "syr"}, wantCode: geo.EINVALID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			db := MustOpenDB(t)
			db.Now = func() time.Time { return at }
			incs := mustSeedReview(t, db)
			in := incs[tt.place]
			c := tt.c
			if in != nil {
				c.IncidentID = in.ID
			}
			v0, _ := db.DataVersion(ctx)
			got, err := db.ApplyCorrection(ctx, c)
			if code := geo.ErrorCode(err); code != tt.wantCode {
				t.Fatalf("err = %v (code %q), want code %q", err, code, tt.wantCode)
			}
			v1, _ := db.DataVersion(ctx)
			if tt.wantCode != "" {
				if v1 != v0 {
					t.Errorf("data version %d → %d after a failed correction, want unchanged", v0, v1)
				}
				var n int
				if err := db.rdb.QueryRow(`SELECT count(*) FROM corrections`).Scan(&n); err != nil || n != 0 {
					t.Errorf("corrections stored after a failure: %d (%v)", n, err)
				}
				return
			}
			tt.check(t, db, in, got)
			if v1 <= v0 {
				t.Errorf("data version %d → %d, want it bumped", v0, v1)
			}
			changes, err := db.Changes(ctx, v0, 10)
			if err != nil || len(changes) != 1 || changes[0].Kind != ChangeIncidentReviewed || len(changes[0].IncidentIDs) != 1 || changes[0].IncidentIDs[0] != in.ID {
				t.Errorf("changes after v%d = %+v (%v), want one incident_reviewed of %d", v0, changes, err, in.ID)
			}
			cs, err := db.Corrections(ctx, in.ID)
			if err != nil || len(cs) != 1 || cs[0].By != "ana" || !cs[0].At.Equal(at) || cs[0].Action != tt.c.Action {
				t.Errorf("corrections = %+v (%v), want one by ana at %v", cs, err, at)
			}
			rules, err := db.PlaceRules(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if tt.wantRule == nil {
				if len(rules) != 0 {
					t.Errorf("rules = %+v, want none", rules)
				}
				return
			}
			if len(rules) != 1 {
				t.Fatalf("rules = %+v, want one", rules)
			}
			r := rules[0]
			r.ID, tt.wantRule.CreatedAt = 0, at
			if !r.CreatedAt.Equal(at) {
				t.Errorf("rule created at %v, want %v", r.CreatedAt, at)
			}
			r.CreatedAt = at
			if r != *tt.wantRule {
				t.Errorf("rule = %+v\nwant   %+v", r, *tt.wantRule)
			}
		})
	}
}

func TestApplyCorrection_RuleIsReplacedPerNameAndScope(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	in := mustSeedReview(t, db)["unresolved"]
	for _, c := range []geo.Correction{
		{Action: geo.ActionMove, Lat: ptr(35.0), Lon: ptr(37.0), By: "first"},
		{Action: geo.ActionMove, Lat: ptr(35.7), Lon: ptr(37.1), By: "second"},
		{Action: geo.ActionMove, Lat: ptr(36.0), Lon: ptr(38.0), By: "other scope", Country: "IQ"},
	} {
		c.IncidentID = in.ID
		if _, err := db.ApplyCorrection(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	rules, err := db.PlaceRules(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(rules) != 2 {
		t.Fatalf("rules = %+v, want two (SY replaced, IQ added)", rules)
	}
	if r := rules[0]; r.CountryCode != "SY" || r.CreatedBy != "second" || !near(r.Lat, 35.7) {
		t.Errorf("SY rule = %+v, want the second move", r)
	}
	if r := rules[1]; r.CountryCode != "IQ" || !near(r.Lat, 36.0) {
		t.Errorf("IQ rule = %+v, want the third move", r)
	}
	if cs, _ := db.Corrections(ctx, in.ID); len(cs) != 3 {
		t.Errorf("corrections = %d, want 3 (every one recorded)", len(cs))
	}
}

func TestReviewQueue(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	incs := mustSeedReview(t, db)
	tests := []struct {
		limit    int
		want     []string
		wantCode string
	}{
		{limit: 0, want: []string{"unresolved", "doubtful", "mention"}},
		{limit: 2, want: []string{"unresolved", "doubtful"}},
		{limit: -1, wantCode: geo.EINVALID},
	}
	for _, tt := range tests {
		got, err := db.ReviewQueue(ctx, tt.limit)
		if code := geo.ErrorCode(err); code != tt.wantCode {
			t.Fatalf("limit %d: err = %v, want code %q", tt.limit, err, tt.wantCode)
		}
		if len(got) != len(tt.want) {
			t.Fatalf("limit %d: %d incidents, want %d", tt.limit, len(got), len(tt.want))
		}
		for i, k := range tt.want {
			if got[i].ID != incs[k].ID {
				t.Errorf("limit %d: queue[%d] = %d (%s), want %s", tt.limit, i, got[i].ID, got[i].Place, k)
			}
		}
	}
	// A reviewed place leaves the head of the queue.
	if _, err := db.ApplyCorrection(ctx, geo.Correction{IncidentID: incs["unresolved"].ID, Action: geo.ActionMove,
		Lat: ptr(35.7), Lon: ptr(37.1), By: "ana"}); err != nil {
		t.Fatal(err)
	}
	got, err := db.ReviewQueue(ctx, 1)
	if err != nil || len(got) != 1 || got[0].ID != incs["doubtful"].ID {
		t.Errorf("queue after the fix = %v (%v), want the doubtful place first", got, err)
	}
}
