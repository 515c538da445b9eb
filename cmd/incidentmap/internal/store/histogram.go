package store

import (
	"context"
	"time"

	"github.com/incidentmap/incidentmap/geo"
	"github.com/incidentmap/incidentmap/geo/spatial"
)

// Histogram counts incidents matching f per day, week (starting Monday) or
// month of their event date, oldest first; empty buckets are left out.
// EINVALID for an unknown interval. A table large enough for the point
// cache is counted in memory (aggregates.go), waiting for the cache to
// reach the data version if need be; a small one in SQL.
func (db *DB) Histogram(ctx context.Context, f geo.IncidentFilter, interval string) ([]geo.Bucket, error) {
	f.Limit, f.Offset, f.AfterID = 0, 0, 0
	if err := f.Validate(); err != nil {
		return nil, err
	}
	if interval != "day" && interval != "week" && interval != "month" {
		return nil, spatial.IntervalError(interval)
	}
	s, err := db.aggregateSnapshot(ctx)
	if err != nil {
		return nil, err
	}
	if s == nil {
		return db.histogramSQL(ctx, f, interval)
	}
	days, err := db.cachedDays(ctx, s, f)
	if err != nil {
		return nil, err
	}
	return spatial.BucketDays(days, interval)
}

// histogramSQL is Histogram in SQL.
func (db *DB) histogramSQL(ctx context.Context, f geo.IncidentFilter, interval string) ([]geo.Bucket, error) {
	q, err := buildQuery(f)
	if err != nil {
		return nil, err
	}
	// day is days since the Unix epoch (a Thursday): buckets are computed
	// in SQL on that integer, so the count never materialises rows in Go.
	var bucket string
	switch interval {
	case "day":
		bucket = "day"
	case "week":
		// Back to Monday; % truncates towards zero, so a day before 1970
		// (negative) needs the second % 7 to go back, not forward.
		bucket = "day - (((day + 3) % 7) + 7) % 7"
	case "month":
		bucket = "CAST(strftime('%s', date(day * 86400, 'unixepoch', 'start of month')) AS INTEGER) / 86400"
	default:
		return nil, spatial.IntervalError(interval)
	}
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, `SELECT `+bucket+` AS b, count(*) FROM incidents
		WHERE id IN (`+q.ids()+`) GROUP BY b ORDER BY b`, q.args...)
	if err != nil {
		return nil, FormatError(err)
	}
	defer rows.Close()
	out := []geo.Bucket{}
	for rows.Next() {
		var day int64
		var n int
		if err := rows.Scan(&day, &n); err != nil {
			return nil, err
		}
		out = append(out, geo.Bucket{Date: time.Unix(day*86400, 0).UTC(), Count: n})
	}
	return out, FormatError(rows.Err())
}
