package filterquery

import (
	"errors"
	"math"
	"net/url"
	"testing"

	"github.com/incidentmap/incidentmap/geo"
)

// FuzzParseFilter parses arbitrary query strings the way the handlers do
// (strict parse, then parseFilter): no panic; errors are EINVALID naming a
// parameter; an accepted filter is within every documented bound.
func FuzzParseFilter(f *testing.F) {
	for _, s := range []string{
		"from=2020-01-01&to=2020-12-31&bbox=35,32,42,37&limit=100",
		"to=2020-02-30",
		"bbox=NaN,0,1,1", "bbox=0,0,Inf,1", "bbox=10,0,5,1", "bbox=-181,0,0,1", "bbox=1e308,0,1,1",
		"source=' OR 1=1 --&source_kind=outlet", "source=%00%27%22;DROP TABLE reports",
		"limit=99999999999999999999", "offset=-1", "after=1e3", "report_id=0",
		"role=incident,mention", "role=all", "role=;", "max_precision=4", "disputed=maybe",
		"from=2020-01-01&from=2019-01-01", "%zz", "a=1;b=2",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return // parseQuery answers these with a 400 before parseFilter
		}
		flt, err := ParseFilter(q)
		if err != nil {
			if geo.ErrorCode(err) != geo.EINVALID {
				t.Fatalf("error code %q, want invalid: %v", geo.ErrorCode(err), err)
			}
			var e *geo.Error
			if !errors.As(err, &e) || e.Param == "" {
				t.Fatalf("error %v names no parameter", err)
			}
			return
		}
		if flt.Limit < 1 || flt.Limit > MaxLimit {
			t.Fatalf("limit %d outside 1..%d", flt.Limit, MaxLimit)
		}
		if flt.Offset < 0 || flt.AfterID < 0 || flt.ReportID < 0 {
			t.Fatalf("negative offset/after/report_id: %+v", flt)
		}
		if flt.From != nil && flt.To != nil && flt.To.Before(*flt.From) {
			t.Fatalf("to %v before from %v accepted", flt.To, flt.From)
		}
		if b := flt.BBox; b != nil {
			for _, v := range b {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					t.Fatalf("non-finite bbox %v", *b)
				}
			}
			if b[0] > b[2] || b[1] > b[3] || b[0] < -180 || b[2] > 180 || b[1] < -90 || b[3] > 90 {
				t.Fatalf("bbox %v out of range or inverted", *b)
			}
		}
		for _, r := range flt.Roles {
			if !r.Valid() {
				t.Fatalf("role %q accepted", r)
			}
		}
		if flt.SourceKind != "" && !flt.SourceKind.Valid() {
			t.Fatalf("source kind %q accepted", flt.SourceKind)
		}
		if flt.MaxPrecision < 0 || flt.MaxPrecision > 3 {
			t.Fatalf("max_precision %d accepted", flt.MaxPrecision)
		}
	})
}
