package main

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/incidentmap/incidentmap/cmd/incidentmap/internal/geoload"
	"github.com/incidentmap/incidentmap/cmd/incidentmap/internal/memtrim"
	"github.com/incidentmap/incidentmap/cmd/incidentmap/internal/server"
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
			"Environment: INCIDENTMAP_TOKEN (bearer token for writes), INCIDENTMAP_DB, INCIDENTMAP_ADDR, INCIDENTMAP_PRIVATE,\n"+
			"INCIDENTMAP_BEHIND_HTTPS.", stderr)
	fs.StringVar(&cfg.DB, "db", cfg.DB, "SQLite database `path` (created if missing)")
	fs.StringVar(&cfg.Addr, "addr", cfg.Addr, "listen address `host:port`")
	fs.StringVar(&cfg.Assets, "assets", cfg.Assets, "`dir` holding the npm datasets (default gazetteer)")
	fs.BoolVar(&cfg.Samples, "samples", cfg.Samples, "ingest the bundled sample reports if the database has none")
	fs.BoolVar(&cfg.Private, "private", cfg.Private, "require the token for reads too; browsers log in at a login page and get a read-only session cookie")
	fs.BoolVar(&cfg.BehindHTTPS, "behind-https", cfg.BehindHTTPS, "browsers reach the server through an HTTPS proxy: mark session cookies Secure")
	fs.Int64Var(&cfg.MaxBodyBytes, "max-body", cfg.MaxBodyBytes, "largest accepted request body in `bytes`")
	fs.StringVar(&cfg.Outlets, "outlet-aliases", cfg.Outlets, "`file` mapping outlet aliases to one name (lines 'RT = rt.com, Russia Today')")
	fs.StringVar(&cfg.StaticDir, "static-dir", cfg.StaticDir, "serve the map from this `dir` instead of the embedded files (development)")
	fs.BoolVar(&cfg.Verbose, "v", cfg.Verbose, "verbose logs")
	fs.IntVar(&cfg.RowCacheMB, "row-cache-mb", cfg.RowCacheMB, "`MiB` of incidents kept in memory for pages of /api/incidents (0: off)")
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
	log := newTextLogger(stderr, cfg.Verbose)
	memtrim.SetLimit(0, log)
	srv, a, err := startServer(ctx, cfg, stderr)
	if err != nil {
		return err
	}
	defer a.Close()
	go func() {
		// A gazetteer much larger than the default one (allCountries) must
		// not leave the heap pinned at the limit, collecting without end.
		if _, err := a.Geo.Wait(ctx); err == nil {
			memtrim.SetLimit(memtrim.LiveHeap(), log)
		}
	}()
	go memtrim.WhenIdle(ctx, log, func() bool {
		// Both, not either: || would skip the second.
		dropped := srv.DropCaches()
		return a.DB.DropRowCache() || dropped
	})
	fmt.Fprintf(stdout, "incidentmap: serving the map at http://%s/\n", displayAddr(srv.Addr()))
	<-ctx.Done()
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	return srv.Close(shutdownCtx)
}

// startServer opens the database, starts loading the gazetteer in the
// background and starts serving; the caller closes both. The read API
// (incidents, tiles, the map) answers at once. What needs the gazetteer
// (POST /api/reports, corrections, place search) waits for it, bounded by
// its request's context; a.Geo.wait waits for it too, samples included.
func startServer(ctx context.Context, cfg Config, logw io.Writer) (*server.Server, *app, error) {
	return startServerHolding(ctx, cfg, logw, nil)
}

// startServerHolding is startServer with the gazetteer's load held back
// until hold is closed (nil holds nothing): tests use it to see the server
// as it is before the load ends.
func startServerHolding(ctx context.Context, cfg Config, logw io.Writer, hold <-chan struct{}) (*server.Server, *app, error) {
	log := newTextLogger(logw, cfg.Verbose)
	outlets, err := loadOutletAliases(cfg.Outlets)
	if err != nil {
		return nil, nil, err
	}
	loadGeo := make(chan struct{})
	a, err := openAppAsync(ctx, cfg.DB, geoload.Options{Assets: cfg.Assets, Outlets: outlets, Samples: cfg.Samples, Log: log}, loadGeo)
	if err != nil {
		return nil, nil, err
	}
	if cfg.Private && cfg.Token == "" {
		// Stored tokens (incidentmap token create) work too; without any,
		// nobody can read, which is safe but worth saying.
		log.Warn("--private without INCIDENTMAP_TOKEN: only tokens made with 'incidentmap token create' can read")
	}
	var staticFS fs.FS = static.FS
	if cfg.StaticDir != "" {
		staticFS = os.DirFS(cfg.StaticDir)
	}
	var st geo.Store = a.DB // SQLite; the server needs only a geo.Store
	var sessionKey []byte
	if cfg.Private {
		if sessionKey, err = server.LoadSessionKey(ctx, st); err != nil {
			a.Close()
			return nil, nil, err
		}
	}
	a.DB.SetRowCacheBytes(int64(cfg.RowCacheMB) << 20)
	srv := &server.Server{
		Incidents: st, Reports: st, Ingester: geoload.Ingester{Load: a.Geo}, Versions: st, Changes: st, Histogram: st,
		Review: geoload.Reviewer{ReviewService: st, Load: a.Geo}, Gazetteer: geoload.Searcher{Load: a.Geo},
		Static: staticFS, Logger: log, Token: cfg.Token, Private: cfg.Private, MaxBodyBytes: cfg.MaxBodyBytes,
		Tokens:     st, // tokens from `incidentmap token create`, checked by hash
		SessionKey: sessionKey, BehindHTTPS: cfg.BehindHTTPS,
		Health: a.Geo.Health,
	}
	if err := setupTiles(ctx, srv, cfg, a, log); err != nil {
		a.Close()
		return nil, nil, err
	}
	if err := srv.Open(cfg.Addr); err != nil {
		a.Close()
		return nil, nil, fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	log.Info("listening; loading the gazetteer in the background: ingest, review and place search wait for it")
	if hold == nil {
		close(loadGeo)
	} else {
		go func() {
			select {
			case <-hold:
				close(loadGeo)
			case <-a.Geo.Done(): // closed before it started
			}
		}()
	}
	return srv, a, nil
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
