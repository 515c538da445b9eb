package topojson_test

import (
	"testing"

	"github.com/incidentmap/incidentmap/tiles/topojson"
	"github.com/paulmach/orb"
)

// Two unit squares side by side sharing the arc x=1, quantized with scale
// 0.5; the second geometry has a numeric id.
const twoSquares = `{"type":"Topology",
 "transform":{"scale":[0.5,0.5],"translate":[10,20]},
 "arcs":[
  [[2,0],[0,2]],
  [[2,2],[-2,0],[0,-2],[2,0]],
  [[2,0],[2,0],[0,2],[-2,0]]
 ],
 "objects":{"countries":{"type":"GeometryCollection","geometries":[
  {"type":"Polygon","id":"010","arcs":[[0,1]],"properties":{"name":"West"}},
  {"type":"MultiPolygon","id":20,"arcs":[[[2,-1]]]},
  {"type":null}
 ]}}}`

func TestTopology(t *testing.T) {
	topo, err := topojson.Decode([]byte(twoSquares))
	if err != nil {
		t.Fatal(err)
	}
	if !topo.Has("countries") || topo.Has("land") {
		t.Errorf("Has: countries %v, land %v", topo.Has("countries"), topo.Has("land"))
	}
	geoms, err := topo.Geometries("countries")
	if err != nil {
		t.Fatal(err)
	}
	if len(geoms) != 3 || geoms[0].ID != "010" || geoms[1].ID != "20" || geoms[2].Type != "" {
		t.Fatalf("geometries = %+v", geoms)
	}
	if n, _ := geoms[0].Properties["name"].(string); n != "West" {
		t.Errorf("name = %q, want West", n)
	}
	polys, err := geoms[1].Polygons()
	if err != nil || len(polys) != 1 || len(polys[0]) != 1 {
		t.Fatalf("Polygons = %v, %v", polys, err)
	}
	east, err := topo.Ring(polys[0][0])
	if err != nil {
		t.Fatal(err)
	}
	want := orb.Ring{{11, 20}, {12, 20}, {12, 21}, {11, 21}, {11, 20}}
	if !east.Equal(want) {
		t.Errorf("East ring = %v, want %v (arc 0 reversed, joint kept once)", east, want)
	}
	if p, err := geoms[2].Polygons(); p != nil || err != nil {
		t.Errorf("null geometry: Polygons = %v, %v; want none", p, err)
	}
	if got := geoms[1].ArcIndexes(); len(got) != 2 || got[0] != 2 || got[1] != -1 {
		t.Errorf("ArcIndexes = %v, want [2 -1]", got)
	}
	uses, err := topo.ArcUses(geoms)
	if err != nil || len(uses) != 3 || uses[0] != 2 || uses[1] != 1 || uses[2] != 1 {
		t.Errorf("ArcUses = %v, %v; want [2 1 1]", uses, err)
	}
	if _, err := topo.Arc(3); err == nil {
		t.Errorf("Arc(3) of 3 arcs: no error")
	}
	if _, err := topo.Ring([]int{^3}); err == nil {
		t.Errorf("Ring of arc ~3: no error")
	}
}

func TestDecodeUnquantized(t *testing.T) {
	topo, err := topojson.Decode([]byte(`{"type":"Topology","arcs":[[[1.5,2],[3,4]]],"objects":{}}`))
	if err != nil {
		t.Fatal(err)
	}
	if want := (orb.LineString{{1.5, 2}, {3, 4}}); !topo.Arcs[0].Equal(want) {
		t.Errorf("arc = %v, want %v (positions as they are)", topo.Arcs[0], want)
	}
	if _, err := topo.Geometries("countries"); err == nil {
		t.Errorf("missing object: no error")
	}
}
