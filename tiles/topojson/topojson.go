// Package topojson decodes TopoJSON topologies: quantized, delta-encoded
// arcs into lon/lat, an object's Polygon and MultiPolygon geometries, and
// rings assembled from arc indexes. It knows nothing of what the shapes
// are; the base map (package tiles) and the gazetteer build on it.
//
// It is written by hand because no maintained Go module decodes TopoJSON
// (orb reads GeoJSON, WKB and MVT; the TopoJSON Go ports found are
// unmaintained and pull in their own geometry types). It covers what
// world-atlas and us-atlas use: quantized, delta-encoded arcs and Polygon /
// MultiPolygon geometries in GeometryCollections.
package topojson

import (
	"encoding/json"
	"fmt"

	"github.com/paulmach/orb"
)

// Topology is a decoded TopoJSON topology.
type Topology struct {
	// Arcs are in lon/lat, un-quantized.
	Arcs    []orb.LineString
	objects map[string]json.RawMessage
}

// Geometry is one geometry of an object.
type Geometry struct {
	Type       string // "Polygon", "MultiPolygon", ... ("" for a null geometry)
	ID         string // a numeric id is given as its JSON text
	Properties map[string]any
	// Arcs is the geometry's arcs member as it stands: nested arrays of
	// arc indexes, where ^i (a negative index) is arc i walked backwards.
	Arcs json.RawMessage
}

type rawTopology struct {
	Type      string `json:"type"`
	Transform *struct {
		Scale     [2]float64 `json:"scale"`
		Translate [2]float64 `json:"translate"`
	} `json:"transform"`
	Arcs    [][][2]float64             `json:"arcs"`
	Objects map[string]json.RawMessage `json:"objects"`
}

type rawGeometry struct {
	Type       string            `json:"type"`
	ID         json.RawMessage   `json:"id"`
	Properties map[string]any    `json:"properties"`
	Arcs       json.RawMessage   `json:"arcs"`
	Geometries []json.RawMessage `json:"geometries"`
}

// Decode parses TopoJSON text and decodes (and un-quantizes) its arcs.
func Decode(data []byte) (*Topology, error) {
	var t rawTopology
	if err := json.Unmarshal(data, &t); err != nil {
		return nil, fmt.Errorf("topojson: %w", err)
	}
	if t.Type != "Topology" {
		return nil, fmt.Errorf("topojson: type %q, want \"Topology\"", t.Type)
	}
	d := &Topology{Arcs: make([]orb.LineString, len(t.Arcs)), objects: t.Objects}
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
		d.Arcs[i] = ls
	}
	return d, nil
}

// Has reports whether the topology has an object of that name.
func (t *Topology) Has(name string) bool {
	_, ok := t.objects[name]
	return ok
}

// Geometries returns the named object's geometries: the members of a
// GeometryCollection, or the object itself if it is a single geometry.
func (t *Topology) Geometries(name string) ([]Geometry, error) {
	raw, ok := t.objects[name]
	if !ok {
		return nil, fmt.Errorf("topojson: no object %q", name)
	}
	var g rawGeometry
	if err := json.Unmarshal(raw, &g); err != nil {
		return nil, fmt.Errorf("topojson: object %q: %w", name, err)
	}
	geoms := []json.RawMessage{raw}
	if g.Type == "GeometryCollection" {
		geoms = g.Geometries
	}
	out := make([]Geometry, 0, len(geoms))
	for i, r := range geoms {
		var gg rawGeometry
		if err := json.Unmarshal(r, &gg); err != nil {
			return nil, fmt.Errorf("topojson: %s geometry %d: %w", name, i, err)
		}
		out = append(out, Geometry{Type: gg.Type, ID: idString(gg.ID), Properties: gg.Properties, Arcs: gg.Arcs})
	}
	return out, nil
}

// idString gives a string id as it is and any other id as its JSON text.
func idString(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s // a string, or null
	}
	return string(raw)
}

// Polygons returns the arc indexes of a Polygon or MultiPolygon geometry,
// one [][]int (a list of rings) per polygon. For geometries of other
// types it returns nil.
func (g Geometry) Polygons() ([][][]int, error) {
	switch g.Type {
	case "Polygon":
		var rings [][]int
		if err := json.Unmarshal(g.Arcs, &rings); err != nil {
			return nil, fmt.Errorf("topojson: geometry %s: %w", g.ID, err)
		}
		return [][][]int{rings}, nil
	case "MultiPolygon":
		var polys [][][]int
		if err := json.Unmarshal(g.Arcs, &polys); err != nil {
			return nil, fmt.Errorf("topojson: geometry %s: %w", g.ID, err)
		}
		return polys, nil
	}
	return nil, nil
}

// ArcIndexes returns every arc index in the geometry's arcs, however deeply
// nested, in order; negative indexes are left as they are.
func (g Geometry) ArcIndexes() []int {
	var idx []int
	collectArcs(g.Arcs, &idx)
	return idx
}

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

// Arc returns arc i, walked backwards if i is negative (^i), checking that
// it is in range. The returned line is shared when i >= 0.
func (t *Topology) Arc(i int) (orb.LineString, error) {
	rev := i < 0
	if rev {
		i = ^i
	}
	if i >= len(t.Arcs) {
		return nil, fmt.Errorf("arc %d out of range (%d arcs)", i, len(t.Arcs))
	}
	if !rev {
		return t.Arcs[i], nil
	}
	a := t.Arcs[i]
	r := make(orb.LineString, len(a))
	for j, p := range a {
		r[len(a)-1-j] = p
	}
	return r, nil
}

// Ring joins the arcs of one ring (a negative index ^i is arc i walked
// backwards); consecutive arcs share their joining position, which is
// kept once. Longitudes are as decoded: a ring across the antimeridian
// jumps from one side to the other.
func (t *Topology) Ring(idx []int) (orb.Ring, error) {
	var r orb.Ring
	for k, i := range idx {
		a, err := t.Arc(i)
		if err != nil {
			return nil, err
		}
		if k > 0 && len(a) > 0 {
			a = a[1:]
		}
		r = append(r, a...)
	}
	return r, nil
}

// Polygon joins the rings of one polygon, leaving out rings of fewer than
// four positions (degenerate after quantization).
func (t *Topology) Polygon(rings [][]int) (orb.Polygon, error) {
	p := make(orb.Polygon, 0, len(rings))
	for _, idx := range rings {
		r, err := t.Ring(idx)
		if err != nil {
			return nil, err
		}
		if len(r) >= 4 {
			p = append(p, r)
		}
	}
	return p, nil
}

// ArcUses counts how many times the Polygon and MultiPolygon geometries
// among geoms use each arc: an arc used twice is shared by two polygons
// (a land border), an arc used once lies on their outside (a coast).
func (t *Topology) ArcUses(geoms []Geometry) ([]int, error) {
	uses := make([]int, len(t.Arcs))
	for _, g := range geoms {
		polys, err := g.Polygons()
		if err != nil {
			return nil, err
		}
		for _, rings := range polys {
			for _, ring := range rings {
				for _, i := range ring {
					if i < 0 {
						i = ^i
					}
					if i >= len(t.Arcs) {
						return nil, fmt.Errorf("topojson: geometry %s: arc %d out of range (%d arcs)", g.ID, i, len(t.Arcs))
					}
					uses[i]++
				}
			}
		}
	}
	return uses, nil
}
