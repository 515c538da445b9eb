package tiles

import (
	"math"
	"slices"
	"sort"

	"github.com/paulmach/orb/maptile"
)

// Pyramid holds a set of points pre-clustered for every zoom below a
// maximum, so that a clustered tile is read instead of computed: what
// ClusterTile does with a million points in a hundred milliseconds, Tile
// does in microseconds, with the same result.
//
// A pyramid is a stack of grids. Level L divides the Web Mercator world
// into 2^L by 2^L cells; the cells of a tile of zoom z clustered with
// CellSize c are those of level z + log2(TileSize/c). Each non-empty cell
// keeps its count, the integer sums of its members' positions (for the
// centroid), its date span, its dominant source and, when it holds a
// single point, that point. The grid of level L is built from level L+1 by
// merging four cells, so the build is one sort of the points plus one pass
// per level: O(N + cells).
//
// Memory: 36 bytes per non-empty cell over all levels, plus 64 bytes per
// cell holding a single point. With the default options (levels 0 to 12)
// and 1,000,000 points concentrated in one region, that is a few hundred
// thousand cells: about 10 to 30 MB. The build also needs, briefly, 8 bytes
// per point and 8 per distinct (leaf cell, source) pair.
//
// A Pyramid is immutable after BuildPyramid and safe for concurrent use.
type Pyramid struct {
	maxZoom int        // tiles of zoom < maxZoom are clustered (ClusterOptions.MaxZoom)
	levels  []pyrLevel // by level, 0..top
	singles []Point    // the points of cells with count 1
	names   []string   // sources by id
	total   int        // points given to BuildPyramid, inside the world or not
}

// pyrLevel is one grid: non-empty cells sorted by Morton key.
type pyrLevel struct {
	keys  []uint32 // interleave(col, row), ascending
	cells []pyrCell
}

// pyrCell is one non-empty cell; 32 bytes.
type pyrCell struct {
	sumLon, sumLat   int64 // in 1e-7 degrees, as ClusterTile sums them
	count            int32
	dateMin, dateMax int32 // MaxInt32/MinInt32 when no member has a date
	ref              int32 // count 1: index into singles; else the dominant source id
}

// srcCount is one source's member count in a cell, during the build.
type srcCount struct {
	src   int32
	count int32
}

// PyramidOptions says which tiles a Pyramid can answer.
type PyramidOptions struct {
	// MaxZoom is ClusterOptions.MaxZoom: tiles with z < MaxZoom are
	// clustered by zoom and answered by the pyramid. 0 means
	// DefaultClusterMaxZoom.
	MaxZoom int
	// MinCellSize is the finest cell size, in pixels, the pyramid
	// answers for every zoom below MaxZoom; coarser cells are always
	// answered. 0 means DefaultCellSize.
	MinCellSize int
}

// maxPyramidLevel keeps Morton keys within 32 bits.
const maxPyramidLevel = 16

