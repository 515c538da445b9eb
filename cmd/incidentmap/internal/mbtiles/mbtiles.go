// Package mbtiles reads a user's MBTiles file (raster or vector) so the
// server can offer it as a base layer (`serve --basemap FILE.mbtiles`).
//
// It is a storage package of its own rather than part of store: store owns
// incidentmap's database and depends on geo only, while an MBTiles file is
// someone else's read-only SQLite database that needs tiles' TileSource
// contract. Like store, it is allowed to know SQL; nothing else is.
package mbtiles

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"

	_ "github.com/mattn/go-sqlite3" // registers the "sqlite3" driver

	"github.com/incidentmap/incidentmap/tiles"
)

var _ tiles.TileSource = (*Reader)(nil)

// Reader serves the tiles of one MBTiles file. It is safe for concurrent
// use: the metadata is read once at Open and never changes.
type Reader struct {
	db          *sql.DB
	meta        map[string]string
	contentType string
}

// Open opens path read-only and reads its metadata table. It fails if the
// file is missing, is not SQLite, has no tiles table, or has a format
// other than png, jpg, webp or pbf.
func Open(path string) (*Reader, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("mbtiles: %w", err)
	}
	// mode=ro: the file is the user's; we never write to it, and a file
	// on a read-only medium (a USB stick) opens all the same.
	q := url.Values{}
	q.Set("mode", "ro")
	q.Set("_query_only", "true")
	db, err := sql.Open("sqlite3", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("mbtiles %s: %w", path, err)
	}
	db.SetMaxOpenConns(4)
	r := &Reader{db: db, meta: map[string]string{}}
	if err := r.load(context.Background()); err != nil {
		db.Close()
		return nil, fmt.Errorf("mbtiles %s: %w", path, err)
	}
	return r, nil
}

func (r *Reader) load(ctx context.Context) error {
	rows, err := r.db.QueryContext(ctx, `SELECT name, value FROM metadata`)
	if err != nil {
		return fmt.Errorf("no metadata table: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return err
		}
		r.meta[k] = v
	}
	if err := rows.Err(); err != nil {
		return err
	}
	var n int
	if err := r.db.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM tiles LIMIT 1)`).Scan(&n); err != nil {
		return fmt.Errorf("no tiles table: %w", err)
	}
	format := r.meta["format"]
	if format == "" {
		// The spec requires format; older raster files omit it and are PNG.
		format = "png"
		r.meta["format"] = format
	}
	if r.contentType = tiles.FormatContentType(format); r.contentType == "" {
		return fmt.Errorf("unsupported tile format %q (want png, jpg, webp or pbf)", format)
	}
	return nil
}

// Close closes the file.
func (r *Reader) Close() error { return r.db.Close() }

// Metadata returns a copy of the metadata table.
func (r *Reader) Metadata() map[string]string {
	m := make(map[string]string, len(r.meta))
	for k, v := range r.meta {
		m[k] = v
	}
	return m
}

// ContentType returns the media type of the file's tiles.
func (r *Reader) ContentType() string { return r.contentType }

// Tile returns tile z/x/y (XYZ numbering) and its media type; a tile the
// file does not hold is (nil, "", nil). Vector tiles are returned as
// stored, usually gzip-compressed: the caller checks the magic bytes.
func (r *Reader) Tile(ctx context.Context, z, x, y int) ([]byte, string, error) {
	if z < 0 || z > tiles.MaxZoom || x < 0 || y < 0 || x >= 1<<z || y >= 1<<z {
		return nil, "", nil
	}
	var data []byte
	err := r.db.QueryRowContext(ctx,
		`SELECT tile_data FROM tiles WHERE zoom_level = ? AND tile_column = ? AND tile_row = ?`,
		z, x, tiles.TMSRow(z, y)).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", nil
	}
	if err != nil {
		return nil, "", fmt.Errorf("mbtiles tile %d/%d/%d: %w", z, x, y, err)
	}
	return data, r.contentType, nil
}
