package main

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"strings"
	"time"

	"github.com/incidentmap/incidentmap/cmd/incidentmap/internal/server"
	"github.com/incidentmap/incidentmap/data"
	"github.com/incidentmap/incidentmap/geo"
	"github.com/incidentmap/incidentmap/static"
)

func runServe(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	cfg := DefaultConfig()
	if err := cfg.applyEnv(); err != nil {
		return err
	}
	fs := newFlagSet("serve", "--db PATH --addr HOST:PORT",
		"Serve the map at / and the API at /api. A new database gets the default gazetteer.\n"+
			"Environment: INCIDENTMAP_TOKEN (bearer token for writes), INCIDENTMAP_DB, INCIDENTMAP_ADDR, INCIDENTMAP_PRIVATE.", stderr)
	fs.StringVar(&cfg.DB, "db", cfg.DB, "SQLite database `path` (created if missing)")
	fs.StringVar(&cfg.Addr, "addr", cfg.Addr, "listen address `host:port`")
	fs.StringVar(&cfg.Assets, "assets", cfg.Assets, "`dir` holding the npm datasets (default gazetteer)")
	fs.BoolVar(&cfg.Samples, "samples", cfg.Samples, "ingest the bundled sample reports if the database has none")
	fs.BoolVar(&cfg.Private, "private", cfg.Private, "require the token for reads too")
	fs.Int64Var(&cfg.MaxBodyBytes, "max-body", cfg.MaxBodyBytes, "largest accepted request body in `bytes`")
	fs.StringVar(&cfg.Outlets, "outlet-aliases", cfg.Outlets, "`file` mapping outlet aliases to one name (lines 'RT = rt.com, Russia Today')")
	fs.StringVar(&cfg.StaticDir, "static-dir", cfg.StaticDir, "serve the map from this `dir` instead of the embedded files (development)")
	fs.BoolVar(&cfg.Verbose, "v", cfg.Verbose, "verbose logs")
	fs.StringVar(&cfg.BaseMap, "basemap", cfg.BaseMap, "serve this MBTiles `file` (raster or vector) as a base layer at /tiles/basemap")
	fs.StringVar(&cfg.WorldAtlas, "world-atlas", cfg.WorldAtlas, "`dir` of the world-atlas package for the offline base map (default <assets>/world-atlas)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("serve: unexpected arguments %q", fs.Args())
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	srv, a, err := startServer(ctx, cfg, stderr)
	if err != nil {
		return err
	}
	defer a.Close()
	fmt.Fprintf(stdout, "incidentmap: serving the map at http://%s/\n", displayAddr(srv.Addr()))
	<-ctx.Done()
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	return srv.Close(shutdownCtx)
}

// startServer opens the app and starts serving; the caller closes both.
func startServer(ctx context.Context, cfg Config, logw io.Writer) (*server.Server, *app, error) {
	log := newTextLogger(logw, cfg.Verbose)
	a, err := openApp(ctx, cfg.DB, cfg.Assets, log)
	if err != nil {
		return nil, nil, err
	}
	if a.Pipeline.Outlets, err = loadOutletAliases(cfg.Outlets); err != nil {
		a.Close()
		return nil, nil, err
	}
	if cfg.Private && cfg.Token == "" {
		// Stored tokens (incidentmap token create) work too; without any,
		// nobody can read, which is safe but worth saying.
		log.Warn("--private without INCIDENTMAP_TOKEN: only tokens made with 'incidentmap token create' can read")
	}
	if cfg.Samples {
		if err := ingestSamples(ctx, a, log); err != nil {
			a.Close()
			return nil, nil, err
		}
	}
	var staticFS fs.FS = static.FS
	if cfg.StaticDir != "" {
		staticFS = os.DirFS(cfg.StaticDir)
	}
	srv := &server.Server{
		Incidents: a.DB, Reports: a.DB, Ingester: a.Pipeline, Versions: a.DB, Changes: a.DB, Histogram: a.DB,
		Review: &geo.Reviewer{ReviewService: a.DB, Rules: a.Rules}, Gazetteer: geo.GazetteerSearch{G: a.Gazetteer},
		Static: staticFS, Logger: log, Token: cfg.Token, Private: cfg.Private, MaxBodyBytes: cfg.MaxBodyBytes,
		Tokens: a.DB, // tokens from `incidentmap token create`, checked by hash
	}
	if err := setupTiles(srv, cfg, a, log); err != nil {
		a.Close()
		return nil, nil, err
	}
	if err := srv.Open(cfg.Addr); err != nil {
		a.Close()
		return nil, nil, fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	return srv, a, nil
}

// ingestSamples stores the bundled sample reports when the database has no
// reports yet, so a first `make run` shows a populated map.
func ingestSamples(ctx context.Context, a *app, log interface{ Info(string, ...any) }) error {
	reports, _, err := a.DB.Stats(ctx)
	if err != nil || reports > 0 {
		return err
	}
	outlet := ""
	if b, err := fs.ReadFile(data.Samples, "samples/source"); err == nil {
		outlet = strings.TrimSpace(string(b))
	}
	entries, err := fs.ReadDir(data.Samples, "samples")
	if err != nil {
		return err
	}
	n := 0
	for _, e := range entries {
		name := e.Name()
		if ext := path.Ext(name); ext != ".txt" && ext != ".json" {
			continue
		}
		b, err := fs.ReadFile(data.Samples, "samples/"+name)
		if err != nil {
			return err
		}
		r, err := geo.ParseReport(name, b)
		if err != nil {
			return fmt.Errorf("sample report: %w", err)
		}
		if r.Source == "" {
			r.Source = outlet
		}
		if _, _, err := a.Pipeline.Ingest(ctx, r); err != nil {
			return fmt.Errorf("sample report %s: %w", name, err)
		}
		n++
	}
	log.Info("sample reports ingested", "reports", n)
	return nil
}

// displayAddr turns ":8080" or "[::]:8080" into something a browser opens.
func displayAddr(addr string) string {
	if strings.HasPrefix(addr, "[::]:") {
		return "localhost:" + strings.TrimPrefix(addr, "[::]:")
	}
	if strings.HasPrefix(addr, ":") || strings.HasPrefix(addr, "0.0.0.0:") {
		return "localhost:" + addr[strings.LastIndex(addr, ":")+1:]
	}
	return addr
}
