package geoparse

import (
	"context"
	"testing"

	"github.com/incidentmap/incidentmap/geo"
	"github.com/incidentmap/incidentmap/geo/internal/geotest"
)

// reviewText is written for these tests: an unknown village named next to
// a known town in a Syrian province.
const reviewText = "Shelling hit farms near Abu Sharja in Idlib province on Tuesday, residents said."

type staticRules []geo.PlaceRule

func (r staticRules) PlaceRules(context.Context) ([]geo.PlaceRule, error) { return r, nil }

func TestRuleSetLoadSwapsParser(t *testing.T) {
	rs := NewRuleSet(geotest.DefaultGazetteer(t), nil)
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
