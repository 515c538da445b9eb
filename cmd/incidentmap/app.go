package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/incidentmap/incidentmap/cmd/incidentmap/internal/store"
	"github.com/incidentmap/incidentmap/geo"
)

// app is what serve and ingest share: the store, the gazetteer loaded into
// memory and the pipeline that turns reports into incidents.
type app struct {
	DB        *store.DB
	Gazetteer *geo.Gazetteer
	Pipeline  *geo.Pipeline
	// Rules holds the geoparser with the analysts' place rules; the
	// pipeline parses with it, and corrections reload it.
	Rules *geo.RuleSet
}

// openApp opens (creating if needed) the database at dbPath; a new database
// gets the default gazetteer from assetsDir without any extra step.
func openApp(ctx context.Context, dbPath, assetsDir string, log *slog.Logger) (*app, error) {
	if dir := filepath.Dir(dbPath); dir != "." {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("database directory: %w", err)
		}
	}
	db, err := store.Open(dbPath)
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", dbPath, err)
	}
	if err := ensureDefaultGazetteer(ctx, db, assetsDir, log); err != nil {
		db.Close()
		return nil, err
	}
	start := time.Now()
	g, err := loadGazetteer(ctx, db)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("load gazetteer: %w", err)
	}
	log.Info("gazetteer ready", "places", g.Len(), "took", time.Since(start).Round(time.Millisecond))
	rules, err := db.PlaceRules(ctx)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("load place rules: %w", err)
	}
	rs := geo.NewRuleSet(g, rules)
	return &app{
		DB:        db,
		Gazetteer: g,
		Pipeline:  &geo.Pipeline{Parser: rs.Parser(), Rules: rs, Reports: db},
		Rules:     rs,
	}, nil
}

// loadOutletAliases reads an outlet alias file (see geo.OutletAliases);
// an empty path means none.
func loadOutletAliases(path string) (*geo.OutletAliases, error) {
	if path == "" {
		return nil, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("--outlet-aliases: %w", err)
	}
	defer f.Close()
	a, err := geo.ParseOutletAliases(f)
	if err != nil {
		return nil, fmt.Errorf("--outlet-aliases %s: %s", path, geo.ErrorMessage(err))
	}
	return a, nil
}

func (a *app) Close() error { return a.DB.Close() }

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
