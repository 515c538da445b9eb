package store

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/incidentmap/incidentmap/geo"
	"github.com/incidentmap/incidentmap/geo/spatial"
)

// The counts behind /api/sources and /api/histogram come from the point
// cache when the table is large enough to have one. In SQL both were a
// GROUP BY over every match joined to incident_sources: 13–22 s each at
// 1M incidents, holding a pooled connection all the while, so that
// sixteen of them at once starved every other reader (/api/version took
// 102 s). From memory, a count is one walk over the matching records
// (a bitmap of them for the sources, a counter per day for the
// histogram) plus, for the sources, one AND of that bitmap with each
// source's set: a few milliseconds. Results are kept per filter for the
// snapshot's data version (pointCache.aggs, within aggBudget bytes), so
// the map's usual requests are counted once per version.

// readSourceSets reads every source's incidents in tx into b; tx also
// read the point records, so both are of one data version. One row per name,
// grouped NOCASE as the names are compared everywhere else, with the ids
// of each kind as group_concat lists: the index incident_sources_name
// (name, incident_id, kind) is in that order, so SQLite neither sorts nor
// holds the 2,000,000 rows of a 1M-incident table (0.3 s of CPU), and Go
// parses 48 strings instead of scanning 2,000,000 rows.
//
// A name stored in several ASCII cases is one source, named as its
// earliest incident names it: with min() as the only min/max aggregate,
// SQLite takes the bare column from the row holding the minimum. (The
// GROUP BY over the matches took the spelling of an arbitrary row, which
// could change with the filter.)
func readSourceSets(ctx context.Context, tx *sql.Tx, b *spatial.Builder) error {
	if maxID := b.MaxID(); maxID > math.MaxUint32 {
		return fmt.Errorf("point cache: incident id %d does not fit the source sets' 32 bits", maxID)
	}
	rows, err := tx.QueryContext(ctx, `SELECT name, min(incident_id),
		group_concat(CASE WHEN kind = 'outlet' THEN incident_id END),
		group_concat(CASE WHEN kind = 'claimant' THEN incident_id END)
		FROM incident_sources GROUP BY name`)
	if err != nil {
		return FormatError(err)
	}
	defer rows.Close()
	var name string
	var first int64
	var lists [2]rawBytes
	var ids []uint32
	for rows.Next() {
		if err := rows.Scan(&name, &first, &lists[0], &lists[1]); err != nil {
			return err
		}
		for i, kind := range []geo.SourceKind{geo.SourceOutlet, geo.SourceClaimant} {
			if ids, err = parseIDList(ids[:0], lists[i]); err != nil {
				return fmt.Errorf("point cache: sources of %q: %w", name, err)
			}
			if len(ids) > 0 {
				b.AddSource(name, kind, ids)
			}
		}
	}
	return FormatError(rows.Err())
}

// parseIDList appends the ids of a group_concat list ("3,5,5,9") to ids,
// ascending and each once (an incident named by several reports of one
// source is listed once per report).
func parseIDList(ids []uint32, list []byte) ([]uint32, error) {
	sorted := true
	for len(list) > 0 {
		i := 0
		var id uint64
		for ; i < len(list) && list[i] != ','; i++ {
			c := list[i]
			if c < '0' || c > '9' || id > math.MaxUint32/10 {
				return nil, fmt.Errorf("bad id list near %q", list[:min(len(list), 20)])
			}
			id = id*10 + uint64(c-'0')
		}
		if i == 0 || id > math.MaxUint32 {
			return nil, fmt.Errorf("bad id list near %q", list[:min(len(list), 20)])
		}
		if n := len(ids); n > 0 && uint32(id) < ids[n-1] {
			sorted = false
		}
		ids = append(ids, uint32(id))
		list = list[min(i+1, len(list)):]
	}
	if !sorted { // group_concat's order is the scan's, which SQLite does not promise
		slices.Sort(ids)
	}
	return slices.Compact(ids), nil
}

// aggregateSnapshot returns the point snapshot to count from: the current
// one when it is at the data version asked or newer, else the one that a
// build (running, or started now) yields, waited for. Waiting costs a
// request up to a build (a few seconds at 1M incidents, with no
// connection held), where counting in SQL cost 13–22 s with one. nil
// means count in SQL: the table is too small to cache (SQL is quick
// there), the build failed, or no build gives a snapshot at the version.
func (db *DB) aggregateSnapshot(ctx context.Context) (*spatial.Snapshot, error) {
	v, err := db.DataVersion(ctx)
	if err != nil {
		return nil, err
	}
	return db.points.idx.Await(ctx, v)
}

