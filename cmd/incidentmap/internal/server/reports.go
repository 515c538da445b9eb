package server

import (
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/incidentmap/incidentmap/cmd/incidentmap/internal/export"
	"github.com/incidentmap/incidentmap/geo"
	"github.com/incidentmap/incidentmap/geo/reportfile"
)

// reportJSON is a report as the API shows it, with the places found in it.
type reportJSON struct {
	ID        int64           `json:"id"`
	Title     string          `json:"title"`
	Text      string          `json:"text"`
	Published string          `json:"published"`
	Source    string          `json:"source"`
	URL       string          `json:"url"`
	Ingested  time.Time       `json:"ingested"`
	Places    json.RawMessage `json:"places"`
}

func newReportJSON(rep *geo.Report, incidents []*geo.Incident) reportJSON {
	b := []byte{'['}
	for i, in := range incidents {
		if i > 0 {
			b = append(b, ',')
		}
		// A place is an incident's properties plus its point, so the
		// report view and the map read the same fields.
		props := export.AppendProperties(nil, in)
		b = append(b, props[:len(props)-1]...)
		b = append(b, `,"lat":`...)
		b = export.AppendCoord(b, in.Lat)
		b = append(b, `,"lon":`...)
		b = export.AppendCoord(b, in.Lon)
		b = append(b, '}')
	}
	b = append(b, ']')
	return reportJSON{ID: rep.ID, Title: rep.Title, Text: rep.Text, Published: rep.Published.Format(geo.DateLayout),
		Source: rep.Source, URL: rep.URL, Ingested: rep.Ingested, Places: b}
}

// handleReportGet serves GET /api/reports/{id}.
func (s *Server) handleReportGet(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if done, err := s.checkETag(r.Context(), w, r); err != nil || done {
		return err
	}
	rep, incidents, err := s.Reports.FindReportByID(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newReportJSON(rep, incidents))
	return nil
}

// handleReportCreate serves POST /api/reports: a JSON report
// {"title","text","published","source","url"} or text/plain in the seed
// format. 201 with the report and its places; 200 if it was already stored.
func (s *Server) handleReportCreate(w http.ResponseWriter, r *http.Request) error {
	if s.Ingester == nil {
		return geo.Errorf(geo.EFORBIDDEN, "this server does not accept reports")
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.maxBody()))
	if err != nil {
		return err
	}
	name := "request body"
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch {
	case mt == "application/json" || strings.HasSuffix(mt, "+json"):
		name = "request.json"
	case mt == "" || mt == "text/plain":
		name = "request.txt"
	default:
		return geo.Errorf(geo.EINVALID, "unsupported Content-Type %q: send application/json or text/plain", truncate(mt, 60))
	}
	rep, err := reportfile.Parse(name, body)
	if err != nil {
		return err
	}
	if src := r.URL.Query().Get("source"); strings.IndexByte(src, 0) >= 0 {
		return geo.ParamErrorf("source", "binary content (a NUL character)")
	} else if src != "" && rep.Source == "" {
		rep.Source = src
	}
	created, incidents, err := s.Ingester.Ingest(r.Context(), rep)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
		w.Header().Set("Location", "/api/reports/"+itoa(rep.ID))
	}
	out := newReportJSON(rep, incidents)
	writeJSON(w, status, struct {
		Created bool `json:"created"`
		reportJSON
	}{created, out})
	return nil
}

// handleReportDelete serves DELETE /api/reports/{id}.
func (s *Server) handleReportDelete(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.Reports.DeleteReport(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
