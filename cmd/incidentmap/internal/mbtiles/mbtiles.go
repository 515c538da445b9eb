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
	"io/fs"
	"net/url"
	"os"

	_ "github.com/mattn/go-sqlite3" // registers the "sqlite3" driver

	"github.com/incidentmap/incidentmap/cmd/incidentmap/internal/sqliteuri"
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
// file is missing or not a regular file, is not SQLite, has no tiles
// table, or has a format other than png, jpg, webp or pbf.
func Open(path string) (*Reader, error) {
	return OpenContext(context.Background(), path)
}

// OpenContext is Open that gives up when ctx ends. A named pipe, a device
// or a directory is refused before anything opens it: SQLite opening a
// pipe blocks until a writer comes, which hung the server's start-up for
// good and, since the start-up did not watch its context, made it deaf to
// SIGTERM. Should an open block all the same (the path swapped for a pipe
// after the check, a hung network mount), ctx still ends the wait; the
// blocked open is left behind and its Reader closed should it return.
func OpenContext(ctx context.Context, path string) (*Reader, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("mbtiles: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("mbtiles %s: is %s, not a regular file", path, fileKind(fi.Mode()))
	}
	return open(ctx, path)
}

// fileKind names what a path that is not a regular file is.
func fileKind(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m.IsDir():
		return "a directory"
	case m&fs.ModeDevice != 0:
		return "a device"
	case m&fs.ModeSocket != 0:
		return "a socket"
	}
	return "not a plain file (" + m.Type().String() + ")"
}

// open opens path and reads its metadata, or gives up when ctx ends.
func open(ctx context.Context, path string) (*Reader, error) {
	type result struct {
		r   *Reader
		err error
	}
	done := make(chan result, 1)
	go func() {
		r, err := openNow(ctx, path)
		done <- result{r, err}
	}()
	select {
	case res := <-done:
		return res.r, res.err
	case <-ctx.Done():
		go func() {
			if res := <-done; res.r != nil {
				res.r.Close()
			}
		}()
		return nil, fmt.Errorf("mbtiles %s: %w", path, ctx.Err())
	}
}

// openNow opens path and reads its metadata; it may block in the open.
func openNow(ctx context.Context, path string) (*Reader, error) {
	// mode=ro: the file is the user's; we never write to it, and a file
	// on a read-only medium (a USB stick) opens all the same.
	q := url.Values{}
	q.Set("mode", "ro")
	q.Set("_query_only", "true")
	// Escaped: with "file:"+path a name holding '#' or '?' opened
	// another file.
	db, err := sql.Open("sqlite3", sqliteuri.File(path, q))
	if err != nil {
		return nil, fmt.Errorf("mbtiles %s: %w", path, err)
	}
	db.SetMaxOpenConns(4)
	r := &Reader{db: db, meta: map[string]string{}}
	if err := r.load(ctx); err != nil {
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