// aggBudget bounds the bytes of the counts kept per data version: the
// map's usual filters take a few kilobytes each; at 1M incidents a
// source filter's id set takes 125 KB.
const aggBudget = 16 << 20

// agg returns the aggregate cached under key for snapshot s's version.
func (c *pointCache) agg(s *spatial.Snapshot, key string) (any, bool) {
	return c.aggs.Get(s.Version(), key)
}

// putAgg caches v, of about size bytes, under key for s's version.
func (c *pointCache) putAgg(s *spatial.Snapshot, key string, v any, size int) {
	c.aggs.Put(s.Version(), aggBudget, key, v, int64(size+len(key)))
}

// aggKey identifies f's selection (paging aside) for the aggregate cache.
func aggKey(kind string, f geo.IncidentFilter) string {
	var b strings.Builder
	b.WriteString(kind)
	day := func(t *time.Time) string {
		if t == nil {
			return "-"
		}
		return strconv.FormatInt(dayNum(*t), 10)
	}
	inc, men := spatial.Roles(f.Roles)
	fmt.Fprintf(&b, "|%s|%s|%t|%t|%d|%d|%s", day(f.From), day(f.To), inc, men, f.MaxPrecision, f.ReportID, f.SourceKind)
	for _, p := range []*bool{f.Disputed, f.NeedsReview} {
		if p == nil {
			b.WriteString("|-")
		} else {
			fmt.Fprintf(&b, "|%t", *p)
		}
	}
	if f.BBox != nil {
		fmt.Fprintf(&b, "|%v", *f.BBox)
	}
	names := make([]string, len(f.Sources))
	for i, s := range f.Sources {
		names[i] = spatial.FoldNoCase(s)
	}
	slices.Sort(names)
	for _, n := range slices.Compact(names) {
		b.WriteString("|" + strconv.Quote(n))
	}
	return b.String()
}

// countSlot waits for a slot to count in and returns its release. A count
// is a tight loop over up to every record: at most half the cores count
// at once (one of two), so that a burst of counts leaves a core for every
// other request; /api/version answered in 80 ms (median) and up to 250 ms
// under sixteen concurrent counts on two cores without it.
func (db *DB) countSlot(ctx context.Context) (release func(), err error) {
	db.countingOnce.Do(func() { db.counting = make(chan struct{}, max(1, runtime.GOMAXPROCS(0)/2)) })
	select {
	case db.counting <- struct{}{}:
		return func() { <-db.counting }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// cachedSources answers FindSources (f without sources) from s.
func (db *DB) cachedSources(ctx context.Context, s *spatial.Snapshot, f geo.IncidentFilter) ([]geo.SourceCount, error) {
	key := aggKey("sources", f)
	if v, ok := db.points.agg(s, key); ok {
		return slices.Clone(v.([]geo.SourceCount)), nil
	}
	m, err := db.pointMatcher(ctx, s, f)
	if err != nil {
		return nil, err
	}
	release, err := db.countSlot(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	counts, err := s.Sources(ctx, m, f.BBox)
	if err != nil {
		return nil, err
	}
	size := 0
	for _, c := range counts {
		size += 40 + len(c.Name)
	}
	db.points.putAgg(s, key, counts, size)
	return slices.Clone(counts), nil
}

// cachedDays counts f's incidents per day from s, oldest first.
func (db *DB) cachedDays(ctx context.Context, s *spatial.Snapshot, f geo.IncidentFilter) ([]spatial.DayCount, error) {
	key := aggKey("days", f)
	if v, ok := db.points.agg(s, key); ok {
		return v.([]spatial.DayCount), nil
	}
	noSources := f
	noSources.Sources = nil
	m, err := db.pointMatcher(ctx, s, noSources)
	if err != nil {
		return nil, err
	}
	release, err := db.countSlot(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	if len(f.Sources) > 0 {
		m.AddSet(db.sourceFilterSet(s, f))
	}
	days, err := s.Days(ctx, m, f.BBox)
	if err != nil {
		return nil, err
	}
	db.points.putAgg(s, key, days, 16*len(days))
	return days, nil
}

// sourceFilterSet returns the bitmap of the incidents that f.Sources name
// (NOCASE, narrowed to f.SourceKind), as the SQL's source condition
// selects them; cached for s.
func (db *DB) sourceFilterSet(s *spatial.Snapshot, f geo.IncidentFilter) spatial.Bitmap {
	key := aggKey("sourceset", geo.IncidentFilter{Sources: f.Sources, SourceKind: f.SourceKind})
	if v, ok := db.points.agg(s, key); ok {
		return v.(spatial.Bitmap)
	}
	set := s.SourceSet(f.Sources, f.SourceKind)
	db.points.putAgg(s, key, set, 8*len(set))
	return set
}
