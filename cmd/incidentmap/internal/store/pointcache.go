package store

import (
	"context"
	"database/sql"
	"log/slog"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/incidentmap/incidentmap/cmd/incidentmap/internal/vcache"
	"github.com/incidentmap/incidentmap/geo/spatial"
)

// pointCache keeps the point columns of every incident in memory, as a
// spatial.Snapshot of one data version: the index itself, and the walks
// and counts over it, are package spatial's; the store reads the rows,
// computes the id sets of the filters the records do not hold, and
// decides when the copy is used.
//
// The copy is rebuilt in the background when the data version moves on;
// until it is ready, readers use SQL, so a reader never sees data older
// than the version it asked at. Filters the records do not hold (sources,
// report) are answered by an id bitmap from SQL, cached per version. The
// counts by source and by day (/api/sources, /api/histogram) use every
// source's id set, read with the records (aggregates.go).
type pointCache struct {
	mu       sync.Mutex
	cur      *spatial.Snapshot
	building bool
	// built is closed when the build running (building) ends; nil when
	// none runs, or when a test holds building without a build.
	built    chan struct{}
	sets     map[string]spatial.Bitmap // id bitmaps by filter, for cur's version
	setLoads singleflight.Group        // idSet queries running, by version and filter
	aggs     vcache.Map[string, any]   // counts by source and by day, by filter and data version (aggregates.go)
	// smallAt is the last version at which the table was too small to
	// cache, so that every query on a small table does not re-count it.
	smallAt int64
	// failedAt is the last version whose build failed, so that readers
	// waiting for a snapshot (aggregateSnapshot) stop waiting.
	failedAt int64
}

// minCachedPoints is the table size from which the cache is worth its
// memory (about 40 bytes per incident); smaller tables are fast in SQL.
const minCachedPoints = 20_000

// get returns the snapshot if it is at version v.
func (c *pointCache) get(v int64) *spatial.Snapshot {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cur != nil && c.cur.Version() == v {
		return c.cur
	}
	return nil
}

// refresh starts a background rebuild unless one is running. The build
// reads the version and the rows in one transaction, so the snapshot is
// consistent with the version it carries.
//
// It returns a channel closed when the build running (or just started)
// ends, or nil when there is none: the copy is at v or newer, the table is
// too small at v, or a test holds building.
func (c *pointCache) refresh(db *DB, v int64) <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.building {
		return c.built
	}
	if (c.cur != nil && c.cur.Version() >= v) || c.smallAt == v {
		return nil
	}
	built := c.begin()
	go func() {
		start := time.Now()
		s, err := db.loadPointSnapshot(context.Background(), minCachedPoints)
		c.mu.Lock()
		defer c.mu.Unlock()
		c.end(built, s, err, v)
		if err != nil {
			slog.Warn("point cache: load failed; tiles are read from SQL", "err", err)
			return
		}
		if s != nil {
			slog.Debug("point cache loaded", "version", s.Version(), "points", s.Len(), "took", time.Since(start))
		}
	}()
	return built
}

// begin marks a build as running and returns the channel end closes.
// The caller holds mu.
func (c *pointCache) begin() chan struct{} {
	c.building = true
	c.built = make(chan struct{})
	return c.built
}

// end publishes the result of the build begun with built, asked at
// version v: s becomes current if it is newer; nil s means the table was
// too small at v. The caller holds mu.
func (c *pointCache) end(built chan struct{}, s *spatial.Snapshot, err error, v int64) {
	c.building = false
	if c.built == built {
		c.built = nil
	}
	defer close(built)
	switch {
	case err != nil:
		c.failedAt = v
	case s == nil:
		c.smallAt = v // too few incidents to be worth caching
	case c.cur == nil || s.Version() > c.cur.Version():
		c.cur, c.sets = s, nil
	}
}

// loadPointSnapshot reads every incident's point columns; nil when the
// table holds fewer than minPoints incidents (minCachedPoints, but tests
// cache small tables).
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
// a large table). A table under minCachedPoints incidents is left to SQL.
// The server calls it in the background at start-up.
//
// While it loads, queries do not start a second load of their own (at 1M
// incidents two concurrent loads doubled the start-up's CPU); if one is
// already running, WarmPointCache leaves it to finish.
func (db *DB) WarmPointCache(ctx context.Context) error {
	c := &db.points
	c.mu.Lock()
	if c.building {
		c.mu.Unlock()
		return nil
	}
	built := c.begin()
	c.mu.Unlock()
	v, err := db.DataVersion(ctx)
	var s *spatial.Snapshot
	if err == nil {
		s, err = db.loadPointSnapshot(ctx, minCachedPoints)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.end(built, s, err, v)
	return err
}

// PointCacheReady reports whether the in-memory copy is at the current data
// version, so that reading every point (EachPoint over the world) is a walk
// over memory rather than a scan of the table. The server builds its
// cluster pyramids only then.
func (db *DB) PointCacheReady(ctx context.Context) bool {
	v, err := db.DataVersion(ctx)
	return err == nil && db.points.get(v) != nil
}
