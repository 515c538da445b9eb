package geoparse

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/incidentmap/incidentmap/geo"
)

// TestPlaceIndexMatchesScan compares the grid index with a scan of every
// place, on random places over the whole globe (poles and the antimeridian
// included) and on clusters, where the nearest is within the reach.
func TestPlaceIndexMatchesScan(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	randPlace := func(id int64, lat0, lon0, spread float64) *geo.Place {
		lat := math.Max(-90, math.Min(90, lat0+(rng.Float64()*2-1)*spread))
		lon := lon0 + (rng.Float64()*2-1)*spread
		lon = math.Mod(lon+540, 360) - 180
		return &geo.Place{GeonameID: id, Lat: lat, Lon: lon}
	}
	scan := func(p *geo.Place, places []*geo.Place) float64 {
		if len(places) == 0 {
			return 0
		}
		best, other := math.Inf(1), false
		for _, a := range places {
			if a.GeonameID == p.GeonameID {
				continue
			}
			other = true
			if d := geo.HaversineKm(p.Lat, p.Lon, a.Lat, a.Lon); d > 0 && d < best {
				best = d
			}
		}
		if !other {
			return 0
		}
		if best > nearestReachKm {
			return math.Inf(1)
		}
		return best
	}
	centres := [][2]float64{{35.9, 36.6}, {0, 179.9}, {-16, -179.8}, {89.5, 10}, {-89.9, -120}, {64, 170}}
	for round := range 200 {
		ix := newPlaceIndex()
		var places []*geo.Place
		c := centres[round%len(centres)]
		for i := range 1 + rng.IntN(40) {
			spread := 12.0
			if i%3 == 0 {
				spread = 180
			}
			pl := randPlace(int64(i), c[0], c[1], spread)
			places = append(places, pl)
			ix.add(pl)
			if i%5 == 0 {
				ix.add(pl) // added twice: counted once
			}
		}
		for q := range 20 {
			p := randPlace(int64(1000+q), c[0], c[1], 10)
			if q%4 == 0 {
				p = places[rng.IntN(len(places))] // a place asking about the others
			}
			want, got := scan(p, places), ix.nearest(p)
			if want != got && math.Abs(want-got) > 1e-9 {
				t.Fatalf("round %d: nearest to %+v = %v, scan says %v", round, *p, got, want)
			}
		}
	}
	var empty *placeIndex
	if d := empty.nearest(&geo.Place{GeonameID: 1}); d != 0 {
		t.Errorf("nil index: %v, want 0", d)
	}
}
