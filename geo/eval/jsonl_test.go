package eval

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/incidentmap/incidentmap/geo"
	"github.com/incidentmap/incidentmap/geo/gazetteer"
	"github.com/incidentmap/incidentmap/geo/geoparse"
)

func TestGeoparseJSONL(t *testing.T) {
	g := gazetteer.NewBuilder(1)
	g.Add(&geo.Place{GeonameID: 169389, Name: "Idlib", Lat: 35.93, Lon: 36.63, FeatureClass: "P", FeatureCode: "PPLA", CountryCode: "SY", Admin1Code: "12", Population: 128840})
	p := geoparse.NewParser(g.Build())
	in := `{"id": "d1", "text": "Café owners fled Idlib on Monday."}` + "\n"
	var out bytes.Buffer
	if err := WriteJSONL(p, strings.NewReader(in), &out); err != nil {
		t.Fatal(err)
	}
	var got struct {
		ID     string       `json:"id"`
		Places []JSONLPlace `json:"places"`
	}
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("%v: %s", err, out.String())
	}
	if got.ID != "d1" || len(got.Places) != 1 || got.Places[0].Start != 17 || got.Places[0].End != 22 || got.Places[0].GeonameID != 169389 {
		t.Errorf("got %+v, want Idlib at code points 17-22", got)
	}
}
