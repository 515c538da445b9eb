package tiles

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"
)

// town is a centre that synthetic incidents cluster around.
type town struct {
	lon, lat, weight float64
}

// benchTowns are real towns of Syria and its neighbours; the weights skew
// the clustered incidents towards the north-west, as in the conflict data.
var benchTowns = []town{
	{36.63, 35.93, 6}, // Idlib
	{37.16, 36.20, 5}, // Aleppo
	{36.72, 34.73, 3}, // Homs
	{36.75, 35.13, 2}, // Hama
	{36.29, 33.51, 4}, // Damascus
	{39.01, 35.95, 2}, // Raqqa
	{40.14, 35.34, 2}, // Deir ez-Zor
	{36.10, 32.62, 2}, // Daraa
	{35.78, 35.52, 1}, // Latakia
	{43.13, 36.34, 2}, // Mosul
	{44.36, 33.31, 2}, // Baghdad
	{35.50, 33.89, 1}, // Beirut
	{37.38, 37.07, 1}, // Gaziantep
	{35.93, 31.95, 1}, // Amman
	{34.47, 31.50, 2}, // Gaza
}

// benchPoints generates n deterministic incidents for seed: 80% within a
// few kilometres to tens of kilometres of benchTowns, 20% spread over the
// Middle East (25..60E, 12..42N); dates 2011..2024; 40 sources with a
// skewed (Zipf-like) share each.
func benchPoints(n int, seed uint64) []Point {
	rng := rand.New(rand.NewPCG(seed, 0x1ce))
	sources := make([]string, 40)
	var cum []float64
	total := 0.0
	for i := range sources {
		sources[i] = fmt.Sprintf("source-%02d", i)
		total += 1 / float64(i+1)
		cum = append(cum, total)
	}
	var townCum []float64
	tw := 0.0
	for _, t := range benchTowns {
		tw += t.weight
		townCum = append(townCum, tw)
	}
	pick := func(cum []float64) int {
		r := rng.Float64() * cum[len(cum)-1]
		for i, c := range cum {
			if r < c {
				return i
			}
		}
		return len(cum) - 1
	}
	d0 := int32(time.Date(2011, 1, 1, 0, 0, 0, 0, time.UTC).Unix() / 86400)
	d1 := int32(time.Date(2024, 12, 31, 0, 0, 0, 0, time.UTC).Unix() / 86400)
	roles := []string{"incident", "mention"}
	pts := make([]Point, n)
	for i := range pts {
		var lon, lat float64
		if rng.Float64() < 0.8 {
			t := benchTowns[pick(townCum)]
			sd := 0.03 + 0.12*rng.Float64()
			lon = t.lon + rng.NormFloat64()*sd
			lat = t.lat + rng.NormFloat64()*sd
		} else {
			lon = 25 + 35*rng.Float64()
			lat = 12 + 30*rng.Float64()
		}
		pts[i] = Point{
			ID:        int64(i + 1),
			Lon:       math.Round(lon*1e5) / 1e5,
			Lat:       math.Round(lat*1e5) / 1e5,
			Date:      d0 + rng.Int32N(d1-d0+1),
			Precision: int8(1 + rng.IntN(3)),
			Disputed:  rng.IntN(20) == 0,
			Source:    sources[pick(cum)],
			Role:      roles[min(rng.IntN(10)/7, 1)],
		}
	}
	return pts
}