// BuildPyramid pre-clusters points (see Pyramid). Points outside every tile
// (latitude -90 or beyond ±90, longitude beyond ±180, NaN) are counted in
// Total only, as ClusterTile ignores them. The points slice is not kept.
func BuildPyramid(points []Point, opts PyramidOptions) *Pyramid {
	co := ClusterOptions{MaxZoom: opts.MaxZoom, CellSize: opts.MinCellSize}.withDefaults()
	maxZoom := max(co.MaxZoom, 1)
	top := min(maxZoom-1+log2(TileSize/co.CellSize), maxPyramidLevel)
	p := &Pyramid{maxZoom: maxZoom, levels: make([]pyrLevel, top+1), total: len(points)}

	// Sources by id, and each id's rank in byte order for ties.
	src := newInterner()
	ids := make([]int32, len(points))
	for i := range points {
		ids[i] = src.id(points[i].Source)
	}
	p.names = src.names
	rank := make([]int32, len(p.names))
	order := make([]int32, len(p.names))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int {
		if p.names[a] < p.names[b] {
			return -1
		}
		if p.names[a] > p.names[b] {
			return 1
		}
		return 0
	})
	for r, id := range order {
		rank[id] = int32(r)
	}

	// Leaf cells: sort (key, point index) pairs by key.
	g := newLevelGrid(top)
	pairs := make([]uint64, 0, len(points))
	for i := range points {
		col, row, ok := g.cell(points[i].Lon, points[i].Lat)
		if ok {
			pairs = append(pairs, uint64(Interleave16(col, row))<<32|uint64(i))
		}
	}
	radixSortHigh(pairs, 2*top)

	b := pyrBuilder{rank: rank, scratch: make([]int32, len(p.names))}
	var lists []srcCount // the current level's per-cell source counts, flat
	var offs []int32     // cell i's counts are lists[offs[i]:offs[i+1]]
	leaf := &p.levels[top]
	for i := 0; i < len(pairs); {
		key := uint32(pairs[i] >> 32)
		c := pyrCell{dateMin: math.MaxInt32, dateMax: math.MinInt32}
		j := i
		for ; j < len(pairs) && uint32(pairs[j]>>32) == key; j++ {
			pt := &points[uint32(pairs[j])]
			c.count++
			c.sumLon += int64(pt.Lon * 1e7)
			c.sumLat += int64(pt.Lat * 1e7)
			if pt.Date != 0 {
				c.dateMin, c.dateMax = min(c.dateMin, pt.Date), max(c.dateMax, pt.Date)
			}
			b.add(ids[uint32(pairs[j])], 1)
		}
		offs = append(offs, int32(len(lists)))
		lists, c.ref = b.flush(lists)
		if c.count == 1 {
			c.ref = int32(len(p.singles))
			p.singles = append(p.singles, points[uint32(pairs[i])])
		}
		leaf.keys = append(leaf.keys, key)
		leaf.cells = append(leaf.cells, c)
		i = j
	}
	offs = append(offs, int32(len(lists)))
	pairs = nil

	// Each coarser level merges runs of four (or fewer) cells: their
	// Morton keys share all but the last two bits, so they are adjacent.
	for l := top - 1; l >= 0; l-- {
		child, lv := &p.levels[l+1], &p.levels[l]
		var nlists []srcCount
		var noffs []int32
		for i := 0; i < len(child.keys); {
			key := child.keys[i] >> 2
			c := pyrCell{dateMin: math.MaxInt32, dateMax: math.MinInt32}
			var single int32
			j := i
			for ; j < len(child.keys) && child.keys[j]>>2 == key; j++ {
				cc := &child.cells[j]
				c.count += cc.count
				c.sumLon += cc.sumLon
				c.sumLat += cc.sumLat
				c.dateMin, c.dateMax = min(c.dateMin, cc.dateMin), max(c.dateMax, cc.dateMax)
				for _, sc := range lists[offs[j]:offs[j+1]] {
					b.add(sc.src, sc.count)
				}
				single = cc.ref
			}
			noffs = append(noffs, int32(len(nlists)))
			nlists, c.ref = b.flush(nlists)
			if c.count == 1 {
				c.ref = single
			}
			lv.keys = append(lv.keys, key)
			lv.cells = append(lv.cells, c)
			i = j
		}
		lists, offs = nlists, append(noffs, int32(len(nlists)))
	}
	for l := range p.levels { // trim append slack: the pyramid lives long
		p.levels[l].keys = slices.Clip(p.levels[l].keys)
		p.levels[l].cells = slices.Clip(p.levels[l].cells)
	}
	p.singles = slices.Clip(p.singles)
	return p
}

// pyrBuilder sums source counts of one cell at a time.
type pyrBuilder struct {
	rank    []int32 // source id → rank in byte order
	scratch []int32 // count by source id, zero between cells
	touched []int32 // ids with a non-zero count
}

func (b *pyrBuilder) add(src, n int32) {
	if b.scratch[src] == 0 {
		b.touched = append(b.touched, src)
	}
	b.scratch[src] += n
}

// flush appends the cell's counts to lists, resets the scratch, and
// returns the dominant source: the largest count, ties to the name first
// in byte order (as ClusterTile).
func (b *pyrBuilder) flush(lists []srcCount) ([]srcCount, int32) {
	best := int32(-1)
	for _, s := range b.touched {
		n := b.scratch[s]
		lists = append(lists, srcCount{src: s, count: n})
		if best < 0 || n > b.scratch[best] || (n == b.scratch[best] && b.rank[s] < b.rank[best]) {
			best = s
		}
	}
	for _, s := range b.touched {
		b.scratch[s] = 0
	}
	b.touched = b.touched[:0]
	return lists, best
}

// Total returns the number of points the pyramid was built from.
func (p *Pyramid) Total() int { return p.total }

// Bytes returns an estimate of the memory the pyramid holds.
func (p *Pyramid) Bytes() int {
	n := len(p.singles) * 64
	for _, l := range p.levels {
		n += len(l.keys) * 36
	}
	return n
}

