package gazetteer

import (
	"io"
	"math"

	"github.com/incidentmap/incidentmap/geo"
	"github.com/incidentmap/incidentmap/tiles/topojson"
	"github.com/paulmach/orb"
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

// ReadCountryShapes reads a world-atlas countries TopoJSON file
// (countries-50m.json). byNumeric maps an ISO 3166-1 numeric code ("024")
// to its alpha-2 code ("AO"); shapes whose id it lacks (disputed areas
// such as Northern Cyprus) are skipped. The result is keyed by alpha-2.
func ReadCountryShapes(r io.Reader, byNumeric map[string]string) (map[string]CountryShape, error) {
	t, err := readTopology(r)
	if err != nil {
		return nil, geo.Errorf(geo.EINVALID, "world-atlas TopoJSON: %v", err)
	}
	geoms, err := objectGeometries(t, "countries")
	if err != nil {
		return nil, geo.Errorf(geo.EINVALID, "world-atlas TopoJSON: %v", err)
	}
	// world-atlas splits some countries over several geometries with the
	// same id (Australia and its Ashmore and Cartier Islands): merge them.
	out := map[string]CountryShape{}
	for _, g := range geoms {
		cc := byNumeric[g.ID]
		if cc == "" {
			continue
		}
		polys, err := g.Polygons()
		if err != nil {
			return nil, geo.Errorf(geo.EINVALID, "world-atlas TopoJSON: %s: %v", g.ID, err)
		}
		s := out[cc]
		for _, p := range polys {
			for _, idx := range p {
				ring, err := t.Ring(idx)
				if err != nil {
					return nil, geo.Errorf(geo.EINVALID, "world-atlas TopoJSON: %s: %v", g.ID, err)
				}
				if len(ring) >= 4 {
					s.Rings = append(s.Rings, unwrapRing(ring))
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

// unwrapRing copies a ring with its longitudes made continuous across the
// antimeridian: each within 180° of the one before.
func unwrapRing(r orb.Ring) [][2]float64 {
	ring := make([][2]float64, len(r))
	for i, p := range r {
		if i > 0 {
			prev := ring[i-1][0]
			p[0] += 360 * math.Round((prev-p[0])/360)
		}
		ring[i] = p
	}
	return ring
}

// readTopology reads and decodes a TopoJSON file.
func readTopology(r io.Reader) (*topojson.Topology, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	return topojson.Decode(data)
}

// objectGeometries returns the geometries of the named object; a
// topology without it has none.
func objectGeometries(t *topojson.Topology, name string) ([]topojson.Geometry, error) {
	if !t.Has(name) {
		return nil, nil
	}
	return t.Geometries(name)
}
