package geoparse

import (
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// GeoJSON turns toponyms into a FeatureCollection: a Point feature per
// toponym, with its fields as properties (offsets in code points).
func GeoJSON(ts []Toponym) *geojson.FeatureCollection {
	fc := geojson.NewFeatureCollection()
	for _, t := range ts {
		f := geojson.NewFeature(orb.Point{t.Lon, t.Lat})
		f.Properties = geojson.Properties{
			"start": t.Start, "end": t.End, "text": t.Text, "name": t.Name, "geonameid": t.GeonameID,
			"country": t.CountryCode, "admin1": t.Admin1, "fcode": t.FeatureCode, "role": t.Role,
			"adjectival": t.Adjectival, "resolved": t.Resolved, "precision": t.Precision,
			"confidence": t.Confidence, "needs_review": t.NeedsReview, "sentence": t.Sentence,
		}
		if len(t.Candidates) > 0 {
			f.Properties["candidates"] = t.Candidates
		}
		fc.Append(f)
	}
	return fc
}
