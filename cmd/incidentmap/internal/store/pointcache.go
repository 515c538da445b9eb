package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"math"
	"slices"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/incidentmap/incidentmap/cmd/incidentmap/internal/vcache"
	"github.com/incidentmap/incidentmap/geo"
	"github.com/incidentmap/incidentmap/tiles"
)

// pointCache keeps the point columns of every incident in memory, sorted by
// a 32-bit Z-order (Morton) key of their Web Mercator position, for one
// data version. A map tile at zoom z <= 16 is then one contiguous key range,
// found by binary search, and a bound is a handful of ranges; a z4 tile
// holding 900,000 points is a linear walk over 32-byte records instead of
// 900,000 R*Tree hits and row lookups.
//
// The copy is rebuilt in the background when the data version moves on;
// until it is ready, readers use SQL, so a reader never sees data older
// than the version it asked at. Filters the records do not hold (sources,
// report) are answered by an id bitmap from SQL, cached per version. The
// counts by source and by day (/api/sources, /api/histogram) use every
// source's id set, read with the records (aggregates.go).
type pointCache struct {
	mu       sync.Mutex
	cur      *pointSnapshot
	building bool
	// built is closed when the build running (building) ends; nil when
	// none runs, or when a test holds building without a build.
	built    chan struct{}
	sets     map[string][]uint64     // id bitmaps by filter, for cur's version
	setLoads singleflight.Group      // idSet queries running, by version and filter
	aggs     vcache.Map[string, any] // counts by source and by day, by filter and data version (aggregates.go)
	// smallAt is the last version at which the table was too small to
	// cache, so that every query on a small table does not re-count it.
	smallAt int64
	// failedAt is the last version whose build failed, so that readers
	// waiting for a snapshot (aggregateSnapshot) stop waiting.
	failedAt int64
}

// pointSnapshot is one immutable copy of the point columns.
type pointSnapshot struct {
	version int64
	keys    []uint32 // Morton keys, ascending
	recs    []pointRec
	names   []string // sources, indexed by pointRec.source
	maxID   int64
	// minDay and maxDay bound the records' days (0 and -1 when empty).
	minDay, maxDay int32
	// sources holds, for every outlet and claimant, the ids of its
	// incidents, read in the same transaction as recs (aggregates.go).
	sources []sourceSet
}

// pointRec is one incident; 32 bytes.
type pointRec struct {
	id       int64
	lon, lat float64
	day      int32
	source   uint16
	prec     int8
	flags    uint8
}

const (
	flagDisputed uint8 = 1 << iota
	flagNeedsReview
	flagMention
)

// minCachedPoints is the table size from which the cache is worth its
// memory (about 40 bytes per incident); smaller tables are fast in SQL.
const minCachedPoints = 20_000

