package spatial

import (
	"cmp"
	"context"
	"math"
	"math/bits"
	"slices"
	"time"

	"github.com/incidentmap/incidentmap/geo"
)

// The counts behind /api/sources and /api/histogram. In SQL both were a
// GROUP BY over every match joined to incident_sources: 13–22 s each at
// 1M incidents. From a snapshot, a count is one walk over the matching
// records (a bitmap of them for the sources, a counter per day for the
// histogram) plus, for the sources, one AND of that bitmap with each
// source's set: a few milliseconds. Caching the results and bounding how
// many counts run at once are the store's.

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

// AddSource records that the incidents ids (ascending, each once) name
// the source name as kind. Call it after every Add: whether the set is
// kept as a bitmap depends on the largest id.
func (b *Builder) AddSource(name string, kind geo.SourceKind, ids []uint32) {
	maxID := b.s.maxID
	ss := sourceSet{name: name, kind: kind, n: len(ids)}
	if int64(len(ids))*32 > maxID+1 {
		ss.bits = make([]uint64, maxID/64+1)
		for _, id := range ids {
			ss.bits[id>>6] |= 1 << (id & 63)
		}
	} else {
		ss.ids = slices.Clone(ids)
	}
	b.s.sources = append(b.s.sources, ss)
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

// Sources counts the incidents inside bbox (nil: everywhere) that m
// matches by source, as FindSources: most first, then by name (NOCASE)
// and kind.
func (s *Snapshot) Sources(ctx context.Context, m *Matcher, bbox *[4]float64) ([]geo.SourceCount, error) {
	bm, release := s.scratch()
	defer release()
	err := s.walk(ctx, bbox, m, func(p *rec) { bm[p.id>>6] |= 1 << (uint64(p.id) & 63) })
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
		return cmp.Or(cmp.Compare(b.Count, a.Count), CompareNoCase(a.Name, b.Name), cmp.Compare(a.Kind, b.Kind))
	})
	return counts, nil
}

// SourceSet returns the Bitmap of the incidents that names name (NOCASE),
// narrowed to kind unless it is empty, as the store's SQL source
// condition selects them.
func (s *Snapshot) SourceSet(names []string, kind geo.SourceKind) Bitmap {
	want := map[string]bool{}
	for _, name := range names {
		want[FoldNoCase(name)] = true
	}
	set := NewBitmap(s.maxID)
	for i := range s.sources {
		ss := &s.sources[i]
		if want[FoldNoCase(ss.name)] && (kind == "" || ss.kind == kind) {
			ss.orInto(set)
		}
	}
	return set
}

// DayCount is the number of incidents on one day (days since 1970-01-01).
type DayCount struct {
	Day int32
	N   int
}

// maxDenseDays is the widest range of days counted in an array rather
// than a map (a counter per day: 4 MB at most).
const maxDenseDays = 1 << 20

// Days counts the incidents inside bbox (nil: everywhere) that m matches
// per day, oldest first, leaving out empty days.
func (s *Snapshot) Days(ctx context.Context, m *Matcher, bbox *[4]float64) ([]DayCount, error) {
	var days []DayCount
	var err error
	if span := int64(s.maxDay) - int64(s.minDay) + 1; span <= maxDenseDays {
		counts := make([]int32, max(span, 0))
		err = s.walk(ctx, bbox, m, func(p *rec) { counts[p.day-s.minDay]++ })
		for i, n := range counts {
			if n > 0 {
				days = append(days, DayCount{s.minDay + int32(i), int(n)})
			}
		}
	} else {
		counts := map[int32]int{}
		err = s.walk(ctx, bbox, m, func(p *rec) { counts[p.day]++ })
		for d, n := range counts {
			days = append(days, DayCount{d, n})
		}
		slices.SortFunc(days, func(a, b DayCount) int { return cmp.Compare(a.Day, b.Day) })
	}
	if err != nil {
		return nil, err
	}
	return days, nil
}

// BucketDays sums per-day counts (ascending) into the buckets of interval:
// day, week (from Monday) or month, by the first day of each.
func BucketDays(days []DayCount, interval string) ([]geo.Bucket, error) {
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
		return nil, IntervalError(interval)
	}
	out := []geo.Bucket{}
	last := int64(math.MinInt64)
	for _, d := range days {
		b := start(int64(d.Day))
		if b != last {
			out = append(out, geo.Bucket{Date: time.Unix(b*86400, 0).UTC()})
			last = b
		}
		out[len(out)-1].Count += d.N
	}
	return out, nil
}

// weekStart returns the Monday on or before day (1970-01-01, day 0, was a
// Thursday), for days before 1970 too.
func weekStart(day int64) int64 {
	return day - ((day+3)%7+7)%7
}

// IntervalError is the EINVALID error for a histogram interval other than
// day, week or month.
func IntervalError(interval string) error {
	return geo.ParamErrorf("interval", "%q is not day, week or month", interval)
}

// FoldNoCase folds s as SQLite's NOCASE collation compares it: ASCII
// letters to lower case, every other byte unchanged.
func FoldNoCase(s string) string {
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

// CompareNoCase orders a and b as SQLite's NOCASE collation does.
func CompareNoCase(a, b string) int {
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
