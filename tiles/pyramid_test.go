package tiles

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
)

// pyramidTestPoints returns random points with the awkward cases mixed in:
// points exactly on cell edges of the finest level, on the antimeridian,
// at and beyond the Mercator limits and the poles, outside the world, with
// no date, and few sources so that dominant-source ties happen.
func pyramidTestPoints(tb testing.TB, n int, seed uint64) []Point {
	tb.Helper()
	rng := rand.New(rand.NewPCG(seed, 7))
	sources := []string{"b", "a", "c", "Zed", "aa"}
	g := newLevelGrid(12)
	pts := make([]Point, 0, n+16)
	for i := range n {
		p := Point{ID: int64(i + 1), Source: sources[rng.IntN(len(sources))], Role: "incident", Precision: 1}
		switch rng.IntN(10) {
		case 0: // anywhere
			p.Lon, p.Lat = rng.Float64()*360-180, rng.Float64()*180-90
		case 1: // on edges of the finest grid
			p.Lon = colEdge(int64(rng.IntN(4097)), 12)
			p.Lat = g.rowEdges[rng.IntN(4097)]
		default: // dense around a town
			p.Lon, p.Lat = 36.6+rng.NormFloat64()*0.5, 35.9+rng.NormFloat64()*0.5
		}
		if rng.IntN(5) > 0 {
			p.Date = int32(15000 + rng.IntN(3000))
		}
		p.Disputed = rng.IntN(7) == 0
		pts = append(pts, p)
	}
	for i, ll := range [][2]float64{{180, 0}, {-180, 0}, {0, 90}, {0, -90}, {10, 89}, {10, -89},
		{0, 0}, {200, 0}, {0, 95}, {math.NaN(), 0}, {45, 85.05112877980659}, {-45, -85.05112877980659}} {
		pts = append(pts, Point{ID: int64(n + i + 1), Lon: ll[0], Lat: ll[1], Source: "a", Role: "incident"})
	}
	return pts
}

func TestPyramidMatchesClusterTile(t *testing.T) {
	pts := pyramidTestPoints(t, 20000, 1)
	pyr := BuildPyramid(pts, PyramidOptions{})
	if pyr.Total() != len(pts) {
		t.Errorf("Total = %d, want %d", pyr.Total(), len(pts))
	}
	rng := rand.New(rand.NewPCG(2, 3))
	var cases []maptile.Tile
	for z := maptile.Zoom(0); z <= 2; z++ {
		for x := uint32(0); x < 1<<z; x++ {
			for y := uint32(0); y < 1<<z; y++ {
				cases = append(cases, maptile.New(x, y, z))
			}
		}
	}
	for z := maptile.Zoom(3); z < DefaultClusterMaxZoom; z++ {
		cases = append(cases, maptile.At(orb.Point{36.6, 35.9}, z), maptile.New(1<<z-1, 1<<(z-1), z),
			maptile.At(orb.Point{0, 89}, z), maptile.At(orb.Point{0, -89}, z))
		for range 4 {
			p := pts[rng.IntN(len(pts))]
			if !math.IsNaN(p.Lon) && p.Lon >= -180 && p.Lon <= 180 && math.Abs(p.Lat) <= 90 {
				cases = append(cases, maptile.At(orb.Point{p.Lon, p.Lat}, z))
			}
		}
	}
	clusters := 0
	for _, cell := range []int{32, 64, 128, 256} {
		for _, tile := range cases {
			t.Run(fmt.Sprintf("cell%d/%d-%d-%d", cell, tile.Z, tile.X, tile.Y), func(t *testing.T) {
				opts := ClusterOptions{CellSize: cell}
				got, ok := pyr.Tile(tile, opts)
				if !ok {
					t.Fatal("Tile: not answered")
				}
				want := ClusterTile(tile, pts, opts)
				if !reflect.DeepEqual(got, want) {
					t.Errorf("Tile = %d clusters %d points (count %d), ClusterTile %d clusters %d points (count %d)",
						len(got.Clusters), len(got.Points), got.Count(), len(want.Clusters), len(want.Points), want.Count())
					for i := range min(len(got.Clusters), len(want.Clusters)) {
						if got.Clusters[i] != want.Clusters[i] {
							t.Errorf("cluster %d = %+v, want %+v", i, got.Clusters[i], want.Clusters[i])
							break
						}
					}
				}
				clusters += len(want.Clusters)
			})
		}
	}
	if clusters == 0 {
		t.Error("no clusters compared")
	}
}

// TestPyramidCountsAddUp checks that every zoom's tiles together hold every
// point inside the world once.
func TestPyramidCountsAddUp(t *testing.T) {
	pts := pyramidTestPoints(t, 5000, 9)
	inside := 0
	for _, p := range pts {
		if p.Lon >= -180 && p.Lon <= 180 && p.Lat > -90 && p.Lat <= 90 {
			inside++
		}
	}
	pyr := BuildPyramid(pts, PyramidOptions{})
	for z := range 4 {
		t.Run(fmt.Sprint("z", z), func(t *testing.T) {
			sum := 0
			for x := uint32(0); x < 1<<z; x++ {
				for y := uint32(0); y < 1<<z; y++ {
					c, ok := pyr.Tile(maptile.New(x, y, maptile.Zoom(z)), ClusterOptions{})
					if !ok {
						t.Fatal("not answered")
					}
					sum += c.Count()
				}
			}
			if sum != inside {
				t.Errorf("counts add up to %d, want %d", sum, inside)
			}
		})
	}
}

func TestPyramidDeclines(t *testing.T) {
	pyr := BuildPyramid(pyramidTestPoints(t, 100, 3), PyramidOptions{})
	for _, tc := range []struct {
		name string
		t    maptile.Tile
		opts ClusterOptions
	}{
		{"zoom at MaxZoom", maptile.New(0, 0, 10), ClusterOptions{}},
		{"cells finer than built", maptile.New(0, 0, 9), ClusterOptions{CellSize: 16}},
		{"never by zoom", maptile.New(0, 0, 3), ClusterOptions{MaxZoom: -1}},
		{"higher MaxZoom than built", maptile.New(0, 0, 11), ClusterOptions{MaxZoom: 14}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, ok := pyr.Tile(tc.t, tc.opts); ok {
				t.Error("Tile answered; want ok=false")
			}
		})
	}
	if _, ok := BuildPyramid(nil, PyramidOptions{}).Tile(maptile.New(0, 0, 0), ClusterOptions{}); !ok {
		t.Error("empty pyramid: not answered")
	}
}

// BenchmarkPyramid builds a pyramid of 1,000,000 generated points and
// reads the z4 and z8 tiles BenchmarkEncodeTile encodes from points.
func BenchmarkPyramid(b *testing.B) {
	all := benchPoints(1_000_000, 42)
	b.Run("build", func(b *testing.B) {
		for b.Loop() {
			p := BuildPyramid(all, PyramidOptions{})
			b.ReportMetric(float64(p.Bytes())/1e6, "MB")
		}
	})
	pyr := BuildPyramid(all, PyramidOptions{})
	idlib := orb.Point{36.63, 35.93}
	for _, z := range []maptile.Zoom{4, 8} {
		tile := maptile.At(idlib, z)
		b.Run(fmt.Sprintf("encode-z%d", z), func(b *testing.B) {
			for b.Loop() {
				c, ok := pyr.Tile(tile, ClusterOptions{})
				if !ok {
					b.Fatal("not answered")
				}
				if _, err := EncodeContent(tile, c, ""); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
