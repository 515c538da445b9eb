// Package spatial is incidentmap's in-memory point index: an immutable
// snapshot of every incident's point columns, sorted by a 32-bit Z-order
// (Morton) key of their Web Mercator position (tiles.Morton16), so that a
// map tile at zoom z <= 16 is one contiguous key range, found by binary
// search, and a bound is a handful of ranges. A z4 tile holding 900,000
// points is then a linear walk over 32-byte records instead of 900,000
// R*Tree hits and row lookups.
//
// The package holds no SQL: the store reads the rows and hands them to a
// Builder, computes the id sets of filters the records do not hold
// (sources, report) and passes them to a Matcher as Bitmaps. On a snapshot
// it answers the walk over a bound (Snapshot.Each), a query's page and
// match count (Snapshot.Page) and the counts by source and by day
// (Snapshot.Sources, Snapshot.Days, BucketDays). An Index holds the
// current snapshot and decides when it is rebuilt, with a Load function
// the store supplies.
package spatial

import (
	"cmp"
	"context"
	"math"
	"slices"

	"github.com/incidentmap/incidentmap/geo"
	"github.com/incidentmap/incidentmap/tiles"
)

// Snapshot is one immutable copy of the point columns at a data version.
type Snapshot struct {
	version int64
	keys    []uint32 // Morton keys, ascending
	recs    []rec
	names   []string // sources, indexed by rec.source
	maxID   int64
	// minDay and maxDay bound the records' days (0 and -1 when empty).
	minDay, maxDay int32
	// sources holds, for every outlet and claimant, the ids of its
	// incidents, read in the same transaction as recs (counts.go).
	sources []sourceSet
}

// rec is one incident; 32 bytes.
type rec struct {
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

// Record is one incident as the store reads it, for Builder.Add.
type Record struct {
	ID          int64
	Lon, Lat    float64
	Day         int32 // days since 1970-01-01
	Precision   int8
	Disputed    bool
	NeedsReview bool
	Mention     bool   // role mention, else incident
	Source      []byte // the outlet; copied only when new to the snapshot
}

// Builder collects the records of one data version into a Snapshot.
type Builder struct {
	s     Snapshot
	keys  []uint32
	recs  []rec
	names Names
}

// NewBuilder returns a Builder for a snapshot at data version v, with
// room for about n records.
func NewBuilder(v int64, n int) *Builder {
	return &Builder{
		s:    Snapshot{version: v, minDay: 0, maxDay: -1},
		keys: make([]uint32, 0, n+n/16),
		recs: make([]rec, 0, n+n/16),
	}
}

// Add adds one incident.
func (b *Builder) Add(r Record) {
	p := rec{id: r.ID, lon: r.Lon, lat: r.Lat, day: r.Day, prec: r.Precision, source: b.names.Index(r.Source)}
	if r.Disputed {
		p.flags |= flagDisputed
	}
	if r.NeedsReview {
		p.flags |= flagNeedsReview
	}
	if r.Mention {
		p.flags |= flagMention
	}
	b.recs = append(b.recs, p)
	b.keys = append(b.keys, tiles.Morton16(p.lon, p.lat))
	s := &b.s
	s.maxID = max(s.maxID, p.id)
	if len(b.recs) == 1 {
		s.minDay, s.maxDay = p.day, p.day
	}
	s.minDay, s.maxDay = min(s.minDay, p.day), max(s.maxDay, p.day)
}

// MaxID returns the largest id added so far.
func (b *Builder) MaxID() int64 { return b.s.maxID }

// Build sorts the records along the Z-order curve (ties by id) and
// returns the snapshot. The Builder is not to be used afterwards.
func (b *Builder) Build() *Snapshot {
	keys, recs := b.keys, b.recs
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
	s := b.s
	s.keys = make([]uint32, len(recs))
	s.recs = make([]rec, len(recs))
	for i, o := range order {
		s.keys[i], s.recs[i] = keys[o], recs[o]
	}
	s.names = b.names.names
	return &s
}

// Version returns the data version the snapshot was read at.
func (s *Snapshot) Version() int64 { return s.version }

// AtVersion returns a copy of s that claims data version v (tests use it
// to publish a snapshot at the version readers see).
func (s *Snapshot) AtVersion(v int64) *Snapshot {
	c := *s
	c.version = v
	return &c
}

// Len returns the number of incidents.
func (s *Snapshot) Len() int { return len(s.recs) }

// MaxID returns the largest incident id (0 when empty): Bitmaps over the
// snapshot's ids have MaxID/64+1 words.
func (s *Snapshot) MaxID() int64 { return s.maxID }

// Names interns strings read as raw bytes: a million rows naming a few
// dozen sources allocate a few dozen strings.
type Names struct {
	m     map[string]uint16
	names []string
}

// Intern returns the shared copy of b.
func (t *Names) Intern(b []byte) string {
	return t.names[t.Index(b)]
}

// Index returns b's number, adding it if new. The map lookup with
// string(b) as key does not allocate.
func (t *Names) Index(b []byte) uint16 {
	if i, ok := t.m[string(b)]; ok {
		return i
	}
	if t.m == nil {
		t.m = map[string]uint16{}
	}
	if len(t.names) == 1<<16-1 {
		// More distinct outlets than a uint16 numbers: share the last
		// slot's name rather than fail; tiles only show the name.
		return uint16(len(t.names) - 1)
	}
	s := string(b)
	i := uint16(len(t.names))
	t.m[s] = i
	t.names = append(t.names, s)
	return i
}

// keyRanges covers bound with at most 16 cells of one zoom level and
// returns their key ranges [lo, hi), merged and ascending.
func keyRanges(b [4]float64) [][2]uint64 {
	x0, y0 := tiles.Cell16(b[0], b[3]) // north-west
	x1, y1 := tiles.Cell16(b[2], b[1]) // south-east
	shift := uint(0)
	for shift < tiles.MortonBits && uint64((x1>>shift)-(x0>>shift)+1)*uint64((y1>>shift)-(y0>>shift)+1) > 16 {
		shift++
	}
	var out [][2]uint64
	for cy := y0 >> shift; cy <= y1>>shift; cy++ {
		for cx := x0 >> shift; cx <= x1>>shift; cx++ {
			lo := uint64(tiles.Interleave16(cx<<shift, cy<<shift))
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
func (s *Snapshot) spans(b [4]float64) [][2]int {
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

// Each calls fn for every incident inside bound b (edges included) that m
// matches, in no particular order, as geo.PointService's EachPoint. An
// error from fn, or ctx's, stops the walk and is returned.
func (s *Snapshot) Each(ctx context.Context, m *Matcher, b [4]float64, fn func(geo.PointRow) error) error {
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
