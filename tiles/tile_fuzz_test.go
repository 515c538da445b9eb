package tiles

import (
	"strconv"
	"testing"
)

// FuzzParseTile checks ParseTile on arbitrary path segments: no panic; an
// accepted tile is in range and round-trips to the same decimal strings
// (so "007", "-0", "+3" or " 3" are never accepted as another tile's name).
func FuzzParseTile(f *testing.F) {
	for _, c := range [][3]string{
		{"0", "0", "0"}, {"22", "4194303", "4194303"}, {"23", "0", "0"}, {"2", "4", "0"},
		{"-1", "0", "0"}, {"+3", "1", "1"}, {"3", "..", "1"}, {"99999999999999999999", "0", "0"},
		{"5", "1e3", "2"}, {"1", "0x1", "0"}, {"", "", ""}, {"3", "7", "7.mvt"},
		{"-0", "0", "0"}, {"1", "00", "0"}, {"03", "007", "1"},
	} {
		f.Add(c[0], c[1], c[2])
	}
	f.Fuzz(func(t *testing.T, z, x, y string) {
		tile, err := ParseTile(z, x, y)
		if err != nil {
			if tile.Z != 0 || tile.X != 0 || tile.Y != 0 {
				t.Fatalf("error %v with a non-zero tile %v", err, tile)
			}
			if err.Error() == "" {
				t.Fatal("empty error message")
			}
			return
		}
		if tile.Z > MaxZoom {
			t.Fatalf("z %d beyond MaxZoom", tile.Z)
		}
		n := uint32(1) << tile.Z
		if tile.X >= n || tile.Y >= n {
			t.Fatalf("tile %v out of range at z %d", tile, tile.Z)
		}
		// One spelling per tile: an accepted coordinate is exactly the
		// decimal of its value (no sign, no leading zeros), or caches and
		// ETags would hold the same tile under several URLs.
		for _, c := range []struct {
			in  string
			got uint64
		}{{z, uint64(tile.Z)}, {x, uint64(tile.X)}, {y, uint64(tile.Y)}} {
			if c.in != strconv.FormatUint(c.got, 10) {
				t.Fatalf("accepted %q as %d", c.in, c.got)
			}
		}
	})
}
