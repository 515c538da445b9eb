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
// stays open for the life of the process; it is read-only.
func setupTiles(srv *server.Server, cfg Config, a *app, log *slog.Logger) error {
	srv.Points = a.DB
	// Load the tiles' in-memory copy of the incidents now rather than at
	// the first tile request; a failure only means tiles come from SQL.
	go func() {
		if err := a.DB.WarmPointCache(context.Background()); err != nil {
			log.Warn("point cache not loaded", "err", err)
		}
	}()
	start := time.Now()
	if bm, err := loadBaseMap(worldAtlasDir(cfg)); err != nil {
		log.Warn("no offline base map", "err", err)
	} else {
		srv.BaseMap = bm
		log.Info("offline base map ready", "took", time.Since(start).Round(time.Millisecond))
	}
	if cfg.BaseMap != "" {
		r, err := mbtiles.Open(cfg.BaseMap)
		if err != nil {
			return fmt.Errorf("--basemap: %w", err)
		}
		srv.BaseTiles = r
		log.Info("base map file ready", "file", cfg.BaseMap, "format", r.Metadata()["format"])
	}
	return nil
}
