package server

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/incidentmap/incidentmap/cmd/incidentmap/internal/export"
	"github.com/incidentmap/incidentmap/geo"
)

// OGC API - Features Part 1 (Core + GeoJSON) under /ogc, so GIS clients
// (QGIS, ArcGIS, GDAL's OAPIF driver) open the data with no glue.

const (
	ogcDefaultLimit = 10
	ogcMaxLimit     = 10000
)

var ogcConformance = []string{
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
}

// ogcCollections maps collection ids to the role they hold.
var ogcCollections = []struct {
	id, title, description string
	role                   geo.Role
}{
	{"incidents", "Incidents", "Places where something a report describes happened.", geo.RoleIncident},
	{"mentions", "Mentions", "Places reports name for context: metonyms, demonyms, meeting places.", geo.RoleMention},
}

func (s *Server) registerOGCRoutes(r chi.Router) {
	r.Route("/ogc", func(r chi.Router) {
		r.Use(cors)
		r.Get("/", s.handle(s.handleOGCLanding))
		r.Get("/conformance", s.handle(s.handleOGCConformance))
		r.Get("/collections", s.handle(s.handleOGCCollections))
		r.Get("/collections/{cid}", s.handle(s.handleOGCCollection))
		r.Get("/collections/{cid}/items", s.handle(s.handleOGCItems))
		r.Get("/collections/{cid}/items/{id}", s.handle(s.handleOGCItem))
	})
}

// baseURL is the absolute URL of the server as the client reached it.
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https" {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

type link struct {
	Href  string `json:"href"`
	Rel   string `json:"rel"`
	Type  string `json:"type,omitempty"`
	Title string `json:"title,omitempty"`
}

func (s *Server) handleOGCLanding(w http.ResponseWriter, r *http.Request) error {
	b := baseURL(r) + "/ogc"
	writeJSON(w, http.StatusOK, map[string]any{
		"title":       "incidentmap",
		"description": "Incidents geoparsed from news reports, as OGC API - Features.",
		"links": []link{
			{b + "/", "self", "application/json", "This document"},
			{b + "/conformance", "conformance", "application/json", "Conformance classes"},
			{b + "/collections", "data", "application/json", "Collections"},
			{baseURL(r) + "/", "alternate", "text/html", "The map"},
		},
	})
	return nil
}

func (s *Server) handleOGCConformance(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, map[string]any{"conformsTo": ogcConformance})
	return nil
}

func (s *Server) collectionJSON(r *http.Request, i int) map[string]any {
	c := ogcCollections[i]
	b := baseURL(r) + "/ogc/collections/" + c.id
	return map[string]any{
		"id": c.id, "title": c.title, "description": c.description, "itemType": "feature",
		"crs": []string{"http://www.opengis.net/def/crs/OGC/1.3/CRS84"},
		"extent": map[string]any{
			"spatial":  map[string]any{"bbox": [][4]float64{{-180, -90, 180, 90}}, "crs": "http://www.opengis.net/def/crs/OGC/1.3/CRS84"},
			"temporal": map[string]any{"interval": [][2]any{{nil, nil}}, "trs": "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"},
		},
		"links": []link{
			{b, "self", "application/json", c.title},
			{b + "/items", "items", "application/geo+json", c.title + " as GeoJSON"},
		},
	}
}

func (s *Server) handleOGCCollections(w http.ResponseWriter, r *http.Request) error {
	var cs []map[string]any
	for i := range ogcCollections {
		cs = append(cs, s.collectionJSON(r, i))
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"links":       []link{{baseURL(r) + "/ogc/collections", "self", "application/json", "Collections"}},
		"collections": cs,
	})
	return nil
}

func collectionIndex(r *http.Request) (int, error) {
	cid := chi.URLParam(r, "cid")
	for i, c := range ogcCollections {
		if c.id == cid {
			return i, nil
		}
	}
	return 0, geo.Errorf(geo.ENOTFOUND, "no collection %q (have incidents, mentions)", truncate(cid, 40))
}

func (s *Server) handleOGCCollection(w http.ResponseWriter, r *http.Request) error {
	i, err := collectionIndex(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, s.collectionJSON(r, i))
	return nil
}

