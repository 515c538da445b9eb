package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/incidentmap/incidentmap/geo"
	"github.com/incidentmap/incidentmap/geo/gazetteer"
)

// ChangeIncidentReviewed is the Change kind of an analyst's correction.
const ChangeIncidentReviewed = "incident_reviewed"

var _ geo.ReviewService = (*DB)(nil)

// Review queue sizes.
const (
	DefaultReviewLimit = 50
	MaxReviewLimit     = 500
)

// placeState is the part of an incident a correction changes, as stored
// in corrections.old_value and new_value.
type placeState struct {
	Lat         float64  `json:"lat"`
	Lon         float64  `json:"lon"`
	Name        string   `json:"name"`
	GeonameID   int64    `json:"geonameid"`
	CountryCode string   `json:"country"`
	Admin1      string   `json:"admin1"`
	Role        geo.Role `json:"role"`
	Precision   int      `json:"precision"`
	Confidence  float64  `json:"confidence"`
	NeedsReview bool     `json:"needs_review"`
}

func stateOf(in *geo.Incident) placeState {
	return placeState{Lat: in.Lat, Lon: in.Lon, Name: in.Name, GeonameID: in.GeonameID, CountryCode: in.CountryCode,
		Admin1: in.Admin1, Role: in.Role, Precision: in.Precision, Confidence: in.Confidence, NeedsReview: in.NeedsReview}
}

// rejectedIncident is what old_value keeps of a rejected (deleted)
// incident: everything, dates included, so it could be restored by hand.
type rejectedIncident struct {
	*geo.Incident
	Date       string `json:"date"`
	ReportDate string `json:"report_date"`
}

// ApplyCorrection implements geo.ReviewService. A rejected incident is
// deleted (its reports and sources links go with it through the foreign
// keys, its R*Tree entry through the trigger) rather than flagged: every
// reader would otherwise need a "not rejected" condition, and the
// correction row keeps the whole incident for the record. A rejection is
// not remembered as a rule: the geoparser's overrides can place a name but
// not declare it a non-place.
func (db *DB) ApplyCorrection(ctx context.Context, c geo.Correction) (*geo.Incident, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if c.By == "" {
		return nil, geo.ParamErrorf("by", "required: who made the correction")
	}
	if c.At.IsZero() {
		c.At = db.Now()
	}
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()

	in, err := findIncidentTx(ctx, tx, c.IncidentID)
	if err != nil {
		return nil, err
	}
	old := stateOf(in)
	next := old
	scope := in.CountryCode
	switch c.Action {
	case geo.ActionMove:
		// The analyst's point is the place itself; it has no gazetteer
		// entry, so the name shown is the name as written.
		next.Lat, next.Lon, next.Name, next.GeonameID = *c.Lat, *c.Lon, in.Place, 0
		next.Precision, next.Confidence, next.NeedsReview = geo.PrecisionExact, 1, false
	case geo.ActionCandidate:
		cand, err := findCandidate(ctx, tx, in, c.GeonameID)
		if err != nil {
			return nil, err
		}
		next.Lat, next.Lon, next.Name, next.GeonameID = cand.Lat, cand.Lon, cand.Name, cand.GeonameID
		next.CountryCode, next.Admin1 = cand.CountryCode, cand.Admin1
		next.Precision, next.Confidence, next.NeedsReview = geo.PrecisionExact, 1, false
		if cand.CountryCode != "" {
			scope = cand.CountryCode // the analyst's choice says which country the report is about
		}
	case geo.ActionRole:
		next.Role = c.Role
	}
	if c.Country != "" {
		scope = c.Country
	}

	var oldJSON, newJSON []byte
	if c.Action == geo.ActionReject {
		oldJSON, err = json.Marshal(rejectedIncident{Incident: in, Date: in.Date.Format(geo.DateLayout),
			ReportDate: in.ReportDate.Format(geo.DateLayout)})
		newJSON = []byte("{}")
		if err == nil {
			_, err = tx.ExecContext(ctx, `DELETE FROM incidents WHERE id = ?`, in.ID)
		}
	} else {
		oldJSON, _ = json.Marshal(old)
		newJSON, _ = json.Marshal(next)
		_, err = tx.ExecContext(ctx, `UPDATE incidents SET lat = ?, lon = ?, name = ?, geonameid = ?, country = ?,
			admin1 = ?, role = ?, precision = ?, confidence = ?, needs_review = ? WHERE id = ?`,
			next.Lat, next.Lon, next.Name, next.GeonameID, next.CountryCode, next.Admin1, roleNum(next.Role),
			next.Precision, next.Confidence, boolInt(next.NeedsReview), in.ID)
	}
	if err != nil {
		return nil, FormatError(err)
	}
	at := c.At.UTC().Format(time.RFC3339Nano)
	if _, err := tx.ExecContext(ctx, `INSERT INTO corrections (incident_id, report_id, action, old_value, new_value,
		created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		in.ID, in.ReportID, string(c.Action), string(oldJSON), string(newJSON), c.By, at); err != nil {
		return nil, FormatError(err)
	}
	if c.Action == geo.ActionMove || c.Action == geo.ActionCandidate {
		r := geo.PlaceRule{Name: in.Place, CountryCode: scope, Lat: next.Lat, Lon: next.Lon, Precision: geo.PrecisionExact,
			CreatedBy: c.By, CreatedAt: c.At}
		if c.Action == geo.ActionCandidate {
			r.GeonameID, r.PlaceName = next.GeonameID, next.Name
		}
		if err := upsertRule(ctx, tx, r); err != nil {
			return nil, err
		}
	}
	v, err := db.recordChange(ctx, tx, ChangeIncidentReviewed, in.ReportID, []int64{in.ID})
	if err != nil {
		return nil, FormatError(err)
	}
	out := in
	if c.Action != geo.ActionReject {
		if out, err = findIncidentTx(ctx, tx, in.ID); err != nil {
			return nil, err
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, FormatError(err)
	}
	db.setVersion(v)
	return out, nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func findIncidentTx(ctx context.Context, tx *sql.Tx, id int64) (*geo.Incident, error) {
	in, err := scanIncident(tx.QueryRowContext(ctx, `SELECT `+incidentColumns+` FROM incidents i WHERE i.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, geo.Errorf(geo.ENOTFOUND, "incident %d not found", id)
	}
	return in, FormatError(err)
}

