package geoload

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/incidentmap/incidentmap/cmd/incidentmap/internal/store"
	"github.com/incidentmap/incidentmap/geo/gazetteer"
	"github.com/incidentmap/incidentmap/geo/geoparse"
	"github.com/incidentmap/incidentmap/geo/ingest"
)

// App is what the serve and ingest commands share: the store, the gazetteer loaded into
// memory and the pipeline that turns reports into incidents.
type App struct {
	DB *store.DB
	// Gazetteer, Pipeline and Rules are set by OpenApp. The server opens
	// with OpenAppAsync instead, which leaves them nil: it reaches them
	// through Geo, once they are loaded.
	Gazetteer *gazetteer.Gazetteer
	Pipeline  *ingest.Pipeline
	// Rules holds the geoparser with the analysts' place rules; the
	// pipeline parses with it, and corrections reload it.
	Rules *geoparse.RuleSet

	// Geo is the gazetteer's load, done or under way.
	Geo    *Load
	cancel context.CancelFunc // stops a background load
}

// OpenDB opens (creating if needed) the database at dbPath.
func OpenDB(dbPath string) (*store.DB, error) {
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

// OpenApp opens (creating if needed) the database at dbPath and loads the
// gazetteer before it returns; a new database gets the default gazetteer
// from assetsDir without any extra step.
func OpenApp(ctx context.Context, dbPath, assetsDir string, log *slog.Logger) (*App, error) {
	db, err := OpenDB(dbPath)
	if err != nil {
		return nil, err
	}
	l, err := Now(ctx, db, Options{Assets: assetsDir, Log: log})
	if err != nil {
		db.Close()
		return nil, err
	}
	parts, _ := l.Wait(ctx)
	return &App{DB: db, Gazetteer: parts.Gazetteer, Pipeline: parts.Pipeline, Rules: parts.Rules, Geo: l}, nil
}

// OpenAppAsync opens the database at dbPath and returns at once; the
// gazetteer loads in the background once start is closed. At 200,000
// places the load takes seconds, which the server need not keep its first
// reader waiting for, and on two cores it would slow what the server does
// before it listens. Wait for it with a.Geo.Wait. Close stops a load
// still running, or never started.
func OpenAppAsync(ctx context.Context, dbPath string, opts Options, start <-chan struct{}) (*App, error) {
	db, err := OpenDB(dbPath)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	return &App{DB: db, Geo: Start(ctx, db, opts, start), cancel: cancel}, nil
}

// Close stops a background load of the gazetteer, waits for it to end,
// and closes the database.
func (a *App) Close() error {
	if a.cancel != nil {
		a.cancel()
		<-a.Geo.Done()
	}
	return a.DB.Close()
}
