package tiles

import (
	"math"
	"unsafe"

	"github.com/paulmach/orb/maptile"
)

// Clustering defaults; see ClusterOptions.
const (
	DefaultClusterMaxZoom  = 10
	DefaultClusterMaxPoint = 2000
	DefaultCellSize        = 32
)

// ClusterOptions says when and how coarsely a tile's points are clustered.
//
// The rule: a tile is clustered when its zoom is below MaxZoom, or when it
// holds more than MaxPoints points (so a dense city centre at z14 still gives
// a small tile). Clustering puts every point of the tile into a square cell
// of CellSize pixels (at 256 pixels per tile) on a grid aligned with the
// tile; a cell with one point gives that point back unchanged, a cell with
// more gives one Cluster. Because the grid is aligned with the tile and each
// point is counted in the cell that contains it, clusters never straddle two
// tiles, the result does not depend on the order of the points, and the
// counts add up exactly to the number of points inside the tile.
type ClusterOptions struct {
	MaxZoom   int // tiles with z < MaxZoom are clustered; 0 means DefaultClusterMaxZoom, -1 never by zoom
	MaxPoints int // tiles with more points are clustered; 0 means DefaultClusterMaxPoint, -1 no limit
	CellSize  int // cell size in pixels, a power of two from 4 to 256; 0 means DefaultCellSize
}

func (o ClusterOptions) withDefaults() ClusterOptions {
	if o.MaxZoom == 0 {
		o.MaxZoom = DefaultClusterMaxZoom
	}
	if o.MaxPoints == 0 {
		o.MaxPoints = DefaultClusterMaxPoint
	}
	if o.CellSize <= 0 {
		o.CellSize = DefaultCellSize
	}
	// Round down to a power of two between 4 and 256 so cells tile the tile.
	c := 4
	for c*2 <= o.CellSize && c < TileSize {
		c *= 2
	}
	o.CellSize = c
	return o
}

// Cluster is a group of two or more points of one tile cell.
type Cluster struct {
	Lon, Lat float64 // mean position of the members
	Count    int
	Source   string // the most frequent source; ties go to the name first in byte order
	DateMin  int32  // earliest known member date, days since 1970-01-01; 0 if none known
	DateMax  int32  // latest member date
}

// TileContent is what a tile shows: clusters and the points left alone.
type TileContent struct {
	Clustered bool
	Clusters  []Cluster
	Points    []Point
}

// Count returns how many incidents the content stands for.
func (c TileContent) Count() int {
	n := len(c.Points)
	for _, cl := range c.Clusters {
		n += cl.Count
	}
	return n
}

// tileFrame maps lon/lat to the tile's cell grid without a logarithm per
// point: columns are linear in longitude, and rows are found by a binary
// search over the latitudes of the row edges, which is several times cheaper
// than the Mercator formula at a million points.
type tileFrame struct {
	west, east   float64
	north, south float64
	lastCol      bool      // the tile touches lon 180, which it then includes
	n            int       // cells per side
	colScale     float64   // cells per degree of longitude
	rowEdges     []float64 // n+1 latitudes, north to south
	// rowOf maps a uniform latitude bin to the row at the bin's north edge;
	// bins are fine enough to hold at most one row edge, so one comparison
	// finishes the lookup.
	rowOf    []int32
	binScale float64 // bins per degree of latitude
	// mercNorth is the Mercator latitude of the top edge, from which the
	// bins are counted (north itself is 90 for the top row of the world).
	mercNorth float64
	// colEdges are the n+1 longitudes of the column edges, exact (they are
	// dyadic multiples of 360 degrees), so that a point's column does not
	// depend on the tile's zoom and the cells of zoom z are exactly the
	// unions of four cells of zoom z+1, as Pyramid relies on.
	colEdges []float64
}

const latBins = 1024

func newTileFrame(t maptile.Tile, n int) tileFrame {
	z := float64(uint32(1) << t.Z)
	f := tileFrame{
		west:    float64(t.X)/z*360 - 180,
		east:    float64(t.X+1)/z*360 - 180,
		lastCol: t.X+1 == uint32(1)<<t.Z,
		n:       n,
	}
	f.colScale = float64(n) / (f.east - f.west)
	f.colEdges = make([]float64, n+1)
	for i := 0; i <= n; i++ {
		f.colEdges[i] = colEdge(int64(t.X)*int64(n)+int64(i), int(t.Z)+log2(n))
	}
	f.rowEdges = make([]float64, n+1)
	for i := 0; i <= n; i++ {
		f.rowEdges[i] = WorldLat((float64(t.Y) + float64(i)/float64(n)) / z)
	}
	f.north, f.south = f.rowEdges[0], f.rowEdges[n]
	f.mercNorth = f.north
	f.binScale = latBins / (f.north - f.south)
	f.rowOf = make([]int32, latBins+1)
	row := int32(0)
	for i := range f.rowOf {
		lat := f.north - float64(i)/f.binScale
		for int(row) < n-1 && lat <= f.rowEdges[row+1] {
			row++
		}
		f.rowOf[i] = row
	}
	if t.Y == 0 {
		f.north = 90 // the top row keeps what Mercator clamps
	}
	if t.Y+1 == uint32(1)<<t.Z {
		f.south = -90
	}
	return f
}

// contains reports whether the point lies in the tile: west <= lon < east
// (lon 180 included in the last column) and south < lat <= north.
func (f *tileFrame) contains(lon, lat float64) bool {
	if lat > f.north || lat <= f.south || lon < f.west {
		return false
	}
	return lon < f.east || (f.lastCol && lon <= f.east)
}

