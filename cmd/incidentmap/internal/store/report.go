package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/incidentmap/incidentmap/geo"
)

// CreateReport stores r and its incidents in one transaction, setting r.ID
// and each incident's ID. Each new incident with role incident is compared
// (merge.SameEvent) with the stored incidents of other reports within about
// 25 km and a month; when one matches, r and its sources are attached to
// it instead of storing a new incident, and the incident's ID is set to the
// stored one. If a report with r.Hash exists, nothing changes: r.ID is set
// to its id and created is false.
func (db *DB) CreateReport(ctx context.Context, r *geo.Report, incidents []*geo.Incident) (created bool, err error) {
	if err := validateReport(r, incidents); err != nil {
		return false, err
	}
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return false, err
	}
	defer tx.Rollback()
	// The statements run without ctx's cancellation: go-sqlite3 watches a
	// cancellable context from a goroutine per statement, which cost more
	// than the statements of a merge search. Cancelling ctx still rolls
	// back the transaction (database/sql watches it from BeginTx), and
	// the next statement then fails.
	created, v, err := db.createReport(context.WithoutCancel(ctx), tx, r, incidents)
	if err != nil || !created {
		return false, err
	}
	if err := tx.Commit(); err != nil {
		return false, FormatError(err)
	}
	db.setVersion(v)
	return true, nil
}

// NewReport is geo.NewReport, for CreateReports.
type NewReport = geo.NewReport

// CreateResult is geo.CreateResult: what CreateReports did with one report.
type CreateResult = geo.CreateResult

// CreateReports stores reports as CreateReport does, in order, in one
// transaction: a commit per report was most of the cost of a bulk ingest.
// Each report is stored in a savepoint, so one that fails is rolled back
// alone and the others are kept; out[i] says what became of reports[i].
// A later report sees the earlier ones (duplicates, merges). When ctx is
// cancelled the reports not yet begun get ctx's error and those already
// stored are committed.
//
// err is non-nil, and nothing of the batch is stored, only when the
// transaction itself fails (begin, a savepoint, commit); the caller may
// then retry the reports one by one with CreateReport, after computing
// their incidents afresh (storing sets their IDs and may mark them
// disputed).
func (db *DB) CreateReports(ctx context.Context, reports []NewReport) (out []CreateResult, err error) {
	out = make([]CreateResult, len(reports))
	if len(reports) == 0 {
		return out, nil
	}
	tx, err := db.wdb.BeginTx(context.WithoutCancel(ctx), nil)
	if err != nil {
		return nil, FormatError(err)
	}
	defer tx.Rollback()
	sctx := context.WithoutCancel(ctx) // see CreateReport
	var version int64
	for i, nr := range reports {
		if err := ctx.Err(); err != nil {
			for j := i; j < len(out); j++ {
				out[j].Err = err
			}
			break
		}
		if err := validateReport(nr.Report, nr.Incidents); err != nil {
			out[i].Err = err
			continue
		}
		if _, err := tx.ExecContext(sctx, `SAVEPOINT report`); err != nil {
			return nil, FormatError(err)
		}
		created, v, err := db.createReport(sctx, tx, nr.Report, nr.Incidents)
		if err != nil {
			out[i].Err = err
			if _, err := tx.ExecContext(sctx, `ROLLBACK TO report`); err != nil {
				return nil, FormatError(err)
			}
		}
		if _, err := tx.ExecContext(sctx, `RELEASE report`); err != nil {
			return nil, FormatError(err)
		}
		out[i].Created = created && err == nil
		version = max(version, v)
	}
	if err := tx.Commit(); err != nil {
		return nil, FormatError(err)
	}
	db.setVersion(version)
	return out, nil
}

