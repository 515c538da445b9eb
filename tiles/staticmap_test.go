package tiles

import (
	"image/color"
	"math"
	"testing"

	"github.com/paulmach/orb"
)

func TestRenderMapMarkersAtProjectedPixels(t *testing.T) {
	bm := mustLoadBaseMap(t, BaseMapOptions{})
	blue := color.RGBA{0x20, 0x40, 0xc0, 0xff}
	// Places far enough apart at this size that none is grouped.
	points := []Point{
		{ID: 1, Lon: 36.63, Lat: 35.93, Role: "incident"}, // Idlib
		{ID: 2, Lon: 36.29, Lat: 33.51, Role: "mention"},  // Damascus
		{ID: 3, Lon: 40.14, Lat: 35.34, Role: "incident"}, // Deir ez-Zor
		{ID: 4, Lon: 38.00, Lat: 34.50, Role: "incident"},
	}
	opts := StaticMapOptions{
		Width: 600, Height: 400, Scale: 2,
		BBox:   orb.Bound{Min: orb.Point{35.5, 32.5}, Max: orb.Point{41, 37}},
		Points: points,
		Color: func(p Point) color.RGBA {
			if p.Role == "mention" {
				return blue
			}
			return DefaultMarkerColor()
		},
		Legend: []LegendEntry{{"Incident", DefaultMarkerColor()}, {"Mention", blue}},
		Base:   bm,
	}
	data, err := RenderMap(opts)
	if err != nil {
		t.Fatal(err)
	}
	img := mustDecodePNG(t, data)
	if b := img.Bounds(); b.Dx() != 1200 || b.Dy() != 800 {
		t.Fatalf("image %v, want 1200x800", b)
	}
	for _, p := range points {
		x, y := opts.Project(p.Lon, p.Lat)
		if x < 0 || y < 0 || x >= 1200 || y >= 800 {
			t.Errorf("point %d projects to (%g, %g), outside the image", p.ID, x, y)
			continue
		}
		want := opts.Color(p)
		if got := img.At(int(math.Round(x)), int(math.Round(y))); !sameColor(got, want) {
			t.Errorf("pixel at point %d (%g, %g) = %v, want marker %v", p.ID, x, y, got, want)
		}
	}
	// Away from every marker the base map shows through.
	if got := img.At(40, 400); !sameColor(got, DefaultBaseMapStyle().Sea) {
		t.Errorf("Mediterranean pixel = %v, want sea", got)
	}
}

func TestRenderMapGroupsDensePoints(t *testing.T) {
	var points []Point
	for i := range 50 {
		points = append(points, Point{ID: int64(i), Lon: 36.63 + float64(i%7)*1e-3, Lat: 35.93 + float64(i/7)*1e-3})
	}
	opts := StaticMapOptions{Width: 300, Height: 200, Center: orb.Point{36.63, 35.93}, Zoom: 8, Points: points}
	data, err := RenderMap(opts)
	if err != nil {
		t.Fatal(err)
	}
	img := mustDecodePNG(t, data)
	x, y := opts.Project(36.633, 35.933)
	// A group of 50 is a circle of radius 9+3*log10(50) ≈ 14 px: a pixel 10
	// px left of the centre is inside it, and marker-red.
	if got := img.At(int(x)-10, int(y)); !sameColor(got, DefaultMarkerColor()) {
		t.Errorf("pixel inside the group circle = %v, want marker colour", got)
	}
}

func TestStaticMapFitsBBox(t *testing.T) {
	opts := StaticMapOptions{Width: 1200, Height: 800, Scale: 1, BBox: orb.Bound{Min: orb.Point{34, 31}, Max: orb.Point{43, 38}}}
	x0, y0 := opts.Project(34, 38)
	x1, y1 := opts.Project(43, 31)
	if x0 < 0 || y0 < 0 || x1 > 1200 || y1 > 800 {
		t.Errorf("bbox corners at (%g,%g)-(%g,%g), want inside 1200x800", x0, y0, x1, y1)
	}
	// The fit is tight on one axis: the padding is met within a pixel.
	if slackX, slackY := x0-24, y0-24; math.Min(math.Abs(slackX), math.Abs(slackY)) > 1 {
		t.Errorf("fit leaves (%g, %g) px beyond the padding, want one axis tight", slackX, slackY)
	}
	cx, cy := opts.Project(38.5, 34.55)
	if math.Abs(cx-600) > 5 || math.Abs(cy-400) > 5 {
		t.Errorf("bbox centre at (%g, %g), want near (600, 400)", cx, cy)
	}
}

func TestRenderMapErrors(t *testing.T) {
	for _, tt := range []struct {
		name string
		opts StaticMapOptions
		want string
	}{
		{"scale 4", StaticMapOptions{Width: 10, Height: 10, Scale: 4}, "scale 4 out of range 1..3"},
		{"zero width", StaticMapOptions{Width: 0, Height: 10}, "size 0x10 out of range 1..2048"},
		{"too many pixels", StaticMapOptions{Width: 2000, Height: 2000, Scale: 3}, "image 2000x2000 at scale 3 too large: over 16777216 pixels"},
		{"zoom too deep", StaticMapOptions{Width: 10, Height: 10, Zoom: 30}, "zoom 30 out of range 0..22"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := RenderMap(tt.opts); err == nil || err.Error() != tt.want {
				t.Errorf("RenderMap error = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestNiceDistance(t *testing.T) {
	for _, tt := range []struct{ in, want float64 }{{1, 1}, {1999, 1000}, {2000, 2000}, {73000, 50000}, {0.3, 0.2}} {
		if got := niceDistance(tt.in); got != tt.want {
			t.Errorf("niceDistance(%g) = %g, want %g", tt.in, got, tt.want)
		}
	}
}
