package tiles

import (
	"math"

	"github.com/paulmach/orb"
)

// view places a picture on the Web Mercator world: the world is world pixels
// across, and the picture's top-left corner is at world pixel (x0, y0).
// Tiles and static maps are both views, so one drawing routine serves both,
// at any zoom (static maps use fractional zooms).
type view struct {
	world  float64 // pixels across the world
	x0, y0 float64 // world pixel of the picture's top-left corner
	w, h   int     // picture size in pixels
	zoom   float64 // log2(world / (256*scale))
	scale  float64 // device pixels per CSS pixel (1..3)
}

// px returns the picture pixel of a point in world units (0..1).
func (v view) px(p orb.Point) orb.Point {
	return orb.Point{p[0]*v.world - v.x0, p[1]*v.world - v.y0}
}

// bound returns the picture in world units, grown by margin pixels.
func (v view) bound(margin float64) orb.Bound {
	return orb.Bound{
		Min: orb.Point{(v.x0 - margin) / v.world, (v.y0 - margin) / v.world},
		Max: orb.Point{(v.x0 + float64(v.w) + margin) / v.world, (v.y0 + float64(v.h) + margin) / v.world},
	}
}

// draw paints land, borders and labels over the sea-coloured canvas.
func (b *BaseMap) draw(c *canvas, v view) error {
	l := b.fine
	if v.zoom < FineZoom {
		l = b.coarse
	}
	vb := v.bound(2)

	c.begin()
	for _, wp := range l.land {
		if !wp.b.Intersects(vb) {
			continue
		}
		for _, r := range wp.p {
			c.addRing(v.projectRing(r))
		}
	}
	c.paint(b.style.Land)

	width := 0.7 * v.scale
	if v.zoom >= 4 {
		width = 1.0 * v.scale
	}
	c.begin()
	for _, wl := range l.borders {
		if !wl.b.Intersects(vb) {
			continue
		}
		c.addLine(v.projectLine(wl.l), width)
	}
	c.paint(b.style.Border)

	if v.zoom >= 2 {
		return b.drawLabels(c, v, l)
	}
	return nil
}

func (v view) projectRing(r orb.Ring) orb.Ring {
	out := make(orb.Ring, len(r))
	for i, p := range r {
		out[i] = v.px(p)
	}
	return out
}

func (v view) projectLine(ls orb.LineString) orb.LineString {
	out := make(orb.LineString, len(ls))
	for i, p := range ls {
		out[i] = v.px(p)
	}
	return out
}

// drawLabels writes country names where the country is wide enough for its
// name, largest countries first, skipping names that would overlap one
// already placed. Placement is computed in world pixels over a margin around
// the picture, so neighbouring tiles make the same choices and a name cut by
// a tile edge continues on the next tile.
func (b *BaseMap) drawLabels(c *canvas, v view, l *baseLayer) error {
	size := 11.0
	if v.zoom >= 5 {
		size = 13
	}
	size *= v.scale
	face, err := newFace(b.font, size)
	if err != nil {
		return err
	}
	defer face.Close()
	margin := 512 * v.scale
	vb := v.bound(margin)
	pad := 4 * v.scale
	var placed []orb.Bound
	for _, lb := range l.labels {
		if !vb.Contains(lb.at) {
			continue
		}
		boxW := lb.bound.Right()*v.world - lb.bound.Left()*v.world
		boxH := lb.bound.Top()*v.world - lb.bound.Bottom()*v.world
		tw := textWidth(face, lb.name)
		if tw > 0.8*boxW || size > 0.6*math.Abs(boxH) {
			continue
		}
		cx, cy := lb.at[0]*v.world, lb.at[1]*v.world
		box := orb.Bound{
			Min: orb.Point{cx - tw/2 - pad, cy - size/2 - pad},
			Max: orb.Point{cx + tw/2 + pad, cy + size/2 + pad},
		}
		overlaps := false
		for _, p := range placed {
			if p.Intersects(box) {
				overlaps = true
				break
			}
		}
		if overlaps {
			continue
		}
		placed = append(placed, box)
		// Only draw what touches the picture; the rest only reserved space.
		if box.Max[0] < v.x0 || box.Min[0] > v.x0+float64(v.w) || box.Max[1] < v.y0 || box.Min[1] > v.y0+float64(v.h) {
			continue
		}
		c.drawText(face, lb.name, cx-tw/2-v.x0, cy+size*0.35-v.y0, b.style.Label, b.style.LabelHalo, v.scale)
	}
	return nil
}
