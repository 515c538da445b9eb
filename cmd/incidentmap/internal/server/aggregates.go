package server

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// Aggregates (/api/sources, /api/histogram) count every incident of a
// filter, so their cost grows with the data: they are expensive requests
// (limits.go), identical ones at one data version share one count
// (singleflight keyed by the version and the normalised query), and the
// encoded answer is kept in the response cache like /api/incidents pages.
// At 1M incidents sixteen concurrent ones used to run sixteen 13–22 s SQL
// counts, holding every pooled connection, and /api/version took 102 s.

// aggregateTimeout bounds a shared count, which runs on after the client
// that started it leaves (others may be waiting for it). The store may
// wait for its point cache to reach the data version first: a few seconds
// at 1M incidents.
const aggregateTimeout = time.Minute

// serveAggregate writes the JSON encoding of what count returns (plus a
// newline, as writeJSON does) for the request, whose normalised query is
// q: from the response cache, from a count that an identical request
// started, or from a count of its own. Call it after the request's
// validation and ETag check.
func (s *Server) serveAggregate(w http.ResponseWriter, r *http.Request, q url.Values, count func(context.Context) (any, error)) error {
	ctx := r.Context()
	var version int64
	if s.Versions != nil {
		var err error
		if version, err = s.Versions.DataVersion(ctx); err != nil {
			return err
		}
	}
	key := cacheKey(r.URL.Path, q)
	cached := s.Versions != nil && s.cache.enabled()
	if cached {
		if body, ok := s.cache.get(version, key); ok {
			writeAggregate(w, body, "hit")
			return nil
		}
	}
	ch := s.aggregates.DoChan(strconv.FormatInt(version, 10)+"\x00"+key, func() (any, error) {
		// Not the first asker's context: its leaving must not fail the
		// others waiting for the same count.
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), aggregateTimeout)
		defer cancel()
		v, err := count(ctx)
		if err != nil {
			return nil, err
		}
		body, err := json.Marshal(v)
		return append(body, '\n'), err
	})
	select {
	case res := <-ch:
		if res.Err != nil {
			return res.Err
		}
		body := res.Val.([]byte)
		state := "miss"
		if res.Shared {
			state = "shared"
		}
		// A count asked for by several clients at once is worth keeping
		// at once; one asked once, when it is asked again (admit).
		if cached && (res.Shared || s.cache.admit(version, key)) {
			s.cache.put(version, key, body)
		}
		writeAggregate(w, body, state)
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func writeAggregate(w http.ResponseWriter, body []byte, cache string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-Cache", cache)
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body) // a write error means the client left
}

// withoutParams returns a copy of q without the named parameters: those a
// count ignores, so that requests differing only in them share a count
// and a cache entry.
func withoutParams(q url.Values, names ...string) url.Values {
	out := make(url.Values, len(q))
	for k, v := range q {
		out[k] = v
	}
	for _, name := range names {
		delete(out, name)
	}
	return out
}
