// Package server is incidentmap's HTTP layer: the only package that knows
// net/http routing and chi. Handlers translate requests into calls on the
// domain services and errors into status codes.
package server

import (
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
	"golang.org/x/sync/singleflight"

	"github.com/incidentmap/incidentmap/geo"
	"github.com/incidentmap/incidentmap/tiles"
)

// Ingester geoparses and stores one report.
type Ingester interface {
	// Ingest stores r and returns its incidents and mentions; created is
	// false when the same report was already stored (nothing changes).
	Ingest(ctx context.Context, r *geo.Report) (created bool, incidents []*geo.Incident, err error)
}

// Versioner reports the data version, bumped by every write; it keys
// ETags so caches never serve data older than the last ingest.
type Versioner interface {
	DataVersion(ctx context.Context) (int64, error)
}

// Server serves the API and the map. Set the fields, then call Handler or Open.
type Server struct {
	Incidents geo.IncidentService
	Reports   geo.ReportService
	Ingester  Ingester
	Versions  Versioner
	Changes   geo.ChangeService    // optional: /api/changes
	Histogram geo.HistogramService // optional: /api/histogram
	Review    geo.ReviewService    // optional: corrections and the review queue
	Gazetteer GazetteerSearcher    // optional: /api/gazetteer/search
	Static    fs.FS                // the map's files (index.html, app.js, vendor/...)
	Logger    *slog.Logger
	Points    geo.PointService // optional: /tiles/incidents, /api/clusters, /map.png (tiles.go)
	BaseMap   *tiles.BaseMap   // optional: /tiles/base, the offline base map (or LoadBaseMapInBackground)
	BaseTiles tiles.TileSource // optional: /tiles/basemap, the --basemap MBTiles file
	// Pyramids, when set, holds the pre-clustered incidents (pyramids.go),
	// shared between servers; nil means each server keeps its own.
	Pyramids *PyramidCache

	// Token, when set, is the bearer token that write requests need.
	Token string
	// Private makes reads need the token too.
	Private bool
	// MaxBodyBytes caps request bodies (reports); default 10 MiB.
	MaxBodyBytes int64
	// Tokens, when set, holds further write tokens (stored hashed); a
	// request may carry Token or any of these.
	Tokens interface {
		CheckToken(ctx context.Context, token string) (name string, ok bool, err error)
	}
	// MaxExpensive caps concurrent expensive requests (limits.go); 0 means
	// DefaultMaxExpensive.
	MaxExpensive int
	// MaxExports caps concurrent exports, and MaxExportsPerClient those
	// of one client address (limits.go); 0 means DefaultMaxExports and
	// DefaultMaxExportsPerClient.
	MaxExports, MaxExportsPerClient int
	// StallTimeout is how long a write of an export or of an expensive
	// response may make no progress before it is dropped; 0 means
	// DefaultStallTimeout.
	StallTimeout time.Duration
	// Health, when set, tells /healthz whether the server can do its work
	// beyond answering (the gazetteer that every ingest needs is loaded
	// and usable); an error makes /healthz a 503 with the error's message
	// (geo.ErrorMessage) as the reason. It must be quick: monitors poll.
	Health func(ctx context.Context) error

	// SessionKey signs the session cookies that Private's login page
	// gives browsers (session.go): 32 random bytes or more, kept with the
	// data so that sessions outlive a restart. Empty means a random key
	// per Server, whose sessions end with the process.
	SessionKey []byte
	// SessionLifetime is how long a browser session lasts; 0 means
	// DefaultSessionLifetime.
	SessionLifetime time.Duration
	// BehindHTTPS marks session cookies Secure even on requests that came
	// over plain HTTP: set it when a TLS-terminating proxy sits in front
	// and does not send X-Forwarded-Proto.
	BehindHTTPS bool
	// Now, when set, is the clock sessions expire by (tests).
	Now func() time.Time

	lateBase   atomic.Pointer[tiles.BaseMap] // LoadBaseMapInBackground's
	baseDone   chan struct{}                 // closed when lateBase is loaded
	httpServer *http.Server
	ln         net.Listener
	cache      responseCache // encoded /api/incidents pages by data version (cache.go)
	features   featureCache  // encoded incidents by id and data version (featurecache.go)
	pyramids   PyramidCache  // used when Pyramids is nil
	keyOnce    sync.Once     // makes randomKey when SessionKey is empty
	randomKey  []byte
	aggregates singleflight.Group // counts of /api/sources and /api/histogram running (aggregates.go)
}

// LoadBaseMapInBackground loads the offline base map with load while the
// server already answers, so that loading it (0.2 s or more) does not delay
// the first answer; requests that need it wait for the load. Call it before
// Open. load returns nil when there is no base map.
func (s *Server) LoadBaseMapInBackground(load func() *tiles.BaseMap) {
	done := make(chan struct{})
	s.baseDone = done
	go func() {
		defer close(done)
		s.lateBase.Store(load())
	}()
}

