package tiles

import (
	"encoding/json"
	"fmt"

	"github.com/paulmach/orb"
)

// This is a small TopoJSON decoder, written by hand because no maintained Go
// module decodes TopoJSON (orb reads GeoJSON, WKB and MVT; the TopoJSON Go
// ports found are unmaintained and pull in their own geometry types). It
// covers what world-atlas uses: quantized, delta-encoded arcs and Polygon /
// MultiPolygon geometries in GeometryCollections, plus the arc use counts
// that tell internal borders from coastlines.

// topology is the JSON shape of a TopoJSON file.
type topology struct {
	Type      string                     `json:"type"`
	Transform *topoTransform             `json:"transform"`
	Arcs      [][][2]float64             `json:"arcs"`
	Objects   map[string]json.RawMessage `json:"objects"`
}

type topoTransform struct {
	Scale     [2]float64 `json:"scale"`
	Translate [2]float64 `json:"translate"`
}

type topoGeometry struct {
	Type       string            `json:"type"`
	Arcs       json.RawMessage   `json:"arcs"`
	Properties map[string]any    `json:"properties"`
	ID         any               `json:"id"`
	Geometries []json.RawMessage `json:"geometries"`
}

// topoFeature is one decoded geometry with its name.
type topoFeature struct {
	Name    string
	Polygon orb.MultiPolygon // in lon/lat
}

// topoData is a decoded topology: the arcs in lon/lat and how often each
// arc is used by the geometries decoded so far.
type topoData struct {
	arcs    []orb.LineString
	arcUses []int
	raw     map[string]json.RawMessage
}

// decodeTopology parses TopoJSON text and decodes (and un-quantizes) its arcs.
func decodeTopology(data []byte) (*topoData, error) {
	var t topology
	if err := json.Unmarshal(data, &t); err != nil {
		return nil, fmt.Errorf("topojson: %w", err)
	}
	if t.Type != "Topology" {
		return nil, fmt.Errorf("topojson: type %q, want \"Topology\"", t.Type)
	}
	d := &topoData{arcs: make([]orb.LineString, len(t.Arcs)), arcUses: make([]int, len(t.Arcs)), raw: t.Objects}
	for i, arc := range t.Arcs {
		ls := make(orb.LineString, len(arc))
		var x, y float64
		for j, p := range arc {
			if t.Transform == nil {
				ls[j] = orb.Point{p[0], p[1]}
				continue
			}
			// Quantized arcs store the first position absolutely and the
			// rest as deltas from the previous one.
			x += p[0]
			y += p[1]
			ls[j] = orb.Point{
				x*t.Transform.Scale[0] + t.Transform.Translate[0],
				y*t.Transform.Scale[1] + t.Transform.Translate[1],
			}
		}
		d.arcs[i] = ls
	}
	return d, nil
}

// object decodes the named object's geometries (a GeometryCollection or a
// single geometry). Geometries of other types than Polygon and MultiPolygon,
// and null geometries, are skipped.
func (d *topoData) object(name string) ([]topoFeature, error) {
	raw, ok := d.raw[name]
	if !ok {
		return nil, fmt.Errorf("topojson: no object %q", name)
	}
	var g topoGeometry
	if err := json.Unmarshal(raw, &g); err != nil {
		return nil, fmt.Errorf("topojson: object %q: %w", name, err)
	}
	geoms := []json.RawMessage{raw}
	if g.Type == "GeometryCollection" {
		geoms = g.Geometries
	}
	var out []topoFeature
	for i, r := range geoms {
		var gg topoGeometry
		if err := json.Unmarshal(r, &gg); err != nil {
			return nil, fmt.Errorf("topojson: %s geometry %d: %w", name, i, err)
		}
		var mp orb.MultiPolygon
		switch gg.Type {
		case "Polygon":
			var rings [][]int
			if err := json.Unmarshal(gg.Arcs, &rings); err != nil {
				return nil, fmt.Errorf("topojson: %s geometry %d: %w", name, i, err)
			}
			p, err := d.polygon(rings)
			if err != nil {
				return nil, fmt.Errorf("topojson: %s geometry %d: %w", name, i, err)
			}
			mp = orb.MultiPolygon{p}
		case "MultiPolygon":
			var polys [][][]int
			if err := json.Unmarshal(gg.Arcs, &polys); err != nil {
				return nil, fmt.Errorf("topojson: %s geometry %d: %w", name, i, err)
			}
			for _, rings := range polys {
				p, err := d.polygon(rings)
				if err != nil {
					return nil, fmt.Errorf("topojson: %s geometry %d: %w", name, i, err)
				}
				mp = append(mp, p)
			}
		default:
			continue
		}
		f := topoFeature{Polygon: mp}
		if n, ok := gg.Properties["name"].(string); ok {
			f.Name = n
		}
		out = append(out, f)
	}
	return out, nil
}

func (d *topoData) polygon(rings [][]int) (orb.Polygon, error) {
	p := make(orb.Polygon, 0, len(rings))
	for _, ring := range rings {
		var r orb.Ring
		for k, idx := range ring {
			// A negative index ~i means arc i walked backwards.
			rev := idx < 0
			if rev {
				idx = ^idx
			}
			if idx >= len(d.arcs) {
				return nil, fmt.Errorf("arc %d out of range (%d arcs)", idx, len(d.arcs))
			}
			d.arcUses[idx]++
			arc := d.arcs[idx]
			start := len(r)
			if k > 0 && len(arc) > 0 {
				// Consecutive arcs share their joining position.
				arc = arc[:len(arc)-1]
				if !rev {
					arc = d.arcs[idx][1:]
				}
			}
			r = append(r, arc...)
			if rev {
				seg := r[start:]
				for a, b := 0, len(seg)-1; a < b; a, b = a+1, b-1 {
					seg[a], seg[b] = seg[b], seg[a]
				}
			}
		}
		if len(r) >= 4 {
			p = append(p, r)
		}
	}
	return p, nil
}
