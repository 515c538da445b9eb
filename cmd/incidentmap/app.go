package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/debug"
	"time"

	"github.com/incidentmap/incidentmap/cmd/incidentmap/internal/store"
	"github.com/incidentmap/incidentmap/geo"
	"github.com/incidentmap/incidentmap/geo/attribute"
	"github.com/incidentmap/incidentmap/geo/gazetteer"
	"github.com/incidentmap/incidentmap/geo/gazetteer/importer"
	"github.com/incidentmap/incidentmap/geo/geoparse"
	"github.com/incidentmap/incidentmap/geo/ingest"
)

// app is what serve and ingest share: the store, the gazetteer loaded into
// memory and the pipeline that turns reports into incidents.
type app struct {
	DB *store.DB
	// Gazetteer, Pipeline and Rules are set by openApp. The server opens
	// with openAppAsync instead, which leaves them nil: it reaches them
	// through geo, once they are loaded.
	Gazetteer *gazetteer.Gazetteer
	Pipeline  *ingest.Pipeline
	// Rules holds the geoparser with the analysts' place rules; the
	// pipeline parses with it, and corrections reload it.
	Rules *geoparse.RuleSet

	geo    *geoLoad
	cancel context.CancelFunc // stops a background load
}

// geoParts are what the gazetteer takes to load: the gazetteer, the
// geoparser with the place rules, and the ingest pipeline parsing with it.
type geoParts struct {
	Gazetteer *gazetteer.Gazetteer
	Rules     *geoparse.RuleSet
	Pipeline  *ingest.Pipeline
}

// geoOptions says how to load the geoParts.
type geoOptions struct {
	Assets  string                   // npm datasets, for a database without places
	Outlets *attribute.OutletAliases // the pipeline's outlet aliases; nil for none
	Samples bool                     // ingest the bundled samples into a database without reports
	Log     *slog.Logger
}

// geoLoad is a load of the geoParts, run once in the background. Until it
// ends, whatever needs the gazetteer (ingest, corrections, place search)
// waits in wait; the read API needs none of it and answers at once.
type geoLoad struct {
	done  chan struct{} // closed when the load has ended, with parts or err
	parts *geoParts     // written before done is closed, read only after
	err   error
}

// wait returns the loaded parts, or the load's error, or ctx's error if
// ctx ends first.
func (l *geoLoad) wait(ctx context.Context) (*geoParts, error) {
	if !l.loaded() { // a select on both would pick at random when both are ready
		select {
		case <-l.done:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	if l.err != nil {
		return nil, l.loadError()
	}
	return l.parts, nil
}

// loadError is the error of a failed load as requests see it: a server
// failure (EINTERNAL, 5xx), whatever the cause's own code (a corrupt
// default gazetteer is EINVALID, which would tell a client that its
// report was at fault), with the cause's message, and wrapping the cause.
// Errors that are not domain errors are told as they are: an operator
// needs "database disk image is malformed", and it holds no secret.
func (l *geoLoad) loadError() error {
	if errors.Is(l.err, context.Canceled) {
		return fmt.Errorf("gazetteer not loaded: %w", l.err) // the server is stopping
	}
	msg := l.err.Error()
	var e *geo.Error
	if errors.As(l.err, &e) {
		msg = e.Message
	}
	return fmt.Errorf("%w: %w", geo.Errorf(geo.EINTERNAL, "gazetteer not loaded: every ingest fails: %s", msg), l.err)
}

// loaded reports whether the load has ended (with or without an error).
func (l *geoLoad) loaded() bool {
	select {
	case <-l.done:
		return true
	default:
		return false
	}
}

// health reports whether ingest can work, for /healthz: nil while the
// load runs (requests wait for it, as they should) and once it has loaded
// places; an error saying why not if the load failed (a corrupt
// gazetteer: every ingest fails) or left no places (ingest finds none).
func (l *geoLoad) health(context.Context) error {
	if !l.loaded() {
		return nil
	}
	if l.err != nil {
		return l.loadError()
	}
	if l.parts == nil || l.parts.Gazetteer == nil || l.parts.Gazetteer.Len() == 0 {
		return geo.Errorf(geo.EINTERNAL, "the gazetteer holds no places: ingest finds none")
	}
	return nil
}

// openDB opens (creating if needed) the database at dbPath.
func openDB(dbPath string) (*store.DB, error) {
	if dir := filepath.Dir(dbPath); dir != "." {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("database directory: %w", err)
		}
	}
	db, err := store.Open(dbPath)
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", dbPath, err)
	}
	return db, nil
}

