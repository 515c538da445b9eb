package tiles

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"math"
	"sort"
	"strconv"

	"github.com/paulmach/orb"
	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
)

// Limits of RenderMap.
const (
	MaxStaticSize   = 2048     // CSS pixels on either side
	MaxStaticPixels = 16 << 20 // device pixels in all (width*height*scale²)
	MaxStaticZoom   = 16       // deepest zoom a fitted bbox gets
)

// DefaultMarkerColor returns the marker colour used when
// StaticMapOptions.Color is nil.
func DefaultMarkerColor() color.RGBA { return color.RGBA{0xd7, 0x30, 0x27, 0xff} }

// LegendEntry is one line of a static map's legend.
type LegendEntry struct {
	Label string
	Color color.RGBA
}

// StaticMapOptions describes a static map. Sizes are in CSS pixels; the
// image is Width*Scale by Height*Scale device pixels.
type StaticMapOptions struct {
	Width, Height int
	Scale         int // 1..3; 0 means 1

	// BBox, when not zero, is fitted into the image with Padding pixels
	// to spare; otherwise Center and Zoom (fractional zooms are fine) place
	// the map.
	BBox    orb.Bound
	Padding int // 0 means 24
	Center  orb.Point
	Zoom    float64

	Points []Point
	// Color picks a marker's colour; nil draws every marker in red.
	Color func(Point) color.RGBA
	// ClusterCell is the size in CSS pixels of the screen grid whose cells
	// holding two or more points are drawn as one circle with the count;
	// 0 means 32, a negative value draws every point.
	ClusterCell int

	Legend      []LegendEntry
	Base        *BaseMap // nil draws the sea colour only
	Attribution string   // "" means Attribution
}

// withDefaults fills the zero fields that have defaults.
func (o StaticMapOptions) withDefaults() StaticMapOptions {
	if o.Scale == 0 {
		o.Scale = 1
	}
	if o.Padding == 0 {
		o.Padding = 24
	}
	if o.ClusterCell == 0 {
		o.ClusterCell = 32
	}
	if o.Attribution == "" {
		o.Attribution = Attribution
	}
	return o
}

// validate fills defaults and checks the options.
func (o StaticMapOptions) validate() (StaticMapOptions, error) {
	o = o.withDefaults()
	if o.Scale < 1 || o.Scale > 3 {
		return o, fmt.Errorf("scale %d out of range 1..3", o.Scale)
	}
	if o.Width < 1 || o.Width > MaxStaticSize || o.Height < 1 || o.Height > MaxStaticSize {
		return o, fmt.Errorf("size %dx%d out of range 1..%d", o.Width, o.Height, MaxStaticSize)
	}
	if o.Width*o.Height*o.Scale*o.Scale > MaxStaticPixels {
		return o, fmt.Errorf("image %dx%d at scale %d too large: over %d pixels", o.Width, o.Height, o.Scale, MaxStaticPixels)
	}
	if o.BBox.IsZero() && (o.Zoom < 0 || o.Zoom > MaxZoom) {
		return o, fmt.Errorf("zoom %g out of range 0..%d", o.Zoom, MaxZoom)
	}
	return o, nil
}

// view returns where the map sits on the Mercator world. For a bbox it picks
// the largest zoom (at most MaxStaticZoom) at which the bbox fits.
func (o StaticMapOptions) view() view {
	o = o.withDefaults()
	scale := float64(o.Scale)
	center := orb.Point{WorldX(o.Center[0]), WorldY(o.Center[1])}
	zoom := o.Zoom
	if !o.BBox.IsZero() {
		x0, x1 := WorldX(o.BBox.Min[0]), WorldX(o.BBox.Max[0])
		y0, y1 := WorldY(o.BBox.Max[1]), WorldY(o.BBox.Min[1])
		center = orb.Point{(x0 + x1) / 2, (y0 + y1) / 2}
		pad := float64(2 * o.Padding)
		zx := math.Log2(math.Max(float64(o.Width)-pad, 1) / (math.Max(x1-x0, 1e-12) * TileSize))
		zy := math.Log2(math.Max(float64(o.Height)-pad, 1) / (math.Max(y1-y0, 1e-12) * TileSize))
		zoom = math.Max(0, math.Min(math.Min(zx, zy), MaxStaticZoom))
	}
	w, h := o.Width*int(scale), o.Height*int(scale)
	world := TileSize * scale * math.Exp2(zoom)
	return view{
		world: world,
		x0:    center[0]*world - float64(w)/2,
		y0:    center[1]*world - float64(h)/2,
		w:     w,
		h:     h,
		zoom:  zoom,
		scale: scale,
	}
}

