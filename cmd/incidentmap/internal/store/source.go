package store

import (
	"context"
	"database/sql"
	"strings"

	"github.com/incidentmap/incidentmap/geo"
)

// FindSources counts incidents per outlet and per claimant under f
// (f.Sources, f.SourceKind, Limit, Offset and AfterID are ignored), most
// incidents first, then by name. A table large enough for the point cache
// is counted in memory (aggregates.go), waiting for the cache to reach the
// data version if need be; a small one in SQL.
func (db *DB) FindSources(ctx context.Context, f geo.IncidentFilter) ([]geo.SourceCount, error) {
	f.Sources, f.SourceKind, f.Limit, f.Offset, f.AfterID = nil, "", 0, 0, 0
	if err := f.Validate(); err != nil {
		return nil, err
	}
	s, err := db.aggregateSnapshot(ctx)
	if err != nil {
		return nil, err
	}
	if s != nil {
		return db.cachedSources(ctx, s, f)
	}
	return db.findSourcesSQL(ctx, f)
}

// findSourcesSQL is FindSources in SQL, for f as FindSources passes it.
func (db *DB) findSourcesSQL(ctx context.Context, f geo.IncidentFilter) ([]geo.SourceCount, error) {
	q, err := buildQuery(f)
	if err != nil {
		return nil, err
	}
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, `SELECT s.name, s.kind, count(DISTINCT s.incident_id) AS n
		FROM incident_sources s WHERE s.incident_id IN (`+q.ids()+`)
		GROUP BY s.name, s.kind ORDER BY n DESC, s.name, s.kind`, q.args...)
	if err != nil {
		return nil, FormatError(err)
	}
	defer rows.Close()
	counts := []geo.SourceCount{}
	for rows.Next() {
		var c geo.SourceCount
		if err := rows.Scan(&c.Name, &c.Kind, &c.Count); err != nil {
			return nil, err
		}
		counts = append(counts, c)
	}
	return counts, FormatError(rows.Err())
}

// insertSources links report r to incident id: the report's outlet, then
// each source the caller attached (claimants, or further outlets). It
// reports whether any claimant denies the incident.
func insertSources(ctx context.Context, tx *sql.Tx, incidentID int64, r *geo.Report, refs []geo.SourceRef) (denied bool, err error) {
	const q = `INSERT OR IGNORE INTO incident_sources (incident_id, report_id, kind, name, stance) VALUES (?, ?, ?, ?, ?)`
	if r.Source != "" {
		if _, err := tx.ExecContext(ctx, q, incidentID, r.ID, string(geo.SourceOutlet), r.Source, ""); err != nil {
			return false, err
		}
	}
	for i := range refs {
		s := &refs[i]
		// The separators of incidentColumns' sources column.
		s.Name = strings.TrimSpace(strings.NewReplacer("\x1e", " ", "\x1f", " ").Replace(s.Name))
		if s.Name == "" {
			continue
		}
		if s.Kind == "" {
			s.Kind = geo.SourceClaimant
		}
		stance := s.Stance
		if s.Kind == geo.SourceOutlet {
			stance = ""
		} else if stance == "" {
			stance = geo.StanceClaims
		}
		s.Stance, s.ReportID = stance, r.ID
		if _, err := tx.ExecContext(ctx, q, incidentID, r.ID, string(s.Kind), s.Name, string(stance)); err != nil {
			return false, err
		}
		denied = denied || stance == geo.StanceDenies
	}
	return denied, nil
}