// cell returns the cell index of a point the tile contains. The column and
// row first come from arithmetic and a lookup table, then are checked
// against the exact edges (a column holds colEdges[c] <= lon <
// colEdges[c+1], a row rowEdges[r] >= lat > rowEdges[r+1]), so rounding
// never puts a point on the wrong side of an edge.
func (f *tileFrame) cell(lon, lat float64) int {
	col := int((lon - f.west) * f.colScale)
	col = max(0, min(col, f.n-1))
	for col > 0 && lon < f.colEdges[col] {
		col--
	}
	for col < f.n-1 && lon >= f.colEdges[col+1] {
		col++
	}
	bin := int((f.mercNorth - lat) * f.binScale)
	bin = max(0, min(bin, latBins))
	row := int(f.rowOf[bin])
	for row > 0 && lat > f.rowEdges[row] {
		row--
	}
	for row < f.n-1 && lat <= f.rowEdges[row+1] {
		row++
	}
	return row*f.n + col
}

// colEdge returns the longitude of column edge i of the 2^level columns of
// the world. The value is a multiple of 360/2^level and is computed
// exactly, whichever zoom asks.
func colEdge(i int64, level int) float64 {
	return float64(i)*360/float64(int64(1)<<level) - 180
}

// log2 returns the base-2 logarithm of a power of two.
func log2(n int) int {
	k := 0
	for 1<<k < n {
		k++
	}
	return k
}

type cellAcc struct {
	count            int32
	first            int32 // index of the first point, returned alone when count is 1
	sumLon, sumLat   int64 // in 1e-7 degrees: integer sums do not depend on the order of the points
	dateMin, dateMax int32
	sources          []int32 // member count per interned source
}

// ClusterTile selects the points inside tile t and clusters them according
// to opts (see ClusterOptions for the rule). Points outside the tile are
// ignored, so a caller may pass the tile's points plus a buffer. The result
// is deterministic for a given set of points: unclustered Points keep their
// input order, clustered content comes in cell order (rows from the north).
func ClusterTile(t maptile.Tile, points []Point, opts ClusterOptions) TileContent {
	opts = opts.withDefaults()
	f := newTileFrame(t, TileSize/opts.CellSize)
	byZoom := opts.MaxZoom > 0 && int(t.Z) < opts.MaxZoom
	if !byZoom {
		n := 0
		for i := range points {
			if f.contains(points[i].Lon, points[i].Lat) {
				n++
			}
		}
		if opts.MaxPoints < 0 || n <= opts.MaxPoints {
			inside := make([]Point, 0, n)
			for i := range points {
				if f.contains(points[i].Lon, points[i].Lat) {
					inside = append(inside, points[i])
				}
			}
			return TileContent{Points: inside}
		}
	}

	cells := make([]cellAcc, f.n*f.n)
	src := newInterner()
	for i := range points {
		p := &points[i]
		if !f.contains(p.Lon, p.Lat) {
			continue
		}
		c := &cells[f.cell(p.Lon, p.Lat)]
		if c.count == 0 {
			c.first = int32(i)
			c.dateMin, c.dateMax = math.MaxInt32, math.MinInt32
		}
		c.count++
		c.sumLon += int64(p.Lon * 1e7)
		c.sumLat += int64(p.Lat * 1e7)
		if p.Date != 0 {
			c.dateMin = min(c.dateMin, p.Date)
			c.dateMax = max(c.dateMax, p.Date)
		}
		si := src.id(p.Source)
		if int(si) >= len(c.sources) {
			c.sources = append(c.sources, make([]int32, int(si)+1-len(c.sources))...)
		}
		c.sources[si]++
	}

	out := TileContent{Clustered: true}
	for i := range cells {
		c := &cells[i]
		switch c.count {
		case 0:
			continue
		case 1:
			out.Points = append(out.Points, points[c.first])
			continue
		}
		cl := Cluster{
			Lon:     float64(c.sumLon) / float64(c.count) / 1e7,
			Lat:     float64(c.sumLat) / float64(c.count) / 1e7,
			Count:   int(c.count),
			DateMin: c.dateMin,
			DateMax: c.dateMax,
		}
		if c.dateMin > c.dateMax { // no member had a date
			cl.DateMin, cl.DateMax = 0, 0
		}
		best := int32(-1)
		for si, n := range c.sources {
			if n == 0 {
				continue
			}
			if best < 0 || n > c.sources[best] || (n == c.sources[best] && src.names[si] < src.names[best]) {
				best = int32(si)
			}
		}
		cl.Source = src.names[best]
		out.Clusters = append(out.Clusters, cl)
	}
	return out
}

// interner numbers distinct strings. Most callers share one string value
// per source, so a small direct-mapped cache keyed by the string's data
// pointer answers almost every lookup without hashing the text; the map
// behind it keeps the numbering right whatever the caller passes.
type interner struct {
	cache [256]internSlot
	index map[string]int32
	names []string
}

type internSlot struct {
	ptr *byte
	n   int
	idx int32
}

func newInterner() *interner {
	return &interner{index: make(map[string]int32)}
}

func (in *interner) id(s string) int32 {
	ptr := unsafe.StringData(s)
	slot := &in.cache[(uintptr(unsafe.Pointer(ptr))>>4^uintptr(len(s)))&255]
	if slot.ptr == ptr && slot.n == len(s) && ptr != nil {
		return slot.idx
	}
	i, ok := in.index[s]
	if !ok {
		i = int32(len(in.names))
		in.index[s] = i
		in.names = append(in.names, s)
	}
	*slot = internSlot{ptr: ptr, n: len(s), idx: i}
	return i
}
