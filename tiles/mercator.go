package tiles

import "math"

// The one home of incidentmap's Web Mercator and Z-order (Morton) maths:
// tiles, the cluster pyramid, the in-memory point index and the static
// map all place points with these functions (issue 15 found three copies).

// MaxLat is the latitude where Web Mercator's square world ends.
const MaxLat = 85.05112877980659

// WorldX returns the Web Mercator x of lon as a fraction of the world (0..1).
func WorldX(lon float64) float64 { return lon/360 + 0.5 }

// WorldY returns the Web Mercator y of lat as a fraction of the world
// (0 at the top), clamped to Mercator's latitude range so that the poles
// do not give infinities.
func WorldY(lat float64) float64 {
	if lat > MaxLat {
		lat = MaxLat
	} else if lat < -MaxLat {
		lat = -MaxLat
	}
	s := math.Sin(lat * math.Pi / 180)
	return 0.5 - math.Log((1+s)/(1-s))/(4*math.Pi)
}

// WorldLon is the inverse of WorldX.
func WorldLon(x float64) float64 { return (x - 0.5) * 360 }

// WorldLat is the inverse of WorldY.
func WorldLat(y float64) float64 {
	n := math.Pi * (1 - 2*y)
	return math.Atan(math.Sinh(n)) * 180 / math.Pi
}

// MortonBits is the resolution per axis of Cell16 and Morton16: tiles down
// to zoom 16 are single key ranges.
const MortonBits = 16

// Cell16 returns lon/lat as the cell of a 2^16 × 2^16 Web Mercator grid,
// y from the north. Both are monotonic, so a point inside a bound has cells
// inside the bound's cells.
func Cell16(lon, lat float64) (x, y uint32) {
	const n = 1 << MortonBits
	return uint32(math.Min(math.Max(WorldX(lon)*n, 0), n-1)), uint32(math.Min(math.Max(WorldY(lat)*n, 0), n-1))
}

// Morton16 returns the Z-order key of lon/lat's Cell16.
func Morton16(lon, lat float64) uint32 { return Interleave16(Cell16(lon, lat)) }

// Interleave16 puts x's low 16 bits at even and y's at odd positions.
func Interleave16(x, y uint32) uint32 {
	spread := func(v uint32) uint32 {
		v &= 0xffff
		v = (v | v<<8) & 0x00ff00ff
		v = (v | v<<4) & 0x0f0f0f0f
		v = (v | v<<2) & 0x33333333
		v = (v | v<<1) & 0x55555555
		return v
	}
	return spread(x) | spread(y)<<1
}

// Deinterleave16 undoes Interleave16.
func Deinterleave16(k uint32) (x, y uint32) {
	squash := func(v uint32) uint32 {
		v &= 0x55555555
		v = (v | v>>1) & 0x33333333
		v = (v | v>>2) & 0x0f0f0f0f
		v = (v | v>>4) & 0x00ff00ff
		v = (v | v>>8) & 0x0000ffff
		return v
	}
	return squash(k), squash(k >> 1)
}
