package store

import (
	"context"
	"fmt"

	"github.com/incidentmap/incidentmap/geo"
	"github.com/incidentmap/incidentmap/geo/spatial"
)

// Queries answered from the point cache's snapshot: the walks are package
// spatial's; what is left here is the SQL that selects the id sets of the
// filters the records do not hold (sources, report).
//
// FindIncidents answers from the snapshot when it is at the data version
// asked: the count and the page's ids come from a walk over the in-memory
// records (spatial.Snapshot.Page), and SQL only reads the page's rows by
// primary key.

// eachCachedPoint answers EachPoint from snapshot s.
func (db *DB) eachCachedPoint(ctx context.Context, s *spatial.Snapshot, f geo.IncidentFilter, b [4]float64, fn func(geo.PointRow) error) error {
	m, err := db.pointMatcher(ctx, s, f)
	if err != nil {
		return err
	}
	return s.Each(ctx, m, b, fn)
}

// cachedPage returns the ids of f's page (AfterID, Offset, limit applied),
// in id order, and how many incidents match f in all.
func (db *DB) cachedPage(ctx context.Context, s *spatial.Snapshot, f geo.IncidentFilter, limit int) ([]int64, int, error) {
	m, err := db.pointMatcher(ctx, s, f)
	if err != nil {
		return nil, 0, err
	}
	return s.Page(ctx, m, f, limit)
}

// pointMatcher compiles f for s; id filters come from SQL as bitmaps,
// cached with the snapshot.
func (db *DB) pointMatcher(ctx context.Context, s *spatial.Snapshot, f geo.IncidentFilter) (*spatial.Matcher, error) {
	m := spatial.NewMatcher(f)
	if len(f.Sources) > 0 {
		cond, args := sourceCond(f)
		set, err := db.idSet(ctx, s, `SELECT s.incident_id FROM incident_sources s WHERE `+cond, args...)
		if err != nil {
			return nil, err
		}
		m.AddSet(set)
	}
	if f.ReportID > 0 {
		set, err := db.idSet(ctx, s, `SELECT incident_id FROM incident_reports WHERE report_id = ?`, f.ReportID)
		if err != nil {
			return nil, err
		}
		m.AddSet(set)
	}
	return m, nil
}

// idSet returns the bitmap of the ids a query selects, cached for s's
// version. The query runs in its own read transaction, which may see a
// newer version than s; the tile is then at most one write behind, and its
// ETag (keyed by the version asked) is replaced at the next request.
func (db *DB) idSet(ctx context.Context, s *spatial.Snapshot, query string, args ...any) (spatial.Bitmap, error) {
	key := fmt.Sprintf("%s\x00%q", query, args)
	c := &db.points
	c.mu.Lock()
	if c.setsAt == s.Version() && c.sets != nil {
		if set, ok := c.sets[key]; ok {
			c.mu.Unlock()
			return set, nil
		}
	}
	c.mu.Unlock()
	// Concurrent requests with the same filter share one query: at 1M
	// incidents a popular source's query takes ~100 ms, and sixteen of them
	// at once (the first requests after a write) took over 2 s each.
	v, err, _ := c.setLoads.Do(fmt.Sprintf("%d\x00%s", s.Version(), key), func() (any, error) {
		// Not the first asker's context: its client leaving must not fail
		// the others waiting for the same set.
		ids, err := queryIDs(context.WithoutCancel(ctx), db.rdb, query, args...)
		if err != nil {
			return nil, FormatError(err)
		}
		set := spatial.BitmapOf(ids, s.MaxID())
		c.mu.Lock()
		defer c.mu.Unlock()
		if c.idx.Current() == s {
			if c.setsAt != s.Version() || c.sets == nil || len(c.sets) >= 64 {
				c.setsAt, c.sets = s.Version(), map[string]spatial.Bitmap{}
			}
			c.sets[key] = set
		}
		return set, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(spatial.Bitmap), nil
}
