package server

import (
	"net/http"

	"github.com/incidentmap/incidentmap/geo"
)

// handleHistogram serves GET /api/histogram?interval=day|week|month plus the
// incident filters: counts over event dates, for the map's time brush.
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
	buckets, err := s.Histogram.Histogram(r.Context(), f, interval)
	if err != nil {
		return err
	}
	type bucketJSON struct {
		Date  string `json:"date"`
		Count int    `json:"count"`
	}
	out := make([]bucketJSON, len(buckets))
	for i, b := range buckets {
		out[i] = bucketJSON{b.Date.Format(geo.DateLayout), b.Count}
	}
	writeJSON(w, http.StatusOK, map[string]any{"interval": interval, "buckets": out})
	return nil
}
