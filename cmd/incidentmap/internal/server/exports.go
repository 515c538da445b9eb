package server

import (
	"net/http"
	"strconv"

	"github.com/incidentmap/incidentmap/cmd/incidentmap/internal/export"
	"github.com/incidentmap/incidentmap/geo"
)

// handleExport serves GET /api/export?format=geojson|csv|kml with the same
// filters as /api/incidents, streaming every match (no limit) in constant
// memory.
func (s *Server) handleExport(w http.ResponseWriter, r *http.Request) error {
	f, q, err := requestFilter(r, "format")
	if err != nil {
		return err
	}
	format, err := export.ParseFormat(q.Get("format"))
	if err != nil {
		return err
	}
	if done, err := s.checkETag(r.Context(), w, r); err != nil || done {
		return err
	}
	w.Header().Set("Content-Type", format.ContentType)
	w.Header().Set("Content-Disposition", `attachment; filename="`+export.Filename(format)+`"`)
	if r.Method == http.MethodHead {
		return nil // the headers are the answer; streaming every match would be thrown away
	}
	n, err := export.Write(r.Context(), w, format, s.Incidents, f)
	if err != nil {
		// Headers are gone; all we can do is log and cut the stream.
		s.logger().Warn("export interrupted", "format", format.Name, "written", n, "err", err)
	}
	return nil
}

// handleChanges serves GET /api/changes?since=VERSION: what changed after a
// data version, so clients can sync without re-reading everything.
func (s *Server) handleChanges(w http.ResponseWriter, r *http.Request) error {
	q, err := parseQuery(r)
	if err != nil {
		return err
	}
	for k := range q {
		if k != "since" && k != "limit" {
			return geo.ParamErrorf(k, "unknown parameter (known: since, limit)")
		}
	}
	since, err := parseInt(q, "since", 0, 0, int(^uint(0)>>1))
	if err != nil {
		return err
	}
	limit, err := parseInt(q, "limit", 1000, 1, 10000)
	if err != nil {
		return err
	}
	if s.Changes == nil {
		return geo.Errorf(geo.ENOTFOUND, "this server keeps no change log")
	}
	changes, err := s.Changes.Changes(r.Context(), int64(since), limit)
	if err != nil {
		return err
	}
	version, err := s.Changes.DataVersion(r.Context())
	if err != nil {
		return err
	}
	if changes == nil {
		changes = []geo.Change{}
	}
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("X-Data-Version", strconv.FormatInt(version, 10))
	writeJSON(w, http.StatusOK, map[string]any{"version": version, "since": since, "changes": changes})
	return nil
}
