package tiles

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"math"
	"testing"

	"github.com/paulmach/orb"
	"golang.org/x/image/vector"
)

// TestEncodePNG_Lossless checks that encodePNG's output decodes to the
// same pixels as Go's plain encoding of the image, on both of its paths:
// paletted (at most 256 colours) and true colour (more); for opaque
// images, to the very pixels drawn. (Translucent pixels do not survive
// any PNG exactly: PNG stores them unpremultiplied.)
func TestEncodePNG_Lossless(t *testing.T) {
	for _, tt := range []struct {
		name     string
		colours  int
		paletted bool
	}{
		{"one colour", 1, true},
		{"256 colours", 256, true},
		{"257 colours", 257, false},
		{"opaque, 200 colours", 200, true},
		{"a gradient of 4096", 4096, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			img := image.NewRGBA(image.Rect(0, 0, 64, 64))
			for i := range 64 * 64 {
				k := i % tt.colours
				a := uint8(255)
				if k%7 == 3 && tt.name[:6] != "opaque" {
					a = 128 // premultiplied: no channel above alpha
				}
				c := color.RGBA{uint8(k) / 2, uint8(k>>8) * 16 / 2, uint8(k*3) / 2, a}
				img.SetRGBA(i%64, i/64, c)
			}
			b, err := encodePNG(img)
			if err != nil {
				t.Fatal(err)
			}
			got, err := png.Decode(bytes.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			var plain bytes.Buffer
			if err := png.Encode(&plain, img); err != nil {
				t.Fatal(err)
			}
			ref, err := png.Decode(&plain)
			if err != nil {
				t.Fatal(err)
			}
			if _, isPal := got.(*image.Paletted); isPal != tt.paletted {
				t.Errorf("decoded as %T, want paletted %v", got, tt.paletted)
			}
			for y := range 64 {
				for x := range 64 {
					g, r := color.RGBA64Model.Convert(got.At(x, y)), color.RGBA64Model.Convert(ref.At(x, y))
					if g != r {
						t.Fatalf("pixel %d,%d: got %v, plain encoding %v", x, y, g, r)
					}
					if c := img.RGBAAt(x, y); c.A == 255 && color.RGBAModel.Convert(got.At(x, y)) != c {
						t.Fatalf("opaque pixel %d,%d: got %v, drawn %v", x, y, got.At(x, y), c)
					}
				}
			}
		})
	}
}

// TestCanvasPaint_MatchesVectorOver checks canvas.paint, which blends
// through an 8-bit coverage mask, against x/image/vector drawing the same
// shapes straight onto the image: every channel within 1 of it, for an
// opaque and a translucent colour over a varied background.
func TestCanvasPaint_MatchesVectorOver(t *testing.T) {
	for _, col := range []color.RGBA{{0x9e, 0x8e, 0xa8, 0xff}, {0x40, 0x20, 0x10, 0x80}} {
		c := newCanvas(97, 61, color.RGBA{0xaa, 0xd3, 0xdf, 0xff})
		for i := range c.img.Pix {
			if i%4 != 3 {
				c.img.Pix[i] = uint8(i * 7)
			}
		}
		ref := image.NewRGBA(c.img.Rect)
		copy(ref.Pix, c.img.Pix)

		shape := func(add func(x, y float32, first bool)) {
			// A circle and a thin slanted quad: edges at every coverage.
			for i := 0; i <= 64; i++ {
				a := float64(i) / 64 * 2 * math.Pi
				add(float32(40+25*math.Cos(a)), float32(30+22*math.Sin(a)), i == 0)
			}
		}
		c.beginIn(image.Rect(10, 5, 80, 60))
		shape(func(x, y float32, first bool) {
			if first {
				c.moveTo(x, y)
			} else {
				c.lineTo(x, y)
			}
		})
		c.r.ClosePath()
		c.addSegment(orb.Point{12, 8}, orb.Point{78, 50}, 0.7)
		c.paint(col)

		r := vector.NewRasterizer(70, 55)
		shape(func(x, y float32, first bool) {
			if first {
				r.MoveTo(x-10, y-5)
			} else {
				r.LineTo(x-10, y-5)
			}
		})
		r.ClosePath()
		ref2 := &canvas{r: r, offX: 10, offY: 5}
		ref2.addSegment(orb.Point{12, 8}, orb.Point{78, 50}, 0.7)
		rect := image.Rect(10, 5, 80, 60)
		r.Draw(ref.SubImage(rect).(*image.RGBA), rect, image.NewUniform(col), image.Point{})

		changed := 0
		for i := range ref.Pix {
			d := int(c.img.Pix[i]) - int(ref.Pix[i])
			if d < -1 || d > 1 {
				t.Fatalf("colour %v: byte %d (pixel %d,%d) is %d, x/image/vector draws %d", col, i, (i/4)%97, i/4/97, c.img.Pix[i], ref.Pix[i])
			}
			if c.img.Pix[i] != uint8(i*7) && i%4 != 3 {
				changed++
			}
		}
		if changed < 1000 {
			t.Fatalf("colour %v: only %d bytes painted", col, changed)
		}
	}
}
