package server

import (
	"context"
	"net/http"

	"github.com/incidentmap/incidentmap/geo"
)

// handleHistogram serves GET /api/histogram?interval=day|week|month plus the
// incident filters: counts over event dates, for the map's time brush. An
// expensive request, counted once per data version and query
// (aggregates.go).
func (s *Server) handleHistogram(w http.ResponseWriter, r *http.Request) error {
	f, q, err := requestFilter(r, "interval")
	if err != nil {
		return err
	}
	interval := q.Get("interval")
	if interval == "" {
		interval = "month"
	}
	if s.Histogram == nil {
		return geo.Errorf(geo.ENOTFOUND, "this server has no histogram")
	}
	if done, err := s.checkETag(r.Context(), w, r); err != nil || done {
		return err
	}
	q = withoutParams(q, "limit", "offset", "after")
	q.Set("interval", interval)
	return s.serveAggregate(w, r, q, func(ctx context.Context) (any, error) {
		buckets, err := s.Histogram.Histogram(ctx, f, interval)
		if err != nil {
			return nil, err
		}
		type bucketJSON struct {
			Date  string `json:"date"`
			Count int    `json:"count"`
		}
		out := make([]bucketJSON, len(buckets))
		for i, b := range buckets {
			out[i] = bucketJSON{b.Date.Format(geo.DateLayout), b.Count}
		}
		return map[string]any{"interval": interval, "buckets": out}, nil
	})
}
