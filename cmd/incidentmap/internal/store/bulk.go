package store

import (
	"context"
	"database/sql"
	"fmt"
	"iter"
	"strings"
	"time"

	"github.com/incidentmap/incidentmap/geo"
)

// BulkReport is one report and the incidents found in it, for BulkLoad.
type BulkReport struct {
	Report    *geo.Report
	Incidents []*geo.Incident
}

// BulkOptions tunes BulkLoad.
type BulkOptions struct {
	// BatchIncidents is how many incidents go into one transaction
	// (default 20,000): large enough to amortise the commit and the
	// statement preparation, small enough to keep the WAL modest.
	// With Offline it is only how often Progress is called.
	BatchIncidents int
	// Offline loads in one transaction with the indexes rebuilt at the
	// end (see BulkLoad); for databases nobody is serving.
	Offline bool
	// Progress, if set, is called after each committed batch with the
	// totals so far.
	Progress func(reports, incidents int)
}

// BulkStats counts what BulkLoad stored.
type BulkStats struct {
	Reports, Incidents int
}

// BulkLoad stores reports with their incidents as fast as SQLite allows,
// for generated benchmark data and first imports. Unlike CreateReport it
// runs no merge search (every incident is new) and checks no duplicate
// report hash (a duplicate is ECONFLICT and stops the load). Statements are
// prepared once per transaction. The data version is bumped once, at the
// end, so caches keyed by it are dropped once rather than per batch.
// Incident and report IDs are set as they are stored.
//
// By default each batch of opts.BatchIncidents is one transaction, the
// R*Tree and the indexes follow row by row, and a failed load keeps the
// batches already committed. With opts.Offline the whole load is one
// transaction (all or nothing) that drops the secondary indexes of the
// incident tables and the R*Tree's insert trigger, inserts, then rebuilds
// them: sorting once is several times faster than keeping them up to date
// row by row, but readers would see slow plans while it runs, so use it
// on a database nobody is serving.
func (db *DB) BulkLoad(ctx context.Context, reports iter.Seq[BulkReport], opts BulkOptions) (BulkStats, error) {
	if opts.BatchIncidents <= 0 {
		opts.BatchIncidents = 20_000
	}
	// database/sql runs every statement with a cancellable context in a
	// goroutine of its own (go-sqlite3 watches ctx.Done); the load checks
	// ctx between reports instead, which halves the Go side's cost.
	sctx := context.WithoutCancel(ctx)
	var st BulkStats
	// A large page cache for the load: index inserts land at random
	// places (hash, day, source name) and would otherwise re-read pages.
	// Reset after the batch's rollback below (defers run last first): the
	// writer pool has one connection, which an open batch holds.
	// Foreign keys off: every row refers to rows the load itself has just
	// written, and the checks (two index probes per link and source row)
	// were a third of the load's time. SQLite ignores this pragma inside
	// a transaction, hence here.
	// The process-wide soft heap limit would cap that cache at 64 MB; a
	// 10M-incident offline load's R*Tree rebuild then re-read its pages
	// without end. Bulk loads are for databases nobody is serving.
	if _, err := db.wdb.ExecContext(sctx, `PRAGMA cache_size = -262144; PRAGMA foreign_keys = OFF; PRAGMA soft_heap_limit = 0`); err != nil {
		return st, err
	}
	defer db.wdb.ExecContext(sctx, fmt.Sprintf(`PRAGMA cache_size = %d; PRAGMA foreign_keys = ON; PRAGMA soft_heap_limit = %d`,
		-connCacheKiB, softHeapLimit))
	var b *bulkBatch
	var err error
	defer func() {
		if b != nil {
			b.tx.Rollback()
		}
	}()
	var deferred *deferredIndexes
	lastProgress := 0
	for br := range reports {
		if err := validateReport(br.Report, br.Incidents); err != nil {
			return st, err
		}
		if err := ctx.Err(); err != nil {
			return st, err
		}
		if b == nil {
			if b, err = db.beginBulk(sctx); err != nil {
				return st, err
			}
			if opts.Offline {
				if deferred, err = dropIndexes(sctx, b.tx); err != nil {
					return st, FormatError(err)
				}
			}
		}
		if err := b.add(sctx, br, db.Now); err != nil {
			return st, FormatError(err)
		}
		st.Reports++
		st.Incidents += len(br.Incidents)
		if st.Incidents-lastProgress < opts.BatchIncidents {
			continue
		}
		lastProgress = st.Incidents
		if !opts.Offline {
			err := b.commit()
			b = nil
			if err != nil {
				return st, FormatError(err)
			}
		}
		if opts.Progress != nil {
			opts.Progress(st.Reports, st.Incidents)
		}
	}
	if b != nil {
		if deferred != nil {
			if err := deferred.rebuild(sctx, b.tx); err != nil {
				return st, FormatError(err)
			}
		}
		err := b.commit()
		b = nil
		if err != nil {
			return st, FormatError(err)
		}
	}
	if opts.Progress != nil && lastProgress != st.Incidents {
		opts.Progress(st.Reports, st.Incidents)
	}
	if err := db.bulkFinish(ctx); err != nil {
		return st, err
	}
	return st, nil
}

