package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/incidentmap/incidentmap/geo"
)

// Kinds of Change.
const (
	ChangeReportCreated = "report_created"
	ChangeReportDeleted = "report_deleted"
)

// Change is one numbered write (see geo.Change).
type Change = geo.Change

// recordChange appends a change inside tx and returns its version. The
// caller publishes the version with setVersion after tx commits.
func (db *DB) recordChange(ctx context.Context, tx *sql.Tx, kind string, reportID int64, incidentIDs []int64) (int64, error) {
	if incidentIDs == nil {
		incidentIDs = []int64{}
	}
	ids, err := json.Marshal(incidentIDs)
	if err != nil {
		return 0, err
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO changes (kind, report_id, incident_ids, at) VALUES (?, ?, ?, ?)`,
		kind, reportID, string(ids), db.Now().UTC().Format(time.RFC3339Nano))
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

// setVersion publishes a committed version to the cache.
func (db *DB) setVersion(v int64) {
	db.mu.Lock()
	defer db.mu.Unlock()
	if v > db.version {
		db.version = v
		db.checked = time.Now()
	}
}

// DataVersion returns a number that every write increases (0 for an
// empty database), for ETags and /api/changes. It is answered from memory;
// the database is consulted at most every half second, to notice writes by
// other processes.
func (db *DB) DataVersion(ctx context.Context) (int64, error) {
	db.mu.Lock()
	if v, checked := db.version, db.checked; !checked.IsZero() && time.Since(checked) < versionTTL {
		db.mu.Unlock()
		return v, nil
	}
	db.mu.Unlock()

	var v int64
	if err := db.rdb.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM changes`).Scan(&v); err != nil {
		return 0, FormatError(err)
	}
	db.mu.Lock()
	defer db.mu.Unlock()
	if v >= db.version {
		db.version = v
	}
	db.checked = time.Now()
	return db.version, nil
}

// Changes returns the changes after version since, oldest first, at most
// limit of them (0 means 1000; capped at 10,000). EINVALID for a negative
// since or limit.
func (db *DB) Changes(ctx context.Context, since int64, limit int) ([]Change, error) {
	switch {
	case since < 0:
		return nil, geo.ParamErrorf("since", "must not be negative")
	case limit < 0:
		return nil, geo.ParamErrorf("limit", "must not be negative")
	case limit == 0:
		limit = DefaultLimit
	case limit > MaxLimit:
		limit = MaxLimit
	}
	rows, err := db.rdb.QueryContext(ctx,
		`SELECT version, kind, report_id, incident_ids, at FROM changes WHERE version > ? ORDER BY version LIMIT ?`,
		since, limit)
	if err != nil {
		return nil, FormatError(err)
	}
	defer rows.Close()
	changes := []Change{}
	for rows.Next() {
		var c Change
		var ids, at string
		if err := rows.Scan(&c.Version, &c.Kind, &c.ReportID, &ids, &at); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(ids), &c.IncidentIDs); err != nil {
			return nil, fmt.Errorf("change %d: %w", c.Version, err)
		}
		if c.At, err = time.Parse(time.RFC3339Nano, at); err != nil {
			return nil, fmt.Errorf("change %d: %w", c.Version, err)
		}
		changes = append(changes, c)
	}
	return changes, rows.Err()
}
