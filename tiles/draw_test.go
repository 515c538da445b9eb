package tiles

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"testing"
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
