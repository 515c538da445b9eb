package server

import (
	"net/http"
	"strconv"

	"github.com/incidentmap/incidentmap/cmd/incidentmap/internal/staticmap"
	"github.com/incidentmap/incidentmap/geo"
	"github.com/incidentmap/incidentmap/tiles"
)

// handleStaticMap serves GET /map.png: a PNG for print and reports.
func (s *Server) handleStaticMap(w http.ResponseWriter, r *http.Request) error {
	q, err := parseQuery(r)
	if err != nil {
		return err
	}
	if s.Points == nil {
		return geo.Errorf(geo.ENOTFOUND, "this server has no static maps")
	}
	// The ETag first: a revalidation skips reading the points. An error
	// below drops the ETag again (writeError).
	if done, err := s.checkETag(r.Context(), w, r); err != nil || done {
		return err
	}
	o, err := staticmap.Options(r.Context(), s.Points, s.baseMap(r.Context()), q)
	if err != nil {
		return err
	}
	png, err := tiles.RenderMap(o)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Content-Length", strconv.Itoa(len(png)))
	_, _ = w.Write(png)
	return nil
}
