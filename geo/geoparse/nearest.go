package geoparse

import (
	"math"

	"github.com/incidentmap/incidentmap/geo"
)

// nearestReachKm is how far nearest looks. Every caller compares the
// distance with thresholds at or under it (50, 150, 400, 800 km), so a
// place farther than this is as good as none nearby.
const nearestReachKm = 800

// placeIndex answers "how far is the nearest of these places" for the
// geoparser's context. A report names the same towns again and again, and
// a long one thousands of times, so scanning every named place for every
// candidate made parsing quadratic (issue 20: 12k places took 19 s). The
// index keeps each place once, bucketed in a grid of cellDeg degrees, and
// remembers each answer.
type placeIndex struct {
	cells map[[2]int32][]*geo.Place
	seen  map[int64]bool
	memo  map[int64]float64
}

// cellDeg is the grid's cell size: about 220 km, so the box of one
// nearestReachKm query at mid latitudes is some 9 × 9 cells.
const cellDeg = 2.0

// lonCells is the number of cells around a parallel; longitude cells run
// from minLonCell to minLonCell+lonCells-1.
const (
	lonCells   = int32(360 / cellDeg)
	minLonCell = int32(-180 / cellDeg)
)

func newPlaceIndex() *placeIndex {
	return &placeIndex{cells: map[[2]int32][]*geo.Place{}, seen: map[int64]bool{}, memo: map[int64]float64{}}
}

// cellOf returns the cell of a point, longitude wrapped onto the globe.
func cellOf(lat, lon float64) [2]int32 {
	return [2]int32{int32(math.Floor(lat / cellDeg)), wrapLonCell(int32(math.Floor(lon / cellDeg)))}
}

func wrapLonCell(x int32) int32 {
	return ((x-minLonCell)%lonCells+lonCells)%lonCells + minLonCell
}

// add puts pl in the index once; adding clears remembered answers.
func (ix *placeIndex) add(pl *geo.Place) {
	if ix.seen[pl.GeonameID] {
		return
	}
	ix.seen[pl.GeonameID] = true
	k := cellOf(pl.Lat, pl.Lon)
	ix.cells[k] = append(ix.cells[k], pl)
	clear(ix.memo)
}

// len is the number of distinct places in the index.
func (ix *placeIndex) len() int {
	if ix == nil {
		return 0
	}
	return len(ix.seen)
}

// nearest returns the distance in km from p to the nearest indexed place
// other than p itself at a positive distance: 0 when there is no other
// place, +Inf when none lies within nearestReachKm.
func (ix *placeIndex) nearest(p *geo.Place) float64 {
	if ix.len() == 0 || ix.len() == 1 && ix.seen[p.GeonameID] {
		return 0
	}
	if d, ok := ix.memo[p.GeonameID]; ok {
		return d
	}
	best := math.Inf(1)
	// The cells of the latitude/longitude box around p that holds every
	// point within the reach (the longitude half-width widens with
	// latitude; near a pole the box takes every longitude).
	dLat := nearestReachKm / geo.EarthRadiusKm * 180 / math.Pi
	lonAll := math.Abs(p.Lat)+dLat >= 90
	dLon := 180.0
	if !lonAll {
		dLon = math.Asin(math.Sin(nearestReachKm/geo.EarthRadiusKm)/math.Cos(p.Lat*math.Pi/180)) * 180 / math.Pi
	}
	loY, hiY := int32(math.Floor((p.Lat-dLat)/cellDeg)), int32(math.Floor((p.Lat+dLat)/cellDeg))
	loX, hiX := int32(math.Floor((p.Lon-dLon)/cellDeg)), int32(math.Floor((p.Lon+dLon)/cellDeg))
	if lonAll || hiX-loX+1 >= lonCells {
		loX, hiX = minLonCell, minLonCell+lonCells-1
	}
	for y := loY; y <= hiY; y++ {
		for x := loX; x <= hiX; x++ {
			for _, a := range ix.cells[[2]int32{y, wrapLonCell(x)}] {
				if a.GeonameID == p.GeonameID {
					continue
				}
				if d := geo.HaversineKm(p.Lat, p.Lon, a.Lat, a.Lon); d > 0 && d < best {
					best = d
				}
			}
		}
	}
	if best > nearestReachKm {
		best = math.Inf(1)
	}
	ix.memo[p.GeonameID] = best
	return best
}
