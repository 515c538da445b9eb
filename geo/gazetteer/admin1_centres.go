package gazetteer

import (
	"maps"
	"math"
	"runtime"
	"slices"
	"sort"
	"sync"

	"github.com/incidentmap/incidentmap/geo"
)

// Where to put a province. GeoNames and encyclopaedias both put a large
// area at (roughly) its geographic centre: Ontario at 49–50°N 84–85°W,
// far north of the towns along the Great Lakes. The default gazetteer has
// no admin-1 shapes, only towns that carry an admin-1 code, and the middle
// of those towns leans to where people live (Ontario's came out at 46.6°N).
// So CentreAdmin1 rebuilds each area from what it has: the country's
// outline (world-atlas, Natural Earth, public domain) is cut into small
// cells, each cell goes to the area of its nearest town, and an area's
// point is the centre of its cells. Empty land between towns goes to the
// nearest ones, as it does on a map of the real borders, so the point
// follows the area's shape rather than its population.

// CentreAdmin1 gives each area in areas (ADM1 places) the centre of the
// part of its country's shape that lies nearer to its own towns than to any
// other area's (see the comment at the top of this file). towns are the
// populated places (feature class P) that carry admin-1 codes. Areas of a
// country without a shape, and areas no cell falls to, keep their point
// (zero: Builder.Build then places them by their towns).
func CentreAdmin1(areas, towns []*geo.Place, shapes map[string]CountryShape) {
	want := map[string][]*geo.Place{}
	for _, a := range areas {
		if _, ok := shapes[a.CountryCode]; ok {
			want[a.CountryCode] = append(want[a.CountryCode], a)
		}
	}
	if len(want) == 0 {
		return
	}
	byCountry := map[string][]*geo.Place{}
	for _, p := range towns {
		if p.FeatureClass == "P" && p.Admin1Code != "" && p.Admin1Code != "00" && want[p.CountryCode] != nil {
			byCountry[p.CountryCode] = append(byCountry[p.CountryCode], p)
		}
	}
	// Countries are independent: spread them over the cores, as Build
	// spreads its indexing, since this runs at every start-up.
	ccs := make(chan string, len(want))
	for cc := range want {
		ccs <- cc
	}
	close(ccs)
	var wg sync.WaitGroup
	for range max(1, min(runtime.GOMAXPROCS(0), 8)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for cc := range ccs {
				centres := voronoiCentres(shapes[cc], byCountry[cc])
				for _, a := range want[cc] {
					if c, ok := centres[a.Admin1Code]; ok {
						a.Lat, a.Lon = c[0], c[1]
					}
				}
			}
		}()
	}
	wg.Wait()
}

// Cells per country: enough that a small province gets dozens of cells,
// few enough that all countries take tens of milliseconds at start-up.
const (
	centreCells   = 2000
	centreMinCell = 0.02 // degrees
	centreMaxCell = 0.5
)

// voronoiCentres returns admin-1 code → [lat, lon] of the centre of the
// cells of shape whose nearest town carries that code.
func voronoiCentres(shape CountryShape, towns []*geo.Place) map[string][2]float64 {
	if len(towns) == 0 {
		return nil
	}
	minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, r := range shape.Rings {
		for _, p := range r {
			minX, maxX = min(minX, p[0]), max(maxX, p[0])
			minY, maxY = min(minY, p[1]), max(maxY, p[1])
		}
	}
	cell := math.Sqrt((maxX - minX) * (maxY - minY) / centreCells)
	cell = min(max(cell, centreMinCell), centreMaxCell)
	towns = withoutOutliers(towns)
	// Buckets of about four towns each, on average over the extent.
	size := max(cell, math.Sqrt((maxX-minX)*(maxY-minY)*4/float64(len(towns))))
	ix := newTownIndex(towns, shape.Ref, minX, minY, maxX, maxY, size)
	if stray := ix.strays(); slices.Contains(stray, true) {
		kept := make([]*geo.Place, 0, len(towns))
		for i, t := range towns {
			if !stray[i] {
				kept = append(kept, t)
			}
		}
		ix = newTownIndex(kept, shape.Ref, minX, minY, maxX, maxY, size)
	}

	type sum struct{ w, lat, lon float64 }
	sums := map[string]*sum{}
	var xs []float64
	for y := minY + cell/2; y < maxY; y += cell {
		// Scanline fill: the crossings of this latitude with the rings,
		// sorted, bound the inside stretches pairwise (even-odd rule).
		xs = xs[:0]
		for _, r := range shape.Rings {
			for i := 1; i < len(r); i++ {
				a, b := r[i-1], r[i]
				if (a[1] <= y) != (b[1] <= y) {
					xs = append(xs, a[0]+(y-a[1])*(b[0]-a[0])/(b[1]-a[1]))
				}
			}
		}
		sort.Float64s(xs)
		w := math.Cos(y * math.Pi / 180) // a cell's area shrinks with latitude
		for i := 0; i+1 < len(xs); i += 2 {
			first := math.Ceil((xs[i]-minX)/cell - 0.5)
			for x := minX + (first+0.5)*cell; x < xs[i+1]; x += cell {
				code := ix.nearest(x, y)
				if code == "" {
					continue
				}
				s := sums[code]
				if s == nil {
					s = &sum{}
					sums[code] = s
				}
				s.w += w
				s.lat += w * y
				s.lon += w * x
			}
		}
	}
	out := make(map[string][2]float64, len(sums))
	for code, s := range sums {
		lon := s.lon / s.w
		lon -= 360 * math.Round(lon/360) // back into [-180, 180]
		out[code] = [2]float64{s.lat / s.w, lon}
	}
	return out
}

