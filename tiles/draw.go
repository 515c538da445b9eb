package tiles

import (
	"bytes"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/clip"
	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
	"golang.org/x/image/vector"
)

// canvas draws anti-aliased shapes on an RGBA image with x/image/vector.
// Coordinates are pixels of the image. A canvas is not safe for concurrent
// use; each render makes its own.
type canvas struct {
	img  *image.RGBA
	r    *vector.Rasterizer
	clip orb.Bound // the image grown by a margin, to keep float32 coordinates small
	// The rasterizer covers rect, whose corner is at off: a small shape
	// (a marker) only pays for its own bounding box, not for the image.
	rect image.Rectangle
	offX float32
	offY float32
	mask []uint8 // coverage of the shape being painted, reused
}

func newCanvas(w, h int, bg color.RGBA) *canvas {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	// Fill the background directly: faster than drawing a rectangle.
	px := img.Pix
	for i := 0; i < len(px); i += 4 {
		px[i], px[i+1], px[i+2], px[i+3] = bg.R, bg.G, bg.B, bg.A
	}
	return &canvas{
		img:  img,
		r:    vector.NewRasterizer(w, h),
		clip: orb.Bound{Min: orb.Point{-8, -8}, Max: orb.Point{float64(w) + 8, float64(h) + 8}},
	}
}

// begin clears the rasterizer for a new shape that may cover the image.
func (c *canvas) begin() {
	c.beginIn(c.img.Bounds())
}

// beginIn clears the rasterizer for a new shape that lies within r.
func (c *canvas) beginIn(r image.Rectangle) {
	r = r.Intersect(c.img.Bounds())
	c.rect = r
	c.offX, c.offY = float32(r.Min.X), float32(r.Min.Y)
	c.r.Reset(max(r.Dx(), 1), max(r.Dy(), 1))
}

// paint composites the accumulated shape in col (over what is there).
//
// The rasterizer writes the shape's coverage to an alpha mask (its SIMD
// path) and paint blends col through it, skipping uncovered pixels and
// copying fully covered ones. Drawing straight onto the RGBA image takes
// x/image/vector's generic "over" loop, four divisions per pixel of the
// rectangle: 60% of a z8 base tile's time, for two full-tile shapes.
func (c *canvas) paint(col color.Color) {
	if c.rect.Empty() {
		return
	}
	w, h := c.rect.Dx(), c.rect.Dy()
	if cap(c.mask) < w*h {
		c.mask = make([]uint8, w*h)
	}
	mask := &image.Alpha{Pix: c.mask[:w*h], Stride: w, Rect: image.Rect(0, 0, w, h)}
	c.r.DrawOp = draw.Src
	c.r.Draw(mask, mask.Rect, image.Opaque, image.Point{})

	sr, sg, sb, sa := col.RGBA()
	solid := [4]uint8{uint8(sr >> 8), uint8(sg >> 8), uint8(sb >> 8), uint8(sa >> 8)}
	for y := range h {
		row := c.img.Pix[c.img.PixOffset(c.rect.Min.X, c.rect.Min.Y+y):]
		for x, m := range mask.Pix[y*w : y*w+w] {
			switch {
			case m == 0:
				continue
			case m == 0xff && sa == 0xffff:
				copy(row[4*x:4*x+4], solid[:])
				continue
			}
			// The blend of x/image/vector's uniform "over" (premultiplied).
			ma := uint32(m) * 0x101
			a := 0xffff - (sa * ma / 0xffff)
			px := row[4*x : 4*x+4 : 4*x+4]
			px[0] = uint8(((uint32(px[0])*0x101*a + sr*ma) / 0xffff) >> 8)
			px[1] = uint8(((uint32(px[1])*0x101*a + sg*ma) / 0xffff) >> 8)
			px[2] = uint8(((uint32(px[2])*0x101*a + sb*ma) / 0xffff) >> 8)
			px[3] = uint8(((uint32(px[3])*0x101*a + sa*ma) / 0xffff) >> 8)
		}
	}
}

func (c *canvas) moveTo(x, y float32) { c.r.MoveTo(x-c.offX, y-c.offY) }
func (c *canvas) lineTo(x, y float32) { c.r.LineTo(x-c.offX, y-c.offY) }
func (c *canvas) cubeTo(x1, y1, x2, y2, x3, y3 float32) {
	c.r.CubeTo(x1-c.offX, y1-c.offY, x2-c.offX, y2-c.offY, x3-c.offX, y3-c.offY)
}

// circleRect returns the pixel rectangle a circle covers.
func circleRect(cx, cy, rad float64) image.Rectangle {
	return image.Rect(int(math.Floor(cx-rad-1)), int(math.Floor(cy-rad-1)), int(math.Ceil(cx+rad+1)), int(math.Ceil(cy+rad+1)))
}

// addRing adds a closed ring, clipped to the canvas. Rings of one shape that
// wind in opposite directions cancel, which is how holes are cut.
func (c *canvas) addRing(r orb.Ring) {
	r = clip.Ring(c.clip, r)
	if len(r) < 3 {
		return
	}
	c.moveTo(float32(r[0][0]), float32(r[0][1]))
	for _, p := range r[1:] {
		c.lineTo(float32(p[0]), float32(p[1]))
	}
	c.r.ClosePath()
}

// addLine adds a polyline of the given width as one quad per segment plus a
// square cap at each joint. Every quad winds the same way, so overlaps add up
// and saturate instead of cancelling.
func (c *canvas) addLine(ls orb.LineString, width float64) {
	for _, part := range clip.LineString(c.clip, ls) {
		for i := 1; i < len(part); i++ {
			c.addSegment(part[i-1], part[i], width/2)
		}
	}
}

