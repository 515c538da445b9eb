// Package filterquery turns query parameters (an API request's, or the
// export and render commands' flags, which take the same values) into a
// geo.IncidentFilter. It knows url.Values, not HTTP: every error is a
// geo.Error with code EINVALID naming its parameter.
package filterquery

import (
	"math"
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

// Params are the query parameters ParseFilter understands; every
// incident endpoint accepts them, so links can be moved between endpoints.
var Params = []string{"from", "to", "source", "source_kind", "bbox", "limit", "offset", "after",
	"role", "max_precision", "precision", "disputed", "needs_review", "report_id"}

// CheckParams rejects parameters that are not in allowed or Params,
// so a misspelt filter ("soruce=") is an error, not a silently wider result.
func CheckParams(q url.Values, allowed ...string) error {
	for name := range q {
		if !contains(Params, name) && !contains(allowed, name) {
			return geo.ParamErrorf(name, "unknown parameter (known: %s)", strings.Join(append(append([]string{}, Params...), allowed...), ", "))
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

// ParseFilter turns query parameters (or the export command's flags, which
// take the same values) into an IncidentFilter that passes Validate. Every
// error names its parameter, as clients (and people) need to know which one.
func ParseFilter(q url.Values) (geo.IncidentFilter, error) {
	var f geo.IncidentFilter
	var err error
	if f.From, err = ParseDate(q, "from"); err != nil {
		return f, err
	}
	if f.To, err = ParseDate(q, "to"); err != nil {
		return f, err
	}
	// Checked here as well as in Validate: the API names "to" (the
	// parameter a client most likely got wrong), the stores "from".
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
	if f.Limit, err = ParseInt(q, "limit", DefaultLimit, 1, MaxLimit); err != nil {
		return f, err
	}
	if f.Offset, err = ParseInt(q, "offset", 0, 0, math.MaxInt32); err != nil {
		return f, err
	}
	after, err := ParseInt(q, "after", 0, 0, math.MaxInt)
	if err != nil {
		return f, err
	}
	f.AfterID = int64(after)
	reportID, err := ParseInt(q, "report_id", 0, 1, math.MaxInt)
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
			if f.MaxPrecision, err = ParseInt(q, name, 0, 1, 3); err != nil {
				return f, err
			}
		}
	}
	if f.Disputed, err = ParseBool(q, "disputed"); err != nil {
		return f, err
	}
	if f.NeedsReview, err = ParseBool(q, "needs_review"); err != nil {
		return f, err
	}
	return f, f.Validate()
}

// ParseDate parses q's name as YYYY-MM-DD; nil if absent.
func ParseDate(q url.Values, name string) (*time.Time, error) {
	v := q.Get(name)
	if v == "" {
		if q.Has(name) {
			return nil, geo.ParamErrorf(name, "empty date, want YYYY-MM-DD")
		}
		return nil, nil
	}
	t, err := time.Parse(geo.DateLayout, v)
	if err != nil {
		return nil, geo.ParamErrorf(name, "%q is not a valid date (want YYYY-MM-DD, e.g. 2020-01-23)", Truncate(v, 40))
	}
	return &t, nil
}

// ParseInt parses q's name as an integer within min..max; def if absent.
func ParseInt(q url.Values, name string, def, min, max int) (int, error) {
	v := q.Get(name)
	if v == "" {
		if q.Has(name) {
			return 0, geo.ParamErrorf(name, "empty value, want an integer")
		}
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, geo.ParamErrorf(name, "%q is not an integer", Truncate(v, 40))
	}
	if n < min || n > max {
		return 0, geo.ParamErrorf(name, "%d is out of range %d..%d", n, min, max)
	}
	return n, nil
}

// ParseBool parses q's name as true or false; nil if absent.
func ParseBool(q url.Values, name string) (*bool, error) {
	v := q.Get(name)
	if v == "" {
		return nil, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return nil, geo.ParamErrorf(name, "%q is not true or false", Truncate(v, 40))
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
			return b, geo.ParamErrorf("bbox", "%q is not a finite number", Truncate(p, 40))
		}
		b[i] = x
	}
	return b, geo.ValidateBound(b)
}

// Truncate shortens s to n bytes plus an ellipsis, so an error message
// does not echo a huge parameter.
func Truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
