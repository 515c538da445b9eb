package geo

import (
	"context"
	"testing"
)

// reviewText is written for these tests: an unknown village named next to
// a known town in a Syrian province.
const reviewText = "Shelling hit farms near Abu Sharja in Idlib province on Tuesday, residents said."

func TestRuleSetAppliesRulesToPipeline(t *testing.T) {
	g := mustDefaultGazetteer(t)
	at := func(lat, lon float64) PlaceRule {
		return PlaceRule{Name: "Abu Sharja", CountryCode: "SY", Lat: lat, Lon: lon, Precision: PrecisionExact}
	}
	tests := []struct {
		name     string
		rules    []PlaceRule
		wantLat  float64 // 0: the place stays unresolved
		wantLon  float64
		wantRule int
	}{
		{name: "no rule: unresolved", rules: nil},
		{name: "rule in the report's country", rules: []PlaceRule{at(35.70, 37.10)}, wantLat: 35.70, wantLon: 37.10, wantRule: 1},
		{name: "rule for another country", rules: []PlaceRule{{Name: "Abu Sharja", CountryCode: "IQ", Lat: 33, Lon: 44}}, wantRule: 1},
		{name: "rule for any country", rules: []PlaceRule{{Name: "abu sharja", Lat: 35.5, Lon: 37.5}}, wantLat: 35.5, wantLon: 37.5, wantRule: 1},
		{name: "admin-1 rules are not applied", rules: []PlaceRule{{Name: "Abu Sharja", CountryCode: "SY", Admin1: "Idlib", Lat: 1, Lon: 1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rs := NewRuleSet(g, tt.rules)
			if rs.Len() != tt.wantRule {
				t.Errorf("Len = %d, want %d", rs.Len(), tt.wantRule)
			}
			p := &Pipeline{Parser: NewGeoparser(g), Rules: rs}
			var found bool
			incidents, err := p.Incidents(context.Background(), &Report{Text: reviewText})
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
				if in.NeedsReview || in.Lat != tt.wantLat || in.Lon != tt.wantLon || in.Precision != PrecisionExact {
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

type staticRules []PlaceRule

func (r staticRules) PlaceRules(context.Context) ([]PlaceRule, error) { return r, nil }

func TestRuleSetLoadSwapsParser(t *testing.T) {
	rs := NewRuleSet(mustDefaultGazetteer(t), nil)
	before := rs.Parser()
	if err := rs.Load(context.Background(), staticRules{{Name: "Abu Sharja", CountryCode: "SY", Lat: 35.7, Lon: 37.1}}); err != nil {
		t.Fatal(err)
	}
	if rs.Parser() == before || rs.Len() != 1 {
		t.Errorf("Load kept the old parser (len %d)", rs.Len())
	}
	// The old parser is untouched: a Parse running during the swap is consistent.
	for _, tp := range before.Parse(reviewText) {
		if tp.Text == "Abu Sharja" && !tp.NeedsReview {
			t.Error("the old parser sees the new rule")
		}
	}
}

func TestGazetteerSearch(t *testing.T) {
	s := GazetteerSearch{G: mustDefaultGazetteer(t)}
	tests := []struct {
		q, cc    string
		limit    int
		wantName string // the first result's name ("" = no result)
		wantCC   string
	}{
		{q: "Idlib", cc: "SY", limit: 5, wantName: "Idlib", wantCC: "SY"},
		{q: "idlib", cc: "", limit: 5, wantName: "Idlib", wantCC: "SY"},
		{q: "Idlib", cc: "FR", limit: 5},
		{q: "Saraqib", cc: "SY", limit: 5, wantName: "Sarāqib", wantCC: "SY"}, // diacritics folded
		{q: "Saraq", cc: "SY", limit: 5, wantName: "Sarāqib", wantCC: "SY"},   // prefix
		{q: "Sa", cc: "SY", limit: 5},                                         // too short for a prefix
		{q: "  ", cc: "", limit: 5},
		{q: "Idlib", cc: "", limit: 0},
	}
	for _, tt := range tests {
		t.Run(tt.q+"/"+tt.cc, func(t *testing.T) {
			got := s.Search(tt.q, tt.cc, tt.limit)
			if got == nil {
				t.Fatal("nil result, want an empty slice (it is JSON-encoded)")
			}
			if len(got) > tt.limit {
				t.Errorf("%d results, want at most %d", len(got), tt.limit)
			}
			if tt.wantName == "" {
				if len(got) != 0 {
					t.Errorf("results = %+v, want none", got)
				}
				return
			}
			if len(got) == 0 || got[0].Name != tt.wantName || got[0].CountryCode != tt.wantCC {
				t.Errorf("results = %+v, want %s (%s) first", got, tt.wantName, tt.wantCC)
			}
			for _, c := range got {
				if tt.cc != "" && c.CountryCode != tt.cc {
					t.Errorf("result %+v outside country %s", c, tt.cc)
				}
			}
		})
	}
}