// handleOGCItems serves the items of a collection with bbox, datetime,
// limit/offset paging (next/prev links) and the API's other filters.
func (s *Server) handleOGCItems(w http.ResponseWriter, r *http.Request) error {
	i, err := collectionIndex(r)
	if err != nil {
		return err
	}
	q, err := parseQuery(r)
	if err != nil {
		return err
	}
	if err := checkParams(q, "datetime", "f"); err != nil {
		return err
	}
	if f := q.Get("f"); f != "" && f != "json" && f != "geojson" {
		return geo.ParamErrorf("f", "%q is not supported (json)", truncate(f, 20))
	}
	if q.Has("role") {
		return geo.ParamErrorf("role", "each collection holds one role: use /collections/incidents or /collections/mentions")
	}
	lq := cloneValues(q)
	if !lq.Has("limit") {
		lq.Set("limit", strconv.Itoa(ogcDefaultLimit))
	} else if n, err := strconv.Atoi(lq.Get("limit")); err == nil && n > ogcMaxLimit {
		// The standard says a server clamps a too-large limit rather than failing.
		lq.Set("limit", strconv.Itoa(ogcMaxLimit))
	}
	lq.Del("datetime")
	lq.Del("f")
	f, err := parseFilter(lq)
	if err != nil {
		return err
	}
	f.Roles = []geo.Role{ogcCollections[i].role}
	if from, to, err := parseDatetime(q.Get("datetime")); err != nil {
		return err
	} else {
		f.From, f.To = maxTime(f.From, from), minTime(f.To, to)
	}
	if done, err := s.checkETag(r.Context(), w, r); err != nil || done {
		return err
	}
	incidents, matched, err := s.Incidents.FindIncidents(r.Context(), f)
	if err != nil {
		return err
	}
	self := baseURL(r) + r.URL.Path
	links := []link{{self + "?" + q.Encode(), "self", "application/geo+json", "this page"},
		{baseURL(r) + "/ogc/collections/" + ogcCollections[i].id, "collection", "application/json", ""}}
	page := func(offset int) string {
		pq := cloneValues(q)
		pq.Set("offset", strconv.Itoa(offset))
		pq.Set("limit", strconv.Itoa(f.Limit))
		return self + "?" + pq.Encode()
	}
	if f.Offset+len(incidents) < matched {
		links = append(links, link{page(f.Offset + f.Limit), "next", "application/geo+json", "next page"})
	}
	if f.Offset > 0 {
		links = append(links, link{page(max(0, f.Offset-f.Limit)), "prev", "application/geo+json", "previous page"})
	}
	b := export.FeatureCollection(nil, incidents, matched)
	// Splice timeStamp and links into the collection's top level.
	tail := []byte(`,"timeStamp":"` + time.Now().UTC().Format(time.RFC3339) + `","links":[`)
	for j, l := range links {
		if j > 0 {
			tail = append(tail, ',')
		}
		tail = append(tail, `{"href":`...)
		tail = export.AppendString(tail, l.Href)
		tail = append(tail, `,"rel":"`+l.Rel+`","type":"`+l.Type+`"}`...)
	}
	tail = append(tail, "]}\n"...)
	b = append(b[:len(b)-2], tail...)
	w.Header().Set("Content-Type", "application/geo+json")
	_, _ = w.Write(b)
	return nil
}

func (s *Server) handleOGCItem(w http.ResponseWriter, r *http.Request) error {
	i, err := collectionIndex(r)
	if err != nil {
		return err
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	in, err := s.Incidents.FindIncidentByID(r.Context(), id)
	if err != nil {
		return err
	}
	if in.Role != ogcCollections[i].role {
		return geo.Errorf(geo.ENOTFOUND, "feature %d is not in collection %s", id, ogcCollections[i].id)
	}
	w.Header().Set("Content-Type", "application/geo+json")
	_, _ = w.Write(append(export.AppendFeature(nil, in), '\n'))
	return nil
}

// parseDatetime parses the OGC datetime parameter: an RFC 3339 instant or
// date, or an interval "start/end" with ".." or "" for an open end.
// Incidents are dated to the day, so bounds are truncated to dates.
func parseDatetime(v string) (from, to *time.Time, err error) {
	if v == "" {
		return nil, nil, nil
	}
	parse := func(s string) (*time.Time, error) {
		if s == ".." || s == "" {
			return nil, nil
		}
		for _, layout := range []string{time.RFC3339Nano, geo.DateLayout} {
			if t, err := time.Parse(layout, s); err == nil {
				d := time.Date(t.UTC().Year(), t.UTC().Month(), t.UTC().Day(), 0, 0, 0, 0, time.UTC)
				return &d, nil
			}
		}
		return nil, geo.ParamErrorf("datetime", "%q is not an RFC 3339 date-time or date", truncate(s, 40))
	}
	parts := strings.Split(v, "/")
	switch len(parts) {
	case 1:
		t, err := parse(parts[0])
		if err != nil || t == nil {
			if err == nil {
				err = geo.ParamErrorf("datetime", "an instant cannot be open (..)")
			}
			return nil, nil, err
		}
		return t, t, nil
	case 2:
		if from, err = parse(parts[0]); err != nil {
			return nil, nil, err
		}
		if to, err = parse(parts[1]); err != nil {
			return nil, nil, err
		}
		if from != nil && to != nil && to.Before(*from) {
			return nil, nil, geo.ParamErrorf("datetime", "the interval ends before it starts")
		}
		return from, to, nil
	}
	return nil, nil, geo.ParamErrorf("datetime", "want an instant or start/end")
}

func maxTime(a, b *time.Time) *time.Time {
	if a == nil || (b != nil && b.After(*a)) {
		return b
	}
	return a
}

func minTime(a, b *time.Time) *time.Time {
	if a == nil || (b != nil && b.Before(*a)) {
		return b
	}
	return a
}

func cloneValues(q url.Values) url.Values {
	c := make(url.Values, len(q))
	for k, v := range q {
		c[k] = append([]string(nil), v...)
	}
	return c
}
