package gazetteer

import (
	"encoding/json"
	"io"
	"math"

	"github.com/incidentmap/incidentmap/geo"
)

// CountryShape is a country's outline: closed rings of [lon, lat] points
// (outer rings and holes alike; even-odd filling tells them apart). The
// longitudes are unwrapped so that no ring jumps across the antimeridian:
// they lie within 180° of Ref and may leave [-180, 180] (Russia's Chukotka
// reaches 190°).
type CountryShape struct {
	Rings [][][2]float64
	Ref   float64 // reference longitude: every ring starts within 180° of it
}

// topoGeometry is a TopoJSON Polygon or MultiPolygon.
type topoGeometry struct {
	Type string          `json:"type"`
	ID   string          `json:"id"`
	Arcs json.RawMessage `json:"arcs"`
}

// ReadCountryShapes reads a world-atlas countries TopoJSON file
// (countries-50m.json). byNumeric maps an ISO 3166-1 numeric code ("024")
// to its alpha-2 code ("AO"); shapes whose id it lacks (disputed areas
// such as Northern Cyprus) are skipped. The result is keyed by alpha-2.
func ReadCountryShapes(r io.Reader, byNumeric map[string]string) (map[string]CountryShape, error) {
	var t struct {
		Transform struct {
			Scale     [2]float64 `json:"scale"`
			Translate [2]float64 `json:"translate"`
		} `json:"transform"`
		Objects map[string]struct {
			Geometries []topoGeometry `json:"geometries"`
		} `json:"objects"`
		Arcs [][][2]float64 `json:"arcs"`
	}
	if err := json.NewDecoder(r).Decode(&t); err != nil {
		return nil, geo.Errorf(geo.EINVALID, "world-atlas TopoJSON: %v", err)
	}
	arcs := decodeArcs(t.Arcs, t.Transform.Scale, t.Transform.Translate)
	// world-atlas splits some countries over several geometries with the
	// same id (Australia and its Ashmore and Cartier Islands): merge them.
	out := map[string]CountryShape{}
	for _, g := range t.Objects["countries"].Geometries {
		cc := byNumeric[g.ID]
		if cc == "" {
			continue
		}
		var polys [][][]int
		switch g.Type {
		case "Polygon":
			var p [][]int
			if err := json.Unmarshal(g.Arcs, &p); err != nil {
				return nil, geo.Errorf(geo.EINVALID, "world-atlas TopoJSON: %s: %v", g.ID, err)
			}
			polys = [][][]int{p}
		case "MultiPolygon":
			if err := json.Unmarshal(g.Arcs, &polys); err != nil {
				return nil, geo.Errorf(geo.EINVALID, "world-atlas TopoJSON: %s: %v", g.ID, err)
			}
		default:
			continue
		}
		s := out[cc]
		for _, p := range polys {
			for _, idx := range p {
				ring, err := topoRing(arcs, idx)
				if err != nil {
					return nil, geo.Errorf(geo.EINVALID, "world-atlas TopoJSON: %s: %v", g.ID, err)
				}
				if len(ring) >= 4 {
					s.Rings = append(s.Rings, ring)
				}
			}
		}
		if len(s.Rings) > 0 {
			out[cc] = s
		}
	}
	for cc, s := range out {
		// Refer longitudes to the longest ring (the mainland), so islands
		// across the antimeridian sit beside it rather than 360° away.
		longest := s.Rings[0]
		for _, r := range s.Rings {
			if len(r) > len(longest) {
				longest = r
			}
		}
		s.Ref = longest[0][0]
		for _, r := range s.Rings {
			if d := 360 * math.Round((s.Ref-r[0][0])/360); d != 0 {
				for i := range r {
					r[i][0] += d
				}
			}
		}
		out[cc] = s
	}
	return out, nil
}

// decodeArcs turns TopoJSON's delta-encoded, quantised arcs into lon/lat.
func decodeArcs(raw [][][2]float64, scale, translate [2]float64) [][][2]float64 {
	arcs := make([][][2]float64, len(raw))
	for i, a := range raw {
		x, y := 0.0, 0.0
		pts := make([][2]float64, len(a))
		for j, d := range a {
			x, y = x+d[0], y+d[1]
			pts[j] = [2]float64{x*scale[0] + translate[0], y*scale[1] + translate[1]}
		}
		arcs[i] = pts
	}
	return arcs
}

// topoRing joins the arcs of one ring (a negative index ^i is arc i
// reversed) and unwraps its longitudes across the antimeridian.
func topoRing(arcs [][][2]float64, idx []int) ([][2]float64, error) {
	var ring [][2]float64
	for _, i := range idx {
		rev := i < 0
		if rev {
			i = ^i
		}
		if i >= len(arcs) {
			return nil, geo.Errorf(geo.EINVALID, "arc %d out of range", i)
		}
		a := arcs[i]
		for j := range a {
			p := a[j]
			if rev {
				p = a[len(a)-1-j]
			}
			if len(ring) > 0 && j == 0 {
				continue // shared with the end of the previous arc
			}
			if len(ring) > 0 {
				prev := ring[len(ring)-1][0]
				p[0] += 360 * math.Round((prev-p[0])/360)
			}
			ring = append(ring, p)
		}
	}
	return ring, nil
}