// createReport is CreateReport inside tx, for a validated report. It
// returns the version of the change it recorded (0 when r was already
// stored).
func (db *DB) createReport(ctx context.Context, tx *sql.Tx, r *geo.Report, incidents []*geo.Incident) (created bool, version int64, err error) {
	var id int64
	switch err := tx.QueryRowContext(ctx, `SELECT id FROM reports WHERE hash = ?`, r.Hash).Scan(&id); {
	case err == nil:
		r.ID = id
		return false, 0, nil
	case !errors.Is(err, sql.ErrNoRows):
		return false, 0, FormatError(err)
	}

	if r.Ingested.IsZero() {
		r.Ingested = db.Now().UTC().Truncate(time.Second)
	}
	res, err := tx.ExecContext(ctx,
		`INSERT INTO reports (hash, title, text, published, source, url, ingested_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		r.Hash, r.Title, r.Text, r.Published.UTC().Format(geo.DateLayout), r.Source, r.URL,
		r.Ingested.UTC().Format(time.RFC3339))
	if err != nil {
		return false, 0, FormatError(err)
	}
	if r.ID, err = res.LastInsertId(); err != nil {
		return false, 0, err
	}

	touched := make([]int64, 0, len(incidents))
	for _, inc := range incidents {
		if err := db.storeIncident(ctx, tx, r, inc, touched); err != nil {
			return false, 0, FormatError(err)
		}
		touched = append(touched, inc.ID)
	}
	v, err := db.recordChange(ctx, tx, ChangeReportCreated, r.ID, uniqueIDs(touched))
	if err != nil {
		return false, 0, FormatError(err)
	}
	return true, v, nil
}

func validateReport(r *geo.Report, incidents []*geo.Incident) error {
	switch {
	case r == nil:
		return geo.Errorf(geo.EINVALID, "report required")
	case r.Hash == "":
		return geo.Errorf(geo.EINVALID, "report hash required")
	case r.Published.IsZero():
		return geo.Errorf(geo.EINVALID, "report date required")
	}
	for i, inc := range incidents {
		switch {
		case inc == nil:
			return geo.Errorf(geo.EINVALID, "incident %d is nil", i)
		case !inc.Role.Valid():
			return geo.Errorf(geo.EINVALID, "incident %d: unknown role %q", i, inc.Role)
		case !geo.ValidLonLat(inc.Lon, inc.Lat):
			return geo.Errorf(geo.EINVALID, "incident %d: coordinates %v, %v out of range", i, inc.Lon, inc.Lat)
		}
		for _, s := range inc.Sources {
			if s.Kind != "" && !s.Kind.Valid() {
				return geo.Errorf(geo.EINVALID, "incident %d: unknown source kind %q", i, s.Kind)
			}
			if s.Stance != "" && s.Stance != geo.StanceClaims && s.Stance != geo.StanceDenies {
				return geo.Errorf(geo.EINVALID, "incident %d: unknown stance %q", i, s.Stance)
			}
		}
	}
	return nil
}

// FindReportByID returns a report and every incident and mention it
// supports (merged incidents included), ordered by id. ENOTFOUND if absent.
func (db *DB) FindReportByID(ctx context.Context, id int64) (*geo.Report, []*geo.Incident, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, nil, err
	}
	defer tx.Rollback()

	r := &geo.Report{ID: id}
	var published, ingested string
	err = tx.QueryRowContext(ctx,
		`SELECT hash, title, text, published, source, url, ingested_at FROM reports WHERE id = ?`, id).
		Scan(&r.Hash, &r.Title, &r.Text, &published, &r.Source, &r.URL, &ingested)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, geo.Errorf(geo.ENOTFOUND, "report %d not found", id)
	} else if err != nil {
		return nil, nil, FormatError(err)
	}
	if r.Published, err = time.Parse(geo.DateLayout, published); err != nil {
		return nil, nil, err
	}
	if r.Ingested, err = time.Parse(time.RFC3339, ingested); err != nil {
		return nil, nil, err
	}
	incidents, err := db.queryIncidents(ctx, tx,
		`SELECT `+incidentColumns+` FROM incidents i WHERE i.id IN
			(SELECT incident_id FROM incident_reports WHERE report_id = ?) ORDER BY i.id`, id)
	if err != nil {
		return nil, nil, err
	}
	return r, incidents, nil
}

// DeleteReport removes a report, its links and sources, and the incidents
// no other report supports. Incidents that survive get their first report
// reassigned and their disputed flag recomputed from the sources left.
// ENOTFOUND if absent.
func (db *DB) DeleteReport(ctx context.Context, id int64) error {
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()

	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM reports WHERE id = ?`, id).Scan(&n); err != nil {
		return FormatError(err)
	} else if n == 0 {
		return geo.Errorf(geo.ENOTFOUND, "report %d not found", id)
	}
	ids, err := queryIDs(ctx, tx, `SELECT incident_id FROM incident_reports WHERE report_id = ?
		UNION SELECT id FROM incidents WHERE report_id = ? ORDER BY 1`, id, id)
	if err != nil {
		return FormatError(err)
	}
	idsJSON := int64sJSON(ids)
	for _, st := range []struct {
		q    string
		args []any
	}{
		{`DELETE FROM incident_sources WHERE report_id = ?`, []any{id}},
		{`DELETE FROM incident_reports WHERE report_id = ?`, []any{id}},
		{`DELETE FROM incidents WHERE id IN (SELECT value FROM json_each(?))
			AND NOT EXISTS (SELECT 1 FROM incident_reports ir WHERE ir.incident_id = incidents.id)`, []any{idsJSON}},
		{`UPDATE incidents SET report_id = (SELECT min(report_id) FROM incident_reports ir WHERE ir.incident_id = incidents.id)
			WHERE report_id = ?`, []any{id}},
		{`UPDATE incidents SET source = (SELECT source FROM reports WHERE reports.id = incidents.report_id),
			report_date = (SELECT published FROM reports WHERE reports.id = incidents.report_id),
			disputed = EXISTS (SELECT 1 FROM incident_sources s WHERE s.incident_id = incidents.id AND s.stance = 'denies')
			WHERE id IN (SELECT value FROM json_each(?))`, []any{idsJSON}},
		{`DELETE FROM reports WHERE id = ?`, []any{id}},
	} {
		if _, err := tx.ExecContext(ctx, st.q, st.args...); err != nil {
			return FormatError(err)
		}
	}
	v, err := db.recordChange(ctx, tx, ChangeReportDeleted, id, ids)
	if err != nil {
		return FormatError(err)
	}
	if err := tx.Commit(); err != nil {
		return FormatError(err)
	}
	db.setVersion(v)
	return nil
}

func uniqueIDs(ids []int64) []int64 {
	seen := make(map[int64]bool, len(ids))
	out := ids[:0:0]
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}
