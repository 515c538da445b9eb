package geo

import (
	"encoding/json"
	"io"
	"strconv"
	"strings"
)

// US counties are GeoNames ADM2 areas, absent from cities500, and local US
// news names them constantly ("Hall County"). The default gazetteer takes
// them from the npm package us-atlas (ISC licence; US Census Bureau
// boundaries, public domain): one place per county at the centre of its
// bounding box, named "<name> County" ("Parish" in Louisiana, "Borough" in
// Alaska), with the state's postal code as admin-1 code.

type topology struct {
	Transform struct {
		Scale     [2]float64 `json:"scale"`
		Translate [2]float64 `json:"translate"`
	} `json:"transform"`
	Objects map[string]struct {
		Geometries []struct {
			Type       string          `json:"type"`
			ID         string          `json:"id"`
			Arcs       json.RawMessage `json:"arcs"`
			Properties struct {
				Name string `json:"name"`
			} `json:"properties"`
		} `json:"geometries"`
	} `json:"objects"`
	Arcs [][][2]float64 `json:"arcs"`
}

// ReadUSCounties reads us-atlas counties-10m.json. stateCodes maps a state's
// English name to its postal code ("Georgia" → "GA"); states it lacks get
// no admin-1 code.
func ReadUSCounties(r io.Reader, stateCodes map[string]string) ([]*Place, error) {
	var t topology
	if err := json.NewDecoder(r).Decode(&t); err != nil {
		return nil, Errorf(EINVALID, "us-atlas TopoJSON: %v", err)
	}
	states := map[string]string{} // FIPS → postal code
	for _, g := range t.Objects["states"].Geometries {
		states[g.ID] = stateCodes[g.Properties.Name]
	}
	// Decode the delta-encoded, quantised arcs once.
	arcs := make([][][2]float64, len(t.Arcs))
	for i, a := range t.Arcs {
		x, y := 0.0, 0.0
		pts := make([][2]float64, len(a))
		for j, d := range a {
			x, y = x+d[0], y+d[1]
			pts[j] = [2]float64{x*t.Transform.Scale[0] + t.Transform.Translate[0], y*t.Transform.Scale[1] + t.Transform.Translate[1]}
		}
		arcs[i] = pts
	}
	var out []*Place
	for _, g := range t.Objects["counties"].Geometries {
		fips, err := strconv.Atoi(g.ID)
		if err != nil || len(g.ID) != 5 || g.Properties.Name == "" {
			continue
		}
		var idx []int
		collectArcs(g.Arcs, &idx)
		minX, minY, maxX, maxY := 180.0, 90.0, -180.0, -90.0
		for _, i := range idx {
			if i < 0 {
				i = ^i
			}
			if i >= len(arcs) {
				return nil, Errorf(EINVALID, "us-atlas TopoJSON: county %s: arc %d out of range", g.ID, i)
			}
			for _, p := range arcs[i] {
				minX, maxX = min(minX, p[0]), max(maxX, p[0])
				minY, maxY = min(minY, p[1]), max(maxY, p[1])
			}
		}
		if minX > maxX {
			continue
		}
		name := g.Properties.Name
		switch g.ID[:2] {
		case "22":
			name += " Parish"
		case "02":
			name += " Borough"
		default:
			if !strings.HasSuffix(strings.ToLower(name), " city") {
				name += " County"
			}
		}
		out = append(out, &Place{GeonameID: SyntheticCountyBase + int64(fips), Name: name, ASCIIName: name,
			Lat: (minY + maxY) / 2, Lon: (minX + maxX) / 2, FeatureClass: "A", FeatureCode: "ADM2",
			CountryCode: "US", Admin1Code: states[g.ID[:2]], Admin2Code: g.ID[2:]})
	}
	return out, nil
}

// collectArcs appends the arc indexes of a (nested) TopoJSON arcs array.
func collectArcs(raw json.RawMessage, idx *[]int) {
	var n int
	if json.Unmarshal(raw, &n) == nil {
		*idx = append(*idx, n)
		return
	}
	var list []json.RawMessage
	if json.Unmarshal(raw, &list) == nil {
		for _, r := range list {
			collectArcs(r, idx)
		}
	}
}

// USStateCodes returns state name → postal code from CLDR subdivision
// names ("usga" → "Georgia" gives "Georgia" → "GA").
func USStateCodes(subdivisions map[string]string) map[string]string {
	m := map[string]string{}
	for code, name := range subdivisions {
		if len(code) == 4 && strings.HasPrefix(code, "us") {
			m[name] = strings.ToUpper(code[2:])
		}
	}
	return m
}
