package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/incidentmap/incidentmap/cmd/incidentmap/internal/geoload"
	"github.com/incidentmap/incidentmap/cmd/incidentmap/internal/store"
	"github.com/incidentmap/incidentmap/geo"
	"github.com/incidentmap/incidentmap/geo/attribute"
	"github.com/incidentmap/incidentmap/geo/gazetteer"
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

	geo    *geoload.Load
	cancel context.CancelFunc // stops a background load
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
	l, err := geoload.Now(ctx, db, geoload.Options{Assets: assetsDir, Log: log})
	if err != nil {
		db.Close()
		return nil, err
	}
	parts, _ := l.Wait(ctx)
	return &app{DB: db, Gazetteer: parts.Gazetteer, Pipeline: parts.Pipeline, Rules: parts.Rules, geo: l}, nil
}

// openAppAsync opens the database at dbPath and returns at once; the
// gazetteer loads in the background once start is closed. At 200,000
// places the load takes seconds, which the server need not keep its first
// reader waiting for, and on two cores it would slow what the server does
// before it listens. Wait for it with a.geo.Wait. Close stops a load
// still running, or never started.
func openAppAsync(ctx context.Context, dbPath string, opts geoload.Options, start <-chan struct{}) (*app, error) {
	db, err := openDB(dbPath)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	return &app{DB: db, geo: geoload.Start(ctx, db, opts, start), cancel: cancel}, nil
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
		<-a.geo.Done()
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
