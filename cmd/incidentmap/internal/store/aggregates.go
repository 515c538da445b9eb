package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"math"
	"math/bits"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/incidentmap/incidentmap/geo"
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

// sourceSet is one outlet or claimant with the ids of the incidents that
// name it: a bitmap over the id space when it names more than one
// incident in 32, else the ids in ascending order, so that a dataset with
// thousands of rarely named claimants costs at most 4 bytes per
// incident_sources row.
type sourceSet struct {
	name string
	kind geo.SourceKind
	n    int      // incidents
	bits []uint64 // dense sets
	ids  []uint32 // sparse sets
}

// count returns how many of the set's incidents are marked in bm.
func (ss *sourceSet) count(bm []uint64) int {
	n := 0
	if ss.bits != nil {
		b := ss.bits[:min(len(ss.bits), len(bm))]
		for i, w := range b {
			n += bits.OnesCount64(w & bm[i])
		}
		return n
	}
	for _, id := range ss.ids {
		if w := id >> 6; int(w) < len(bm) && bm[w]&(1<<(id&63)) != 0 {
			n++
		}
	}
	return n
}

// orInto marks the set's incidents in bm.
func (ss *sourceSet) orInto(bm []uint64) {
	if ss.bits != nil {
		for i, w := range ss.bits[:min(len(ss.bits), len(bm))] {
			bm[i] |= w
		}
		return
	}
	for _, id := range ss.ids {
		if w := id >> 6; int(w) < len(bm) {
			bm[w] |= 1 << (id & 63)
		}
	}
}

