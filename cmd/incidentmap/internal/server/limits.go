package server

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// DefaultMaxExpensive is how many expensive requests (see expensive) may
// run at once when Server.MaxExpensive is zero. Each one can hold a CPU and
// a database connection for a while, and the machine has few of either:
// past this, more work in parallel only makes every request slower. It is
// above the 6 connections a browser opens to one HTTP/1.1 host, so one
// map loading its tiles never queues; several heavy clients do.
const DefaultMaxExpensive = 8

// expensiveWait is how long an expensive request waits for a free slot
// before it is refused. The queue absorbs bursts (several maps loading
// tiles at once, each tile quick); it ends so that an overloaded server
// answers 429 instead of holding connections open without bound.
const expensiveWait = 5 * time.Second

// retryAfter is the Retry-After a refused request gets, in seconds.
const retryAfter = 1

// expensive reports whether r is one of the requests whose cost grows with
// the data (streams every match, renders an image, encodes a tile, or asks
// for more than a default page of features). Cheap reads — a default page
// of /api/incidents, a report, the version — are never limited, so the map
// keeps working while exports run.
func expensive(r *http.Request) bool {
	p := r.URL.Path
	switch {
	case p == "/api/export", p == "/map.png", p == "/api/clusters", strings.HasPrefix(p, "/tiles/"):
		return true
	case p == "/api/incidents", strings.HasPrefix(p, "/ogc/collections/") && strings.HasSuffix(p, "/items"):
		// The limit itself is capped at MaxLimit by parseFilter; above a
		// default page a request costs enough to count.
		n, err := strconv.Atoi(r.URL.Query().Get("limit"))
		return err == nil && n > DefaultLimit
	}
	return false
}

// limitExpensive returns a middleware that lets at most s.MaxExpensive
// expensive requests run at once. A request that finds no free slot within
// expensiveWait gets 429 Too Many Requests with Retry-After and a JSON
// message, rather than queueing without bound. Each Handler gets its own
// slots, so two servers in one process do not share a budget.
func (s *Server) limitExpensive() func(http.Handler) http.Handler {
	n := s.MaxExpensive
	if n <= 0 {
		n = DefaultMaxExpensive
	}
	return s.limitExpensiveWith(n, expensiveWait)
}

// limitExpensiveWith is limitExpensive with n slots and the given wait.
func (s *Server) limitExpensiveWith(n int, wait time.Duration) func(http.Handler) http.Handler {
	slots := make(chan struct{}, n)
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !expensive(r) {
				next.ServeHTTP(w, r)
				return
			}
			select {
			case slots <- struct{}{}:
			default:
				t := time.NewTimer(wait)
				select {
				case slots <- struct{}{}:
					t.Stop()
				case <-t.C:
					s.tooManyRequests(w, n)
					return
				case <-r.Context().Done():
					t.Stop()
					return // the client left; nothing to answer
				}
			}
			defer func() { <-slots }()
			next.ServeHTTP(w, r)
		})
	}
}

func (s *Server) tooManyRequests(w http.ResponseWriter, n int) {
	w.Header().Set("Retry-After", strconv.Itoa(retryAfter))
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusTooManyRequests, map[string]string{
		"error": "too many expensive requests (exports, images, tiles, large pages) in progress: at most " +
			strconv.Itoa(n) + " run at once; retry after " + strconv.Itoa(retryAfter) + " s",
	})
}
