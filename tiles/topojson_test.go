package tiles

import (
	"testing"

	"github.com/paulmach/orb"
)

// Two unit squares side by side sharing the arc x=1; quantized with scale
// 0.5 so positions are delta-encoded halves of a degree.
const twoSquares = `{"type":"Topology",
 "transform":{"scale":[0.5,0.5],"translate":[10,20]},
 "arcs":[
  [[2,0],[0,2]],
  [[2,2],[-2,0],[0,-2],[2,0]],
  [[2,0],[2,0],[0,2],[-2,0]]
 ],
 "objects":{"countries":{"type":"GeometryCollection","geometries":[
  {"type":"Polygon","arcs":[[0,1]],"properties":{"name":"West"}},
  {"type":"MultiPolygon","arcs":[[[2,-1]]],"properties":{"name":"East"}},
  {"type":null}
 ]}}}`

func TestDecodeTopology(t *testing.T) {
	topo, err := decodeTopology([]byte(twoSquares))
	if err != nil {
		t.Fatal(err)
	}
	fs, err := topo.object("countries")
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 2 || fs[0].Name != "West" || fs[1].Name != "East" {
		t.Fatalf("features = %+v, want West and East", fs)
	}
	wantWest := orb.Ring{{11, 20}, {11, 21}, {10, 21}, {10, 20}, {11, 20}}
	if got := fs[0].Polygon[0][0]; !got.Equal(wantWest) {
		t.Errorf("West ring = %v, want %v", got, wantWest)
	}
	wantEast := orb.Ring{{11, 20}, {12, 20}, {12, 21}, {11, 21}, {11, 20}}
	if got := fs[1].Polygon[0][0]; !got.Equal(wantEast) {
		t.Errorf("East ring = %v, want %v", got, wantEast)
	}
	if want := []int{2, 1, 1}; topo.arcUses[0] != want[0] || topo.arcUses[1] != want[1] || topo.arcUses[2] != want[2] {
		t.Errorf("arc uses = %v, want %v (the shared border used twice)", topo.arcUses, want)
	}
}

func TestDecodeTopologyErrors(t *testing.T) {
	for _, tt := range []struct{ name, in, obj string }{
		{"not json", `{`, ""},
		{"not a topology", `{"type":"FeatureCollection"}`, ""},
		{"missing object", `{"type":"Topology","arcs":[],"objects":{}}`, "countries"},
		{"arc out of range", `{"type":"Topology","arcs":[],"objects":{"countries":{"type":"Polygon","arcs":[[3]]}}}`, "countries"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			topo, err := decodeTopology([]byte(tt.in))
			if err == nil && tt.obj != "" {
				_, err = topo.object(tt.obj)
			}
			if err == nil {
				t.Errorf("no error")
			}
		})
	}
}

func TestUnwrapPolygonAcrossAntimeridian(t *testing.T) {
	p := orb.Polygon{{{170, 60}, {-170, 60}, {-170, 70}, {170, 70}, {170, 60}}}
	u := unwrapPolygon(p)
	if b := u.Bound(); b.Min[0] != 170 || b.Max[0] != 190 {
		t.Fatalf("unwrapped bound %v, want lon 170..190", b)
	}
	if got := worldCopies(u.Bound()); len(got) != 2 || got[1] != -360 {
		t.Errorf("worldCopies = %v, want [0 -360]", got)
	}
	if parts := splitAtAntimeridian(orb.LineString{{170, 60}, {179, 61}, {-179, 62}, {-170, 63}}); len(parts) != 2 {
		t.Errorf("split into %d parts, want 2", len(parts))
	}
}
