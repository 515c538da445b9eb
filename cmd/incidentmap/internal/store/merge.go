package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"math"

	"github.com/incidentmap/incidentmap/geo"
)

// Merge search window: stored incidents farther than this from a new one
// are never compared with it (geo.SameEvent decides within the window).
const (
	mergeRadiusKm = 25.0
	mergeDays     = 31
	// mergeMaxCandidates bounds the incidents loaded per new incident, so
	// ingest stays fast in a dense area of a large database.
	mergeMaxCandidates = 200
)

// storeIncident stores inc as found in report r (already inserted in tx):
// merged into a stored incident of another report that geo.SameEvent
// matches, or inserted. It sets inc.ID either way.
func (db *DB) storeIncident(ctx context.Context, tx *sql.Tx, r *geo.Report, inc *geo.Incident) error {
	inc.ReportID = r.ID
	inc.Source = r.Source
	if inc.ReportDate.IsZero() {
		inc.ReportDate = r.Published
	}
	if inc.Date.IsZero() {
		inc.Date = inc.ReportDate
	}
	if inc.DatePrecision == 0 {
		inc.DatePrecision = geo.DatePrecisionDay
	}
	if inc.Role == geo.RoleIncident {
		existing, err := db.findSameEvent(ctx, tx, r.ID, inc)
		if err != nil {
			return err
		}
		if existing != nil {
			return mergeInto(ctx, tx, existing, r, inc)
		}
	}
	return insertIncident(ctx, tx, r, inc)
}

func insertIncident(ctx context.Context, tx *sql.Tx, r *geo.Report, inc *geo.Incident) error {
	args, err := incidentRow(inc.ReportID, inc)
	if err != nil {
		return err
	}
	res, err := tx.ExecContext(ctx, insertIncidentSQL, args...)
	if err != nil {
		return err
	}
	if inc.ID, err = res.LastInsertId(); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO incident_reports (incident_id, report_id) VALUES (?, ?)`,
		inc.ID, r.ID); err != nil {
		return err
	}
	if _, err := insertSources(ctx, tx, inc.ID, r, inc.Sources); err != nil {
		return err
	}
	inc.ReportIDs = []int64{r.ID}
	return nil
}

// mergeInto attaches report r and inc's sources to the stored incident
// existing, and marks it disputed if a new claimant denies it.
func mergeInto(ctx context.Context, tx *sql.Tx, existing *geo.Incident, r *geo.Report, inc *geo.Incident) error {
	inc.ID = existing.ID
	if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO incident_reports (incident_id, report_id) VALUES (?, ?)`,
		existing.ID, r.ID); err != nil {
		return err
	}
	denied, err := insertSources(ctx, tx, existing.ID, r, inc.Sources)
	if err != nil {
		return err
	}
	if (inc.Disputed || denied) && !existing.Disputed {
		if _, err := tx.ExecContext(ctx, `UPDATE incidents SET disputed = 1 WHERE id = ?`, existing.ID); err != nil {
			return err
		}
	}
	inc.Disputed = existing.Disputed || inc.Disputed || denied
	inc.ReportIDs = append(existing.ReportIDs, r.ID)
	return nil
}

// findSameEvent returns the lowest-id stored incident, from a report other
// than reportID, within the merge window of inc for which geo.SameEvent
// holds, or nil.
func (db *DB) findSameEvent(ctx context.Context, tx *sql.Tx, reportID int64, inc *geo.Incident) (*geo.Incident, error) {
	dLat := mergeRadiusKm / 111.32
	dLon := 180.0 // near the poles the box spans every longitude
	if c := math.Cos(inc.Lat * math.Pi / 180); c > 0.01 {
		dLon = math.Min(dLat/c, 180)
	}
	day := dayNum(inc.Date)
	// Driven by incidents_role_day: a month of incidents, checked for
	// the box inside the index, is fewer rows than every incident of a
	// busy town's box over the years.
	//
	// Candidates are read lean (only what geo.SameEvent looks at): loading
	// every candidate's sources and reports cost most of an ingest. The
	// match, if any, is then read in full.
	rows, err := tx.QueryContext(ctx, `SELECT i.id, i.report_id, i.date, i.date_precision, i.place, i.name,
			i.geonameid, i.lat, i.lon, i.sentence
		FROM incidents i
		WHERE i.role = 0 AND i.day BETWEEN ? AND ? AND i.lon BETWEEN ? AND ? AND i.lat BETWEEN ? AND ?
			AND NOT EXISTS (SELECT 1 FROM incident_reports ir WHERE ir.incident_id = i.id AND ir.report_id = ?)
		ORDER BY i.id LIMIT ?`,
		day-mergeDays, day+mergeDays, inc.Lon-dLon, inc.Lon+dLon, inc.Lat-dLat, inc.Lat+dLat,
		reportID, mergeMaxCandidates)
	if err != nil {
		return nil, FormatError(err)
	}
	match := int64(0)
	for rows.Next() {
		c := geo.Incident{Role: geo.RoleIncident}
		var date string
		if err := rows.Scan(&c.ID, &c.ReportID, &date, &c.DatePrecision, &c.Place, &c.Name,
			&c.GeonameID, &c.Lat, &c.Lon, &c.Sentence); err != nil {
			rows.Close()
			return nil, err
		}
		if c.Date, err = parseDate(date); err != nil {
			rows.Close()
			return nil, err
		}
		if geo.SameEvent(&c, inc) {
			match = c.ID
			break
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, FormatError(err)
	}
	if match != 0 {
		full, err := db.queryIncidents(ctx, tx, `SELECT `+incidentColumns+` FROM incidents i WHERE i.id = ?`, match)
		if err != nil || len(full) == 0 {
			return nil, err
		}
		return full[0], nil
	}
	return nil, nil
}

// insertIncidentSQL inserts one incident row; incidentRow gives its values.
const insertIncidentSQL = `INSERT INTO incidents (report_id, date, day, date_precision, report_date,
		source, place, name, geonameid, country, admin1, lat, lon, role, precision, confidence,
		needs_review, disputed, sentence, start, "end", candidates)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

// incidentRow returns the values of insertIncidentSQL for inc, first
// marking it disputed when a claimant denies it.
func incidentRow(reportID int64, inc *geo.Incident) ([]any, error) {
	for _, s := range inc.Sources {
		inc.Disputed = inc.Disputed || (s.Kind != geo.SourceOutlet && s.Stance == geo.StanceDenies)
	}
	candidates := ""
	if len(inc.Candidates) > 0 {
		buf, err := json.Marshal(inc.Candidates)
		if err != nil {
			return nil, err
		}
		candidates = string(buf)
	}
	return []any{reportID, inc.Date.UTC().Format(geo.DateLayout), dayNum(inc.Date), inc.DatePrecision,
		inc.ReportDate.UTC().Format(geo.DateLayout), inc.Source, inc.Place, inc.Name, inc.GeonameID,
		inc.CountryCode, inc.Admin1, inc.Lat, inc.Lon, roleNum(inc.Role), inc.Precision, inc.Confidence,
		inc.NeedsReview, inc.Disputed, inc.Sentence, inc.Start, inc.End, candidates}, nil
}
