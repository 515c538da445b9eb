package tiles

import (
	"context"
	"fmt"
	"image/color"
	"io/fs"
	"runtime"
	"sort"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
	"github.com/paulmach/orb/planar"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"

	"github.com/incidentmap/incidentmap/geo/vcache"
)

// Files LoadBaseMap reads: world-atlas's Natural Earth countries at 1:110m
// (used below zoom FineZoom) and 1:50m.
const (
	CoarseFile = "countries-110m.json"
	FineFile   = "countries-50m.json"
	FineZoom   = 3
)

// Attribution is the credit line for maps drawn with the base map.
const Attribution = "© Natural Earth; incidentmap"

// BaseMapStyle holds the base map's colours.
type BaseMapStyle struct {
	Sea, Land, Border, Label, LabelHalo color.RGBA
}

// DefaultBaseMapStyle returns a light style close to OpenStreetMap's, so the
// offline map does not jar when it replaces the online one.
func DefaultBaseMapStyle() BaseMapStyle {
	return BaseMapStyle{
		Sea:       color.RGBA{0xaa, 0xd3, 0xdf, 0xff},
		Land:      color.RGBA{0xf2, 0xef, 0xe9, 0xff},
		Border:    color.RGBA{0x9e, 0x8e, 0xa8, 0xff},
		Label:     color.RGBA{0x4a, 0x4a, 0x4a, 0xff},
		LabelHalo: color.RGBA{0xff, 0xff, 0xff, 0xff},
	}
}

// BaseMapOptions tunes LoadBaseMap.
type BaseMapOptions struct {
	// CacheBytes bounds the memory held by rendered PNG tiles; 0 means
	// 64 MiB, a negative value turns the cache off.
	CacheBytes int64
	// Style sets the colours (premultiplied, as color.RGBA is); the zero
	// value means DefaultBaseMapStyle.
	Style BaseMapStyle
	// MaxRenders bounds the tiles drawn at once; 0 means half the CPUs
	// (at least one). A zoom asks for ~20 new tiles at once: drawn on
	// every core, they held up the API answers of the same zoom (the
	// /api/clusters request waited up to 180 ms on 2 cores).
	MaxRenders int
}

// BaseMap renders raster base tiles offline from Natural Earth country
// shapes: sea, land, country borders and country names. It is immutable
// after LoadBaseMap apart from its tile cache, and safe for concurrent use.
type BaseMap struct {
	coarse, fine *baseLayer
	font         *opentype.Font
	style        BaseMapStyle
	cache        *tileCache
	renders      chan struct{} // a semaphore of MaxRenders
}

// baseLayer holds one scale of Natural Earth in world units: Web Mercator
// with the world spanning 0..1 on both axes, y growing southwards, so a
// render only multiplies and subtracts.
type baseLayer struct {
	land    []worldPoly
	borders []worldLine
	labels  []baseLabel // largest first
}

type worldPoly struct {
	p orb.Polygon
	b orb.Bound
}

type worldLine struct {
	l orb.LineString
	b orb.Bound
}

type baseLabel struct {
	name   string
	at     orb.Point // world units
	bound  orb.Bound // of the polygon the label sits on, world units
	weight float64   // area, for ordering
}

// LoadBaseMap reads CoarseFile and FineFile (world-atlas TopoJSON) from fsys,
// e.g. os.DirFS("node_modules/world-atlas").
func LoadBaseMap(fsys fs.FS, opts BaseMapOptions) (*BaseMap, error) {
	b := &BaseMap{style: opts.Style}
	if b.style == (BaseMapStyle{}) {
		b.style = DefaultBaseMapStyle()
	}
	var err error
	if b.coarse, err = loadBaseLayer(fsys, CoarseFile); err != nil {
		return nil, err
	}
	if b.fine, err = loadBaseLayer(fsys, FineFile); err != nil {
		return nil, err
	}
	if b.font, err = opentype.Parse(goregular.TTF); err != nil {
		return nil, fmt.Errorf("basemap font: %w", err)
	}
	size := opts.CacheBytes
	if size == 0 {
		size = 64 << 20
	}
	if size > 0 {
		b.cache = newTileCache(size)
	}
	n := opts.MaxRenders
	if n <= 0 {
		n = max(1, runtime.GOMAXPROCS(0)/2)
	}
	b.renders = make(chan struct{}, n)
	return b, nil
}

