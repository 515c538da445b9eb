package spatial

import (
	"context"
	"math"
	"math/bits"
	"runtime"
	"sync"

	"github.com/incidentmap/incidentmap/geo"
)

// A query's page comes from a walk over the records: the count and the
// page's ids, so that the store reads only the page's rows by primary
// key. In SQL the count alone is a scan of every match (250,000 R*Tree
// hits for a region at 1M incidents) and the page a sort of them; in
// memory the same walk is a few milliseconds, so a query's cost follows
// its page, not its match count.

// bitmaps recycles the per-query id bitmaps (125 KB at 1M incidents), the
// only memory a query needs beyond its page.
var bitmaps = sync.Pool{New: func() any { return new([]uint64) }}

// scratch returns a cleared bitmap over s's ids from the pool, and its
// release.
func (s *Snapshot) scratch() (Bitmap, func()) {
	bp := bitmaps.Get().(*[]uint64)
	words := int(s.maxID/64) + 1
	if cap(*bp) < words {
		*bp = make([]uint64, words)
	}
	bm := (*bp)[:words]
	clear(bm)
	return bm, func() { bitmaps.Put(bp) }
}

// Page returns the ids of f's page (f.BBox, f.AfterID, f.Offset and limit
// applied; the other fields are m's), in id order, and how many incidents
// match in all. Matches after AfterID are marked in a bitmap over the id
// space, which is then read from AfterID on: linear in the matches plus
// the id space / 64, with no sort (a sort of 250,000 matches alone takes
// 15 ms).
func (s *Snapshot) Page(ctx context.Context, m *Matcher, f geo.IncidentFilter, limit int) ([]int64, int, error) {
	bm, release := s.scratch()
	defer release()
	n := 0
	after, sets := f.AfterID, len(m.idSets) > 0
	mark := func(recs []rec, b [4]float64) error {
		for len(recs) > 0 {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			chunk := recs[:min(len(recs), 1<<16)]
			recs = recs[len(chunk):]
			for i := range chunk {
				p := &chunk[i]
				if p.lon < b[0] || p.lon > b[2] || p.lat < b[1] || p.lat > b[3] ||
					!m.matchFields(p) || (sets && !m.matchSets(p)) {
					continue
				}
				n++
				if p.id > after {
					bm[p.id>>6] |= 1 << (uint64(p.id) & 63)
				}
			}
		}
		return nil
	}
	var err error
	if f.BBox == nil {
		err = mark(s.recs, geo.WorldBound())
	} else {
		b := *f.BBox
		for _, span := range s.spans(b) {
			if err = mark(s.recs[span[0]:span[1]], b); err != nil {
				break
			}
		}
	}
	if err != nil {
		return nil, 0, err
	}
	words := len(bm)
	page := make([]int64, 0, min(limit, n))
	seen, want := 0, f.Offset+limit
	if want < f.Offset {
		want = math.MaxInt // overflow: every match
	}
	for w := 0; w < words && seen < want; w++ {
		for word := bm[w]; word != 0 && seen < want; word &= word - 1 {
			if seen >= f.Offset {
				page = append(page, int64(w)<<6|int64(bits.TrailingZeros64(word)))
			}
			seen++
		}
	}
	return page, n, nil
}

// walk calls fn for every record of s inside bbox (nil: everywhere) that
// m matches, yielding the processor between chunks.
func (s *Snapshot) walk(ctx context.Context, bbox *[4]float64, m *Matcher, fn func(p *rec)) error {
	sets := len(m.idSets) > 0
	visit := func(recs []rec, b [4]float64) error {
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
		return visit(s.recs, geo.WorldBound())
	}
	for _, span := range s.spans(*bbox) {
		if err := visit(s.recs[span[0]:span[1]], *bbox); err != nil {
			return err
		}
	}
	return nil
}