// withoutOutliers drops the towns that lie apart from the rest of their
// admin-1 area: the area's towns are grouped on a grid of 2.5° cells,
// touching cells join, and a group holding under a tenth of the area's
// towns, other than its largest, is dropped. A handful of villages on the
// Tibetan plateau carry Hebei's code, together, so no neighbour test
// catches them; left in, they would claim the plateau. Towns strung along
// a road or a coast stay joined to their area.
func withoutOutliers(towns []*geo.Place) []*geo.Place {
	const cell = 2.5
	type key struct{ x, y int }
	byArea := map[string][]*geo.Place{}
	for _, t := range towns {
		byArea[t.Admin1Code] = append(byArea[t.Admin1Code], t)
	}
	drop := map[key]bool{}
	dropped := map[string]map[key]bool{}
	for code, ts := range byArea {
		count := map[key]int{}
		for _, t := range ts {
			count[key{int(math.Floor(t.Lon / cell)), int(math.Floor(t.Lat / cell))}]++
		}
		if len(count) < 2 {
			continue
		}
		// Connected groups of occupied cells (8-neighbour flood fill).
		group := map[key]int{}
		var sizes []int
		for k := range count {
			if _, ok := group[k]; ok {
				continue
			}
			g, n := len(sizes), 0
			stack := []key{k}
			group[k] = g
			for len(stack) > 0 {
				c := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				n += count[c]
				for dx := -1; dx <= 1; dx++ {
					for dy := -1; dy <= 1; dy++ {
						nb := key{c.x + dx, c.y + dy}
						if _, seen := group[nb]; !seen && count[nb] > 0 {
							group[nb] = g
							stack = append(stack, nb)
						}
					}
				}
			}
			sizes = append(sizes, n)
		}
		largest := 0
		for g, n := range sizes {
			if n > sizes[largest] {
				largest = g
			}
		}
		clear(drop)
		for k, g := range group {
			if g != largest && sizes[g]*10 < len(ts) {
				drop[k] = true
			}
		}
		if len(drop) > 0 {
			dropped[code] = maps.Clone(drop)
		}
	}
	if len(dropped) == 0 {
		return towns
	}
	out := make([]*geo.Place, 0, len(towns))
	for _, t := range towns {
		if !dropped[t.Admin1Code][key{int(math.Floor(t.Lon / cell)), int(math.Floor(t.Lat / cell))}] {
			out = append(out, t)
		}
	}
	return out
}

// townIndex finds the nearest town to a point: towns bucketed in a grid of
// square buckets over a country's extent.
type townIndex struct {
	minX, minY, size float64
	nx, ny           int
	buckets          [][]int32
	x, y             []float64
	area             []int32  // per town: index into names
	names            []string // admin-1 codes
}

