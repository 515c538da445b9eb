package tiles

import (
	"context"
	"os"
	"sort"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
)

// BenchmarkEncodeTile encodes, clustering included, a z4 tile over the
// Middle East and a z8 tile over Idlib out of 1,000,000 generated points.
// Each tile gets what the store would hand it: the points inside the tile's
// bounds plus a 16 px buffer. Besides ns/op it reports the 95th percentile
// of the per-tile times (p95-ms) and the number of input points.
func BenchmarkEncodeTile(b *testing.B) {
	all := benchPoints(1_000_000, 42)
	idlib := orb.Point{36.63, 35.93}
	for _, tc := range []struct {
		name string
		t    maptile.Tile
	}{
		{"z4-middle-east", maptile.At(idlib, 4)},
		{"z8-idlib", maptile.At(idlib, 8)},
		{"z12-idlib", maptile.At(idlib, 12)},
	} {
		bound := TileBound(tc.t, 16)
		var in []Point
		for _, p := range all {
			if bound.Contains(orb.Point{p.Lon, p.Lat}) {
				in = append(in, p)
			}
		}
		b.Run(tc.name, func(b *testing.B) {
			var times []time.Duration
			size := 0
			b.ReportAllocs()
			for b.Loop() {
				st := time.Now()
				data, err := EncodeIncidentTile(tc.t, in, EncodeOptions{})
				times = append(times, time.Since(st))
				if err != nil || data == nil {
					b.Fatalf("EncodeIncidentTile = %d bytes, %v", len(data), err)
				}
				size = len(data)
			}
			sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
			b.ReportMetric(float64(times[len(times)*95/100].Microseconds())/1000, "p95-ms")
			b.ReportMetric(float64(len(in)), "points")
			b.ReportMetric(float64(size), "bytes")
		})
	}
}

// BenchmarkRenderBaseTile renders base map tiles with the cache off.
func BenchmarkRenderBaseTile(b *testing.B) {
	bm := mustLoadBaseMap(b, BaseMapOptions{CacheBytes: -1})
	for _, tc := range []struct {
		name  string
		t     maptile.Tile
		scale int
	}{
		{"z0", maptile.New(0, 0, 0), 1},
		{"z4-middle-east", maptile.New(9, 6, 4), 1},
		{"z4-middle-east@2x", maptile.New(9, 6, 4), 2},
		{"z8-idlib", maptile.At(orb.Point{36.63, 35.93}, 8), 1},
	} {
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := bm.RenderTile(context.Background(), tc.t, tc.scale); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// mustLoadBaseMap loads the world-atlas shapes from node_modules. Outside CI
// a missing node_modules skips the test; in CI it fails it.
func mustLoadBaseMap(tb testing.TB, opts BaseMapOptions) *BaseMap {
	tb.Helper()
	dir := "../node_modules/world-atlas"
	if _, err := os.Stat(dir); err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("world-atlas missing: %v (run npm ci)", err)
		}
		tb.Skipf("world-atlas missing: %v (run npm ci)", err)
	}
	bm, err := LoadBaseMap(os.DirFS(dir), opts)
	if err != nil {
		tb.Fatal(err)
	}
	return bm
}
