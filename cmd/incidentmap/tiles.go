package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/incidentmap/incidentmap/cmd/incidentmap/internal/mbtiles"
	"github.com/incidentmap/incidentmap/cmd/incidentmap/internal/server"
	"github.com/incidentmap/incidentmap/tiles"
)

// worldAtlasDir returns where the offline base map's shapes are.
func worldAtlasDir(cfg Config) string {
	if cfg.WorldAtlas != "" {
		return cfg.WorldAtlas
	}
	return filepath.Join(cfg.Assets, "world-atlas")
}

// loadBaseMap loads the offline base map from the world-atlas package.
func loadBaseMap(dir string) (*tiles.BaseMap, error) {
	bm, err := tiles.LoadBaseMap(os.DirFS(dir), tiles.BaseMapOptions{})
	if err != nil {
		return nil, fmt.Errorf("offline base map from %s: %w (run make assets, or pass --world-atlas DIR)", dir, err)
	}
	return bm, nil
}

// setupTiles gives the server its tile sources: the incident points, the
// offline base map (a warning, not an error, when world-atlas is missing:
// the map still works online) and the --basemap MBTiles file (an error
// when given but unreadable: the user asked for it). The MBTiles file
// stays open for the life of the process; it is read-only. Opening it
// gives up when ctx ends, so a signal stops a start-up stuck on it.
func setupTiles(ctx context.Context, srv *server.Server, cfg Config, a *app, log *slog.Logger) error {
	srv.Points = a.DB
	srv.Pyramids = &server.PyramidCache{Log: log}
	go srv.WarmTiles(context.Background(), a.DB, log)
	dir := worldAtlasDir(cfg)
	srv.LoadBaseMapInBackground(func() *tiles.BaseMap {
		start := time.Now()
		bm, err := loadBaseMap(dir)
		if err != nil {
			log.Warn("no offline base map", "err", err)
			return nil
		}
		log.Info("offline base map ready", "took", time.Since(start).Round(time.Millisecond))
		return bm
	})
	if cfg.BaseMap != "" {
		r, err := mbtiles.OpenContext(ctx, cfg.BaseMap)
		if err != nil {
			return fmt.Errorf("--basemap: %w", err)
		}
		srv.BaseTiles = r
		log.Info("base map file ready", "file", cfg.BaseMap, "format", r.Metadata()["format"])
	}
	return nil
}
