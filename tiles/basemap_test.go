package tiles

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/png"
	"math"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
)

// tilePixel returns the pixel of tile t (at the given scale) where lon/lat is.
func tilePixel(t maptile.Tile, scale int, lon, lat float64) image.Point {
	n := math.Exp2(float64(t.Z))
	size := float64(TileSize * scale)
	return image.Pt(int((WorldX(lon)*n-float64(t.X))*size), int((WorldY(lat)*n-float64(t.Y))*size))
}

func mustDecodePNG(tb testing.TB, data []byte) image.Image {
	tb.Helper()
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		tb.Fatalf("png.Decode: %v", err)
	}
	return img
}

func sameColor(a color.Color, b color.RGBA) bool {
	r, g, bl, al := a.RGBA()
	return r>>8 == uint32(b.R) && g>>8 == uint32(b.G) && bl>>8 == uint32(b.B) && al>>8 == uint32(b.A)
}

func TestBaseMapLandAndSea(t *testing.T) {
	bm := mustLoadBaseMap(t, BaseMapOptions{})
	style := DefaultBaseMapStyle()
	tests := []struct {
		name     string
		lon, lat float64
		z        maptile.Zoom
		scale    int
		want     color.RGBA
	}{
		{"Sahara is land at z1", 3, 27, 1, 1, style.Land},
		{"mid-Atlantic is sea at z1", -40, 30, 1, 1, style.Sea},
		{"Syrian desert is land at z4", 39, 34.5, 4, 2, style.Land},
		{"eastern Mediterranean is sea at z4", 33, 34, 4, 1, style.Sea},
		{"Caspian Sea is a hole in the land at z5", 51, 42, 5, 1, style.Sea},
		{"Siberia is land at z2 (antimeridian polygon)", 100, 65, 2, 1, style.Land},
		{"Chukotka is land at z3 (west of 180)", 175, 66, 3, 1, style.Land},
		{"Idlib countryside is land at z8", 36.5, 35.8, 8, 1, style.Land},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tl := maptile.At(orb.Point{tt.lon, tt.lat}, tt.z)
			data, err := bm.RenderTile(context.Background(), tl, tt.scale)
			if err != nil {
				t.Fatal(err)
			}
			img := mustDecodePNG(t, data)
			if got := img.Bounds().Dx(); got != TileSize*tt.scale {
				t.Fatalf("tile width %d, want %d", got, TileSize*tt.scale)
			}
			p := tilePixel(tl, tt.scale, tt.lon, tt.lat)
			if got := img.At(p.X, p.Y); !sameColor(got, tt.want) {
				t.Errorf("pixel %v of tile %v = %v, want %v", p, tl, got, tt.want)
			}
		})
	}
}

func TestBaseMapDrawsBordersAndLabels(t *testing.T) {
	bm := mustLoadBaseMap(t, BaseMapOptions{})
	style := DefaultBaseMapStyle()
	data, err := bm.RenderTile(context.Background(), maptile.New(9, 6, 4), 1)
	if err != nil {
		t.Fatal(err)
	}
	img := mustDecodePNG(t, data)
	counts := map[string]int{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			c := img.At(x, y)
			switch {
			case sameColor(c, style.Land):
				counts["land"]++
			case sameColor(c, style.Sea):
				counts["sea"]++
			case sameColor(c, style.Label):
				counts["label"]++
			default:
				counts["other"]++ // borders, anti-aliased edges
			}
		}
	}
	if counts["land"] < 20000 || counts["sea"] < 5000 || counts["label"] == 0 || counts["other"] < 1000 {
		t.Errorf("pixel counts %v: want mostly land, some sea, borders and label text", counts)
	}
}

func TestBaseMapRenderTileErrors(t *testing.T) {
	bm := mustLoadBaseMap(t, BaseMapOptions{})
	if _, err := bm.RenderTile(context.Background(), maptile.New(0, 0, 0), 4); err == nil || err.Error() != "scale 4 out of range 1..3" {
		t.Errorf("scale 4: error %v", err)
	}
	if _, err := bm.RenderTile(context.Background(), maptile.New(2, 0, 0), 1); err == nil {
		t.Errorf("invalid tile: no error")
	}
}

func TestBaseMapCacheConcurrent(t *testing.T) {
	bm := mustLoadBaseMap(t, BaseMapOptions{CacheBytes: 200 << 10})
	tl := []maptile.Tile{maptile.New(0, 0, 1), maptile.New(1, 0, 1), maptile.New(0, 1, 1), maptile.New(1, 1, 1)}
	first := make([][]byte, len(tl))
	for i, x := range tl {
		var err error
		if first[i], err = bm.RenderTile(context.Background(), x, 1); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 8 {
				k := (i + g) % len(tl)
				got, err := bm.RenderTile(context.Background(), tl[k], 1)
				if err != nil {
					t.Error(err)
					return
				}
				if !bytes.Equal(got, first[k]) {
					t.Errorf("tile %v differs between renders", tl[k])
				}
			}
		}()
	}
	wg.Wait()
	if _, size := bm.cache.tiles.Len(); size > bm.cache.max {
		t.Errorf("cache holds %d bytes, over its bound %d", size, bm.cache.max)
	}
}

// TestRenderTile_WaitsForItsTurn checks the MaxRenders bound: with every
// render slot taken, a cached tile is still served, and an uncached one
// waits until its context ends and then gives up with the context's error.
func TestRenderTile_WaitsForItsTurn(t *testing.T) {
	bm := mustLoadBaseMap(t, BaseMapOptions{MaxRenders: 1})
	cached := maptile.New(0, 0, 0)
	if _, err := bm.RenderTile(context.Background(), cached, 1); err != nil {
		t.Fatal(err)
	}
	bm.renders <- struct{}{} // another render holds the only slot
	if _, err := bm.RenderTile(context.Background(), cached, 1); err != nil {
		t.Fatalf("cached tile while the slot is taken: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := bm.RenderTile(ctx, maptile.New(1, 1, 1), 1); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("uncached tile while the slot is taken: err %v, want the context's deadline", err)
	}
	<-bm.renders
	if _, err := bm.RenderTile(context.Background(), maptile.New(1, 1, 1), 1); err != nil {
		t.Fatalf("after the slot is free: %v", err)
	}
}