// readSourceSets reads every source's incidents in tx, which also read
// the point records, so both are of one data version. One row per name,
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
func readSourceSets(ctx context.Context, tx *sql.Tx, maxID int64) ([]sourceSet, error) {
	if maxID > math.MaxUint32 {
		return nil, fmt.Errorf("point cache: incident id %d does not fit the source sets' 32 bits", maxID)
	}
	rows, err := tx.QueryContext(ctx, `SELECT name, min(incident_id),
		group_concat(CASE WHEN kind = 'outlet' THEN incident_id END),
		group_concat(CASE WHEN kind = 'claimant' THEN incident_id END)
		FROM incident_sources GROUP BY name`)
	if err != nil {
		return nil, FormatError(err)
	}
	defer rows.Close()
	var sets []sourceSet
	var name string
	var first int64
	var lists [2]rawBytes
	var ids []uint32
	for rows.Next() {
		if err := rows.Scan(&name, &first, &lists[0], &lists[1]); err != nil {
			return nil, err
		}
		for i, kind := range []geo.SourceKind{geo.SourceOutlet, geo.SourceClaimant} {
			if ids, err = parseIDList(ids[:0], lists[i]); err != nil {
				return nil, fmt.Errorf("point cache: sources of %q: %w", name, err)
			}
			if len(ids) == 0 {
				continue
			}
			ss := sourceSet{name: name, kind: kind, n: len(ids)}
			if int64(len(ids))*32 > maxID+1 {
				ss.bits = make([]uint64, maxID/64+1)
				for _, id := range ids {
					ss.bits[id>>6] |= 1 << (id & 63)
				}
			} else {
				ss.ids = slices.Clone(ids)
			}
			sets = append(sets, ss)
		}
	}
	return sets, FormatError(rows.Err())
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
func (db *DB) aggregateSnapshot(ctx context.Context) (*pointSnapshot, error) {
	v, err := db.DataVersion(ctx)
	if err != nil {
		return nil, err
	}
	c := &db.points
	// The first wait may be for a build begun before v was published; the
	// second is for one begun after it, which reads v or newer.
	for range 3 {
		c.mu.Lock()
		cur, small := c.cur, c.smallAt == v
		c.mu.Unlock()
		switch {
		case cur != nil && cur.version >= v:
			return cur, nil
		case small:
			return nil, nil
		}
		built := c.refresh(db, v)
		if built == nil {
			continue // built meanwhile, or a test holds the cache
		}
		select {
		case <-built:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		c.mu.Lock()
		failed := c.failedAt == v
		c.mu.Unlock()
		if failed {
			return nil, nil // logged by refresh; SQL may still answer
		}
	}
	return nil, nil
}

// aggBudget bounds the bytes of the counts kept per data version: the
// map's usual filters take a few kilobytes each; at 1M incidents a
// source filter's id set takes 125 KB.
const aggBudget = 16 << 20

// agg returns the aggregate cached under key for snapshot s's version.
func (c *pointCache) agg(s *pointSnapshot, key string) (any, bool) {
	return c.aggs.Get(s.version, key)
}

// putAgg caches v, of about size bytes, under key for s's version.
func (c *pointCache) putAgg(s *pointSnapshot, key string, v any, size int) {
	c.aggs.Put(s.version, aggBudget, key, v, int64(size+len(key)))
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
	inc, men := roleNums(f.Roles)
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
		names[i] = foldNoCase(s)
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

// walk calls fn for every record of s inside f's bbox that m matches.
func (s *pointSnapshot) walk(ctx context.Context, bbox *[4]float64, m *pointMatcher, fn func(p *pointRec)) error {
	sets := len(m.idSets) > 0
	visit := func(recs []pointRec, b [4]float64) error {
		for len(recs) > 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
			// A chunk is a few hundred microseconds; yielding after each
			// lets a cheap request on this core (/api/version) run within
			// that, not after the scheduler's 10 ms time slice.
			runtime.Gosched()
			chunk := recs[:min(len(recs), 1<<15)]
			recs = recs[len(chunk):]
			for i := range chunk {
				p := &chunk[i]
				if p.lon < b[0] || p.lon > b[2] || p.lat < b[1] || p.lat > b[3] ||
					!m.matchFields(p) || (sets && !m.matchSets(p)) {
					continue
				}
				fn(p)
			}
		}
		return nil
	}
	if bbox == nil {
		return visit(s.recs, [4]float64{-180, -90, 180, 90})
	}
	for _, span := range s.spans(*bbox) {
		if err := visit(s.recs[span[0]:span[1]], *bbox); err != nil {
			return err
		}
	}
	return nil
}

// cachedSources answers FindSources (f without sources) from s.
func (db *DB) cachedSources(ctx context.Context, s *pointSnapshot, f geo.IncidentFilter) ([]geo.SourceCount, error) {
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
	bp := bitmaps.Get().(*[]uint64)
	defer bitmaps.Put(bp)
	words := int(s.maxID/64) + 1
	if cap(*bp) < words {
		*bp = make([]uint64, words)
	}
	bm := (*bp)[:words]
	clear(bm)
	err = s.walk(ctx, f.BBox, m, func(p *pointRec) { bm[p.id>>6] |= 1 << (uint64(p.id) & 63) })
	if err != nil {
		return nil, err
	}
	counts := []geo.SourceCount{}
	for i := range s.sources {
		ss := &s.sources[i]
		if n := ss.count(bm); n > 0 {
			counts = append(counts, geo.SourceCount{Name: ss.name, Kind: ss.kind, Count: n})
		}
	}
	// As the SQL: ORDER BY n DESC, name (NOCASE), kind.
	slices.SortFunc(counts, func(a, b geo.SourceCount) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), compareNoCase(a.Name, b.Name), cmp.Compare(a.Kind, b.Kind))
	})
	size := 0
	for _, c := range counts {
		size += 40 + len(c.Name)
	}
	db.points.putAgg(s, key, counts, size)
	return slices.Clone(counts), nil
}

// dayCount is the number of incidents on one day (days since 1970-01-01).
type dayCount struct {
	day int32
	n   int
}

// maxDenseDays is the widest range of days counted in an array rather
// than a map (a counter per day: 4 MB at most).
const maxDenseDays = 1 << 20

