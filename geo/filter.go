package geo

import (
	"fmt"
	"math"
)

// MaxFilterSources bounds IncidentFilter.Sources so one request cannot
// build a huge statement in a store.
const MaxFilterSources = 100

// ValidLonLat reports whether lon, lat are WGS 84 degrees within
// -180..180 and -90..90 (NaN is not).
func ValidLonLat(lon, lat float64) bool {
	return lon >= -180 && lon <= 180 && lat >= -90 && lat <= 90
}

// ValidateBound checks a bounding box b = minLon, minLat, maxLon, maxLat in
// WGS 84 degrees: finite, within the world and ordered. The error is
// EINVALID naming the "bbox" parameter. It is the one bbox check: the
// query parser and the stores both call it.
func ValidateBound(b [4]float64) error {
	for _, v := range b {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return ParamErrorf("bbox", "%s is not a finite number", fmt.Sprint(v))
		}
	}
	switch {
	case b[0] < -180 || b[2] > 180 || b[0] > 180 || b[2] < -180:
		return ParamErrorf("bbox", "longitudes must be within -180..180")
	case b[1] < -90 || b[3] > 90 || b[1] > 90 || b[3] < -90:
		return ParamErrorf("bbox", "latitudes must be within -90..90")
	case b[0] > b[2]:
		return ParamErrorf("bbox", "minLon %g is greater than maxLon %g", b[0], b[2])
	case b[1] > b[3]:
		return ParamErrorf("bbox", "minLat %g is greater than maxLat %g", b[1], b[3])
	}
	return nil
}

// Validate returns EINVALID naming the parameter of an impossible filter:
// from after to, a bad bbox (see ValidateBound), an unknown role or source
// kind, more than MaxFilterSources sources, or a negative number. It does
// not apply a store's defaults (a zero Limit is valid).
func (f IncidentFilter) Validate() error {
	if f.From != nil && f.To != nil && f.From.After(*f.To) {
		return ParamErrorf("from", "%s is after to %s", f.From.Format(DateLayout), f.To.Format(DateLayout))
	}
	if f.BBox != nil {
		if err := ValidateBound(*f.BBox); err != nil {
			return err
		}
	}
	for _, r := range f.Roles {
		if !r.Valid() {
			return ParamErrorf("role", "unknown role %q (want incident or mention)", r)
		}
	}
	switch {
	case f.SourceKind != "" && !f.SourceKind.Valid():
		return ParamErrorf("source_kind", "unknown kind %q (want outlet or claimant)", f.SourceKind)
	case len(f.Sources) > MaxFilterSources:
		return ParamErrorf("source", "at most %d sources", MaxFilterSources)
	case f.MaxPrecision < 0:
		return ParamErrorf("max_precision", "must not be negative")
	case f.Limit < 0:
		return ParamErrorf("limit", "must not be negative")
	case f.Offset < 0:
		return ParamErrorf("offset", "must not be negative")
	case f.AfterID < 0:
		return ParamErrorf("after_id", "must not be negative")
	case f.ReportID < 0:
		return ParamErrorf("report_id", "must not be negative")
	}
	return nil
}