// baseMap returns BaseMap or the one LoadBaseMapInBackground loads,
// waiting for that load (or ctx).
func (s *Server) baseMap(ctx context.Context) *tiles.BaseMap {
	if s.BaseMap != nil {
		return s.BaseMap
	}
	if s.baseDone != nil {
		select {
		case <-s.baseDone:
		case <-ctx.Done():
		}
	}
	return s.lateBase.Load()
}

// Handler returns the router with every route and middleware.
func (s *Server) Handler() http.Handler {
	r := chi.NewRouter()
	r.Use(middleware.Recoverer)
	r.Use(headAsGet)
	r.Use(s.securityHeaders)
	r.Use(s.requireReadAccess)
	r.Use(s.limitExpensive())

	r.Route("/api", func(r chi.Router) {
		r.Use(cors)
		r.Get("/incidents", s.handle(s.handleIncidentList))
		r.Get("/incidents/{id}", s.handle(s.handleIncidentGet))
		r.Get("/sources", s.handle(s.handleSourceList))
		r.Get("/version", s.handle(s.handleVersion))
		r.Get("/changes", s.handle(s.handleChanges))
		r.Get("/histogram", s.handle(s.handleHistogram))
		r.Get("/clusters", s.handle(s.handleClusters))
		r.Get("/export", s.handle(s.handleExport))
		r.Get("/reports/{id}", s.handle(s.handleReportGet))
		r.With(s.requireToken).Post("/reports", s.handle(s.handleReportCreate))
		r.With(s.requireToken).Delete("/reports/{id}", s.handle(s.handleReportDelete))
		r.With(s.requireToken).Post("/incidents/{id}/review", s.handle(s.handleReview))
		r.Get("/review", s.handle(s.handleReviewQueue))
		r.Get("/gazetteer/search", s.handle(s.handleGazetteerSearch))
		r.Get("/session", s.handle(s.handleSession))
		r.NotFound(s.handle(func(w http.ResponseWriter, r *http.Request) error {
			return geo.Errorf(geo.ENOTFOUND, "no such API endpoint: %s", r.URL.Path)
		}))
	})
	r.Get("/healthz", s.handleHealthz)
	r.With(cors).Get("/oembed", s.handle(s.handleOEmbed))
	s.registerLoginRoutes(r)
	s.registerOGCRoutes(r)
	s.registerTileRoutes(r)
	s.registerStaticRoutes(r)
	return r
}

// handleHealthz serves GET /healthz: 200 {"status": "ok"}, or 503 with a
// reason when Health reports that the server cannot do its work, so that
// a load balancer or monitor does not keep sending reports to a server
// whose every ingest fails.
func (s *Server) handleHealthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	if s.Health != nil {
		if err := s.Health(r.Context()); err != nil {
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "reason": geo.ErrorMessage(err)})
			return
		}
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// headAsGet routes HEAD requests as GET: CORS advertises HEAD, and
// monitors and link checkers send it, so it must work wherever GET does.
// The GET handler runs and net/http drops the body. chi's
// middleware.GetHead does not do for mount points such as /ogc: its
// look-ahead matches the mount for any method and leaves the subrouter to
// answer 405. No route here handles HEAD itself.
func headAsGet(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodHead {
			if rctx := chi.RouteContext(r.Context()); rctx != nil {
				rctx.RouteMethod = http.MethodGet
			}
		}
		next.ServeHTTP(w, r)
	})
}

// Open starts serving on addr ("host:port"; port 0 picks a free one).
func (s *Server) Open(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	s.ln = ln
	// Timeouts bound what a slow or hostile client can hold: headers must
	// arrive within 10 s, a whole request within 60 s (report uploads), and
	// writes may take up to 5 min because exports stream large files
	// (maxResponseTime). Exports and expensive responses also drop a
	// client whose reads stall for StallTimeout (limits.go).
	s.httpServer = &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      maxResponseTime,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.logger().Handler(), slog.LevelWarn),
	}
	go func() {
		if err := s.httpServer.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.logger().Error("http server stopped", "err", err)
		}
	}()
	return nil
}

// Addr returns the address the server listens on, after Open.
func (s *Server) Addr() string {
	if s.ln == nil {
		return ""
	}
	return s.ln.Addr().String()
}

// Close stops accepting connections and waits (up to ctx) for requests in
// flight to finish.
func (s *Server) Close(ctx context.Context) error {
	if s.httpServer == nil {
		return nil
	}
	return s.httpServer.Shutdown(ctx)
}

func (s *Server) maxBody() int64 {
	if s.MaxBodyBytes > 0 {
		return s.MaxBodyBytes
	}
	return 10 << 20
}
