package server

import (
	"context"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/semaphore"

	"github.com/incidentmap/incidentmap/tiles"
)

// DefaultMaxExpensive is how many expensive requests (see expensive) may
// run at once when Server.MaxExpensive is zero. Each one can hold a CPU and
// a database connection for a while, and the machine has few of either:
// past this, more work in parallel only makes every request slower. It is
// above the 6 connections a browser opens to one HTTP/1.1 host, so one
// map loading its tiles never queues; several heavy clients do.
const DefaultMaxExpensive = 8

// DefaultMaxExports is how many exports may stream at once when
// Server.MaxExports is zero, and DefaultMaxExportsPerClient how many of
// them one client address may hold. Exports have a budget of their own:
// an export lasts as long as its client takes to read it, and when exports
// shared the expensive requests' slots, eight clients that opened an
// export and stopped reading held every slot and the map's tiles got 429
// (issue 20). Two per client lets an analyst fetch a CSV and a GeoJSON at
// once; four in all keeps the database's eight readers mostly for the map.
const (
	DefaultMaxExports          = 4
	DefaultMaxExportsPerClient = 2
)

// DefaultStallTimeout is how long a write of a response may make no
// progress before the response is dropped, when Server.StallTimeout is
// zero. A client that stops reading would otherwise hold the connection,
// and an export its slot, until the 5-minute write timeout; a reader on a
// poor network still moves a 32 KiB chunk (stallChunk) in far less.
const DefaultStallTimeout = 10 * time.Second

// stallChunk is the most a single write may carry under one stall
// deadline: a slow but steady client renews the deadline with every chunk
// it takes, so only a client that stops reading is dropped.
const stallChunk = 32 << 10

// maxResponseTime bounds a whole response, as http.Server's WriteTimeout
// did before the per-chunk deadlines replaced it for the requests they
// cover; keep it equal to the WriteTimeout that Open sets.
const maxResponseTime = 5 * time.Minute

// renderBytesPerPixel is what a /map.png render holds per device pixel
// at its peak: the RGBA canvas (4 bytes), x/image/vector's accumulation
// buffer (a float32, 4 bytes), the coverage mask (1 byte), the paletted
// copy the PNG is encoded from (1 byte), and the encoder's buffers.
// TestStaticMapBurstMemoryIsBounded measured 164 MiB of heap for one
// maximal 16 M-pixel map: 10.25 bytes per pixel.
const renderBytesPerPixel = 11

// renderBudget is how many bytes /map.png renders may hold at once, as
// estimated by renderWeight: one maximal map (2048×2048 at scale 2, 176
// MiB by the estimate) at a time, or dozens of default 800×600 ones (5
// MiB each; the expensive-request cap allows 8 at once). Before it, that
// cap alone let eight maximal maps render at once: a burst of 16 grew the
// heap by 1 GiB, where the server's target is 400 MB under load (issue 8).
const renderBudget = tiles.MaxStaticPixels * renderBytesPerPixel

// expensiveWait is how long an expensive request waits for a free slot
// before it is refused. The queue absorbs bursts (several maps loading
// tiles at once, each tile quick); it ends so that an overloaded server
// answers 429 instead of holding connections open without bound.
const expensiveWait = 5 * time.Second

// retryAfter is the Retry-After a refused request gets, in seconds.
const retryAfter = 1

// expensive reports whether r is one of the requests whose cost grows with
// the data (renders an image, encodes a tile, clusters a view, counts
// every match by source or by day, or asks for more than a default page of
// features). Cheap reads — a default page of /api/incidents, a report, the
// version — are never limited, so the map keeps working while heavy
// requests run. Exports are limited apart (see isExport).
func expensive(r *http.Request) bool {
	p := r.URL.Path
	switch {
	case p == "/map.png", p == "/api/clusters", strings.HasPrefix(p, "/tiles/"),
		p == "/api/sources", p == "/api/histogram":
		return true
	case p == "/api/incidents", strings.HasPrefix(p, "/ogc/collections/") && strings.HasSuffix(p, "/items"):
		// The limit itself is capped at MaxLimit by parseFilter; above a
		// default page a request costs enough to count.
		n, err := strconv.Atoi(r.URL.Query().Get("limit"))
		return err == nil && n > DefaultLimit
	}
	return false
}

// isExport reports whether r streams every match (GET /api/export).
func isExport(r *http.Request) bool { return r.URL.Path == "/api/export" }

