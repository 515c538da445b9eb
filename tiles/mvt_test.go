package tiles

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/maptile"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// day returns the day number of a date, for readable fixtures.
func day(tb testing.TB, s string) int32 {
	tb.Helper()
	for d := int32(0); d < 30000; d++ {
		if DaysToDate(d) == s {
			return d
		}
	}
	tb.Fatalf("bad date %q", s)
	return 0
}

// mustDecode unmarshals a tile and returns its incidents layer.
func mustDecode(tb testing.TB, data []byte) *mvt.Layer {
	tb.Helper()
	layers, err := mvt.Unmarshal(data)
	if err != nil {
		tb.Fatalf("mvt.Unmarshal: %v", err)
	}
	if len(layers) != 1 || layers[0].Name != IncidentLayer {
		tb.Fatalf("layers = %d (first %q), want one %q", len(layers), layers[0].Name, IncidentLayer)
	}
	return layers[0]
}

func TestEncodeIncidentTileUnclustered(t *testing.T) {
	tl := maptile.At(orb.Point{36.63, 35.93}, 12) // Idlib city
	b := tl.Bound()
	c := b.Center()
	points := []Point{
		{ID: 1, Lon: c[0], Lat: c[1], Date: day(t, "2016-03-02"), Precision: 1, Source: "Alpha", Role: "incident"},
		{ID: 2, Lon: c[0] + 0.01, Lat: c[1] - 0.01, Precision: 2, Disputed: true, Source: "Beta", Role: "mention"},
		{ID: 3, Lon: b.Min[0] + 1e-6, Lat: b.Max[1] - 1e-6, Date: day(t, "2020-12-31"), Precision: 3, Source: "Alpha", Role: "incident"},
		{ID: 4, Lon: b.Max[0] + 0.001, Lat: c[1], Source: "Alpha", Role: "incident"}, // east of the tile
		{ID: 5, Lon: c[0], Lat: b.Min[1] - 0.001, Source: "Alpha", Role: "incident"}, // south of the tile
	}
	data, err := EncodeIncidentTile(tl, points, EncodeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	l := mustDecode(t, data)
	l.ProjectToWGS84(tl)
	got := map[int64]*geojson.Feature{}
	for _, f := range l.Features {
		got[int64(f.Properties["id"].(float64))] = f
	}
	if len(got) != 3 || got[1] == nil || got[2] == nil || got[3] == nil {
		t.Fatalf("decoded ids %v, want exactly 1, 2, 3", keys(got))
	}
	f := got[1]
	want := map[string]any{"id": 1.0, "date": "2016-03-02", "source": "Alpha", "role": "incident", "precision": 1.0, "disputed": false}
	for k, v := range want {
		if f.Properties[k] != v {
			t.Errorf("feature 1 %s = %v (%T), want %v", k, f.Properties[k], f.Properties[k], v)
		}
	}
	if _, ok := got[2].Properties["date"]; ok {
		t.Errorf("feature 2 has a date, want none for an unknown date")
	}
	if got[2].Properties["disputed"] != true {
		t.Errorf("feature 2 disputed = %v, want true", got[2].Properties["disputed"])
	}
	// 4096 units per tile: one unit is well under 100 m here.
	p := f.Geometry.(orb.Point)
	if abs(p[0]-c[0]) > 1e-4 || abs(p[1]-c[1]) > 1e-4 {
		t.Errorf("feature 1 at %v, want %v", p, c)
	}
	if l.Features[0].ID == nil {
		t.Errorf("feature ID not set")
	}
}

func TestEncodeIncidentTileEmpty(t *testing.T) {
	tl := maptile.New(0, 0, 3)
	data, err := EncodeIncidentTile(tl, []Point{{ID: 1, Lon: 36.6, Lat: 35.9}}, EncodeOptions{})
	if err != nil || data != nil {
		t.Fatalf("EncodeIncidentTile(empty tile) = %d bytes, %v; want nil, nil", len(data), err)
	}
}

func TestEncodeIncidentTileBuffer(t *testing.T) {
	tl := maptile.At(orb.Point{36.63, 35.93}, 12)
	b := tl.Bound()
	outside := Point{ID: 9, Lon: b.Max[0] + (b.Max[0]-b.Min[0])*4/256, Lat: b.Center()[1]} // 4 px east
	for _, tt := range []struct {
		buffer float64
		want   int
	}{{0, 0}, {8, 1}} {
		data, err := EncodeIncidentTile(tl, []Point{outside}, EncodeOptions{Buffer: tt.buffer})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		if data != nil {
			n = len(mustDecode(t, data).Features)
		}
		if n != tt.want {
			t.Errorf("buffer %g: %d features, want %d", tt.buffer, n, tt.want)
		}
	}
}

// TestClusterCountsAddUp checks, for generated points and tiles of several
// zooms, that clusters plus single points stand for exactly the points
// orb's maptile.At puts in the tile, both before and after encoding.
func TestClusterCountsAddUp(t *testing.T) {
	points := benchPoints(60000, 3)
	for _, tl := range []maptile.Tile{
		maptile.New(9, 6, 4),
		maptile.At(orb.Point{36.63, 35.93}, 8),
		maptile.At(orb.Point{36.63, 35.93}, 11),
		maptile.At(orb.Point{36.63, 35.93}, 14),
		maptile.New(0, 0, 0),
	} {
		t.Run(tileName(tl), func(t *testing.T) {
			want := 0
			for _, p := range points {
				if maptile.At(orb.Point{p.Lon, p.Lat}, tl.Z) == tl {
					want++
				}
			}
			content := ClusterTile(tl, points, ClusterOptions{})
			if got := content.Count(); got != want {
				t.Fatalf("ClusterTile count = %d, want %d", got, want)
			}
			if tl.Z < DefaultClusterMaxZoom && !content.Clustered {
				t.Errorf("z%d not clustered", tl.Z)
			}
			data, err := EncodeIncidentTile(tl, points, EncodeOptions{})
			if err != nil {
				t.Fatal(err)
			}
			got := 0
			if data != nil {
				for _, f := range mustDecode(t, data).Features {
					if f.Properties["cluster"] == true {
						got += int(f.Properties["point_count"].(float64))
						if f.Properties["date_min"].(string) > f.Properties["date_max"].(string) {
							t.Errorf("cluster date_min %v > date_max %v", f.Properties["date_min"], f.Properties["date_max"])
						}
					} else {
						got++
					}
				}
			}
			if got != want {
				t.Errorf("decoded tile stands for %d points, want %d", got, want)
			}
		})
	}
}

func TestClusterTileDominantSource(t *testing.T) {
	tl := maptile.New(0, 0, 1)
	pts := []Point{
		{ID: 1, Lon: -100, Lat: 40, Source: "b", Date: 10},
		{ID: 2, Lon: -100.1, Lat: 40.1, Source: "a", Date: 30},
		{ID: 3, Lon: -100.2, Lat: 40.2, Source: "c", Date: 20},
		{ID: 4, Lon: -100.3, Lat: 40.3, Source: "c"},
		{ID: 5, Lon: -100.1, Lat: 40.2, Source: "a"},
		{ID: 6, Lon: -10, Lat: 10, Source: "z"}, // alone in its cell
	}
	c := ClusterTile(tl, pts, ClusterOptions{})
	if len(c.Clusters) != 1 || len(c.Points) != 1 {
		t.Fatalf("got %d clusters, %d points; want 1, 1", len(c.Clusters), len(c.Points))
	}
	cl := c.Clusters[0]
	if cl.Count != 5 || cl.Source != "a" || cl.DateMin != 10 || cl.DateMax != 30 {
		t.Errorf("cluster = %+v, want count 5, source a (tie with c broken by name), dates 10..30", cl)
	}
	if c.Points[0].ID != 6 {
		t.Errorf("single point id = %d, want 6", c.Points[0].ID)
	}
	// The result must not depend on the order of the input.
	rev := append([]Point(nil), pts...)
	sort.Slice(rev, func(i, j int) bool { return rev[i].ID > rev[j].ID })
	if c2 := ClusterTile(tl, rev, ClusterOptions{}); c2.Clusters[0] != cl {
		t.Errorf("reversed input gives %+v, want %+v", c2.Clusters[0], cl)
	}
}

func TestClusterTileMaxPoints(t *testing.T) {
	tl := maptile.At(orb.Point{36.63, 35.93}, 12)
	c := tl.Bound().Center()
	pts := make([]Point, 30)
	for i := range pts {
		pts[i] = Point{ID: int64(i), Lon: c[0] + float64(i)*1e-5, Lat: c[1], Source: "s"}
	}
	if got := ClusterTile(tl, pts, ClusterOptions{MaxPoints: 30}); got.Clustered {
		t.Errorf("30 points with MaxPoints 30 clustered, want not")
	}
	if got := ClusterTile(tl, pts, ClusterOptions{MaxPoints: 29}); !got.Clustered || len(got.Clusters) != 1 {
		t.Errorf("30 points with MaxPoints 29: clustered=%v clusters=%d, want one cluster", got.Clustered, len(got.Clusters))
	}
}

// TestEncodeGolden pins the bytes of a clustered z4 tile and an unclustered
// z13 tile built from generated points; run with -update to rewrite them.
func TestEncodeGolden(t *testing.T) {
	points := benchPoints(5000, 7)
	for _, tl := range []maptile.Tile{maptile.New(9, 6, 4), maptile.At(orb.Point{36.63, 35.93}, 13)} {
		t.Run(tileName(tl), func(t *testing.T) {
			data, err := EncodeIncidentTile(tl, points, EncodeOptions{})
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", tileName(tl)+".mvt")
			if *update {
				if err := os.WriteFile(path, data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./tiles -update)", err)
			}
			if !bytes.Equal(data, want) {
				t.Errorf("tile %s differs from %s (%d bytes, want %d)", tileName(tl), path, len(data), len(want))
			}
		})
	}
}

func TestTileJSON(t *testing.T) {
	doc := TileJSON(TileJSONOptions{TilesURL: "http://x/tiles/incidents/{z}/{x}/{y}.mvt", MaxZoom: 14})
	if doc["tilejson"] != "3.0.0" || doc["maxzoom"] != 14 || doc["minzoom"] != 0 {
		t.Errorf("doc = %v", doc)
	}
	if tiles := doc["tiles"].([]string); len(tiles) != 1 || tiles[0] != "http://x/tiles/incidents/{z}/{x}/{y}.mvt" {
		t.Errorf("tiles = %v", tiles)
	}
	layers := doc["vector_layers"].([]map[string]any)
	if len(layers) != 1 || layers[0]["id"] != IncidentLayer {
		t.Errorf("vector_layers = %v", layers)
	}
	if b := doc["bounds"].([]float64); b[0] != -180 || b[2] != 180 {
		t.Errorf("bounds = %v, want the world", b)
	}
}

func tileName(t maptile.Tile) string {
	return fmt.Sprintf("%d-%d-%d", t.Z, t.X, t.Y)
}

func keys(m map[int64]*geojson.Feature) []int64 {
	var ks []int64
	for k := range m {
		ks = append(ks, k)
	}
	sort.Slice(ks, func(i, j int) bool { return ks[i] < ks[j] })
	return ks
}

func abs(f float64) float64 {
	if f < 0 {
		return -f
	}
	return f
}