// get returns the snapshot if it is at version v.
func (c *pointCache) get(v int64) *pointSnapshot {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cur != nil && c.cur.version == v {
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
	if (c.cur != nil && c.cur.version >= v) || c.smallAt == v {
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
			slog.Debug("point cache loaded", "version", s.version, "points", len(s.recs), "took", time.Since(start))
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
func (c *pointCache) end(built chan struct{}, s *pointSnapshot, err error, v int64) {
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
	case c.cur == nil || s.version > c.cur.version:
		c.cur, c.sets = s, nil
	}
}

// loadPointSnapshot reads every incident's point columns; nil when the
// table holds fewer than minPoints incidents (minCachedPoints, but tests
// cache small tables).
func (db *DB) loadPointSnapshot(ctx context.Context, minPoints int) (s *pointSnapshot, err error) {
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
func readPointSnapshot(ctx context.Context, tx *sql.Tx, minPoints int) (*pointSnapshot, error) {
	s := &pointSnapshot{}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT (SELECT coalesce(max(version), 0) FROM changes), (SELECT count(*) FROM incidents)`).
		Scan(&s.version, &n); err != nil {
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
	recs := make([]pointRec, 0, n+n/16)
	keys := make([]uint32, 0, n+n/16)
	var names stringTable
	var source []byte
	for rows.Next() {
		var r pointRec
		var day, prec, disputed, review, role int64
		if err := rows.Scan(&r.id, &r.lon, &r.lat, &day, &prec, &disputed, &review, &role, (*rawBytes)(&source)); err != nil {
			return nil, err
		}
		r.day, r.prec, r.source = int32(day), int8(prec), names.index(source)
		if disputed != 0 {
			r.flags |= flagDisputed
		}
		if review != 0 {
			r.flags |= flagNeedsReview
		}
		if role == 1 {
			r.flags |= flagMention
		}
		recs = append(recs, r)
		keys = append(keys, mortonKey(r.lon, r.lat))
		s.maxID = max(s.maxID, r.id)
		if len(recs) == 1 {
			s.minDay, s.maxDay = r.day, r.day
		}
		s.minDay, s.maxDay = min(s.minDay, r.day), max(s.maxDay, r.day)
	}
	if err := rows.Err(); err != nil {
		return nil, FormatError(err)
	}
	if len(recs) == 0 {
		s.minDay, s.maxDay = 0, -1
	}
	if s.sources, err = readSourceSets(ctx, tx, s.maxID); err != nil {
		return nil, err
	}
	order := make([]int32, len(recs))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int {
		if keys[a] != keys[b] {
			if keys[a] < keys[b] {
				return -1
			}
			return 1
		}
		return cmp.Compare(recs[a].id, recs[b].id)
	})
	s.keys = make([]uint32, len(recs))
	s.recs = make([]pointRec, len(recs))
	for i, o := range order {
		s.keys[i], s.recs[i] = keys[o], recs[o]
	}
	s.names = names.names
	return s, nil
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

// mortonBits is the resolution of the Z-order key per axis: tiles down to
// zoom 16 are single key ranges.
const mortonBits = tiles.MortonBits

// mercatorXY and interleave are the project's one Web Mercator grid and
// Morton key (tiles/mercator.go).
var (
	mercatorXY = tiles.Cell16
	mortonKey  = tiles.Morton16
	interleave = tiles.Interleave16
)

// keyRanges covers bound with at most 16 cells of one zoom level and
// returns their key ranges [lo, hi), merged and ascending.
func keyRanges(b [4]float64) [][2]uint64 {
	x0, y0 := mercatorXY(b[0], b[3]) // north-west
	x1, y1 := mercatorXY(b[2], b[1]) // south-east
	shift := uint(0)
	for shift < mortonBits && uint64((x1>>shift)-(x0>>shift)+1)*uint64((y1>>shift)-(y0>>shift)+1) > 16 {
		shift++
	}
	var out [][2]uint64
	for cy := y0 >> shift; cy <= y1>>shift; cy++ {
		for cx := x0 >> shift; cx <= x1>>shift; cx++ {
			lo := uint64(interleave(cx<<shift, cy<<shift))
			out = append(out, [2]uint64{lo, lo + 1<<(2*shift)})
		}
	}
	slices.SortFunc(out, func(a, b [2]uint64) int { return cmp.Compare(a[0], b[0]) })
	merged := out[:1]
	for _, r := range out[1:] {
		if last := &merged[len(merged)-1]; r[0] <= last[1] {
			last[1] = max(last[1], r[1])
		} else {
			merged = append(merged, r)
		}
	}
	return merged
}

// spans returns the index ranges [lo, hi) of s.recs whose Morton keys
// fall in the cells covering bound b: a superset of the points inside b.
func (s *pointSnapshot) spans(b [4]float64) [][2]int {
	ranges := keyRanges(b)
	out := make([][2]int, len(ranges))
	for i, r := range ranges {
		lo, _ := slices.BinarySearch(s.keys, uint32(r[0]))
		hi := len(s.keys)
		if r[1] <= math.MaxUint32 {
			hi, _ = slices.BinarySearch(s.keys, uint32(r[1]))
		}
		out[i] = [2]int{lo, hi}
	}
	return out
}

// eachCachedPoint answers EachPoint from snapshot s.
func (db *DB) eachCachedPoint(ctx context.Context, s *pointSnapshot, f geo.IncidentFilter, b [4]float64, fn func(geo.PointRow) error) error {
	m, err := db.pointMatcher(ctx, s, f)
	if err != nil {
		return err
	}
	for _, span := range s.spans(b) {
		lo, hi := span[0], span[1]
		for i := lo; i < hi; i++ {
			if (i-lo)&0xffff == 0xffff && ctx.Err() != nil {
				return ctx.Err()
			}
			p := &s.recs[i]
			if p.lon < b[0] || p.lon > b[2] || p.lat < b[1] || p.lat > b[3] || !m.match(p) {
				continue
			}
			role := geo.RoleIncident
			if p.flags&flagMention != 0 {
				role = geo.RoleMention
			}
			if err := fn(geo.PointRow{ID: p.id, Lon: p.lon, Lat: p.lat, Date: p.day, Precision: p.prec,
				Disputed: p.flags&flagDisputed != 0, Source: s.names[p.source], Role: string(role)}); err != nil {
				return err
			}
		}
	}
	return nil
}

// pointMatcher is an IncidentFilter (bbox aside) compiled for pointRecs.
type pointMatcher struct {
	dayMin, dayMax  int32
	roleMask        uint8 // bit 0 incident, bit 1 mention
	maxPrec         int8
	flagMask, flags uint8
	idSets          [][]uint64 // bitmaps of allowed ids (sources, report)
}

func (m *pointMatcher) match(p *pointRec) bool {
	return m.matchFields(p) && (len(m.idSets) == 0 || m.matchSets(p))
}

// matchFields checks the filters the record holds; small enough to be
// inlined in the loops over hundreds of thousands of records.
func (m *pointMatcher) matchFields(p *pointRec) bool {
	role := uint8(1) << (p.flags & flagMention >> 2) // 1 incident, 2 mention
	return p.day >= m.dayMin && p.day <= m.dayMax && p.prec <= m.maxPrec &&
		p.flags&m.flagMask == m.flags && m.roleMask&role != 0
}

// matchSets checks the id bitmaps (sources, report).
func (m *pointMatcher) matchSets(p *pointRec) bool {
	for _, set := range m.idSets {
		if w := uint64(p.id) >> 6; w >= uint64(len(set)) || set[w]&(1<<(uint64(p.id)&63)) == 0 {
			return false
		}
	}
	return true
}

// pointMatcher compiles f for s; id filters come from SQL as bitmaps,
// cached with the snapshot.
func (db *DB) pointMatcher(ctx context.Context, s *pointSnapshot, f geo.IncidentFilter) (*pointMatcher, error) {
	m := &pointMatcher{dayMin: math.MinInt32, dayMax: math.MaxInt32, maxPrec: math.MaxInt8}
	if f.From != nil {
		m.dayMin = int32(dayNum(*f.From))
	}
	if f.To != nil {
		m.dayMax = int32(dayNum(*f.To))
	}
	if f.MaxPrecision > 0 {
		m.maxPrec = int8(min(f.MaxPrecision, math.MaxInt8))
	}
	if inc, men := roleNums(f.Roles); inc {
		m.roleMask |= 1
		if men {
			m.roleMask |= 2
		}
	} else if men {
		m.roleMask = 2
	}
	for _, fl := range []struct {
		v    *bool
		flag uint8
	}{{f.Disputed, flagDisputed}, {f.NeedsReview, flagNeedsReview}} {
		if fl.v != nil {
			m.flagMask |= fl.flag
			if *fl.v {
				m.flags |= fl.flag
			}
		}
	}
	if len(f.Sources) > 0 {
		cond, args := sourceCond(f)
		set, err := db.idSet(ctx, s, `SELECT s.incident_id FROM incident_sources s WHERE `+cond, args...)
		if err != nil {
			return nil, err
		}
		m.idSets = append(m.idSets, set)
	}
	if f.ReportID > 0 {
		set, err := db.idSet(ctx, s, `SELECT incident_id FROM incident_reports WHERE report_id = ?`, f.ReportID)
		if err != nil {
			return nil, err
		}
		m.idSets = append(m.idSets, set)
	}
	return m, nil
}

// idSet returns the bitmap of the ids a query selects, cached for s's
// version. The query runs in its own read transaction, which may see a
// newer version than s; the tile is then at most one write behind, and its
// ETag (keyed by the version asked) is replaced at the next request.
func (db *DB) idSet(ctx context.Context, s *pointSnapshot, query string, args ...any) ([]uint64, error) {
	key := fmt.Sprintf("%s\x00%q", query, args)
	c := &db.points
	c.mu.Lock()
	if c.cur == s && c.sets != nil {
		if set, ok := c.sets[key]; ok {
			c.mu.Unlock()
			return set, nil
		}
	}
	c.mu.Unlock()
	// Concurrent requests with the same filter share one query: at 1M
	// incidents a popular source's query takes ~100 ms, and sixteen of them
	// at once (the first requests after a write) took over 2 s each.
	v, err, _ := c.setLoads.Do(fmt.Sprintf("%d\x00%s", s.version, key), func() (any, error) {
		// Not the first asker's context: its client leaving must not fail
		// the others waiting for the same set.
		ids, err := queryIDs(context.WithoutCancel(ctx), db.rdb, query, args...)
		if err != nil {
			return nil, FormatError(err)
		}
		set := make([]uint64, s.maxID/64+1)
		for _, id := range ids {
			if id >= 0 && id <= s.maxID {
				set[id>>6] |= 1 << (uint64(id) & 63)
			}
		}
		c.mu.Lock()
		defer c.mu.Unlock()
		if c.cur == s {
			if c.sets == nil || len(c.sets) >= 64 {
				c.sets = map[string][]uint64{}
			}
			c.sets[key] = set
		}
		return set, nil
	})
	if err != nil {
		return nil, err
	}
	return v.([]uint64), nil
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
	var s *pointSnapshot
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
