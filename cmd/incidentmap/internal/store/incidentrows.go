package store

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/incidentmap/incidentmap/geo"
)

// incidentsByID reads the incidents with the given ids, which must be
// ascending, in that order; ids no longer stored are skipped.
//
// It is incidentColumns' query taken apart: the rows with their report
// ids, then the page's sources in one statement, joined here by id. The
// correlated sub-select of the sources, with its concatenated records,
// costs more than reading them as rows.
func (db *DB) incidentsByID(ctx context.Context, tx *sql.Tx, ids []int64) ([]*geo.Incident, error) {
	incidents := make([]*geo.Incident, 0, len(ids))
	if len(ids) == 0 {
		return incidents, nil
	}
	list := int64sJSON(ids)
	rows, err := tx.QueryContext(ctx, `SELECT `+packedIncidentColumns+`
		FROM json_each(?) j JOIN incidents i ON i.id = j.value ORDER BY j.key`, list)
	if err != nil {
		return nil, FormatError(err)
	}
	defer rows.Close()
	block := make([]geo.Incident, len(ids)) // one allocation for the page
	var unpacked []int64                    // rows whose text held the separator
	for rows.Next() {
		inc := &block[len(incidents)]
		ok, err := scanPackedRow(rows, inc)
		if err != nil {
			return nil, err
		}
		if !ok {
			unpacked = append(unpacked, inc.ID)
		}
		incidents = append(incidents, inc)
	}
	if err := rows.Err(); err != nil {
		return nil, FormatError(err)
	}
	rows.Close()
	for _, id := range unpacked {
		i, _ := slices.BinarySearchFunc(incidents, id, func(in *geo.Incident, id int64) int { return cmpID(in.ID, id) })
		full, err := db.queryIncidents(ctx, tx, `SELECT `+incidentColumns+` FROM incidents i WHERE i.id = ?`, id)
		if err != nil {
			return nil, err
		} else if len(full) != 1 {
			return nil, fmt.Errorf("incident %d: gone within one read transaction", id)
		}
		*incidents[i] = *full[0]
		incidents[i].Sources = nil // read with the page's below
	}
	byID := func(id int64) *geo.Incident {
		i, ok := slices.BinarySearchFunc(incidents, id, func(in *geo.Incident, id int64) int { return cmpID(in.ID, id) })
		if !ok {
			return nil
		}
		return incidents[i]
	}

	rows, err = tx.QueryContext(ctx, `SELECT s.incident_id, s.kind, s.name, s.stance, s.report_id FROM json_each(?) j
		JOIN incident_sources s ON s.incident_id = j.value`, list)
	if err != nil {
		return nil, FormatError(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, report int64
		var kind, name, stance string
		if err := rows.Scan(&id, &kind, &name, &stance, &report); err != nil {
			return nil, err
		}
		if inc := byID(id); inc != nil {
			inc.Sources = append(inc.Sources, geo.SourceRef{Kind: geo.SourceKind(kind), Name: name, Stance: geo.Stance(stance), ReportID: report})
		}
	}
	if err := rows.Err(); err != nil {
		return nil, FormatError(err)
	}
	for _, inc := range incidents {
		sortSources(inc.Sources)
	}
	return incidents, nil
}

func cmpID(a, b int64) int { return cmp.Compare(a, b) }

// packedIncidentColumns are incidentRowColumns in 9 values instead of 22:
// the go-sqlite3 driver spends about 300 ns per value it hands over, more
// than SQLite spends reading the row, so the small integers travel as one
// (with a bit saying whether a text holds the separator), the date as its
// day number, and the texts as one string joined by the unit separator.
// Measured on a 1,000-incident page at 1M incidents: 3.1 ms against 4.7.
const packedIncidentColumns = `i.id, i.report_id, i.geonameid,
	(((((i.day*16 + i.date_precision)*2 + i.role)*16 + min(i.precision, 15))*2 + i.needs_review)*2 + i.disputed)*2 +
		(instr(i.source, x'1f') + instr(i.place, x'1f') + instr(i.name, x'1f') + instr(i.country, x'1f') +
		instr(i.admin1, x'1f') + instr(i.candidates, x'1f') + instr(i.sentence, x'1f') > 0),
	i.start*4294967296 + i."end", i.lat, i.lon, i.confidence,
	i.report_date || x'1f' || i.source || x'1f' || i.place || x'1f' || i.name || x'1f' || i.country || x'1f' ||
	i.admin1 || x'1f' || i.candidates || x'1f' ||
	coalesce((SELECT group_concat(r.report_id) FROM incident_reports r WHERE r.incident_id = i.id), '') || x'1f' ||
	i.sentence`

// scanPackedRow scans packedIncidentColumns into inc. ok is false when a
// text holds the separator itself, so the fields cannot be told apart
// (report text may hold any character); only inc.ID is then set, and the
// caller reads the row plainly.
func scanPackedRow(s rowScanner, inc *geo.Incident) (ok bool, err error) {
	var flags, span int64
	var texts string
	if err := s.Scan(&inc.ID, &inc.ReportID, &inc.GeonameID, &flags, &span, &inc.Lat, &inc.Lon, &inc.Confidence, &texts); err != nil {
		return false, err
	}
	if flags&1 != 0 {
		return false, nil
	}
	flags >>= 1
	var f [9]string
	for i := range len(f) - 1 {
		var found bool
		if f[i], texts, found = strings.Cut(texts, "\x1f"); !found {
			return false, fmt.Errorf("incident %d: %d packed texts, want %d", inc.ID, i+1, len(f))
		}
	}
	f[len(f)-1] = texts
	inc.Start, inc.End = int(span>>32), int(span&0xffffffff)
	inc.Disputed, flags = flags&1 != 0, flags>>1
	inc.NeedsReview, flags = flags&1 != 0, flags>>1
	inc.Precision, flags = int(flags&15), flags>>4
	inc.Role, flags = roleFromNum(int(flags&1)), flags>>1
	inc.DatePrecision, flags = int(flags&15), flags>>4
	inc.Date = time.Unix(flags*86400, 0).UTC()
	if inc.ReportDate, err = parseDate(f[0]); err != nil {
		return false, fmt.Errorf("incident %d: report date: %w", inc.ID, err)
	}
	inc.Source, inc.Place, inc.Name, inc.CountryCode, inc.Admin1 = f[1], f[2], f[3], f[4], f[5]
	if f[6] != "" {
		if err := json.Unmarshal([]byte(f[6]), &inc.Candidates); err != nil {
			return false, fmt.Errorf("incident %d: candidates: %w", inc.ID, err)
		}
	}
	if inc.ReportIDs, err = parseIDs(f[7]); err != nil {
		return false, fmt.Errorf("incident %d: reports: %w", inc.ID, err)
	}
	slices.Sort(inc.ReportIDs) // group_concat promises no order
	inc.Sentence = f[8]
	return true, nil
}
