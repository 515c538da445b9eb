package store

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"math"
	"slices"
	"strconv"

	"github.com/incidentmap/incidentmap/geo"
	"github.com/incidentmap/incidentmap/geo/merge"
)

// Merge search window: stored incidents farther than this from a new one
// are never compared with it (merge.SameEvent decides within the window).
const (
	mergeRadiusKm = 25.0
	mergeDays     = 31
	// mergeMaxCandidates bounds the incidents loaded per new incident, so
	// ingest stays fast in a dense area of a large database.
	mergeMaxCandidates = 200
)

// storeIncident stores inc as found in report r (already inserted in tx):
// merged into a stored incident of another report that merge.SameEvent
// matches, or inserted. It sets inc.ID either way. own lists the incidents
// already linked to r (those stored for it so far in tx): r is new, so no
// other incident is.
func (db *DB) storeIncident(ctx context.Context, tx *sql.Tx, r *geo.Report, inc *geo.Incident, own []int64) error {
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
		existing, err := db.findSameEvent(ctx, tx, r.ID, own, inc)
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
// than reportID, within the merge window of inc for which merge.SameEvent
// holds, or nil. Only candidates that can be at the same place are read
// (the same GeonameID, or near enough), and of those only the
// mergeMaxCandidates lowest ids are compared. own lists the incidents
// linked to reportID.
func (db *DB) findSameEvent(ctx context.Context, tx *sql.Tx, reportID int64, own []int64, inc *geo.Incident) (*geo.Incident, error) {
	dLat := mergeRadiusKm / 111.32
	dLon := 180.0 // near the poles the box spans every longitude
	if c := math.Cos(inc.Lat * math.Pi / 180); c > 0.01 {
		dLon = math.Min(dLat/c, 180)
	}
	nLat, nLon := nearBox(inc.Lat, merge.NearbyKm)
	day := dayNum(inc.Date)
	args := []any{day - mergeDays, day + mergeDays, inc.Lon - dLon, inc.Lon + dLon, inc.Lat - dLat, inc.Lat + dLat,
		inc.Lon - nLon, inc.Lon + nLon, inc.Lat - nLat, inc.Lat + nLat, inc.GeonameID, inc.GeonameID,
		day, merge.WindowDays(inc.DatePrecision),
		geo.DatePrecisionWeek, merge.WindowDays(geo.DatePrecisionWeek),
		geo.DatePrecisionMonth, merge.WindowDays(geo.DatePrecisionMonth)}
	// Driven by incidents_role_day: a month of incidents, checked for
	// the boxes inside the index, is fewer rows than every incident of a
	// busy town's box over the years. Most rows of a busy window are
	// other towns, ruled out by the near box before their row is read
	// (merge.SameEvent wants the same GeonameID or at most merge.NearbyKm),
	// or other days (it wants overlapping date windows; in whole days
	// this test is looser than its own, never stricter).
	//
	// Candidates are read lean (only what merge.SameEvent looks at): loading
	// every candidate's sources and reports cost most of an ingest. The
	// match, if any, is then read in full. The report's own incidents are
	// left out and the candidates ordered by id here rather than in SQL:
	// a NOT EXISTS probe per row and a temporary b-tree for ORDER BY made
	// the query three times slower. Past mergeScanLimit rows (a very
	// dense window) SQL does it after all, to read no more than it needs.
	const window = `i.role = 0 AND i.day BETWEEN ? AND ? AND i.lon BETWEEN ? AND ? AND i.lat BETWEEN ? AND ?
		AND ((i.lon BETWEEN ? AND ? AND i.lat BETWEEN ? AND ?) OR (? != 0 AND i.geonameid = ?))
		AND abs(i.day - ?) <= ? + CASE i.date_precision WHEN ? THEN ? WHEN ? THEN ? ELSE 0 END`
	//
	// The limits are literals: a bound LIMIT makes SQLite prepare the
	// statement again at every run, which cost more than the query.
	cands, err := scanCandidates(ctx, tx, `SELECT `+candidateColumns+` FROM incidents i WHERE `+window+`
		LIMIT `+strconv.Itoa(mergeScanLimit+1), args...)
	if err != nil {
		return nil, err
	}
	if len(cands) > mergeScanLimit {
		cands, err = scanCandidates(ctx, tx, `SELECT `+candidateColumns+` FROM incidents i WHERE `+window+`
				AND NOT EXISTS (SELECT 1 FROM incident_reports ir WHERE ir.incident_id = i.id AND ir.report_id = ?)
			ORDER BY i.id LIMIT `+strconv.Itoa(mergeMaxCandidates), append(args, reportID)...)
		if err != nil {
			return nil, err
		}
	}
	cands = slices.DeleteFunc(cands, func(c geo.Incident) bool { return slices.Contains(own, c.ID) })
	slices.SortFunc(cands, func(a, b geo.Incident) int { return cmp.Compare(a.ID, b.ID) })
	cands = cands[:min(len(cands), mergeMaxCandidates)]
	for i := range cands {
		if !merge.SameEvent(&cands[i], inc) {
			continue
		}
		full, err := db.queryIncidents(ctx, tx, `SELECT `+incidentColumns+` FROM incidents i WHERE i.id = ?`, cands[i].ID)
		if err != nil || len(full) == 0 {
			return nil, err
		}
		return full[0], nil
	}
	return nil, nil
}

// nearBox returns half-widths in degrees (latitude, longitude) of a box
// around latitude lat that holds every point at most km away by the
// great-circle distance merge.SameEvent measures (geo.HaversineKm, on a
// sphere of radius geo.EarthRadiusKm), with a 1% margin for rounding.
func nearBox(lat, km float64) (dLat, dLon float64) {
	a := km / geo.EarthRadiusKm // the distance as an angle, in radians
	dLat = a * 1.01 * 180 / math.Pi
	// sin(dλ/2) ≤ sin(a/2) / sqrt(cos φ1 cos φ2), φ2 at most dLat away.
	c := math.Cos(lat*math.Pi/180) * math.Cos((math.Abs(lat)+dLat)*math.Pi/180)
	if s := math.Sin(a/2) / math.Sqrt(c); c > 0 && s < 1 {
		dLon = math.Min(2*math.Asin(s)*1.01*180/math.Pi, 180)
	} else {
		dLon = 180
	}
	return dLat, dLon
}

// mergeScanLimit bounds the rows findSameEvent reads unordered before it
// lets SQL order them (see there).
const mergeScanLimit = 2000

// candidateColumns are the columns of a merge candidate, as scanCandidates
// reads them.
const candidateColumns = `i.id, i.report_id, i.date, i.date_precision, i.place, i.name, i.geonameid, i.lat, i.lon, i.sentence`

// scanCandidates runs a query selecting candidateColumns.
func scanCandidates(ctx context.Context, tx *sql.Tx, query string, args ...any) ([]geo.Incident, error) {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, FormatError(err)
	}
	defer rows.Close()
	var out []geo.Incident
	for rows.Next() {
		c := geo.Incident{Role: geo.RoleIncident}
		var date string
		if err := rows.Scan(&c.ID, &c.ReportID, &date, &c.DatePrecision, &c.Place, &c.Name,
			&c.GeonameID, &c.Lat, &c.Lon, &c.Sentence); err != nil {
			return nil, err
		}
		if c.Date, err = parseDate(date); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, FormatError(rows.Err())
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
