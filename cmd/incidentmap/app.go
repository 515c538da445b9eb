package main

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/incidentmap/incidentmap/cmd/incidentmap/internal/geoload"
	"github.com/incidentmap/incidentmap/geo"
	"github.com/incidentmap/incidentmap/geo/attribute"
)

// app is the opened store with its gazetteer load (geoload.App); the
// commands and their tests share it.
type app = geoload.App

var (
	openApp      = geoload.OpenApp
	openAppAsync = geoload.OpenAppAsync
)

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