func (c *canvas) addSegment(a, b orb.Point, hw float64) {
	dx, dy := b[0]-a[0], b[1]-a[1]
	l := math.Hypot(dx, dy)
	if l == 0 {
		return
	}
	// Extend each end by half the width so joints overlap instead of gapping.
	ux, uy := dx/l*hw, dy/l*hw
	nx, ny := -uy, ux
	ax, ay := a[0]-ux, a[1]-uy
	bx, by := b[0]+ux, b[1]+uy
	c.moveTo(float32(ax+nx), float32(ay+ny))
	c.lineTo(float32(bx+nx), float32(by+ny))
	c.lineTo(float32(bx-nx), float32(by-ny))
	c.lineTo(float32(ax-nx), float32(ay-ny))
	c.r.ClosePath()
}

// addCircle adds a circle as four cubic Bézier arcs.
func (c *canvas) addCircle(cx, cy, rad float64) {
	const k = 0.5522847498 // control point distance for a quarter circle
	x, y, r, kr := float32(cx), float32(cy), float32(rad), float32(rad*k)
	c.moveTo(x+r, y)
	c.cubeTo(x+r, y+kr, x+kr, y+r, x, y+r)
	c.cubeTo(x-kr, y+r, x-r, y+kr, x-r, y)
	c.cubeTo(x-r, y-kr, x-kr, y-r, x, y-r)
	c.cubeTo(x+kr, y-r, x+r, y-kr, x+r, y)
	c.r.ClosePath()
}

// addRect adds an axis-aligned rectangle.
func (c *canvas) addRect(x0, y0, x1, y1 float64) {
	c.moveTo(float32(x0), float32(y0))
	c.lineTo(float32(x1), float32(y0))
	c.lineTo(float32(x1), float32(y1))
	c.lineTo(float32(x0), float32(y1))
	c.r.ClosePath()
}

// fillRect fills an axis-aligned rectangle.
func (c *canvas) fillRect(x0, y0, x1, y1 float64, col color.Color) {
	c.beginIn(image.Rect(int(math.Floor(x0)), int(math.Floor(y0)), int(math.Ceil(x1)), int(math.Ceil(y1))))
	c.addRect(x0, y0, x1, y1)
	c.paint(col)
}

// fillCircle draws a filled circle with an outline of the given width.
func (c *canvas) fillCircle(cx, cy, rad, stroke float64, fill, line color.Color) {
	c.beginIn(circleRect(cx, cy, rad))
	c.addCircle(cx, cy, rad)
	c.paint(fill)
	if stroke > 0 {
		c.paintRing(line, cx, cy, rad, stroke)
	}
}

// paintRing strokes a circle outline. vector.Rasterizer accumulates with
// non-zero-like saturation, so two circles wound the same way do not cancel;
// the outline is drawn instead as a circle minus an inner circle wound the
// other way.
func (c *canvas) paintRing(col color.Color, cx, cy, rad, stroke float64) {
	c.beginIn(circleRect(cx, cy, rad))
	c.addCircle(cx, cy, rad)
	x, y, r := float32(cx), float32(cy), float32(rad-stroke)
	kr := float32(float64(r) * 0.5522847498)
	c.moveTo(x+r, y)
	c.cubeTo(x+r, y-kr, x+kr, y-r, x, y-r)
	c.cubeTo(x-kr, y-r, x-r, y-kr, x-r, y)
	c.cubeTo(x-r, y+kr, x-kr, y+r, x, y+r)
	c.cubeTo(x+kr, y+r, x+r, y+kr, x+r, y)
	c.r.ClosePath()
	c.paint(col)
}

// newFace makes a font face; faces are not safe for concurrent use, so each
// render makes its own from the shared, immutable parsed font.
func newFace(f *opentype.Font, size float64) (font.Face, error) {
	return opentype.NewFace(f, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingNone})
}

// textWidth returns the advance width of s in pixels.
func textWidth(face font.Face, s string) float64 {
	return float64(font.MeasureString(face, s)) / 64
}

// drawText draws s with its baseline starting at (x, y), with a halo of
// the given radius (0 for none) behind it.
func (c *canvas) drawText(face font.Face, s string, x, y float64, col, halo color.Color, haloR float64) {
	d := font.Drawer{Dst: c.img, Face: face}
	if haloR > 0 {
		d.Src = image.NewUniform(halo)
		for _, o := range [8][2]float64{{-1, -1}, {0, -1}, {1, -1}, {-1, 0}, {1, 0}, {-1, 1}, {0, 1}, {1, 1}} {
			d.Dot = fixed.Point26_6{X: fixed.Int26_6((x + o[0]*haloR) * 64), Y: fixed.Int26_6((y + o[1]*haloR) * 64)}
			d.DrawString(s)
		}
	}
	d.Src = image.NewUniform(col)
	d.Dot = fixed.Point26_6{X: fixed.Int26_6(x * 64), Y: fixed.Int26_6(y * 64)}
	d.DrawString(s)
}

// encodePNG encodes img as PNG, as a paletted image when it has at most
// 256 colours (most base tiles from zoom 7 on: sea, land, borders and
// their anti-aliased edges): a quarter of the bytes to compress, and no
// per-row filter search, which Go's encoder runs only on true-colour
// images. Measured on z8–z10 tiles: 2–3.4 ms to encode as RGB.
func encodePNG(img *image.RGBA) ([]byte, error) {
	if p := toPaletted(img); p != nil {
		return writePNG(p)
	}
	return writePNG(img)
}

// writePNG encodes m at the fastest compression: the files are served
// once and cached, so a smaller file is not worth the CPU.
func writePNG(m image.Image) ([]byte, error) {
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&buf, m); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
