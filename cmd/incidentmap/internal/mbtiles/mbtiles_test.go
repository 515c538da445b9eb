package mbtiles

import (
	"bytes"
	"context"
	"database/sql"
	"path/filepath"
	"testing"
)

// mustWriteMBTiles writes a small MBTiles file with the given format and
// tiles keyed by XYZ coordinates (stored with TMS rows, as the spec says).
func mustWriteMBTiles(tb testing.TB, format string, tilesXYZ map[[3]int][]byte) string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "base.mbtiles")
	db, err := sql.Open("sqlite3", "file:"+path)
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	for _, stmt := range []string{
		`CREATE TABLE metadata (name TEXT, value TEXT)`,
		`CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB)`,
		`INSERT INTO metadata VALUES ('name', 'Test base'), ('attribution', 'test data')`,
	} {
		if _, err := db.Exec(stmt); err != nil {
			tb.Fatal(err)
		}
	}
	if format != "" {
		if _, err := db.Exec(`INSERT INTO metadata VALUES ('format', ?)`, format); err != nil {
			tb.Fatal(err)
		}
	}
	for k, data := range tilesXYZ {
		z, x, y := k[0], k[1], k[2]
		if _, err := db.Exec(`INSERT INTO tiles VALUES (?, ?, ?, ?)`, z, x, (1<<z)-1-y, data); err != nil {
			tb.Fatal(err)
		}
	}
	return path
}

func TestReader(t *testing.T) {
	png := []byte("\x89PNG fake tile")
	path := mustWriteMBTiles(t, "png", map[[3]int][]byte{{2, 1, 0}: png})
	r, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if got := r.Metadata()["name"]; got != "Test base" {
		t.Errorf("Metadata()[name] = %q, want %q", got, "Test base")
	}
	for _, tc := range []struct {
		name    string
		z, x, y int
		want    []byte
	}{
		{"XYZ row is flipped to TMS", 2, 1, 0, png},
		{"the TMS row itself is another tile", 2, 1, 3, nil},
		{"missing zoom", 5, 1, 0, nil},
		{"out of range", 2, 4, 0, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data, ct, err := r.Tile(context.Background(), tc.z, tc.x, tc.y)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(data, tc.want) {
				t.Errorf("Tile(%d/%d/%d) = %q, want %q", tc.z, tc.x, tc.y, data, tc.want)
			}
			if tc.want != nil && ct != "image/png" {
				t.Errorf("content type %q, want image/png", ct)
			}
		})
	}
}

func TestOpenErrors(t *testing.T) {
	if _, err := Open(filepath.Join(t.TempDir(), "missing.mbtiles")); err == nil {
		t.Error("Open(missing file) succeeded")
	}
	if _, err := Open(mustWriteMBTiles(t, "tiff", nil)); err == nil {
		t.Error("Open(format tiff) succeeded")
	}
	r, err := Open(mustWriteMBTiles(t, "", nil))
	if err != nil {
		t.Fatalf("Open(no format) = %v, want PNG by default", err)
	}
	defer r.Close()
	if r.ContentType() != "image/png" {
		t.Errorf("ContentType() = %q, want image/png", r.ContentType())
	}
}
