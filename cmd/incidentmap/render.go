package main

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"os"

	"github.com/incidentmap/incidentmap/cmd/incidentmap/internal/staticmap"
	"github.com/incidentmap/incidentmap/cmd/incidentmap/internal/store"
	"github.com/incidentmap/incidentmap/tiles"
)

func runRender(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := newFlagSet("render", "--db PATH --out map.png [filters] [--bbox B | --lat Y --lon X --zoom Z] [--width W --height H --scale S]",
		"Draw the incidents matching the filters on the offline base map as a PNG, as GET /map.png does:\n"+
			"a legend, a scale bar and the attribution included. Without --bbox or --lat/--lon/--zoom the map fits\n"+
			"the incidents. Filters take the API's values: --from/--to YYYY-MM-DD, --source NAME (repeatable),\n"+
			"--source-kind outlet|claimant, --bbox minLon,minLat,maxLon,maxLat, --role incident|mention|all,\n"+
			"--max-precision N, --disputed true|false.", stderr)
	dbPath := fs.String("db", "incidentmap.db", "SQLite database `path`")
	out := fs.String("out", "map.png", "output `file` (- for stdout)")
	assets := fs.String("assets", defaultAssetsDir(), "`dir` holding the npm datasets")
	atlas := fs.String("world-atlas", "", "`dir` of the world-atlas package (default <assets>/world-atlas)")
	q := url.Values{}
	for _, name := range []string{"from", "to", "source-kind", "bbox", "role", "max-precision", "disputed", "needs-review",
		"lat", "lon", "zoom", "width", "height", "scale"} {
		fs.Func(name, "see above: "+apiName(name), func(v string) error { q.Set(apiName(name), v); return nil })
	}
	fs.Func("source", "filter: outlet or claimant `name` (repeatable)", func(v string) error { q.Add("source", v); return nil })
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("render: unexpected arguments %q", fs.Args())
	}
	if !q.Has("width") {
		q.Set("width", "1200")
	}
	if !q.Has("height") {
		q.Set("height", "800")
	}
	if _, err := os.Stat(*dbPath); err != nil {
		return fmt.Errorf("--db %s: %w", *dbPath, err)
	}
	dir := *atlas
	if dir == "" {
		dir = worldAtlasDir(Config{Assets: *assets})
	}
	base, err := loadBaseMap(dir)
	if err != nil {
		return err
	}
	db, err := store.Open(*dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	opts, err := staticmap.Options(ctx, db, base, q)
	if err != nil {
		return fmt.Errorf("--%s", errMessage(err))
	}
	png, err := tiles.RenderMap(opts)
	if err != nil {
		return err
	}
	if *out == "-" {
		_, err = stdout.Write(png)
		return err
	}
	if err := os.WriteFile(*out, png, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "rendered %d incidents to %s (%dx%d at scale %d)\n", len(opts.Points), *out, opts.Width, opts.Height, opts.Scale)
	return nil
}
