package ingest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/incidentmap/incidentmap/geo"
	"github.com/incidentmap/incidentmap/geo/geoparse"
	"github.com/incidentmap/incidentmap/geo/internal/geotest"
)

// ruleText is written for these tests: an unknown village named next to
// a known town in a Syrian province.
const ruleText = "Shelling hit farms near Abu Sharja in Idlib province on Tuesday, residents said."

func TestRuleSetAppliesRulesToPipeline(t *testing.T) {
	g := geotest.DefaultGazetteer(t)
	at := func(lat, lon float64) geo.PlaceRule {
		return geo.PlaceRule{Name: "Abu Sharja", CountryCode: "SY", Lat: lat, Lon: lon, Precision: geo.PrecisionExact}
	}
	tests := []struct {
		name     string
		rules    []geo.PlaceRule
		wantLat  float64 // 0: the place stays unresolved
		wantLon  float64
		wantRule int
	}{
		{name: "no rule: unresolved", rules: nil},
		{name: "rule in the report's country", rules: []geo.PlaceRule{at(35.70, 37.10)}, wantLat: 35.70, wantLon: 37.10, wantRule: 1},
		{name: "rule for another country", rules: []geo.PlaceRule{{Name: "Abu Sharja", CountryCode: "IQ", Lat: 33, Lon: 44}}, wantRule: 1},
		{name: "rule for any country", rules: []geo.PlaceRule{{Name: "abu sharja", Lat: 35.5, Lon: 37.5}}, wantLat: 35.5, wantLon: 37.5, wantRule: 1},
		{name: "admin-1 rules are not applied", rules: []geo.PlaceRule{{Name: "Abu Sharja", CountryCode: "SY", Admin1: "Idlib", Lat: 1, Lon: 1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rs := geoparse.NewRuleSet(g, tt.rules)
			if rs.Len() != tt.wantRule {
				t.Errorf("Len = %d, want %d", rs.Len(), tt.wantRule)
			}
			p := &Pipeline{Parser: geoparse.NewParser(g), Rules: rs}
			var found bool
			incidents, err := p.Incidents(context.Background(), &geo.Report{Text: ruleText})
			if err != nil {
				t.Fatal(err)
			}
			for _, in := range incidents {
				if in.Place != "Abu Sharja" {
					continue
				}
				found = true
				if tt.wantLat == 0 {
					if !in.NeedsReview {
						t.Errorf("Abu Sharja = %+v, want it to need review", in)
					}
					continue
				}
				if in.NeedsReview || in.Lat != tt.wantLat || in.Lon != tt.wantLon || in.Precision != geo.PrecisionExact {
					t.Errorf("Abu Sharja at %v, %v (review %v, precision %d), want %v, %v, reviewed, exact",
						in.Lat, in.Lon, in.NeedsReview, in.Precision, tt.wantLat, tt.wantLon)
				}
			}
			if !found {
				t.Fatal("no Abu Sharja incident")
			}
		})
	}
}

// TestPrepareRecoversFromDefects: a defect that panics on one report costs
// that report, as an internal error, not the batch or the server.
func TestPrepareRecoversFromDefects(t *testing.T) {
	var p Pipeline // no parser: geoparsing dereferences nil
	_, err := p.Prepare(context.Background(), &geo.Report{Text: "Shelling hit Saraqib.", Published: time.Now()})
	if geo.ErrorCode(err) != geo.EINTERNAL || !strings.Contains(geo.ErrorMessage(err), "geoparsing this report failed") {
		t.Fatalf("Prepare with a panicking parser: %v, want an internal error", err)
	}
}