// Project returns the device pixel (in the Width*Scale by Height*Scale
// image RenderMap draws) where the point lon/lat appears; markers for single
// points are centred there.
func (o StaticMapOptions) Project(lon, lat float64) (px, py float64) {
	p := o.view().px(orb.Point{WorldX(lon), WorldY(lat)})
	return p[0], p[1]
}

// ZoomLevel returns the zoom the map is drawn at (fitted for a bbox).
func (o StaticMapOptions) ZoomLevel() float64 { return o.view().zoom }

// RenderMap draws a static map as PNG: the base map, the points (grouped
// where dense, see ClusterCell), the legend, a scale bar in kilometres and
// the attribution line.
func RenderMap(opts StaticMapOptions) ([]byte, error) {
	o, err := opts.validate()
	if err != nil {
		return nil, err
	}
	v := o.view()
	style := DefaultBaseMapStyle()
	fnt := (*opentype.Font)(nil)
	if o.Base != nil {
		style, fnt = o.Base.style, o.Base.font
	} else if fnt, err = opentype.Parse(goregular.TTF); err != nil {
		return nil, err
	}
	c := newCanvas(v.w, v.h, style.Sea)
	if o.Base != nil {
		if err := o.Base.draw(c, v); err != nil {
			return nil, err
		}
	}
	face, err := newFace(fnt, 11*v.scale)
	if err != nil {
		return nil, err
	}
	defer face.Close()
	drawMarkers(c, face, v, o)
	if len(o.Legend) > 0 {
		drawLegend(c, face, v, o.Legend)
	}
	drawScaleBar(c, face, v)
	drawAttribution(c, face, v, o.Attribution)
	return encodePNG(c.img)
}

type screenCell struct {
	n      int
	sx, sy float64
	first  int
	colors map[color.RGBA]int
}

func drawMarkers(c *canvas, face font.Face, v view, o StaticMapOptions) {
	colorOf := o.Color
	if colorOf == nil {
		colorOf = func(Point) color.RGBA { return DefaultMarkerColor() }
	}
	white := color.RGBA{0xff, 0xff, 0xff, 0xff}
	var singles []int
	cells := map[[2]int]*screenCell{}
	var order [][2]int
	cell := float64(o.ClusterCell) * v.scale
	for i, p := range o.Points {
		xy := v.px(orb.Point{WorldX(p.Lon), WorldY(p.Lat)})
		if xy[0] < -20 || xy[1] < -20 || xy[0] > float64(v.w)+20 || xy[1] > float64(v.h)+20 {
			continue
		}
		if o.ClusterCell < 0 {
			singles = append(singles, i)
			continue
		}
		k := [2]int{int(math.Floor(xy[0] / cell)), int(math.Floor(xy[1] / cell))}
		sc := cells[k]
		if sc == nil {
			sc = &screenCell{first: i, colors: map[color.RGBA]int{}}
			cells[k] = sc
			order = append(order, k)
		}
		sc.n++
		sc.sx += xy[0]
		sc.sy += xy[1]
		sc.colors[colorOf(p)]++
	}
	var groups []*screenCell
	for _, k := range order {
		if sc := cells[k]; sc.n == 1 {
			singles = append(singles, sc.first)
		} else {
			groups = append(groups, sc)
		}
	}
	for _, i := range singles {
		p := o.Points[i]
		xy := v.px(orb.Point{WorldX(p.Lon), WorldY(p.Lat)})
		c.fillCircle(xy[0], xy[1], 5*v.scale, 1.5*v.scale, colorOf(p), white)
	}
	groups = mergeOverlapping(groups, v.scale)
	for _, g := range groups {
		// The most frequent colour; ties go to the darkest, for a stable result.
		var col color.RGBA
		best := 0
		for k, n := range g.colors {
			if n > best || (n == best && lum(k) < lum(col)) {
				col, best = k, n
			}
		}
		x, y := g.sx/float64(g.n), g.sy/float64(g.n)
		label := strconv.Itoa(g.n)
		c.fillCircle(x, y, groupRadius(g.n, v.scale), 2*v.scale, col, white)
		tw := textWidth(face, label)
		c.drawText(face, label, x-tw/2, y+4*v.scale, white, color.RGBA{}, 0)
	}
}

// groupRadius is the radius of a group's circle: it grows with the
// logarithm of the count so that large groups stand out without hiding the map.
func groupRadius(n int, scale float64) float64 {
	return (9 + 3*math.Log10(float64(n))) * scale
}