// openApp opens (creating if needed) the database at dbPath and loads the
// gazetteer before it returns; a new database gets the default gazetteer
// from assetsDir without any extra step.
func openApp(ctx context.Context, dbPath, assetsDir string, log *slog.Logger) (*app, error) {
	db, err := openDB(dbPath)
	if err != nil {
		return nil, err
	}
	parts, err := loadGeoParts(ctx, db, geoOptions{Assets: assetsDir, Log: log})
	if err != nil {
		db.Close()
		return nil, err
	}
	l := &geoLoad{done: make(chan struct{}), parts: parts}
	close(l.done)
	return &app{DB: db, Gazetteer: parts.Gazetteer, Pipeline: parts.Pipeline, Rules: parts.Rules, geo: l}, nil
}

// openAppAsync opens the database at dbPath and returns at once; the
// gazetteer loads in the background once start is closed. At 200,000
// places the load takes seconds, which the server need not keep its first
// reader waiting for, and on two cores it would slow what the server does
// before it listens. Wait for it with a.geo.wait. Close stops a load
// still running, or never started.
func openAppAsync(ctx context.Context, dbPath string, opts geoOptions, start <-chan struct{}) (*app, error) {
	db, err := openDB(dbPath)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	l := &geoLoad{done: make(chan struct{})}
	go func() {
		defer close(l.done)
		select {
		case <-start:
		case <-ctx.Done():
			l.err = ctx.Err()
			return
		}
		l.parts, l.err = loadGeoParts(ctx, db, opts)
		if l.err != nil {
			if ctx.Err() == nil { // not a shutdown
				opts.Log.Error("gazetteer not loaded: ingest, review and place search will fail", "err", l.err)
			}
			return
		}
		// The build's garbage is several times the gazetteer; hand it back
		// to the OS now rather than over minutes through the scavenger.
		debug.FreeOSMemory()
	}()
	return &app{DB: db, geo: l, cancel: cancel}, nil
}

// loadGeoParts imports the default gazetteer into a database without
// places, loads the gazetteer and the place rules into memory, builds the
// pipeline on them and, if asked, ingests the sample reports.
func loadGeoParts(ctx context.Context, db *store.DB, opts geoOptions) (*geoParts, error) {
	log := opts.Log
	if err := importer.EnsureDefault(ctx, db, opts.Assets, log); err != nil {
		return nil, err
	}
	start := time.Now()
	g, err := importer.Load(ctx, db)
	if err != nil {
		return nil, fmt.Errorf("load gazetteer: %w", err)
	}
	log.Info("gazetteer ready", "places", g.Len(), "took", time.Since(start).Round(time.Millisecond))
	rules, err := db.PlaceRules(ctx)
	if err != nil {
		return nil, fmt.Errorf("load place rules: %w", err)
	}
	rs := geoparse.NewRuleSet(g, rules)
	parts := &geoParts{
		Gazetteer: g,
		Rules:     rs,
		Pipeline:  &ingest.Pipeline{Parser: rs.Parser(), Rules: rs, Reports: db, Outlets: opts.Outlets},
	}
	if opts.Samples {
		if err := ingestSamples(ctx, db, parts.Pipeline, log); err != nil {
			return nil, err
		}
	}
	return parts, nil
}

// loadOutletAliases reads an outlet alias file (see attribute.OutletAliases);
// an empty path means none.
func loadOutletAliases(path string) (*attribute.OutletAliases, error) {
	if path == "" {
		return nil, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("--outlet-aliases: %w", err)
	}
	defer f.Close()
	a, err := attribute.ParseOutletAliases(f)
	if err != nil {
		return nil, fmt.Errorf("--outlet-aliases %s: %s", path, geo.ErrorMessage(err))
	}
	return a, nil
}

// Close stops a background load of the gazetteer, waits for it to end,
// and closes the database.
func (a *app) Close() error {
	if a.cancel != nil {
		a.cancel()
		<-a.geo.done
	}
	return a.DB.Close()
}

// defaultAssetsDir is where `make build` installs the npm datasets.
func defaultAssetsDir() string {
	if v := os.Getenv("INCIDENTMAP_ASSETS"); v != "" {
		return v
	}
	if _, err := os.Stat("node_modules"); err == nil {
		return "node_modules"
	}
	// Running bin/incidentmap from elsewhere: look beside the binary's repo.
	if exe, err := os.Executable(); err == nil {
		dir := filepath.Join(filepath.Dir(filepath.Dir(exe)), "node_modules")
		if _, err := os.Stat(dir); err == nil {
			return dir
		}
	}
	return "node_modules"
}

func newTextLogger(w io.Writer, verbose bool) *slog.Logger {
	level := slog.LevelInfo
	if verbose {
		level = slog.LevelDebug
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level}))
}

// errMessage is the user-facing message of a domain error.
func errMessage(err error) string { return geo.ErrorMessage(err) }
