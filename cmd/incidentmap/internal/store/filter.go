package store

import (
	"fmt"
	"strings"

	"github.com/incidentmap/incidentmap/geo"
	"github.com/incidentmap/incidentmap/geo/spatial"
)

// query is an IncidentFilter compiled to SQL selecting matching ids.
//
// With a bounding box the ids come from incidents_rtree, whose four
// dimensions (lon, lat, role, precision) answer those filters inside the
// tree; otherwise from incidents through incidents_role_day.
// Filters on other tables are correlated lookups per candidate when the
// tree drives, and IN sub-selects (which SQLite can drive from) otherwise.
type query struct {
	alias string // "r" (R*Tree) or "i" (incidents)
	from  string
	conds []string
	args  []any
}

// ids returns the SELECT of every matching id, in no order.
func (q *query) ids() string {
	s := "SELECT " + q.alias + ".id FROM " + q.from
	if len(q.conds) > 0 {
		s += " WHERE " + strings.Join(q.conds, " AND ")
	}
	return s
}

// page returns the SELECT of one page of ids in id order, and its args.
func (q *query) page(afterID int64, limit, offset int) (string, []any) {
	conds := q.conds
	args := q.args
	if afterID > 0 {
		conds = append(conds[:len(conds):len(conds)], q.alias+".id > ?")
		args = append(args[:len(args):len(args)], afterID)
	}
	s := "SELECT " + q.alias + ".id FROM " + q.from
	if len(conds) > 0 {
		s += " WHERE " + strings.Join(conds, " AND ")
	}
	s += " ORDER BY " + q.alias + ".id LIMIT ? OFFSET ?"
	return s, append(args[:len(args):len(args)], limit, offset)
}

// pageByID is page for a filter matching many incidents: it walks
// incidents in id order (probing the R*Tree for each when q uses it) and
// stops after the page.
func (q *query) pageByID(afterID int64, limit, offset int) (string, []any) {
	if q.alias == "i" {
		// NOT INDEXED: the rowid order is the page's order.
		scan := *q
		scan.from = "incidents i NOT INDEXED"
		return scan.page(afterID, limit, offset)
	}
	s := "SELECT o.id FROM incidents o WHERE "
	args := make([]any, 0, len(q.args)+3)
	if afterID > 0 {
		s += "o.id > ? AND "
		args = append(args, afterID)
	}
	s += "EXISTS (SELECT 1 FROM incidents_rtree r WHERE r.id = o.id AND " + strings.Join(q.conds, " AND ") +
		") ORDER BY o.id LIMIT ? OFFSET ?"
	args = append(append(args, q.args...), limit, offset)
	return s, args
}

// key identifies the query and its arguments, for the count cache.
func (q *query) key() string {
	return fmt.Sprintf("%s|%v", q.ids(), q.args)
}

func (q *query) where(cond string, args ...any) {
	q.conds = append(q.conds, cond)
	q.args = append(q.args, args...)
}

// buildQuery compiles f, ignoring Limit, Offset and AfterID.
func buildQuery(f geo.IncidentFilter) (*query, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	incident, mention := spatial.Roles(f.Roles)
	q := &query{alias: "i", from: "incidents i"}
	if b := f.BBox; b != nil && !narrowDates(f) {
		q = &query{alias: "r", from: "incidents_rtree r"}
		q.where("r.max_lon >= ? AND r.min_lon <= ? AND r.max_lat >= ? AND r.min_lat <= ?", b[0], b[2], b[1], b[3])
		if incident != mention {
			n := roleNum(geo.RoleIncident)
			if mention {
				n = roleNum(geo.RoleMention)
			}
			q.where("r.min_role >= ? AND r.max_role <= ?", n, n)
		}
		if f.MaxPrecision > 0 {
			q.where("r.max_prec <= ?", f.MaxPrecision)
		}
		// The rest needs the incident row: one lookup by id per candidate.
		var conds []string
		var args []any
		if f.From != nil {
			conds, args = append(conds, "i.day >= ?"), append(args, dayNum(*f.From))
		}
		if f.To != nil {
			conds, args = append(conds, "i.day <= ?"), append(args, dayNum(*f.To))
		}
		if f.Disputed != nil {
			conds, args = append(conds, "i.disputed = ?"), append(args, *f.Disputed)
		}
		if f.NeedsReview != nil {
			conds, args = append(conds, "i.needs_review = ?"), append(args, *f.NeedsReview)
		}
		if len(conds) > 0 {
			q.where("EXISTS (SELECT 1 FROM incidents i WHERE i.id = r.id AND "+strings.Join(conds, " AND ")+")", args...)
		}
		if len(f.Sources) > 0 {
			cond, args := sourceCond(f)
			q.where("EXISTS (SELECT 1 FROM incident_sources s WHERE s.incident_id = r.id AND "+cond+")", args...)
		}
	} else {
		if b := f.BBox; b != nil {
			// A bounded date range reads fewer entries of
			// incidents_role_day (which holds lon and lat) than a large
			// box has R*Tree matches, each needing its row for the date.
			q.where("i.lon BETWEEN ? AND ? AND i.lat BETWEEN ? AND ?", b[0], b[2], b[1], b[3])
		}
		if incident != mention {
			n := roleNum(geo.RoleIncident)
			if mention {
				n = roleNum(geo.RoleMention)
			}
			q.where("i.role = ?", n)
		} else {
			// Lets SQLite use incidents_role_day for a date range.
			q.where("i.role IN (0, 1)")
		}
		if f.From != nil {
			q.where("i.day >= ?", dayNum(*f.From))
		}
		if f.To != nil {
			q.where("i.day <= ?", dayNum(*f.To))
		}
		if f.MaxPrecision > 0 {
			q.where("i.precision <= ?", f.MaxPrecision)
		}
		if f.Disputed != nil {
			q.where("i.disputed = ?", *f.Disputed)
		}
		if f.NeedsReview != nil {
			q.where("i.needs_review = ?", *f.NeedsReview)
		}
		if len(f.Sources) > 0 {
			cond, args := sourceCond(f)
			if f.BBox != nil {
				q.where("EXISTS (SELECT 1 FROM incident_sources s WHERE s.incident_id = i.id AND "+cond+")", args...)
			} else {
				q.where("i.id IN (SELECT s.incident_id FROM incident_sources s WHERE "+cond+")", args...)
			}
		}
	}
	if f.ReportID > 0 {
		q.where(q.alias+".id IN (SELECT incident_id FROM incident_reports WHERE report_id = ?)", f.ReportID)
	}
	return q, nil
}

// maxNarrowDays is the longest date range for which a bbox query is
// driven by the date index rather than the R*Tree.
const maxNarrowDays = 3 * 366

func narrowDates(f geo.IncidentFilter) bool {
	return f.From != nil && f.To != nil && dayNum(*f.To)-dayNum(*f.From) <= maxNarrowDays
}

// sourceCond matches incident_sources rows named in f.Sources (case
// insensitively: the column is NOCASE), narrowed to f.SourceKind.
func sourceCond(f geo.IncidentFilter) (string, []any) {
	args := make([]any, 0, len(f.Sources)+1)
	for _, s := range f.Sources {
		args = append(args, s)
	}
	cond := "s.name IN (" + strings.TrimSuffix(strings.Repeat("?,", len(f.Sources)), ",") + ")"
	if f.SourceKind != "" {
		cond += " AND s.kind = ?"
		args = append(args, string(f.SourceKind))
	}
	return cond, args
}
