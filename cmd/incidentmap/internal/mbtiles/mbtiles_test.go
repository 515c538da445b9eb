package mbtiles

import (
	"bytes"
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/incidentmap/incidentmap/cmd/incidentmap/internal/sqliteuri"
)

// mustWriteMBTiles writes a small MBTiles file with the given format and
// tiles keyed by XYZ coordinates (stored with TMS rows, as the spec says).
func mustWriteMBTiles(tb testing.TB, format string, tilesXYZ map[[3]int][]byte) string {
	tb.Helper()
	return mustWriteMBTilesAt(tb, filepath.Join(tb.TempDir(), "base.mbtiles"), format, tilesXYZ)
}

// mustWriteMBTilesAt is mustWriteMBTiles at path.
func mustWriteMBTilesAt(tb testing.TB, path, format string, tilesXYZ map[[3]int][]byte) string {
	tb.Helper()
	db, err := sql.Open("sqlite3", sqliteuri.File(path, nil))
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

// TestOpenPathsWithURICharacters opens MBTiles files whose names hold URI
// metacharacters: "file:"+path opened another file (read-only, so Open
// failed) for a name with '#' or '?', as --basemap 'base#2.mbtiles'.
func TestOpenPathsWithURICharacters(t *testing.T) {
	png := []byte("\x89PNG fake tile")
	for _, name := range []string{"base#2.mbtiles", "what?.mbtiles", "100%.mbtiles", "a%23b.mbtiles",
		"my base.mbtiles", "a&mode=rwc.mbtiles", "خريطة ü.mbtiles", "d#1/x?y/base.mbtiles"} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, name)
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			mustWriteMBTilesAt(t, path, "png", map[[3]int][]byte{{2, 1, 0}: png})
			before := dirFiles(t, dir)
			r, err := Open(path)
			if err != nil {
				t.Fatalf("Open(%q): %v", path, err)
			}
			defer r.Close()
			data, _, err := r.Tile(context.Background(), 2, 1, 0)
			if err != nil || !bytes.Equal(data, png) {
				t.Errorf("Tile(2/1/0) = %q, %v; want %q", data, err, png)
			}
			if after := dirFiles(t, dir); strings.Join(after, "\n") != strings.Join(before, "\n") {
				t.Errorf("files after Open: %q, before: %q", after, before)
			}
		})
	}
}

// dirFiles lists every file under dir, relative to it.
func dirFiles(tb testing.TB, dir string) []string {
	tb.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, rel)
		}
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	return out
}