// findCandidate returns the place geonameid: from the incident's own
// runner-ups (which carry the admin-1 name) or else the stored gazetteer.
// ENOTFOUND if neither has it.
func findCandidate(ctx context.Context, tx *sql.Tx, in *geo.Incident, geonameid int64) (geo.Candidate, error) {
	for _, c := range in.Candidates {
		if c.GeonameID == geonameid {
			return c, nil
		}
	}
	var c geo.Candidate
	err := tx.QueryRowContext(ctx, `SELECT p.geonameid, p.name, p.lat, p.lon, p.country, p.fcode, p.population,
		coalesce((SELECT a.name FROM places a WHERE a.fcode = 'ADM1' AND a.country = p.country AND a.admin1 = p.admin1
			AND p.admin1 != '' LIMIT 1), '')
		FROM places p WHERE p.geonameid = ?`, geonameid).Scan(&c.GeonameID, &c.Name, &c.Lat, &c.Lon, &c.CountryCode,
		&c.FeatureCode, &c.Population, &c.Admin1)
	if errors.Is(err, sql.ErrNoRows) {
		return c, &geo.Error{Code: geo.ENOTFOUND, Param: "geonameid", Message: fmt.Sprintf("geonameid: place %d is not in the gazetteer", geonameid)}
	}
	return c, FormatError(err)
}

