package tiles

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"testing"
)

// TestEncodeTilePNG_Quantized checks the lossy path of encodeTilePNG: a
// tile of two flat colours with an edge of 1,000 rare blends between them
// (more than a palette holds). The flat colours, nearly every pixel, must
// come back exactly; each blend as the nearest of the kept colours; and a
// tile of few colours must stay exact.
func TestEncodeTilePNG_Quantized(t *testing.T) {
	sea := color.RGBA{0xaa, 0xd3, 0xdf, 0xff}
	land := color.RGBA{0xf2, 0xef, 0xe9, 0xff}
	const w, h = 256, 256
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	blends := 0
	for y := range h {
		for x := range w {
			c := sea
			if x >= w/2 {
				c = land
			}
			// Every fourth row's edge pixels get a colour of their own.
			if y%4 == 0 && x >= w/2-8 && x < w/2+8 && blends < 1000 {
				c = color.RGBA{0xaa + uint8(blends%40), 0xd3 + uint8(blends/40), 0xdf, 0xff}
				blends++
			}
			img.SetRGBA(x, y, c)
		}
	}
	b, err := encodeTilePNG(img)
	if err != nil {
		t.Fatal(err)
	}
	got, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	pal, ok := got.(*image.Paletted)
	if !ok {
		t.Fatalf("decoded as %T, want paletted", got)
	}
	if len(pal.Palette) > 256 {
		t.Fatalf("palette of %d colours", len(pal.Palette))
	}
	dist := func(a, b color.RGBA) int {
		d := 0
		for _, v := range []int{int(a.R) - int(b.R), int(a.G) - int(b.G), int(a.B) - int(b.B), int(a.A) - int(b.A)} {
			d += v * v
		}
		return d
	}
	inexact := 0
	for y := range h {
		for x := range w {
			want := img.RGBAAt(x, y)
			g := color.RGBAModel.Convert(got.At(x, y)).(color.RGBA)
			switch {
			case want == sea || want == land:
				if g != want {
					t.Fatalf("flat pixel %d,%d: got %v, want %v", x, y, g, want)
				}
			case g != want:
				inexact++
				// The nearest kept colour is never further than the flat
				// colours, which are always kept.
				if dist(g, want) > min(dist(sea, want), dist(land, want)) {
					t.Fatalf("blend %v at %d,%d became %v, further than a flat colour", want, x, y, g)
				}
			}
		}
	}
	if inexact == 0 {
		t.Fatal("no colour was approximated: the test image did not exceed the palette")
	}
	t.Logf("%d blends, %d pixels approximated", blends, inexact)
}

// TestQuantize_Deterministic checks that two encodings of one tile are the
// same bytes (the palette order does not depend on map iteration), so
// tiles and their ETags are stable.
func TestQuantize_Deterministic(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 64, 64))
	for i := range 64 * 64 {
		img.SetRGBA(i%64, i/64, color.RGBA{uint8(i % 300), uint8(i / 300), uint8(i % 7), 0xff})
	}
	a, err := encodeTilePNG(img)
	if err != nil {
		t.Fatal(err)
	}
	for range 5 {
		b, err := encodeTilePNG(img)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a, b) {
			t.Fatal("two encodings of one image differ")
		}
	}
}
