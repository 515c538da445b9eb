package tiles

import "context"

// TileSource gives tiles from somewhere other than this package's renderers,
// such as a user's MBTiles file (`--basemap FILE`). It is an interface so
// that tiles stays free of database/sql: the SQLite-backed implementation
// lives with the store, the only package allowed to speak SQL.
//
// Implementations must be safe for concurrent use.
type TileSource interface {
	// Tile returns the tile's bytes and their media type (for example
	// "image/png" or ContentTypeMVT). A missing tile is (nil, "", nil);
	// the caller answers 204 for vector sources and 404 for raster ones.
	// Coordinates are XYZ, not MBTiles' flipped TMS rows: implementations
	// convert with TMSRow.
	Tile(ctx context.Context, z, x, y int) ([]byte, string, error)
	// Metadata returns the source's metadata table (name, format, bounds,
	// minzoom, maxzoom, attribution, json, ...).
	Metadata() map[string]string
}

// TMSRow converts an XYZ row to the TMS row MBTiles stores (and back: the
// conversion is its own inverse).
func TMSRow(z, y int) int { return (1 << z) - 1 - y }

// FormatContentType returns the media type for an MBTiles "format" value
// ("png", "jpg", "webp", "pbf"); "" when unknown.
func FormatContentType(format string) string {
	switch format {
	case "png":
		return "image/png"
	case "jpg", "jpeg":
		return "image/jpeg"
	case "webp":
		return "image/webp"
	case "pbf", "mvt":
		return ContentTypeMVT
	}
	return ""
}