func loadBaseLayer(fsys fs.FS, name string) (*baseLayer, error) {
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, fmt.Errorf("basemap: %w", err)
	}
	topo, err := decodeTopology(data)
	if err != nil {
		return nil, fmt.Errorf("basemap %s: %w", name, err)
	}
	countries, err := topo.object("countries")
	if err != nil {
		return nil, fmt.Errorf("basemap %s: %w", name, err)
	}
	l := &baseLayer{}
	// Arcs shared by two countries are land borders; the rest is coast.
	for i, uses := range topo.arcUses {
		if uses < 2 {
			continue
		}
		for _, part := range splitAtAntimeridian(topo.arcs[i]) {
			ls := toWorldLine(part)
			l.borders = append(l.borders, worldLine{l: ls, b: ls.Bound()})
		}
	}
	for _, c := range countries {
		if c.Name == "" || len(c.Polygon) == 0 {
			continue
		}
		var best orb.Polygon
		bestArea := -1.0
		for _, p := range c.Polygon {
			wp := toWorldPolygon(unwrapPolygon(p))
			if a := planar.Area(wp); a > bestArea {
				best, bestArea = wp, a
			}
		}
		at, _ := planar.CentroidArea(best)
		l.labels = append(l.labels, baseLabel{name: c.Name, at: at, bound: best.Bound(), weight: bestArea})
	}
	sort.SliceStable(l.labels, func(i, j int) bool { return l.labels[i].weight > l.labels[j].weight })
	land, err := topo.object("land")
	if err != nil {
		return nil, fmt.Errorf("basemap %s: %w", name, err)
	}
	for _, f := range land {
		for _, p := range f.Polygon {
			// A polygon across the antimeridian is drawn twice, once from
			// each side, so that both halves of the world get their part.
			up := unwrapPolygon(p)
			for _, shift := range worldCopies(up.Bound()) {
				wp := toWorldPolygon(shiftPolygon(up, shift))
				l.land = append(l.land, worldPoly{p: wp, b: wp.Bound()})
			}
		}
	}
	return l, nil
}

// unwrapPolygon makes longitudes continuous along each ring: an edge that
// jumps more than 180 degrees crosses the antimeridian (Chukotka, Fiji), and
// drawn as it is it would run across the whole world.
func unwrapPolygon(p orb.Polygon) orb.Polygon {
	out := make(orb.Polygon, len(p))
	for i, r := range p {
		u := make(orb.Ring, len(r))
		for j, pt := range r {
			if j > 0 {
				prev := u[j-1][0]
				for pt[0]-prev > 180 {
					pt[0] -= 360
				}
				for pt[0]-prev < -180 {
					pt[0] += 360
				}
			}
			u[j] = pt
		}
		out[i] = u
	}
	return out
}

// worldCopies returns the longitude shifts at which a polygon with bound b
// must be drawn to cover the -180..180 world.
func worldCopies(b orb.Bound) []float64 {
	shifts := []float64{0}
	if b.Min[0] < -180 {
		shifts = append(shifts, 360)
	}
	if b.Max[0] > 180 {
		shifts = append(shifts, -360)
	}
	return shifts
}

func shiftPolygon(p orb.Polygon, dlon float64) orb.Polygon {
	if dlon == 0 {
		return p
	}
	out := make(orb.Polygon, len(p))
	for i, r := range p {
		s := make(orb.Ring, len(r))
		for j, pt := range r {
			s[j] = orb.Point{pt[0] + dlon, pt[1]}
		}
		out[i] = s
	}
	return out
}

