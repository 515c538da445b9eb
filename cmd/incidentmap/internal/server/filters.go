package server

import (
	"net/http"
	"net/url"

	"github.com/incidentmap/incidentmap/geo"
	"github.com/incidentmap/incidentmap/geo/filterquery"
)

// MaxLimit is the most features one request may ask for.
const MaxLimit = filterquery.MaxLimit

// DefaultLimit is used when a request gives no limit.
const DefaultLimit = filterquery.DefaultLimit

// The query parsing lives in geo/filterquery, shared with the export and
// render commands; these are the names the handlers use.
var (
	parseFilter = filterquery.ParseFilter
	checkParams = filterquery.CheckParams
	parseInt    = filterquery.ParseInt
	truncate    = filterquery.Truncate
)

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