func newTownIndex(towns []*geo.Place, ref, minX, minY, maxX, maxY, size float64) *townIndex {
	ix := &townIndex{minX: minX, minY: minY, size: size,
		nx: int((maxX-minX)/size) + 1, ny: int((maxY-minY)/size) + 1}
	ix.buckets = make([][]int32, ix.nx*ix.ny)
	ids := map[string]int32{}
	for _, t := range towns {
		id, ok := ids[t.Admin1Code]
		if !ok {
			id = int32(len(ix.names))
			ids[t.Admin1Code] = id
			ix.names = append(ix.names, t.Admin1Code)
		}
		lon := t.Lon + 360*math.Round((ref-t.Lon)/360) // beside the shape's longitudes
		bx := min(max(int((lon-minX)/size), 0), ix.nx-1)
		by := min(max(int((t.Lat-minY)/size), 0), ix.ny-1)
		b := by*ix.nx + bx
		ix.buckets[b] = append(ix.buckets[b], int32(len(ix.x)))
		ix.x, ix.y, ix.area = append(ix.x, lon), append(ix.y, t.Lat), append(ix.area, id)
	}
	return ix
}

// nearest returns the admin-1 code of the town nearest to (x, y).
func (ix *townIndex) nearest(x, y float64) string {
	var buf [1]int32
	if got := ix.knearest(x, y, -1, buf[:]); len(got) == 1 {
		return ix.names[ix.area[got[0]]]
	}
	return ""
}

// knearest fills buf with the towns nearest to (x, y), nearest first,
// leaving out town skip, and returns the filled part. It searches rings of
// buckets outwards until no unsearched bucket can hold a nearer town.
// Distances are equirectangular: close enough within a country.
func (ix *townIndex) knearest(x, y float64, skip int32, buf []int32) []int32 {
	c := math.Cos(y * math.Pi / 180)
	bx := min(max(int((x-ix.minX)/ix.size), 0), ix.nx-1)
	by := min(max(int((y-ix.minY)/ix.size), 0), ix.ny-1)
	var dist [8]float64
	k, n := 0, 0
	for ; k < max(ix.nx, ix.ny); k++ {
		if n == len(buf) {
			// Every town in ring k is at least k-1 buckets away on one axis.
			if d := float64(k-1) * ix.size * c; d > 0 && d*d > dist[n-1] {
				break
			}
		}
		for j := by - k; j <= by+k; j++ {
			if j < 0 || j >= ix.ny {
				continue
			}
			step := 1
			if j != by-k && j != by+k {
				step = max(2*k, 1) // inner rows: only the ring's two ends
			}
			for i := bx - k; i <= bx+k; i += step {
				if i < 0 || i >= ix.nx {
					continue
				}
				for _, t := range ix.buckets[j*ix.nx+i] {
					if t == skip {
						continue
					}
					dx, dy := (ix.x[t]-x)*c, ix.y[t]-y
					d := dx*dx + dy*dy
					if n == len(buf) && d >= dist[n-1] {
						continue
					}
					// Insert in order; the farthest falls off a full buffer.
					m := min(n, len(buf)-1)
					for m > 0 && dist[m-1] > d {
						buf[m], dist[m] = buf[m-1], dist[m-1]
						m--
					}
					buf[m], dist[m] = t, d
					n = min(n+1, len(buf))
				}
			}
		}
	}
	return buf[:n]
}

// strays reports, per town of ix, whether the buckets around it (its own
// and the eight next to it) hold towns of other admin-1 areas but none of
// its own. Such an enclave is almost always a coding error in the
// gazetteer (a few Tibetan villages carry Hebei's code) that would
// otherwise claim all the empty land around it; at a border, dropping one
// town moves the border by a town. An area whose towns are all strays
// keeps them.
func (ix *townIndex) strays() []bool {
	out := make([]bool, len(ix.x))
	kept := make([]bool, len(ix.names))
	for b, ts := range ix.buckets {
		bx, by := b%ix.nx, b/ix.nx
		for _, t := range ts {
			own, other := false, false
		scan:
			for j := max(by-1, 0); j <= min(by+1, ix.ny-1); j++ {
				for i := max(bx-1, 0); i <= min(bx+1, ix.nx-1); i++ {
					for _, o := range ix.buckets[j*ix.nx+i] {
						switch {
						case o == t:
						case ix.area[o] == ix.area[t]:
							own = true
							break scan
						default:
							other = true
						}
					}
				}
			}
			out[t] = other && !own
			if !out[t] {
				kept[ix.area[t]] = true
			}
		}
	}
	for t := range out {
		if out[t] && !kept[ix.area[t]] {
			out[t] = false
		}
	}
	return out
}
