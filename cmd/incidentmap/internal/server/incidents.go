package server

import (
	"bytes"
	"context"
	"net/http"
	"strconv"
	"sync"

	"github.com/go-chi/chi/v5"

	"github.com/incidentmap/incidentmap/cmd/incidentmap/internal/export"

	"github.com/incidentmap/incidentmap/geo"
)

// bufPool recycles encoding buffers across requests.
var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 64<<10); return &b }}

// handleIncidentList serves GET /api/incidents as a GeoJSON FeatureCollection.
func (s *Server) handleIncidentList(w http.ResponseWriter, r *http.Request) error {
	f, q, err := requestFilter(r)
	if err != nil {
		return err
	}
	if done, err := s.checkETag(r.Context(), w, r); err != nil || done {
		return err
	}
	// Read the version before the query: a write landing in between
	// leaves newer data under the older version, never the reverse.
	version, key, cached := int64(0), "", s.Versions != nil && s.cache.enabled()
	if s.Versions != nil {
		if version, err = s.Versions.DataVersion(r.Context()); err != nil {
			return err
		}
	}
	if cached {
		key = cacheKey(r.URL.Path, q)
		if body, ok := s.cache.get(version, key); ok {
			w.Header().Set("Content-Type", "application/geo+json")
			w.Header().Set("X-Cache", "hit")
			_, _ = w.Write(body)
			return nil
		}
	}
	incidents, matched, err := s.Incidents.FindIncidents(r.Context(), f)
	if err != nil {
		return err
	}
	bp := bufPool.Get().(*[]byte)
	defer bufPool.Put(bp)
	var b []byte
	if s.Versions != nil {
		b = s.features.appendCollection((*bp)[:0], version, incidents, matched, f.AfterID == 0 && f.Offset == 0)
	} else {
		b = export.FeatureCollection((*bp)[:0], incidents, matched)
	}
	*bp = b
	w.Header().Set("Content-Type", "application/geo+json")
	if cached {
		if s.cache.admit(version, key) {
			s.cache.put(version, key, bytes.Clone(b))
		}
		w.Header().Set("X-Cache", "miss")
	}
	_, _ = w.Write(b) // a write error means the client left
	return nil
}

// handleIncidentGet serves GET /api/incidents/{id} as a GeoJSON Feature.
func (s *Server) handleIncidentGet(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if done, err := s.checkETag(r.Context(), w, r); err != nil || done {
		return err
	}
	in, err := s.Incidents.FindIncidentByID(r.Context(), id)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/geo+json")
	_, _ = w.Write(append(export.AppendFeature(nil, in), '\n'))
	return nil
}

// handleSourceList serves GET /api/sources: outlets and claimants with
// their incident counts under the other filters (the source filters and
// paging do not apply). An expensive request, counted once per data
// version and query (aggregates.go).
func (s *Server) handleSourceList(w http.ResponseWriter, r *http.Request) error {
	f, q, err := requestFilter(r)
	if err != nil {
		return err
	}
	if done, err := s.checkETag(r.Context(), w, r); err != nil || done {
		return err
	}
	q = withoutParams(q, "source", "source_kind", "limit", "offset", "after")
	return s.serveAggregate(w, r, q, func(ctx context.Context) (any, error) {
		sources, err := s.Incidents.FindSources(ctx, f)
		if err != nil {
			return nil, err
		}
		if sources == nil {
			sources = []geo.SourceCount{}
		}
		return map[string]any{"sources": sources}, nil
	})
}

// handleVersion serves GET /api/version: the data version and when the
// data last changed (the embed's "data as of" stamp).
func (s *Server) handleVersion(w http.ResponseWriter, r *http.Request) error {
	var v int64
	var updated *string
	if s.Versions != nil {
		var err error
		if v, err = s.Versions.DataVersion(r.Context()); err != nil {
			return err
		}
	}
	if s.Changes != nil && v > 0 {
		changes, err := s.Changes.Changes(r.Context(), v-1, 1)
		if err != nil {
			return err
		}
		if len(changes) > 0 {
			at := changes[0].At.UTC().Format("2006-01-02T15:04:05Z")
			updated = &at
		}
	}
	w.Header().Set("Cache-Control", "no-cache")
	writeJSON(w, http.StatusOK, map[string]any{"version": v, "updated": updated})
	return nil
}

func pathID(r *http.Request) (int64, error) {
	v := chi.URLParam(r, "id")
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id < 1 {
		return 0, geo.ParamErrorf("id", "%q is not a positive integer id", truncate(v, 40))
	}
	return id, nil
}
