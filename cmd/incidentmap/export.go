package main

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"os"

	"github.com/incidentmap/incidentmap/cmd/incidentmap/internal/export"
	"github.com/incidentmap/incidentmap/cmd/incidentmap/internal/store"
	"github.com/incidentmap/incidentmap/geo/filterquery"
)

func runExport(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := newFlagSet("export", "--db PATH --format geojson|csv|kml [filters] [--out FILE]",
		"Write every incident matching the filters, as /api/export does. Filters take the API's values:\n"+
			"--from/--to YYYY-MM-DD, --source NAME (repeatable), --source-kind outlet|claimant, --bbox minLon,minLat,maxLon,maxLat,\n"+
			"--role incident|mention|all, --max-precision N, --disputed true|false.", stderr)
	dbPath := fs.String("db", "incidentmap.db", "SQLite database `path`")
	format := fs.String("format", "geojson", "geojson, csv or kml")
	out := fs.String("out", "-", "output `file` (- for stdout)")
	q := url.Values{}
	for _, name := range []string{"from", "to", "source-kind", "bbox", "role", "max-precision", "disputed", "needs-review"} {
		name := name
		fs.Func(name, "filter: "+name, func(v string) error { q.Set(apiName(name), v); return nil })
	}
	fs.Func("source", "filter: outlet or claimant `name` (repeatable)", func(v string) error { q.Add("source", v); return nil })
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("export: unexpected arguments %q", fs.Args())
	}
	f, err := export.ParseFormat(*format)
	if err != nil {
		return fmt.Errorf("--format: %s", *format)
	}
	filter, err := filterquery.ParseFilter(q)
	if err != nil {
		return fmt.Errorf("--%s", errMessage(err))
	}
	if _, err := os.Stat(*dbPath); err != nil {
		return fmt.Errorf("--db %s: %w", *dbPath, err)
	}
	db, err := store.Open(*dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	w := stdout
	if *out != "-" {
		file, err := os.Create(*out)
		if err != nil {
			return err
		}
		defer file.Close()
		w = file
	}
	n, err := export.Write(ctx, w, f, db, filter)
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "exported %d incidents as %s\n", n, f.Name)
	return nil
}

// apiName maps a flag name (max-precision) to the API's parameter name.
func apiName(flag string) string {
	b := []byte(flag)
	for i, c := range b {
		if c == '-' {
			b[i] = '_'
		}
	}
	return string(b)
}
