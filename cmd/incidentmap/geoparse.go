package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/incidentmap/incidentmap/cmd/incidentmap/internal/store"
	"github.com/incidentmap/incidentmap/geo/eval"
	"github.com/incidentmap/incidentmap/geo/gazetteer"
	"github.com/incidentmap/incidentmap/geo/gazetteer/importer"
	"github.com/incidentmap/incidentmap/geo/geoparse"
)

// gazetteerFlags are the flags that choose a gazetteer: a database, or
// (without --db) the default files straight from the npm assets, which is
// faster for one-off runs and needs no database.
type gazetteerFlags struct {
	db, assets *string
}

func addGazetteerFlags(fs interface {
	String(name, value, usage string) *string
}) gazetteerFlags {
	return gazetteerFlags{
		db:     fs.String("db", "", "SQLite database `path` whose gazetteer to use (default: the default gazetteer, read from --assets)"),
		assets: fs.String("assets", defaultAssetsDir(), "npm assets `dir` holding the default gazetteer's files"),
	}
}

// load returns the gazetteer the flags choose.
func (f gazetteerFlags) load(ctx context.Context, log *slog.Logger) (*gazetteer.Gazetteer, error) {
	start := time.Now()
	if *f.db == "" {
		g, err := gazetteer.LoadDefault(os.DirFS(*f.assets))
		if err != nil {
			return nil, err
		}
		log.Debug("gazetteer ready", "places", g.Len(), "took", time.Since(start).Round(time.Millisecond))
		return g, nil
	}
	db, err := store.Open(*f.db)
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", *f.db, err)
	}
	defer db.Close()
	if err := importer.EnsureDefault(ctx, db, *f.assets, log); err != nil {
		return nil, err
	}
	g, err := importer.Load(ctx, db)
	if err != nil {
		return nil, err
	}
	log.Debug("gazetteer ready", "places", g.Len(), "took", time.Since(start).Round(time.Millisecond))
	return g, nil
}

// runGeoparse implements `incidentmap geoparse [--jsonl]`.
func runGeoparse(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := newFlagSet("geoparse", "[--db PATH] [--jsonl] < TEXT",
		"Read a text on stdin and write the places it names as a GeoJSON FeatureCollection\n"+
			"(one Point feature per toponym, offsets in Unicode code points). With --jsonl, read a\n"+
			"corpus of JSON lines {\"id\", \"text\"} and write one line per document:\n"+
			"{\"id\", \"places\": [{\"start\", \"end\", \"name\", \"lat\", \"lon\", \"role\", \"geonameid\", \"precision\", \"confidence\"}]}.", stderr)
	gf := addGazetteerFlags(fs)
	jsonl := fs.Bool("jsonl", false, "read and write JSON lines (a corpus) instead of one text")
	verbose := fs.Bool("v", false, "log progress")
	if err := fs.Parse(args); err != nil {
		return err
	}
	g, err := gf.load(ctx, newTextLogger(stderr, *verbose))
	if err != nil {
		return err
	}
	p := geoparse.NewParser(g)
	if *jsonl {
		return eval.WriteJSONL(p, stdin, stdout)
	}
	text, err := io.ReadAll(stdin)
	if err != nil {
		return err
	}
	fc := geoparse.GeoJSON(p.Parse(string(text)))
	b, err := json.MarshalIndent(fc, "", " ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "%s\n", b)
	return err
}
