package store

import (
	"context"
	"database/sql"
	"sync"

	"golang.org/x/sync/singleflight"

	"github.com/incidentmap/incidentmap/geo/spatial"
	"github.com/incidentmap/incidentmap/geo/vcache"
)

// pointCache keeps the point columns of every incident in memory, as a
// spatial.Snapshot of one data version held by a spatial.Index: the index
// itself, the walks and counts over it, and when it is rebuilt are
// package spatial's; the store reads the rows (loadPointSnapshot),
// computes the id sets of the filters the records do not hold, and keeps
// the per-version caches.
//
// The copy is rebuilt in the background when the data version moves on;
// until it is ready, readers use SQL, so a reader never sees data older
// than the version it asked at. Filters the records do not hold (sources,
// report) are answered by an id bitmap from SQL, cached per snapshot. The
// counts by source and by day (/api/sources, /api/histogram) use every
// source's id set, read with the records (aggregates.go).
type pointCache struct {
	idx spatial.Index // Load is db.loadPointSnapshot, set by Open
	mu  sync.Mutex
	// sets holds id bitmaps by filter for the snapshots at setsAt; a
	// newer snapshot starts them afresh. (A version, not the snapshot:
	// the old snapshot is not kept alive by its sets.)
	setsAt   int64
	sets     map[string]spatial.Bitmap
	setLoads singleflight.Group      // idSet queries running, by version and filter
	aggs     vcache.Map[string, any] // counts by source and by day, by filter and data version (aggregates.go)
}

// get returns the snapshot if it is at version v.
func (c *pointCache) get(v int64) *spatial.Snapshot { return c.idx.At(v) }

// refresh starts a background rebuild unless one is running; see
// spatial.Index.Refresh.
func (c *pointCache) refresh(v int64) <-chan struct{} { return c.idx.Refresh(v) }

// loadPointSnapshot reads every incident's point columns; nil when the
// table holds fewer than minPoints incidents (spatial.MinPoints, but
// tests cache small tables).
func (db *DB) loadPointSnapshot(ctx context.Context, minPoints int) (s *spatial.Snapshot, err error) {
	// On a connection closed afterwards: the scan's pages would otherwise
	// stay in a pooled connection's cache.
	err = db.withScanConn(ctx, func(conn *sql.Conn) error {
		tx, err := conn.BeginTx(ctx, nil)
		if err != nil {
			return FormatError(err)
		}
		defer tx.Rollback()
		s, err = readPointSnapshot(ctx, tx, minPoints)
		return err
	})
	return s, err
}

// readPointSnapshot is loadPointSnapshot's read, in tx.
func readPointSnapshot(ctx context.Context, tx *sql.Tx, minPoints int) (*spatial.Snapshot, error) {
	var version int64
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT (SELECT coalesce(max(version), 0) FROM changes), (SELECT count(*) FROM incidents)`).
		Scan(&version, &n); err != nil {
		return nil, FormatError(err)
	}
	if n < minPoints {
		return nil, nil
	}
	rows, err := tx.QueryContext(ctx, `SELECT id, lon, lat, day, precision, disputed, needs_review, role, source FROM incidents`)
	if err != nil {
		return nil, FormatError(err)
	}
	defer rows.Close()
	b := spatial.NewBuilder(version, n)
	var source []byte
	for rows.Next() {
		var r spatial.Record
		var day, prec, disputed, review, role int64
		if err := rows.Scan(&r.ID, &r.Lon, &r.Lat, &day, &prec, &disputed, &review, &role, (*rawBytes)(&source)); err != nil {
			return nil, err
		}
		r.Day, r.Precision, r.Source = int32(day), int8(prec), source
		r.Disputed, r.NeedsReview, r.Mention = disputed != 0, review != 0, role == 1
		b.Add(r)
	}
	if err := rows.Err(); err != nil {
		return nil, FormatError(err)
	}
	if err := readSourceSets(ctx, tx, b); err != nil {
		return nil, err
	}
	return b.Build(), nil
}

// rawBytes scans a TEXT column into a reused buffer (sql.RawBytes is only
// valid until the next Scan, which is all index needs).
type rawBytes []byte

// Scan implements sql.Scanner.
func (b *rawBytes) Scan(v any) error {
	switch v := v.(type) {
	case string:
		*b = append((*b)[:0], v...)
	case []byte:
		*b = append((*b)[:0], v...)
	default:
		*b = (*b)[:0]
	}
	return nil
}

// WarmPointCache loads the point cache now, at the current data version,
// instead of at the first tile request (which SQL then answers, slowly on
// a large table). A table under spatial.MinPoints incidents is left to
// SQL. The server calls it in the background at start-up.
//
// While it loads, queries do not start a second load of their own (at 1M
// incidents two concurrent loads doubled the start-up's CPU); if one is
// already running, WarmPointCache leaves it to finish.
func (db *DB) WarmPointCache(ctx context.Context) error {
	return db.points.idx.Warm(ctx, db.DataVersion)
}

// PointCacheReady reports whether the in-memory copy is at the current data
// version, so that reading every point (EachPoint over the world) is a walk
// over memory rather than a scan of the table. The server builds its
// cluster pyramids only then.
func (db *DB) PointCacheReady(ctx context.Context) bool {
	v, err := db.DataVersion(ctx)
	return err == nil && db.points.get(v) != nil
}