// cachedDays counts f's incidents per day from s, oldest first.
func (db *DB) cachedDays(ctx context.Context, s *pointSnapshot, f geo.IncidentFilter) ([]dayCount, error) {
	key := aggKey("days", f)
	if v, ok := db.points.agg(s, key); ok {
		return v.([]dayCount), nil
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
		m.idSets = append(m.idSets, db.sourceFilterSet(s, f))
	}
	var days []dayCount
	if span := int64(s.maxDay) - int64(s.minDay) + 1; span <= maxDenseDays {
		counts := make([]int32, max(span, 0))
		err = s.walk(ctx, f.BBox, m, func(p *pointRec) { counts[p.day-s.minDay]++ })
		for i, n := range counts {
			if n > 0 {
				days = append(days, dayCount{s.minDay + int32(i), int(n)})
			}
		}
	} else {
		counts := map[int32]int{}
		err = s.walk(ctx, f.BBox, m, func(p *pointRec) { counts[p.day]++ })
		for d, n := range counts {
			days = append(days, dayCount{d, n})
		}
		slices.SortFunc(days, func(a, b dayCount) int { return cmp.Compare(a.day, b.day) })
	}
	if err != nil {
		return nil, err
	}
	db.points.putAgg(s, key, days, 16*len(days))
	return days, nil
}

// sourceFilterSet returns the bitmap of the incidents that f.Sources name
// (NOCASE, narrowed to f.SourceKind), as the SQL's source condition
// selects them; cached for s.
func (db *DB) sourceFilterSet(s *pointSnapshot, f geo.IncidentFilter) []uint64 {
	key := aggKey("sourceset", geo.IncidentFilter{Sources: f.Sources, SourceKind: f.SourceKind})
	if v, ok := db.points.agg(s, key); ok {
		return v.([]uint64)
	}
	want := map[string]bool{}
	for _, name := range f.Sources {
		want[foldNoCase(name)] = true
	}
	set := make([]uint64, s.maxID/64+1)
	for i := range s.sources {
		ss := &s.sources[i]
		if want[foldNoCase(ss.name)] && (f.SourceKind == "" || ss.kind == f.SourceKind) {
			ss.orInto(set)
		}
	}
	db.points.putAgg(s, key, set, 8*len(set))
	return set
}

// bucketDays sums per-day counts (ascending) into the buckets of interval:
// day, week (from Monday) or month, by the first day of each.
func bucketDays(days []dayCount, interval string) ([]geo.Bucket, error) {
	var start func(day int64) int64
	switch interval {
	case "day":
		start = func(d int64) int64 { return d }
	case "week":
		start = weekStart
	case "month":
		start = func(d int64) int64 {
			y, m, _ := time.Unix(d*86400, 0).UTC().Date()
			return time.Date(y, m, 1, 0, 0, 0, 0, time.UTC).Unix() / 86400
		}
	default:
		return nil, intervalError(interval)
	}
	out := []geo.Bucket{}
	last := int64(math.MinInt64)
	for _, d := range days {
		b := start(int64(d.day))
		if b != last {
			out = append(out, geo.Bucket{Date: time.Unix(b*86400, 0).UTC()})
			last = b
		}
		out[len(out)-1].Count += d.n
	}
	return out, nil
}

// weekStart returns the Monday on or before day (1970-01-01, day 0, was a
// Thursday), for days before 1970 too.
func weekStart(day int64) int64 {
	return day - ((day+3)%7+7)%7
}

func intervalError(interval string) error {
	return geo.ParamErrorf("interval", "%q is not day, week or month", interval)
}

// foldNoCase folds s as SQLite's NOCASE collation compares it: ASCII
// letters to lower case, every other byte unchanged.
func foldNoCase(s string) string {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if 'A' <= b[j] && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// compareNoCase orders a and b as SQLite's NOCASE collation does.
func compareNoCase(a, b string) int {
	lower := func(c byte) byte {
		if 'A' <= c && c <= 'Z' {
			return c + 'a' - 'A'
		}
		return c
	}
	for i := 0; i < len(a) && i < len(b); i++ {
		if ca, cb := lower(a[i]), lower(b[i]); ca != cb {
			return cmp.Compare(ca, cb)
		}
	}
	return cmp.Compare(len(a), len(b))
}
