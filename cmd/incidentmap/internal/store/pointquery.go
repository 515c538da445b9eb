package store

import (
	"context"
	"math"
	"math/bits"
	"sync"

	"github.com/incidentmap/incidentmap/geo"
)

// FindIncidents answers from the point cache when it is at the data
// version asked: the count and the page's ids come from a walk over the
// in-memory records, and SQL only reads the page's rows by primary key.
// In SQL the count alone is a scan of every match (250,000 R*Tree hits for
// a region at 1M incidents) and the page a sort of them; in memory the
// same walk is a few milliseconds, so a query's cost follows its page, not
// its match count.

// bitmaps recycles the per-query id bitmaps (125 KB at 1M incidents), the
// only memory a query needs beyond its page.
var bitmaps = sync.Pool{New: func() any { return new([]uint64) }}

// cachedPage returns the ids of f's page (AfterID, Offset, limit applied),
// in id order, and how many incidents match f in all. Matches after
// AfterID are marked in a bitmap over the id space, which is then read
// from AfterID on: linear in the matches plus the id space / 64, with no
// sort (a sort of 250,000 matches alone takes 15 ms).
func (db *DB) cachedPage(ctx context.Context, s *pointSnapshot, f geo.IncidentFilter, limit int) ([]int64, int, error) {
	m, err := db.pointMatcher(ctx, s, f)
	if err != nil {
		return nil, 0, err
	}
	bp := bitmaps.Get().(*[]uint64)
	defer bitmaps.Put(bp)
	words := int(s.maxID/64) + 1
	if cap(*bp) < words {
		*bp = make([]uint64, words)
	}
	bm := (*bp)[:words]
	clear(bm)
	n := 0
	after, sets := f.AfterID, len(m.idSets) > 0
	mark := func(recs []pointRec, b [4]float64) error {
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
	if f.BBox == nil {
		err = mark(s.recs, [4]float64{-180, -90, 180, 90})
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