// limits are the budgets of limitRequests. Each Handler gets its own, so
// two servers in one process do not share them.
type limits struct {
	expensive chan struct{}       // a slot per expensive request running
	exports   chan struct{}       // a slot per export streaming
	renders   *semaphore.Weighted // bytes of /map.png renders (renderBudget)
	perClient int                 // exports one client address may hold
	wait      time.Duration       // how long a request queues for a slot
	stall     time.Duration       // see DefaultStallTimeout

	mu      sync.Mutex
	clients map[string]int // exports held, by client address
}

func (s *Server) newLimits(wait time.Duration) *limits {
	n, e, pc, stall := s.MaxExpensive, s.MaxExports, s.MaxExportsPerClient, s.StallTimeout
	if n <= 0 {
		n = DefaultMaxExpensive
	}
	if e <= 0 {
		e = DefaultMaxExports
	}
	if pc <= 0 {
		pc = DefaultMaxExportsPerClient
	}
	if stall <= 0 {
		stall = DefaultStallTimeout
	}
	return &limits{expensive: make(chan struct{}, n), exports: make(chan struct{}, e), perClient: pc,
		renders: semaphore.NewWeighted(renderBudget), wait: wait, stall: stall, clients: map[string]int{}}
}

// limitExpensive returns the middleware that enforces the server's
// budgets: at most s.MaxExpensive expensive requests at once, and at most
// s.MaxExports exports, s.MaxExportsPerClient from one client address. A
// request that finds no free slot within expensiveWait gets 429 Too Many
// Requests with Retry-After and a JSON message, rather than queueing
// without bound; a client over its own export limit gets it at once.
// Both kinds of response are written under stall deadlines
// (stallWriter), and an expensive request gives its slot back when it
// starts writing its answer, so a client that stops reading holds neither
// a slot beyond its computation nor a connection beyond StallTimeout.
func (s *Server) limitExpensive() func(http.Handler) http.Handler {
	return s.limitExpensiveWith(s.newLimits(expensiveWait))
}

// limitExpensiveWith is limitExpensive with the given budgets.
func (s *Server) limitExpensiveWith(l *limits) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			switch {
			case isExport(r):
				s.serveExport(l, next, w, r)
			case r.URL.Path == "/map.png":
				s.serveRender(l, next, w, r)
			case expensive(r):
				s.serveExpensive(l, next, w, r)
			default:
				next.ServeHTTP(w, r)
			}
		})
	}
}

// serveExpensive runs an expensive request in one of the expensive slots,
// released at the first write of its body or at its end.
func (s *Server) serveExpensive(l *limits, next http.Handler, w http.ResponseWriter, r *http.Request) {
	if !acquire(l.expensive, l.wait, r) {
		if r.Context().Err() == nil {
			s.tooManyRequests(w, "too many expensive requests (images, tiles, clusters, counts, large pages) in progress: at most "+
				strconv.Itoa(cap(l.expensive))+" run at once")
		}
		return
	}
	var once sync.Once
	release := func() { once.Do(func() { <-l.expensive }) }
	defer release()
	sw := newStallWriter(w, l.stall)
	sw.onWrite = release
	defer sw.finish()
	next.ServeHTTP(sw, r)
}

// serveRender runs a /map.png request once the render budget has room for
// its estimated memory (renderWeight), and then, as any expensive request,
// in an expensive slot. The budget comes first, so that renders waiting
// for memory hold no slot that tiles need.
func (s *Server) serveRender(l *limits, next http.Handler, w http.ResponseWriter, r *http.Request) {
	n := renderWeight(r.URL.Query())
	ctx, cancel := context.WithTimeout(r.Context(), l.wait)
	err := l.renders.Acquire(ctx, n)
	cancel()
	if err != nil {
		if r.Context().Err() == nil {
			s.tooManyRequests(w, "too many map images being drawn: at most "+strconv.Itoa(renderBudget>>20)+
				" MiB of them at once (a 2048×2048 map at scale 2 takes all of it)")
		}
		return
	}
	defer l.renders.Release(n)
	s.serveExpensive(l, next, w, r)
	if n >= renderCollectWeight {
		// The render's buffers are garbage now, but stay in the heap
		// until a collection, and the next render would allocate as much
		// again beside them: a burst of maximal maps, one at a time,
		// still grew the heap by 292 MiB, twice what one holds.
		// Collecting before the budget is given back keeps what renders
		// hold at the budget. It costs milliseconds after a render of
		// a second or so, with the answer already sent.
		runtime.GC()
	}
}

// renderCollectWeight is the estimated size from which a render is
// followed by a collection (serveRender): a quarter of the budget.
const renderCollectWeight = renderBudget / 4