// deferredIndexes are the indexes and the trigger an offline BulkLoad
// dropped, to be created again once the rows are in.
type deferredIndexes struct {
	ddl    []string // CREATE statements, as sqlite_master holds them
	baseID int64    // incidents above this id need R*Tree entries
}

// dropIndexes drops, inside tx, the secondary indexes of the incident
// tables (whatever migration created them) and the R*Tree insert trigger.
func dropIndexes(ctx context.Context, tx *sql.Tx) (*deferredIndexes, error) {
	d := &deferredIndexes{}
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM incidents`).Scan(&d.baseID); err != nil {
		return nil, err
	}
	rows, err := tx.QueryContext(ctx, `SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL AND
		((type = 'index' AND tbl_name IN ('incidents', 'incident_sources', 'incident_reports'))
		 OR (type = 'trigger' AND name = 'incidents_rtree_insert'))`)
	if err != nil {
		return nil, err
	}
	var drops []string
	for rows.Next() {
		var typ, name, ddl string
		if err := rows.Scan(&typ, &name, &ddl); err != nil {
			rows.Close()
			return nil, err
		}
		d.ddl = append(d.ddl, ddl)
		drops = append(drops, fmt.Sprintf(`DROP %s "%s"`, strings.ToUpper(typ), name))
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, q := range drops {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// rebuild creates the dropped indexes again and adds the new incidents to
// the R*Tree before restoring its trigger.
func (d *deferredIndexes) rebuild(ctx context.Context, tx *sql.Tx) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO incidents_rtree
		SELECT id, lon, lon, lat, lat, role, role, precision, precision FROM incidents WHERE id > ?`, d.baseID); err != nil {
		return fmt.Errorf("R*Tree: %w", err)
	}
	for _, q := range d.ddl {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("rebuild %q: %w", q, err)
		}
	}
	return nil
}

// bulkFinish records the one change of a bulk load and refreshes the
// planner's statistics, which a load of this size changes.
func (db *DB) bulkFinish(ctx context.Context) error {
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	v, err := db.recordChange(ctx, tx, ChangeReportCreated, 0, nil)
	if err != nil {
		return FormatError(err)
	}
	// A bounded ANALYZE samples each index instead of reading it all: a
	// second at 1M incidents rather than tens.
	if _, err := tx.ExecContext(ctx, `PRAGMA analysis_limit = 1000; ANALYZE`); err != nil {
		return FormatError(err)
	}
	if err := tx.Commit(); err != nil {
		return FormatError(err)
	}
	db.setVersion(v)
	return nil
}

// bulkBatch is one open transaction of BulkLoad with its statements.
type bulkBatch struct {
	tx                          *sql.Tx
	report, incident, link, src *sql.Stmt
	incidents                   int
}

