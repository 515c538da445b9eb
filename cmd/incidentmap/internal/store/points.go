package store

import (
	"context"
	"database/sql"

	"github.com/incidentmap/incidentmap/geo"
	"github.com/incidentmap/incidentmap/geo/spatial"
)

var _ geo.PointService = (*DB)(nil)

// pointColumns are the only columns a PointRow needs, read from
// "incidents i": no sentence, no candidates JSON, no per-row sub-selects.
const pointColumns = `i.id, i.lon, i.lat, i.day, i.precision, i.disputed, i.source, i.role`

// EachPoint calls fn for every incident matching f inside bound (edges
// included), in no particular order. See geo.PointService.
//
// Map tiles at low zoom cover most of the table (a z4 tile over the Middle
// East holds nearly every incident of a conflict dataset), so the answer
// comes from an in-memory copy of the point columns, sorted along a
// Z-order curve (package spatial), whenever that copy is at the current
// data version; see pointCache. Otherwise, while the copy is (re)built in the background,
// the answer comes from SQL, driven by the R*Tree as FindIncidents is.
func (db *DB) EachPoint(ctx context.Context, f geo.IncidentFilter, bound [4]float64, fn func(geo.PointRow) error) error {
	if err := f.Validate(); err != nil {
		return err
	}
	if err := validateBound(bound); err != nil {
		return err
	}
	b, ok := intersectBound(bound, f.BBox)
	if !ok {
		return nil
	}
	v, err := db.DataVersion(ctx)
	if err != nil {
		return err
	}
	if c := db.points.get(v); c != nil {
		return db.eachCachedPoint(ctx, c, f, b, fn)
	}
	db.points.refresh(v)
	return db.eachPointSQL(ctx, f, b, fn)
}

// validateBound rejects a bound that is not finite and ordered.
func validateBound(b [4]float64) error {
	if err := geo.ValidateBound(b); err != nil {
		return geo.ParamErrorf("bbox", "bound %v: %s", b, geo.ErrorMessage(err))
	}
	return nil
}

// intersectBound narrows bound by the filter's bbox; ok is false when they
// do not overlap.
func intersectBound(bound [4]float64, bbox *[4]float64) (b [4]float64, ok bool) {
	b = bound
	if bbox != nil {
		b[0], b[1] = max(b[0], bbox[0]), max(b[1], bbox[1])
		b[2], b[3] = min(b[2], bbox[2]), min(b[3], bbox[3])
	}
	return b, b[0] <= b[2] && b[1] <= b[3]
}

// eachPointSQL answers EachPoint from the database: the filter compiled by
// buildQuery selects the ids (through the R*Tree, since there is a box),
// joined to the few point columns.
func (db *DB) eachPointSQL(ctx context.Context, f geo.IncidentFilter, b [4]float64, fn func(geo.PointRow) error) error {
	f.BBox = &b
	q, err := buildQuery(f)
	if err != nil {
		return err
	}
	tx, err := db.beginRead(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx,
		`SELECT `+pointColumns+` FROM (`+q.ids()+`) m JOIN incidents i ON i.id = m.id`, q.args...)
	if err != nil {
		return FormatError(err)
	}
	defer rows.Close()
	var names spatial.Names
	for rows.Next() {
		p, err := scanPoint(rows, &names)
		if err != nil {
			return err
		}
		if err := fn(p); err != nil {
			return err
		}
	}
	return FormatError(rows.Err())
}

// scanPoint reads one row of pointColumns, sharing source strings through
// names so that a million rows allocate a few dozen strings.
func scanPoint(rows *sql.Rows, names *spatial.Names) (geo.PointRow, error) {
	var p geo.PointRow
	var day, prec, disputed, role int64
	var source sql.RawBytes
	if err := rows.Scan(&p.ID, &p.Lon, &p.Lat, &day, &prec, &disputed, &source, &role); err != nil {
		return p, err
	}
	p.Date, p.Precision, p.Disputed = int32(day), int8(prec), disputed != 0
	p.Source = names.Intern(source)
	p.Role = string(roleFromNum(int(role)))
	return p, nil
}
