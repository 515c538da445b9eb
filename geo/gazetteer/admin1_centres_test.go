package gazetteer_test

import (
	"math"
	"strings"
	"testing"

	"github.com/incidentmap/incidentmap/geo"
	"github.com/incidentmap/incidentmap/geo/gazetteer"
	"github.com/incidentmap/incidentmap/geo/internal/geotest"
)

// A TopoJSON excerpt in world-atlas's shape: "010" is split over two
// geometries (as world-atlas splits Australia), "020" crosses the
// antimeridian, "999" is a shape without a country.
const shapesJSON = `{"type": "Topology",
 "transform": {"scale": [1, 1], "translate": [0, 0]},
 "objects": {"countries": {"type": "GeometryCollection", "geometries": [
  {"type": "Polygon", "id": "010", "arcs": [[0]]},
  {"type": "Polygon", "id": "010", "arcs": [[1]]},
  {"type": "MultiPolygon", "id": "020", "arcs": [[[2]]]},
  {"type": "Polygon", "id": "999", "arcs": [[0]]}]}},
 "arcs": [
  [[0, 0], [10, 0], [0, 10], [-10, 0], [0, -10]],
  [[20, 20], [1, 0], [0, 1], [-1, 0], [0, -1]],
  [[178, 60], [4, 0], [0, 5], [-4, 0], [0, -5]]]}`

func TestReadCountryShapes(t *testing.T) {
	shapes, err := gazetteer.ReadCountryShapes(strings.NewReader(shapesJSON), map[string]string{"010": "AA", "020": "BB"})
	if err != nil {
		t.Fatal(err)
	}
	if len(shapes) != 2 {
		t.Fatalf("read %d shapes, want 2 (999 has no country)", len(shapes))
	}
	if n := len(shapes["AA"].Rings); n != 2 {
		t.Errorf("AA has %d rings, want 2: geometries with one id are merged", n)
	}
	for _, p := range shapes["BB"].Rings[0] {
		if p[0] < 178 || p[0] > 182 {
			t.Errorf("BB point %v, want longitudes unwrapped into [178, 182]", p)
		}
	}
	if _, err := gazetteer.ReadCountryShapes(strings.NewReader(`{"objects": `), nil); geo.ErrorCode(err) != geo.EINVALID {
		t.Errorf("truncated JSON: err=%v, want EINVALID", err)
	}
}

func TestCentreAdmin1(t *testing.T) {
	square := gazetteer.CountryShape{Rings: [][][2]float64{{{0, 0}, {10, 0}, {10, 10}, {0, 10}, {0, 0}}}}
	town := func(a1 string, lon, lat float64) *geo.Place {
		return &geo.Place{FeatureClass: "P", CountryCode: "AA", Admin1Code: a1, Lat: lat, Lon: lon}
	}
	// Area 01's towns crowd its west edge and area 02's its east edge,
	// but the empty land between them splits at x=5: each area's point
	// is the middle of its half, not of its towns. One town coded 01 sits
	// among 02's towns (a coding error) and must not claim land there.
	var towns []*geo.Place
	for y := 0.5; y < 10; y++ {
		towns = append(towns, town("01", 0.5, y), town("01", 1, y), town("02", 9, y), town("02", 9.5, y))
	}
	towns = append(towns, town("01", 9.2, 5))
	tests := []struct {
		name     string
		shapes   map[string]gazetteer.CountryShape
		want     map[string][2]float64 // area → lat, lon
		tolerant float64               // degrees
	}{
		{"halves of a square", map[string]gazetteer.CountryShape{"AA": square},
			map[string][2]float64{"01": {5, 2.5}, "02": {5, 7.5}}, 0.25},
		{"no shape: points left for Build", nil,
			map[string][2]float64{"01": {0, 0}, "02": {0, 0}}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			areas := []*geo.Place{
				{FeatureClass: "A", FeatureCode: "ADM1", CountryCode: "AA", Admin1Code: "01"},
				{FeatureClass: "A", FeatureCode: "ADM1", CountryCode: "AA", Admin1Code: "02"},
			}
			gazetteer.CentreAdmin1(areas, towns, tt.shapes)
			for _, a := range areas {
				w := tt.want[a.Admin1Code]
				if math.Abs(a.Lat-w[0]) > tt.tolerant || math.Abs(a.Lon-w[1]) > tt.tolerant {
					t.Errorf("area %s at %.2f,%.2f, want %.2f,%.2f ± %.2f", a.Admin1Code, a.Lat, a.Lon, w[0], w[1], tt.tolerant)
				}
			}
		})
	}
}

// TestAdmin1CentresDefaultGazetteer checks the default gazetteer's large
// provinces against their geographic centres as GeoNames and atlases
// publish them: the middle of a province's towns lies hundreds of km off
// (Ontario's towns crowd the Great Lakes, Hebei's code is also on a few
// Tibetan villages).
func TestAdmin1CentresDefaultGazetteer(t *testing.T) {
	g := geotest.DefaultGazetteer(t)
	tests := []struct {
		cc, name string
		lat, lon float64
		km       float64
	}{
		{"CA", "Ontario", 49.25, -84.5, 150},
		{"US", "Alaska", 64, -150, 150},
		{"AU", "New South Wales", -32.16, 147.02, 100},
		{"AU", "Queensland", -22.5, 144.5, 150},
		{"CN", "Hebei", 39, 116, 250},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got *geo.Place
			for _, m := range g.Lookup(tt.name) {
				if m.Place.FeatureCode == "ADM1" && m.Place.CountryCode == tt.cc {
					got = m.Place
				}
			}
			if got == nil {
				t.Fatalf("no ADM1 %s in %s", tt.name, tt.cc)
			}
			if d := geo.HaversineKm(got.Lat, got.Lon, tt.lat, tt.lon); d > tt.km {
				t.Errorf("%s at %.2f,%.2f: %.0f km from %.2f,%.2f, want ≤ %.0f", tt.name, got.Lat, got.Lon, d, tt.lat, tt.lon, tt.km)
			}
		})
	}
}