func (db *DB) beginBulk(ctx context.Context) (*bulkBatch, error) {
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return nil, err
	}
	b := &bulkBatch{tx: tx}
	for _, s := range []struct {
		dst **sql.Stmt
		q   string
	}{
		{&b.report, `INSERT INTO reports (hash, title, text, published, source, url, ingested_at) VALUES (?, ?, ?, ?, ?, ?, ?)`},
		{&b.incident, insertIncidentSQL},
		{&b.link, `INSERT INTO incident_reports (incident_id, report_id) VALUES (?, ?)`},
		{&b.src, `INSERT OR IGNORE INTO incident_sources (incident_id, report_id, kind, name, stance) VALUES (?, ?, ?, ?, ?)`},
	} {
		if *s.dst, err = tx.PrepareContext(ctx, s.q); err != nil {
			tx.Rollback()
			return nil, FormatError(err)
		}
	}
	return b, nil
}

// add stores one report and its incidents, as insertIncident would
// without the merge search.
func (b *bulkBatch) add(ctx context.Context, br BulkReport, now func() time.Time) error {
	r := br.Report
	if r.Ingested.IsZero() {
		r.Ingested = now().UTC().Truncate(time.Second)
	}
	published := r.Published.UTC().Format(geo.DateLayout)
	res, err := b.report.ExecContext(ctx, r.Hash, r.Title, r.Text, published, r.Source, r.URL,
		r.Ingested.UTC().Format(time.RFC3339))
	if err != nil {
		return err
	}
	if r.ID, err = res.LastInsertId(); err != nil {
		return err
	}
	for _, inc := range br.Incidents {
		inc.ReportID, inc.Source = r.ID, r.Source
		if inc.ReportDate.IsZero() {
			inc.ReportDate = r.Published
		}
		if inc.Date.IsZero() {
			inc.Date = inc.ReportDate
		}
		if inc.DatePrecision == 0 {
			inc.DatePrecision = geo.DatePrecisionDay
		}
		args, err := incidentRow(r.ID, inc)
		if err != nil {
			return err
		}
		res, err := b.incident.ExecContext(ctx, args...)
		if err != nil {
			return err
		}
		if inc.ID, err = res.LastInsertId(); err != nil {
			return err
		}
		if _, err := b.link.ExecContext(ctx, inc.ID, r.ID); err != nil {
			return err
		}
		if err := b.sources(ctx, inc, r); err != nil {
			return err
		}
		inc.ReportIDs = []int64{r.ID}
		b.incidents++
	}
	return nil
}

// sources stores the report's outlet and inc's own sources, normalised as
// insertSources does.
func (b *bulkBatch) sources(ctx context.Context, inc *geo.Incident, r *geo.Report) error {
	if r.Source != "" {
		if _, err := b.src.ExecContext(ctx, inc.ID, r.ID, string(geo.SourceOutlet), r.Source, ""); err != nil {
			return err
		}
	}
	for i := range inc.Sources {
		s := &inc.Sources[i]
		s.Name = strings.TrimSpace(sourceNameCleaner.Replace(s.Name))
		if s.Name == "" {
			continue
		}
		if s.Kind == "" {
			s.Kind = geo.SourceClaimant
		}
		if s.Kind == geo.SourceOutlet {
			s.Stance = ""
		} else if s.Stance == "" {
			s.Stance = geo.StanceClaims
		}
		s.ReportID = r.ID
		if _, err := b.src.ExecContext(ctx, inc.ID, r.ID, string(s.Kind), s.Name, string(s.Stance)); err != nil {
			return err
		}
	}
	return nil
}

// sourceNameCleaner removes the separators of incidentColumns' sources
// column from names; it is immutable and safe for concurrent use.
var sourceNameCleaner = strings.NewReplacer("\x1e", " ", "\x1f", " ")

func (b *bulkBatch) commit() error {
	for _, s := range []*sql.Stmt{b.report, b.incident, b.link, b.src} {
		s.Close()
	}
	if err := b.tx.Commit(); err != nil {
		return fmt.Errorf("bulk commit: %w", err)
	}
	return nil
}