// upsertRule stores r, replacing the rule for the same name and scope.
func upsertRule(ctx context.Context, tx *sql.Tx, r geo.PlaceRule) error {
	key := gazetteer.StrictKey(r.Name)
	if key == "" {
		return geo.Errorf(geo.EINVALID, "the incident has no place name to remember a rule for")
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO place_rules (name, name_key, loose_key, country, admin1, lat, lon,
		geonameid, place_name, precision, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (name_key, country, admin1) DO UPDATE SET name = excluded.name, loose_key = excluded.loose_key,
			lat = excluded.lat, lon = excluded.lon, geonameid = excluded.geonameid, place_name = excluded.place_name,
			precision = excluded.precision, created_by = excluded.created_by, created_at = excluded.created_at`,
		r.Name, key, gazetteer.LooseFromStrict(key), r.CountryCode, r.Admin1, r.Lat, r.Lon, r.GeonameID, r.PlaceName,
		r.Precision, r.CreatedBy, r.CreatedAt.UTC().Format(time.RFC3339Nano))
	return FormatError(err)
}

// PlaceRules implements geo.ReviewService.
func (db *DB) PlaceRules(ctx context.Context) ([]geo.PlaceRule, error) {
	rows, err := db.rdb.QueryContext(ctx, `SELECT id, name, loose_key, country, admin1, lat, lon, geonameid, place_name,
		precision, created_by, created_at FROM place_rules ORDER BY id`)
	if err != nil {
		return nil, FormatError(err)
	}
	defer rows.Close()
	rules := []geo.PlaceRule{}
	for rows.Next() {
		var r geo.PlaceRule
		var at string
		if err := rows.Scan(&r.ID, &r.Name, &r.Key, &r.CountryCode, &r.Admin1, &r.Lat, &r.Lon, &r.GeonameID,
			&r.PlaceName, &r.Precision, &r.CreatedBy, &at); err != nil {
			return nil, err
		}
		if r.CreatedAt, err = time.Parse(time.RFC3339Nano, at); err != nil {
			return nil, fmt.Errorf("place rule %d: %w", r.ID, err)
		}
		rules = append(rules, r)
	}
	return rules, FormatError(rows.Err())
}

// ReviewQueue implements geo.ReviewService. limit 0 means
// DefaultReviewLimit; larger than MaxReviewLimit is capped; negative is
// EINVALID. The sort reads every incident (no index serves it): about as
// costly as one unfiltered count, and the queue is an analyst's page, not
// the map's hot path.
func (db *DB) ReviewQueue(ctx context.Context, limit int) ([]*geo.Incident, error) {
	switch {
	case limit < 0:
		return nil, geo.ParamErrorf("limit", "must not be negative")
	case limit == 0:
		limit = DefaultReviewLimit
	case limit > MaxReviewLimit:
		limit = MaxReviewLimit
	}
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	return db.queryIncidents(ctx, tx, `SELECT `+incidentColumns+` FROM incidents i
		ORDER BY i.needs_review DESC, i.confidence, i.id LIMIT ?`, limit)
}

// Corrections returns the corrections of an incident, oldest first, as
// stored: action, who, when, and the old and new values as JSON.
func (db *DB) Corrections(ctx context.Context, incidentID int64) ([]StoredCorrection, error) {
	rows, err := db.rdb.QueryContext(ctx, `SELECT id, incident_id, action, old_value, new_value, created_by, created_at
		FROM corrections WHERE incident_id = ? ORDER BY id`, incidentID)
	if err != nil {
		return nil, FormatError(err)
	}
	defer rows.Close()
	out := []StoredCorrection{}
	for rows.Next() {
		var c StoredCorrection
		var oldV, newV, at string
		if err := rows.Scan(&c.ID, &c.IncidentID, &c.Action, &oldV, &newV, &c.By, &at); err != nil {
			return nil, err
		}
		c.Old, c.New = json.RawMessage(oldV), json.RawMessage(newV)
		if c.At, err = time.Parse(time.RFC3339Nano, at); err != nil {
			return nil, fmt.Errorf("correction %d: %w", c.ID, err)
		}
		out = append(out, c)
	}
	return out, FormatError(rows.Err())
}

// StoredCorrection is one row of the corrections table.
type StoredCorrection struct {
	ID         int64                `json:"id"`
	IncidentID int64                `json:"incident_id"`
	Action     geo.CorrectionAction `json:"action"`
	Old        json.RawMessage      `json:"old"`
	New        json.RawMessage      `json:"new"`
	By         string               `json:"by"`
	At         time.Time            `json:"at"`
}
