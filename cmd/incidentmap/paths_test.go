package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestSubcommandsWithURICharactersInPaths runs every subcommand that opens
// a database (and backup's copy, render's image) on paths holding URI
// metacharacters. Before issue 20's fix the path went into "file:"+path:
// `backup --db 'data#1.db'` read a new empty database "data" and printed
// "0 reports … integrity ok". Each command must see the data the others
// wrote, and no file but the ones named may appear.
func TestSubcommandsWithURICharactersInPaths(t *testing.T) {
	if testing.Short() {
		t.Skip("opens the default gazetteer")
	}
	root := t.TempDir()
	dir := filepath.Join(root, "d#1 ?&x=y %41 ü")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "data#1?mode=ro&x=%23 تقارير.db")
	b, err := os.ReadFile(mustTemplateDB(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(db, b, 0o644); err != nil {
		t.Fatal(err)
	}
	reports := filepath.Join(root, "reports")
	if err := os.Mkdir(reports, 0o755); err != nil {
		t.Fatal(err)
	}
	mustWriteFile(t, filepath.Join(reports, "r1.txt"), testReportText(1))
	assets := filepath.Join("..", "..", "node_modules")

	out := mustRun(t, "gazetteer", "import", "--quiet", "--db", db, filepath.Join("..", "..", "geo", "gazetteer", "testdata", "geonames", "places.txt"))
	if !strings.Contains(out, "3 read") {
		t.Errorf("gazetteer import: %q, want 3 read", out)
	}
	if out := mustRun(t, "ingest", "--db", db, "--assets", assets, reports); !strings.Contains(out, "1 stored") {
		t.Fatalf("ingest: %q, want 1 stored", out)
	}
	reps, incs := mustStats(t, db)
	if reps != 1 || incs == 0 {
		t.Fatalf("after ingest: %d reports, %d incidents; want 1 report with incidents", reps, incs)
	}
	if tok := mustRun(t, "token", "create", "--db", db, "--name", "alice"); !strings.HasPrefix(tok, "imt_") {
		t.Errorf("token create: %q", tok)
	}
	if out := mustRun(t, "token", "list", "--db", db); !strings.Contains(out, `"alice"`) {
		t.Errorf("token list: %q, want alice's token", out)
	}
	csv := mustRun(t, "export", "--db", db, "--format", "csv")
	if rows := strings.Count(strings.TrimSpace(csv), "\n"); rows != incs {
		t.Errorf("export: %d rows, want %d\n%s", rows, incs, csv)
	}
	png := filepath.Join(dir, "map#1?.png")
	mustRun(t, "render", "--db", db, "--assets", assets, "--out", png, "--width", "200", "--height", "100")
	backup := filepath.Join(dir, "back#up?x=1.db")
	if out := mustRun(t, "backup", "--db", db, "--out", backup); !strings.Contains(out, ": 1 reports, ") {
		t.Errorf("backup: %q, want 1 reports", out)
	}
	if r, i := mustStats(t, backup); r != reps || i != incs {
		t.Errorf("backup holds %d reports, %d incidents, want %d and %d", r, i, reps, incs)
	}
	base := mustRunServerDB(t, db, false)
	var fc featureCollection
	mustGetJSON(t, base+"/api/incidents?limit=1", 200, &fc)
	if fc.NumberMatched == 0 {
		t.Errorf("serve: numberMatched 0, want the ingested incidents")
	}

	var got []string
	err = filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && !strings.HasSuffix(p, "-wal") && !strings.HasSuffix(p, "-shm") {
			rel, _ := filepath.Rel(root, p)
			got = append(got, rel)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{}
	for _, p := range []string{db, png, backup, filepath.Join(reports, "r1.txt")} {
		rel, _ := filepath.Rel(root, p)
		want = append(want, rel)
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("files: %q\nwant only: %q", got, want)
	}
}
