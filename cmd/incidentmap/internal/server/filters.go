package server

import (
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/incidentmap/incidentmap/geo"
)

// MaxLimit is the most features one request may ask for.
const MaxLimit = 10000

// DefaultLimit is used when a request gives no limit.
const DefaultLimit = 1000

// filterParams are the query parameters parseFilter understands; every
// incident endpoint accepts them, so links can be moved between endpoints.
var filterParams = []string{"from", "to", "source", "source_kind", "bbox", "limit", "offset", "after",
	"role", "max_precision", "precision", "disputed", "needs_review", "report_id"}

// parseQuery parses the query string strictly: where r.URL.Query() would
// silently drop a malformed pair (a bare ";" or bad %-escape), and with it a
// filter the client meant, this is a 400.
func parseQuery(r *http.Request) (url.Values, error) {
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, geo.ParamErrorf("query", "malformed query string: %v", err)
	}
	return q, nil
}

// requestFilter is the common start of every incident endpoint: the query
// parsed strictly, no parameter beyond the filters and allowed, and the
// filter. The raw values come back for the endpoint's own parameters.
func requestFilter(r *http.Request, allowed ...string) (geo.IncidentFilter, url.Values, error) {
	q, err := parseQuery(r)
	if err != nil {
		return geo.IncidentFilter{}, nil, err
	}
	if err := checkParams(q, allowed...); err != nil {
		return geo.IncidentFilter{}, nil, err
	}
	f, err := parseFilter(q)
	return f, q, err
}

// checkParams rejects parameters that are not in allowed or filterParams,
// so a misspelt filter ("soruce=") is an error, not a silently wider result.
func checkParams(q url.Values, allowed ...string) error {
	for name := range q {
		if !contains(filterParams, name) && !contains(allowed, name) {
			return geo.ParamErrorf(name, "unknown parameter (known: %s)", strings.Join(append(append([]string{}, filterParams...), allowed...), ", "))
		}
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// ParseFilter parses filter query parameters (or the export command's
// flags, which take the same values) into an IncidentFilter.
func ParseFilter(q url.Values) (geo.IncidentFilter, error) { return parseFilter(q) }

// parseFilter turns query parameters into an IncidentFilter. Every error
// names its parameter, as clients (and people) need to know which one.
func parseFilter(q url.Values) (geo.IncidentFilter, error) {
	var f geo.IncidentFilter
	var err error
	if f.From, err = parseDate(q, "from"); err != nil {
		return f, err
	}
	if f.To, err = parseDate(q, "to"); err != nil {
		return f, err
	}
	if f.From != nil && f.To != nil && f.To.Before(*f.From) {
		return f, geo.ParamErrorf("to", "%s is before from (%s)", f.To.Format(geo.DateLayout), f.From.Format(geo.DateLayout))
	}
	for _, s := range q["source"] {
		s = strings.TrimSpace(s)
		if s == "" {
			return f, geo.ParamErrorf("source", "empty source name")
		}
		if len(s) > 200 {
			return f, geo.ParamErrorf("source", "source name longer than 200 bytes")
		}
		f.Sources = append(f.Sources, s)
	}
	if v := q.Get("source_kind"); v != "" {
		f.SourceKind = geo.SourceKind(v)
		if !f.SourceKind.Valid() {
			return f, geo.ParamErrorf("source_kind", "%q is not outlet or claimant", v)
		}
	}
	if v := q.Get("bbox"); v != "" {
		b, err := ParseBBox(v)
		if err != nil {
			return f, err
		}
		f.BBox = &b
	}
	if f.Limit, err = parseInt(q, "limit", DefaultLimit, 1, MaxLimit); err != nil {
		return f, err
	}
	if f.Offset, err = parseInt(q, "offset", 0, 0, math.MaxInt32); err != nil {
		return f, err
	}
	after, err := parseInt(q, "after", 0, 0, math.MaxInt)
	if err != nil {
		return f, err
	}
	f.AfterID = int64(after)
	reportID, err := parseInt(q, "report_id", 0, 1, math.MaxInt)
	if err != nil {
		return f, err
	}
	f.ReportID = int64(reportID)
	for _, v := range q["role"] {
		for _, part := range strings.Split(v, ",") {
			role := geo.Role(strings.TrimSpace(part))
			if role == "all" {
				f.Roles = append(f.Roles, geo.RoleIncident, geo.RoleMention)
				continue
			}
			if !role.Valid() {
				return f, geo.ParamErrorf("role", "%q is not incident, mention or all", part)
			}
			f.Roles = append(f.Roles, role)
		}
	}
	for _, name := range []string{"max_precision", "precision"} {
		if q.Has(name) {
			if f.MaxPrecision, err = parseInt(q, name, 0, 1, 3); err != nil {
				return f, err
			}
		}
	}
	if f.Disputed, err = parseBool(q, "disputed"); err != nil {
		return f, err
	}
	if f.NeedsReview, err = parseBool(q, "needs_review"); err != nil {
		return f, err
	}
	return f, nil
}

func parseDate(q url.Values, name string) (*time.Time, error) {
	v := q.Get(name)
	if v == "" {
		if q.Has(name) {
			return nil, geo.ParamErrorf(name, "empty date, want YYYY-MM-DD")
		}
		return nil, nil
	}
	t, err := time.Parse(geo.DateLayout, v)
	if err != nil {
		return nil, geo.ParamErrorf(name, "%q is not a valid date (want YYYY-MM-DD, e.g. 2020-01-23)", truncate(v, 40))
	}
	return &t, nil
}

func parseInt(q url.Values, name string, def, min, max int) (int, error) {
	v := q.Get(name)
	if v == "" {
		if q.Has(name) {
			return 0, geo.ParamErrorf(name, "empty value, want an integer")
		}
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, geo.ParamErrorf(name, "%q is not an integer", truncate(v, 40))
	}
	if n < min || n > max {
		return 0, geo.ParamErrorf(name, "%d is out of range %d..%d", n, min, max)
	}
	return n, nil
}

func parseBool(q url.Values, name string) (*bool, error) {
	v := q.Get(name)
	if v == "" {
		return nil, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return nil, geo.ParamErrorf(name, "%q is not true or false", truncate(v, 40))
	}
	return &b, nil
}

// ParseBBox parses "minLon,minLat,maxLon,maxLat" in WGS 84 degrees.
func ParseBBox(v string) ([4]float64, error) {
	var b [4]float64
	parts := strings.Split(v, ",")
	if len(parts) != 4 {
		return b, geo.ParamErrorf("bbox", "want 4 numbers minLon,minLat,maxLon,maxLat, got %d", len(parts))
	}
	for i, p := range parts {
		x, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
			return b, geo.ParamErrorf("bbox", "%q is not a finite number", truncate(p, 40))
		}
		b[i] = x
	}
	switch {
	case b[0] < -180 || b[2] > 180 || b[0] > 180 || b[2] < -180:
		return b, geo.ParamErrorf("bbox", "longitudes must be within -180..180")
	case b[1] < -90 || b[3] > 90 || b[1] > 90 || b[3] < -90:
		return b, geo.ParamErrorf("bbox", "latitudes must be within -90..90")
	case b[0] > b[2]:
		return b, geo.ParamErrorf("bbox", "minLon %g is greater than maxLon %g", b[0], b[2])
	case b[1] > b[3]:
		return b, geo.ParamErrorf("bbox", "minLat %g is greater than maxLat %g", b[1], b[3])
	}
	return b, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