// splitAtAntimeridian cuts a line where it jumps across the antimeridian.
func splitAtAntimeridian(ls orb.LineString) []orb.LineString {
	var parts []orb.LineString
	start := 0
	for i := 1; i < len(ls); i++ {
		if d := ls[i][0] - ls[i-1][0]; d > 180 || d < -180 {
			if i-start >= 2 {
				parts = append(parts, ls[start:i])
			}
			start = i
		}
	}
	if len(ls)-start >= 2 {
		parts = append(parts, ls[start:])
	}
	return parts
}

func toWorldLine(ls orb.LineString) orb.LineString {
	out := make(orb.LineString, len(ls))
	for i, p := range ls {
		out[i] = orb.Point{WorldX(p[0]), WorldY(p[1])}
	}
	return out
}

// toWorldPolygon projects p and orients its rings so that holes wind
// against their exterior, which the rasterizer needs to cut them out.
func toWorldPolygon(p orb.Polygon) orb.Polygon {
	out := make(orb.Polygon, len(p))
	for i, r := range p {
		wr := orb.Ring(toWorldLine(orb.LineString(r)))
		want := orb.CCW
		if i > 0 {
			want = orb.CW
		}
		if wr.Orientation() != want {
			wr.Reverse()
		}
		out[i] = wr
	}
	return out
}

// RenderTile returns tile t as a PNG of 256*scale pixels square; scale is
// 1, 2 or 3. Results are cached up to the size given in BaseMapOptions.
// A tile waiting for its turn to be drawn (MaxRenders) gives up when ctx
// ends: the map has moved on and cancelled it.
func (b *BaseMap) RenderTile(ctx context.Context, t maptile.Tile, scale int) ([]byte, error) {
	if scale < 1 || scale > 3 {
		return nil, fmt.Errorf("scale %d out of range 1..3", scale)
	}
	if !t.Valid() || t.Z > MaxZoom {
		return nil, fmt.Errorf("invalid tile %d/%d/%d", t.Z, t.X, t.Y)
	}
	key := cacheKey{t: t, scale: uint8(scale)}
	if b.cache != nil {
		if png, ok := b.cache.get(key); ok {
			return png, nil
		}
	}
	select {
	case b.renders <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-b.renders }()
	// Another request may have drawn it while this one waited.
	if b.cache != nil {
		if png, ok := b.cache.get(key); ok {
			return png, nil
		}
	}
	size := TileSize * scale
	v := view{
		world: float64(size) * float64(uint64(1)<<t.Z),
		zoom:  float64(t.Z),
		scale: float64(scale),
		w:     size,
		h:     size,
	}
	v.x0 = float64(t.X) * float64(size)
	v.y0 = float64(t.Y) * float64(size)
	c := newCanvas(size, size, b.style.Sea)
	if err := b.draw(c, v); err != nil {
		return nil, err
	}
	png, err := encodeTilePNG(c.img)
	if err != nil {
		return nil, err
	}
	if b.cache != nil {
		b.cache.put(key, png)
	}
	return png, nil
}

type cacheKey struct {
	t     maptile.Tile
	scale uint8
}

// tileCache holds rendered base tiles within a byte budget. The base map
// never changes while the server runs, so every tile is at version 0 of
// the project's one byte-budgeted cache type.
type tileCache struct {
	max   int64
	tiles vcache.Map[cacheKey, []byte]
}

func newTileCache(max int64) *tileCache { return &tileCache{max: max} }

func (c *tileCache) get(k cacheKey) ([]byte, bool) { return c.tiles.Get(0, k) }

func (c *tileCache) put(k cacheKey, png []byte) {
	if _, ok := c.tiles.Get(0, k); ok {
		return
	}
	c.tiles.Put(0, c.max, k, png, int64(len(png)))
}