// mergeOverlapping folds groups whose circles would overlap into the larger
// one, largest first, so that dense areas read as one number each.
func mergeOverlapping(groups []*screenCell, scale float64) []*screenCell {
	sort.SliceStable(groups, func(i, j int) bool { return groups[i].n > groups[j].n })
	var kept []*screenCell
	for _, g := range groups {
		gx, gy := g.sx/float64(g.n), g.sy/float64(g.n)
		var into *screenCell
		for _, k := range kept {
			kx, ky := k.sx/float64(k.n), k.sy/float64(k.n)
			if math.Hypot(gx-kx, gy-ky) < groupRadius(k.n, scale)+groupRadius(g.n, scale) {
				into = k
				break
			}
		}
		if into == nil {
			kept = append(kept, g)
			continue
		}
		// Keep the larger group's position so merging does not drift it
		// onto yet other groups.
		kx, ky := into.sx/float64(into.n), into.sy/float64(into.n)
		into.n += g.n
		into.sx, into.sy = kx*float64(into.n), ky*float64(into.n)
		for col, n := range g.colors {
			into.colors[col] += n
		}
	}
	return kept
}

func lum(c color.RGBA) int { return int(c.R)*3 + int(c.G)*6 + int(c.B) }

func drawLegend(c *canvas, face font.Face, v view, entries []LegendEntry) {
	s := v.scale
	line := 16 * s
	w := 0.0
	for _, e := range entries {
		w = math.Max(w, textWidth(face, e.Label))
	}
	x0, y0 := 10*s, 10*s
	c.fillRect(x0, y0, x0+w+34*s, y0+float64(len(entries))*line+10*s, color.NRGBA{0xf0, 0xf0, 0xf0, 0xe6})
	for i, e := range entries {
		cy := y0 + 5*s + line*(float64(i)+0.5)
		c.fillCircle(x0+12*s, cy, 5*s, 1*s, e.Color, color.RGBA{0xff, 0xff, 0xff, 0xff})
		c.drawText(face, e.Label, x0+24*s, cy+4*s, color.RGBA{0x22, 0x22, 0x22, 0xff}, color.RGBA{}, 0)
	}
}

// drawScaleBar draws a bar of a round length in km (or m) at the bottom
// left, measured at the map's centre latitude.
func drawScaleBar(c *canvas, face font.Face, v view) {
	s := v.scale
	lat := WorldLat((v.y0 + float64(v.h)/2) / v.world)
	// 6378137 m is the Web Mercator sphere (WGS 84's equatorial radius),
	// the one the map is projected on: not geo.EarthRadiusKm, the mean
	// radius distances are measured on.
	metresPerPx := 2 * math.Pi * 6378137 * math.Cos(lat*math.Pi/180) / v.world
	maxM := 100 * s * metresPerPx
	m := niceDistance(maxM)
	length := m / metresPerPx
	x0, y := 10*s, float64(v.h)-10*s
	ink := color.RGBA{0x33, 0x33, 0x33, 0xff}
	c.fillRect(x0-4*s, y-22*s, x0+length+4*s+textWidth(face, "0000 km"), y+4*s, color.NRGBA{0xf0, 0xf0, 0xf0, 0xc0})
	c.beginIn(image.Rect(int(x0-4*s), int(y-22*s), int(x0+length+4*s), int(y+4*s)))
	c.addLine(orb.LineString{{x0, y - 6*s}, {x0, y}, {x0 + length, y}, {x0 + length, y - 6*s}}, 1.5*s)
	c.paint(ink)
	label := fmt.Sprintf("%g km", m/1000)
	if m < 1000 {
		label = fmt.Sprintf("%g m", m)
	}
	c.drawText(face, label, x0+2*s, y-9*s, ink, color.RGBA{}, 0)
}

// niceDistance returns the largest 1, 2 or 5 times a power of ten that is
// at most m metres.
func niceDistance(m float64) float64 {
	if m <= 0 || math.IsInf(m, 0) || math.IsNaN(m) {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(m)))
	for _, f := range []float64{5, 2, 1} {
		if f*p <= m {
			return f * p
		}
	}
	return p
}

func drawAttribution(c *canvas, face font.Face, v view, text string) {
	s := v.scale
	tw := textWidth(face, text)
	x1, y1 := float64(v.w), float64(v.h)
	c.fillRect(x1-tw-8*s, y1-16*s, x1, y1, color.NRGBA{0xf0, 0xf0, 0xf0, 0xd0})
	c.drawText(face, text, x1-tw-4*s, y1-4*s, color.RGBA{0x33, 0x33, 0x33, 0xff}, color.RGBA{}, 0)
}

// errNoPoints is returned by FitPoints for an empty slice.
var errNoPoints = errors.New("no points to fit")

// FitPoints returns the bounding box of the points, for StaticMapOptions.BBox.
func FitPoints(points []Point) (orb.Bound, error) {
	if len(points) == 0 {
		return orb.Bound{}, errNoPoints
	}
	b := orb.Bound{Min: orb.Point{points[0].Lon, points[0].Lat}, Max: orb.Point{points[0].Lon, points[0].Lat}}
	for _, p := range points[1:] {
		b = b.Extend(orb.Point{p.Lon, p.Lat})
	}
	return b, nil
}
