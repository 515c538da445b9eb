package spatial

import (
	"math"
	"time"

	"github.com/incidentmap/incidentmap/geo"
	"github.com/incidentmap/incidentmap/tiles"
)

// Matcher is a geo.IncidentFilter (bbox aside) compiled for a snapshot's
// records: the fields the records hold are compared in place; the filters
// they do not hold (sources, report) are id Bitmaps the caller computes
// and adds with AddSet.
type Matcher struct {
	dayMin, dayMax  int32
	roleMask        uint8 // bit 0 incident, bit 1 mention
	maxPrec         int8
	flagMask, flags uint8
	idSets          []Bitmap // allowed ids (sources, report)
}

// NewMatcher compiles f's dates, roles, precision, disputed and
// needs-review filters. f.Sources and f.ReportID are not compiled: add
// their id sets with AddSet.
func NewMatcher(f geo.IncidentFilter) *Matcher {
	m := &Matcher{dayMin: math.MinInt32, dayMax: math.MaxInt32, maxPrec: math.MaxInt8}
	if f.From != nil {
		m.dayMin = dayOf(*f.From)
	}
	if f.To != nil {
		m.dayMax = dayOf(*f.To)
	}
	if f.MaxPrecision > 0 {
		m.maxPrec = int8(min(f.MaxPrecision, math.MaxInt8))
	}
	if inc, men := Roles(f.Roles); inc {
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
	return m
}

// AddSet narrows m to the ids set in b.
func (m *Matcher) AddSet(b Bitmap) { m.idSets = append(m.idSets, b) }

// dayOf is t's UTC calendar date as days since 1970-01-01, as the store
// keeps incidents' days.
func dayOf(t time.Time) int32 { return tiles.DateDays(t.UTC()) }

// Roles returns which roles a filter's Roles select: incidents only when
// it is empty.
func Roles(roles []geo.Role) (incident, mention bool) {
	if len(roles) == 0 {
		return true, false
	}
	for _, r := range roles {
		if r == geo.RoleMention {
			mention = true
		} else {
			incident = true
		}
	}
	return incident, mention
}

func (m *Matcher) match(p *rec) bool {
	return m.matchFields(p) && (len(m.idSets) == 0 || m.matchSets(p))
}

// matchFields checks the filters the record holds; small enough to be
// inlined in the loops over hundreds of thousands of records.
func (m *Matcher) matchFields(p *rec) bool {
	role := uint8(1) << (p.flags & flagMention >> 2) // 1 incident, 2 mention
	return p.day >= m.dayMin && p.day <= m.dayMax && p.prec <= m.maxPrec &&
		p.flags&m.flagMask == m.flags && m.roleMask&role != 0
}

// matchSets checks the id bitmaps (sources, report).
func (m *Matcher) matchSets(p *rec) bool {
	for _, set := range m.idSets {
		if w := uint64(p.id) >> 6; w >= uint64(len(set)) || set[w]&(1<<(uint64(p.id)&63)) == 0 {
			return false
		}
	}
	return true
}

// Bitmap is a set of incident ids, one bit per id.
type Bitmap []uint64

// NewBitmap returns an empty Bitmap for ids 0 to maxID.
func NewBitmap(maxID int64) Bitmap { return make(Bitmap, maxID/64+1) }

// BitmapOf returns the Bitmap of ids, ignoring those outside 0 to maxID.
func BitmapOf(ids []int64, maxID int64) Bitmap {
	b := NewBitmap(maxID)
	for _, id := range ids {
		if id >= 0 && id <= maxID {
			b.Add(id)
		}
	}
	return b
}

// Add sets id, which must be within the Bitmap's range.
func (b Bitmap) Add(id int64) { b[id>>6] |= 1 << (uint64(id) & 63) }
