package store

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/incidentmap/incidentmap/geo"
)

// uriPaths are file names that mean something in a URI: a database
// opened through "file:"+path lost everything from # or ? on (issue 20:
// backup --db 'data#1.db' reported 0 reports and created a file "data").
var uriPaths = []struct{ name, path string }{
	{"hash", "data#1.db"},
	{"question mark", "what?.db"},
	{"percent", "100%.db"},
	{"percent escape", "a%23b.db"},
	{"spaces", "my data.db"},
	{"ampersand and equals", "a&_txlock=deferred&b=c.db"},
	{"unicode", "تقارير ü.db"},
	{"special directories", "d#1/sub?x/file.db"},
	{"file prefix", "file:odd.db"},
	{"colon and at", "a:b@c.db"},
	{"plus and semicolon", "a+b;c.db"},
}

// dirFiles lists every file under dir, relative to it.
func dirFiles(tb testing.TB, dir string) []string {
	tb.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, rel)
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	slices.Sort(out)
	return out
}

// TestOpenPathsWithURICharacters stores a report in a database whose path
// holds URI metacharacters, reopens it by the same path and finds the
// report there, and checks that no other file was created: the path is
// the file's name, never a URI with a query or a fragment. The backup of
// it, to a path of the same kind, holds the report too.
func TestOpenPathsWithURICharacters(t *testing.T) {
	ctx := context.Background()
	for _, abs := range []bool{true, false} {
		for _, tc := range uriPaths {
			name := tc.name
			if !abs {
				name += " relative"
			}
			t.Run(name, func(t *testing.T) {
				dir := t.TempDir()
				path := filepath.Join(dir, tc.path)
				if !abs {
					t.Chdir(dir)
					path = tc.path
				}
				if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(tc.path)), 0o755); err != nil {
					t.Fatal(err)
				}
				db, err := Open(path)
				if err != nil {
					t.Fatalf("Open(%q): %v", path, err)
				}
				MustCreateReport(t, db, newReport("A", "2020-01-23", "a report in "+tc.path),
					&geo.Incident{Role: geo.RoleIncident, Lat: 35.9, Lon: 36.6, GeonameID: 1, Place: "X"})
				backup := path + "#backup?.db"
				if err := db.Backup(ctx, backup); err != nil {
					t.Fatalf("Backup(%q): %v", backup, err)
				}
				if err := db.Close(); err != nil {
					t.Fatal(err)
				}
				for _, p := range []string{path, backup} {
					again, err := Open(p)
					if err != nil {
						t.Fatalf("reopen %q: %v", p, err)
					}
					reports, incidents, err := again.Stats(ctx)
					again.Close()
					if err != nil {
						t.Fatal(err)
					}
					if reports != 1 || incidents != 1 {
						t.Errorf("%q reopened: %d reports, %d incidents, want 1 and 1", p, reports, incidents)
					}
				}
				var want []string
				for _, p := range []string{tc.path, tc.path + "#backup?.db"} {
					want = append(want, filepath.Clean(p))
				}
				slices.Sort(want)
				var got []string
				for _, f := range dirFiles(t, dir) {
					// WAL files are the database's own (closing the last
					// connection normally removes them).
					if filepath.Ext(f) != ".db-wal" && filepath.Ext(f) != ".db-shm" {
						got = append(got, f)
					}
				}
				if !slices.Equal(got, want) {
					t.Errorf("files in the directory: %q, want only %q", got, want)
				}
			})
		}
	}
}
