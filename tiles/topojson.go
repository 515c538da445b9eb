package tiles

import (
	"fmt"

	"github.com/incidentmap/incidentmap/tiles/topojson"
	"github.com/paulmach/orb"
)

// The base map reads world-atlas through package topojson (see there why it
// is hand-written); this file turns its geometries into named polygons and
// counts the arc uses that tell internal borders from coastlines.

// topoFeature is one decoded geometry with its name.
type topoFeature struct {
	Name    string
	Polygon orb.MultiPolygon // in lon/lat
}

// topoData is a decoded topology: the arcs in lon/lat and how often each
// arc is used by the geometries decoded so far.
type topoData struct {
	topo    *topojson.Topology
	arcs    []orb.LineString
	arcUses []int
}

// decodeTopology parses TopoJSON text and decodes (and un-quantizes) its arcs.
func decodeTopology(data []byte) (*topoData, error) {
	t, err := topojson.Decode(data)
	if err != nil {
		return nil, err
	}
	return &topoData{topo: t, arcs: t.Arcs, arcUses: make([]int, len(t.Arcs))}, nil
}

// object decodes the named object's geometries (a GeometryCollection or a
// single geometry). Geometries of other types than Polygon and MultiPolygon,
// and null geometries, are skipped.
func (d *topoData) object(name string) ([]topoFeature, error) {
	geoms, err := d.topo.Geometries(name)
	if err != nil {
		return nil, err
	}
	uses, err := d.topo.ArcUses(geoms)
	if err != nil {
		return nil, fmt.Errorf("topojson: %s: %w", name, err)
	}
	var out []topoFeature
	for i, g := range geoms {
		polys, err := g.Polygons()
		if err != nil {
			return nil, fmt.Errorf("topojson: %s geometry %d: %w", name, i, err)
		}
		if polys == nil {
			continue
		}
		var mp orb.MultiPolygon
		for _, rings := range polys {
			p, err := d.topo.Polygon(rings)
			if err != nil {
				return nil, fmt.Errorf("topojson: %s geometry %d: %w", name, i, err)
			}
			mp = append(mp, p)
		}
		f := topoFeature{Polygon: mp}
		if n, ok := g.Properties["name"].(string); ok {
			f.Name = n
		}
		out = append(out, f)
	}
	for i, n := range uses {
		d.arcUses[i] += n
	}
	return out, nil
}
