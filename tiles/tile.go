// Package tiles turns incident points into map tiles and pictures: tile
// coordinate parsing, server-side clustering, Mapbox Vector Tiles, TileJSON,
// an offline raster base map drawn from Natural Earth shapes, and static map
// images for print. It depends on orb, golang.org/x/image and the standard
// library only: no domain types and no HTTP, so every function here can be
// tested byte for byte and called from a server, a command or a test.
package tiles

import (
	"fmt"
	"strconv"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
)

// MaxZoom is the deepest zoom level ParseTile accepts. 22 is the deepest
// level the common web map clients request.
const MaxZoom = 22

// TileSize is the size in pixels of a tile at scale 1.
const TileSize = 256

// ParseTile parses tile coordinates as they appear in a URL path and checks
// that they are in range. Error messages are meant to be shown to the client
// as they are, e.g. `z 23 out of range 0..22`, `x 5 out of range 0..3 at z 2`,
// `y "abc" is not an integer` or `x "007" is not a canonical integer (want "7")`.
func ParseTile(z, x, y string) (maptile.Tile, error) {
	zi, err := parseCoord("z", z)
	if err != nil {
		return maptile.Tile{}, err
	}
	if zi < 0 || zi > MaxZoom {
		return maptile.Tile{}, fmt.Errorf("z %d out of range 0..%d", zi, MaxZoom)
	}
	n := int64(1) << zi
	xi, err := parseCoord("x", x)
	if err != nil {
		return maptile.Tile{}, err
	}
	if xi < 0 || xi >= n {
		return maptile.Tile{}, fmt.Errorf("x %d out of range 0..%d at z %d", xi, n-1, zi)
	}
	yi, err := parseCoord("y", y)
	if err != nil {
		return maptile.Tile{}, err
	}
	if yi < 0 || yi >= n {
		return maptile.Tile{}, fmt.Errorf("y %d out of range 0..%d at z %d", yi, n-1, zi)
	}
	return maptile.New(uint32(xi), uint32(yi), maptile.Zoom(zi)), nil
}

// parseCoord parses one coordinate, which must be written the one way
// the number prints: "-0", "00" or "007" name tile 0 or 7 under another
// URL, which would split caches and ETags and let a client bypass them.
func parseCoord(name, s string) (int64, error) {
	// ParseInt alone would accept "+3"; tile URLs are plain digits.
	if s == "" || s[0] == '+' {
		return 0, fmt.Errorf("%s %q is not an integer", name, s)
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			return 0, fmt.Errorf("%s %s out of range", name, s)
		}
		return 0, fmt.Errorf("%s %q is not an integer", name, s)
	}
	if c := strconv.FormatInt(v, 10); c != s {
		return 0, fmt.Errorf("%s %q is not a canonical integer (want %q)", name, s, c)
	}
	return v, nil
}

// TileBound returns the tile's bounds in lon/lat, grown by buffer pixels
// (at 256 pixels per tile) on every side; buffer 0 gives maptile's Bound.
// Stores use it to fetch the points a tile needs.
func TileBound(t maptile.Tile, buffer float64) orb.Bound {
	return t.Bound(buffer / TileSize)
}