// renderWeight estimates the bytes a /map.png render of query q holds:
// its device pixels times renderBytesPerPixel, at most renderBudget. Bad
// sizes count as the default size; the handler refuses them.
func renderWeight(q url.Values) int64 {
	dim := func(name string, def, hi int) int64 {
		v, err := strconv.Atoi(q.Get(name))
		if err != nil || v < 1 || v > hi {
			return int64(def)
		}
		return int64(v)
	}
	w, h := dim("width", 800, tiles.MaxStaticSize), dim("height", 600, tiles.MaxStaticSize)
	sc := dim("scale", 1, 3)
	return min(w*h*sc*sc*renderBytesPerPixel, renderBudget)
}

// serveExport runs an export in one of the export slots, for as long as
// it streams.
func (s *Server) serveExport(l *limits, next http.Handler, w http.ResponseWriter, r *http.Request) {
	client := clientKey(r)
	if !l.takeClient(client) {
		s.tooManyRequests(w, "too many exports from your address: at most "+strconv.Itoa(l.perClient)+" at once")
		return
	}
	defer l.dropClient(client)
	if !acquire(l.exports, l.wait, r) {
		if r.Context().Err() == nil {
			s.tooManyRequests(w, "too many exports in progress: at most "+strconv.Itoa(cap(l.exports))+" run at once")
		}
		return
	}
	defer func() { <-l.exports }()
	sw := newStallWriter(w, l.stall)
	defer sw.finish()
	next.ServeHTTP(sw, r)
}

// acquire takes a slot of slots, waiting up to wait; false if none came
// free in time or the client left.
func acquire(slots chan struct{}, wait time.Duration, r *http.Request) bool {
	select {
	case slots <- struct{}{}:
		return true
	default:
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case slots <- struct{}{}:
		return true
	case <-t.C:
		return false
	case <-r.Context().Done():
		return false // the client left; nothing to answer
	}
}

func (l *limits) takeClient(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.clients[key] >= l.perClient {
		return false
	}
	l.clients[key]++
	return true
}

func (l *limits) dropClient(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.clients[key]--; l.clients[key] <= 0 {
		delete(l.clients, key)
	}
}

// clientKey is the address a per-client limit counts by: the remote IP,
// or its /64 for IPv6, which one subscriber usually holds whole. Behind a
// reverse proxy every client has the proxy's address (X-Forwarded-For is
// not trusted: any client can send it).
func clientKey(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return host
	}
	ip = ip.Unmap()
	if ip.Is6() {
		p, _ := ip.Prefix(64)
		return p.String()
	}
	return ip.String()
}

func (s *Server) tooManyRequests(w http.ResponseWriter, msg string) {
	w.Header().Set("Retry-After", strconv.Itoa(retryAfter))
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusTooManyRequests, map[string]string{
		"error": msg + "; retry after " + strconv.Itoa(retryAfter) + " s",
	})
}

// stallWriter writes a response in chunks of at most stallChunk bytes,
// each under a write deadline StallTimeout ahead, so a client that stops
// reading is dropped once a write has made no progress for that long,
// while one that reads slowly renews the deadline with every chunk. No
// deadline runs past maxResponseTime from the start. onWrite, when set,
// is called before the first write of the body.
type stallWriter struct {
	http.ResponseWriter
	rc      *http.ResponseController
	stall   time.Duration
	end     time.Time // maxResponseTime after the start
	onWrite func()
	wrote   bool
}

func newStallWriter(w http.ResponseWriter, stall time.Duration) *stallWriter {
	return &stallWriter{ResponseWriter: w, rc: http.NewResponseController(w), stall: stall,
		end: time.Now().Add(maxResponseTime)}
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (w *stallWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *stallWriter) Write(b []byte) (int, error) {
	if !w.wrote {
		w.wrote = true
		if w.onWrite != nil {
			w.onWrite()
		}
	}
	n := 0
	for len(b) > 0 {
		chunk := b[:min(len(b), stallChunk)]
		w.renew()
		m, err := w.ResponseWriter.Write(chunk)
		n += m
		if err != nil {
			return n, err
		}
		b = b[len(chunk):]
	}
	return n, nil
}

// renew sets the write deadline StallTimeout ahead (never past end). A
// ResponseWriter without deadlines (a test's recorder) is left as it is.
func (w *stallWriter) renew() {
	d := time.Now().Add(w.stall)
	if d.After(w.end) {
		d = w.end
	}
	_ = w.rc.SetWriteDeadline(d)
}

// finish pushes out what the server still buffers under a last stall
// deadline, then gives the connection the rest of maxResponseTime for
// the end of the response net/http writes after the handler returns
// (the deadline would otherwise carry over to the connection's next
// request on a server without a WriteTimeout).
func (w *stallWriter) finish() {
	if w.wrote {
		w.renew()
		_ = w.rc.Flush()
	}
	_ = w.rc.SetWriteDeadline(w.end)
}
