package geo

import "context"

// PointRow is one incident reduced to what map tiles, clusters and static
// maps draw; tiles.Point is the same type. It is kept small (64 bytes) so
// that a million of them fit in memory and cluster fast.
//
// Source and Role are shared (interned) strings: a million rows hold a few
// dozen distinct values, and callers may compare them by value as usual.
type PointRow struct {
	ID        int64
	Lon, Lat  float64
	Date      int32 // event date as days since 1970-01-01 (UTC); 0 when unknown
	Precision int8  // geographic precision code, 1 (exact) to 3 (province)
	Disputed  bool
	Source    string // the outlet of the first report
	Role      string // "incident" or "mention"
}

// PointService reads incidents as PointRows. Implementations are safe for
// concurrent use.
type PointService interface {
	// EachPoint calls fn for every incident matching f whose position lies
	// in bound (minLon, minLat, maxLon, maxLat, edges included), in no
	// particular order; f.BBox, when set, narrows bound further, and
	// f.Limit, f.Offset and f.AfterID are ignored. An error from fn stops
	// the walk and is returned. EINVALID for an impossible filter.
	EachPoint(ctx context.Context, f IncidentFilter, bound [4]float64, fn func(p PointRow) error) error
}

// WorldBound returns the bound of every valid position, for EachPoint.
func WorldBound() [4]float64 { return [4]float64{-180, -90, 180, 90} }
