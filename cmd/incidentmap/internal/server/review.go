package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/incidentmap/incidentmap/cmd/incidentmap/internal/export"
	"github.com/incidentmap/incidentmap/geo"
)

// GazetteerSearcher finds gazetteer places by name for the review panel;
// *gazetteer.Gazetteer implements it.
type GazetteerSearcher interface {
	// Search returns up to limit places named (or, for longer queries,
	// whose name starts with) q, in country cc when cc is not "".
	Search(q, cc string, limit int) []geo.Candidate
}

// maxReviewBody bounds a correction's JSON body; a real one is ~100 bytes.
const maxReviewBody = 8 << 10

// reviewRequest is the body of POST /api/incidents/{id}/review.
type reviewRequest struct {
	Action    geo.CorrectionAction `json:"action"`
	Lat       *float64             `json:"lat"`
	Lon       *float64             `json:"lon"`
	GeonameID int64                `json:"geonameid"`
	Role      geo.Role             `json:"role"`
	Country   string               `json:"country"`
	By        string               `json:"by"`
}

// handleReview serves POST /api/incidents/{id}/review: one correction,
// {"action":"move","lat":..,"lon":..} | {"action":"candidate","geonameid":..}
// | {"action":"role","role":"incident"|"mention"} | {"action":"reject"},
// with an optional "by" (the analyst's name; "token" when absent) and
// "country" (the rule's scope). It answers with the incident as a GeoJSON
// Feature; for reject, {"id":..,"rejected":true}.
func (s *Server) handleReview(w http.ResponseWriter, r *http.Request) error {
	if s.Review == nil {
		return geo.Errorf(geo.EFORBIDDEN, "this server does not accept corrections")
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxReviewBody))
	if err != nil {
		return err
	}
	var req reviewRequest
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		return geo.Errorf(geo.EINVALID, "request body: %s", jsonError(err))
	}
	if dec.More() {
		return geo.Errorf(geo.EINVALID, "request body: one JSON object expected")
	}
	c := geo.Correction{IncidentID: id, Action: req.Action, Lat: req.Lat, Lon: req.Lon, GeonameID: req.GeonameID,
		Role: req.Role, Country: strings.ToUpper(strings.TrimSpace(req.Country)), By: req.By}
	if err := c.Validate(); err != nil {
		return err
	}
	if c.By == "" {
		c.By = "token" // the only credential there is: the shared write token
	}
	in, err := s.Review.ApplyCorrection(r.Context(), c)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	if c.Action == geo.ActionReject {
		writeJSON(w, http.StatusOK, map[string]any{"id": in.ID, "rejected": true})
		return nil
	}
	w.Header().Set("Content-Type", "application/geo+json")
	_, _ = w.Write(append(export.AppendFeature(nil, in), '\n'))
	return nil
}

// jsonError describes a JSON decoding error without echoing the body.
func jsonError(err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.Is(err, io.EOF):
		return "empty, want a JSON object"
	case errors.As(err, &syn):
		return "malformed JSON"
	case errors.As(err, &typ):
		return "field " + truncate(typ.Field, 40) + ": wrong type"
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return "unknown field " + truncate(strings.TrimPrefix(err.Error(), "json: unknown field "), 40) +
			" (known: action, lat, lon, geonameid, role, country, by)"
	}
	return "not a JSON object"
}

// handleReviewQueue serves GET /api/review?limit=N: the places to review,
// those needing review first, then the least confident, as a GeoJSON
// FeatureCollection.
func (s *Server) handleReviewQueue(w http.ResponseWriter, r *http.Request) error {
	if s.Review == nil {
		return geo.Errorf(geo.ENOTFOUND, "this server has no review queue")
	}
	q, err := parseQuery(r)
	if err != nil {
		return err
	}
	for k := range q {
		if k != "limit" {
			return geo.ParamErrorf(k, "unknown parameter (known: limit)")
		}
	}
	limit, err := parseInt(q, "limit", 50, 1, 500)
	if err != nil {
		return err
	}
	if done, err := s.checkETag(r.Context(), w, r); err != nil || done {
		return err
	}
	incidents, err := s.Review.ReviewQueue(r.Context(), limit)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/geo+json")
	_, _ = w.Write(export.FeatureCollection(nil, incidents, len(incidents)))
	return nil
}

// handleGazetteerSearch serves GET /api/gazetteer/search?q=NAME&country=CC
// [&limit=N]: gazetteer places for the review panel's search.
func (s *Server) handleGazetteerSearch(w http.ResponseWriter, r *http.Request) error {
	if s.Gazetteer == nil {
		return geo.Errorf(geo.ENOTFOUND, "this server has no gazetteer search")
	}
	q, err := parseQuery(r)
	if err != nil {
		return err
	}
	for k := range q {
		switch k {
		case "q", "country", "limit":
		default:
			return geo.ParamErrorf(k, "unknown parameter (known: q, country, limit)")
		}
	}
	name := strings.TrimSpace(q.Get("q"))
	if name == "" {
		return geo.ParamErrorf("q", "required: the place name to search for")
	}
	if len(name) > 200 {
		return geo.ParamErrorf("q", "at most 200 bytes")
	}
	cc := strings.ToUpper(strings.TrimSpace(q.Get("country")))
	if cc != "" && (len(cc) != 2 || strings.Trim(cc, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "") {
		return geo.ParamErrorf("country", "%q is not a two-letter ISO country code", truncate(cc, 10))
	}
	limit, err := parseInt(q, "limit", 20, 1, 100)
	if err != nil {
		return err
	}
	places := s.Gazetteer.Search(name, cc, limit)
	if places == nil {
		places = []geo.Candidate{}
	}
	w.Header().Set("Cache-Control", "public, max-age=3600") // the gazetteer changes only on restart
	writeJSON(w, http.StatusOK, map[string]any{"places": places})
	return nil
}