// Tile returns what ClusterTile(t, points, opts) returns for the points the
// pyramid was built from; ok is false when the pyramid cannot answer: the
// tile is not clustered by zoom under opts (z >= opts.MaxZoom, which must
// not exceed the pyramid's), or its cells are finer than the pyramid's.
func (p *Pyramid) Tile(t maptile.Tile, opts ClusterOptions) (c TileContent, ok bool) {
	opts = opts.withDefaults()
	if opts.MaxZoom <= 0 || int(t.Z) >= opts.MaxZoom || int(t.Z) >= p.maxZoom {
		return c, false
	}
	n := TileSize / opts.CellSize
	k := log2(n)
	level := int(t.Z) + k
	if level >= len(p.levels) {
		return c, false
	}
	lv := &p.levels[level]
	x0, y0 := uint32(t.X)<<k, uint32(t.Y)<<k
	lo := Interleave16(x0, y0)
	hi := uint64(lo) + uint64(n*n)
	i, _ := slices.BinarySearch(lv.keys, lo)
	j := i + sort.Search(len(lv.keys)-i, func(m int) bool { return uint64(lv.keys[i+m]) >= hi })
	c.Clustered = true
	if i == j {
		return c, true
	}
	// Morton order within the tile; the output wants rows from the north.
	slot := make([]int32, n*n)
	for m := i; m < j; m++ {
		col, row := Deinterleave16(lv.keys[m])
		slot[int(row-y0)*n+int(col-x0)] = int32(m + 1)
	}
	for _, s := range slot {
		if s == 0 {
			continue
		}
		cell := &lv.cells[s-1]
		if cell.count == 1 {
			c.Points = append(c.Points, p.singles[cell.ref])
			continue
		}
		cl := Cluster{
			Lon:     float64(cell.sumLon) / float64(cell.count) / 1e7,
			Lat:     float64(cell.sumLat) / float64(cell.count) / 1e7,
			Count:   int(cell.count),
			Source:  p.names[cell.ref],
			DateMin: cell.dateMin,
			DateMax: cell.dateMax,
		}
		if cl.DateMin > cl.DateMax {
			cl.DateMin, cl.DateMax = 0, 0
		}
		c.Clusters = append(c.Clusters, cl)
	}
	return c, true
}

// levelGrid finds a point's cell in the 2^level grid of the world with the
// same edges, compared the same way, as tileFrame.cell.
type levelGrid struct {
	level    int
	n        int       // cells per side
	rowEdges []float64 // n+1 latitudes, north to south
	colScale float64
}

func newLevelGrid(level int) levelGrid {
	n := 1 << level
	g := levelGrid{level: level, n: n, rowEdges: make([]float64, n+1), colScale: float64(n) / 360}
	for j := 0; j <= n; j++ {
		// The same expression, with the same exact argument, as the
		// row edges of newTileFrame: (Y + i/n) / 2^z == j / 2^level.
		g.rowEdges[j] = WorldLat(float64(j) / float64(n))
	}
	return g
}

// cell returns the column and row of a point; ok is false for a point no
// tile contains (see tileFrame.contains with the world's edges).
func (g *levelGrid) cell(lon, lat float64) (col, row uint32, ok bool) {
	if !(lon >= -180 && lon <= 180 && lat > -90 && lat <= 90) {
		return 0, 0, false
	}
	c := int((lon + 180) * g.colScale)
	c = max(0, min(c, g.n-1))
	for c > 0 && lon < colEdge(int64(c), g.level) {
		c--
	}
	for c < g.n-1 && lon >= colEdge(int64(c+1), g.level) {
		c++
	}
	// Row r holds rowEdges[r] >= lat > rowEdges[r+1]; the first and last
	// rows also take what lies beyond the Mercator limits.
	r := sort.Search(g.n-1, func(k int) bool { return g.rowEdges[k+1] < lat })
	return uint32(c), uint32(r), true
}

// radixSortHigh sorts a by its high 32 bits, of which only the low bits
// are set, stably (so equal keys keep the points' order): LSD radix sort,
// 8 bits a pass.
func radixSortHigh(a []uint64, bits int) {
	if len(a) == 0 {
		return
	}
	tmp := make([]uint64, len(a))
	src, dst := a, tmp
	for shift := 0; shift < bits; shift += 8 {
		var count [257]int
		for _, v := range src {
			count[(v>>(32+shift))&0xff+1]++
		}
		for i := 1; i < len(count); i++ {
			count[i] += count[i-1]
		}
		for _, v := range src {
			d := (v >> (32 + shift)) & 0xff
			dst[count[d]] = v
			count[d]++
		}
		src, dst = dst, src
	}
	if &src[0] != &a[0] {
		copy(a, src)
	}
}
