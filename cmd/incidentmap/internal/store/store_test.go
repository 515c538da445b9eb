package store

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/incidentmap/incidentmap/geo"
)

// MustOpenDB opens a fresh database file in a temporary directory and
// closes it when the test ends.
func MustOpenDB(tb testing.TB) *DB {
	tb.Helper()
	db, err := Open(filepath.Join(tb.TempDir(), "test.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := db.Close(); err != nil {
			tb.Error(err)
		}
	})
	return db
}

func day(s string) time.Time {
	t, err := time.Parse(geo.DateLayout, s)
	if err != nil {
		panic(err)
	}
	return t
}

func ptr[T any](v T) *T { return &v }

// newReport returns a report whose hash is derived from its text.
func newReport(source, published, text string) *geo.Report {
	return &geo.Report{Title: "t", Text: text, Published: day(published), Source: source,
		Hash: fmt.Sprintf("%x", text), URL: "https://example.org/" + source}
}

// MustCreateReport stores r with incs and fails the test on error or if
// the report was not new.
func MustCreateReport(tb testing.TB, db *DB, r *geo.Report, incs ...*geo.Incident) {
	tb.Helper()
	created, err := db.CreateReport(context.Background(), r, incs)
	if err != nil {
		tb.Fatal(err)
	} else if !created {
		tb.Fatalf("report %q not created", r.Hash)
	}
}

func TestOpen_Migrations(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.db")
	for i := range 2 { // the second Open must find everything applied
		db, err := Open(path)
		if err != nil {
			t.Fatalf("open %d: %v", i, err)
		}
		var names []string
		rows, err := db.rdb.Query(`SELECT name FROM schema_migrations ORDER BY name`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var n string
			if err := rows.Scan(&n); err != nil {
				t.Fatal(err)
			}
			names = append(names, n)
		}
		rows.Close()
		if len(names) == 0 || names[0] != "migrations/0001_init.sql" {
			t.Errorf("open %d: migrations=%v, want 0001_init first", i, names)
		}
		for _, table := range []string{"reports", "places", "place_names", "incidents", "incidents_rtree",
			"incident_reports", "incident_sources", "changes"} {
			var n int
			if err := db.rdb.QueryRow(`SELECT count(*) FROM sqlite_master WHERE name = ?`, table).Scan(&n); err != nil || n != 1 {
				t.Errorf("open %d: table %s: n=%d err=%v", i, table, n, err)
			}
		}
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

func TestOpen_PragmasOnEveryConnection(t *testing.T) {
	db := MustOpenDB(t)
	ctx := context.Background()
	// Hold two reader connections at once so the pool must open both.
	c1, err := db.rdb.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c1.Close()
	c2, err := db.rdb.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	w, err := db.wdb.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	for i, conn := range []*struct {
		name string
		q    func(string) (string, error)
	}{
		{"reader1", func(p string) (s string, err error) { err = c1.QueryRowContext(ctx, "PRAGMA "+p).Scan(&s); return }},
		{"reader2", func(p string) (s string, err error) { err = c2.QueryRowContext(ctx, "PRAGMA "+p).Scan(&s); return }},
		{"writer", func(p string) (s string, err error) { err = w.QueryRowContext(ctx, "PRAGMA "+p).Scan(&s); return }},
	} {
		for pragma, want := range map[string]string{"journal_mode": "wal", "foreign_keys": "1", "busy_timeout": "5000"} {
			got, err := conn.q(pragma)
			if err != nil {
				t.Fatalf("%d %s: %v", i, conn.name, err)
			}
			if got != want {
				t.Errorf("%s: %s=%q, want %q", conn.name, pragma, got, want)
			}
		}
	}
	// Readers must not be able to write.
	if _, err := c1.ExecContext(ctx, `DELETE FROM reports`); err == nil {
		t.Error("reader connection accepted a write")
	}
}

func TestFormatError(t *testing.T) {
	db := MustOpenDB(t)
	_, err := db.wdb.Exec(`INSERT INTO incident_reports (incident_id, report_id) VALUES (999, 999)`)
	if got := geo.ErrorCode(FormatError(err)); got != geo.ECONFLICT {
		t.Errorf("foreign key violation: code=%q, want %q (err %v)", got, geo.ECONFLICT, err)
	}
	if FormatError(nil) != nil {
		t.Error("FormatError(nil) != nil")
	}
	de := geo.Errorf(geo.ENOTFOUND, "x")
	if FormatError(de) != error(de) {
		t.Error("domain error not passed through")
	}
}

func TestBackup(t *testing.T) {
	db := MustOpenDB(t)
	ctx := context.Background()
	MustCreateReport(t, db, newReport("A", "2020-01-23", "backup one"),
		&geo.Incident{Role: geo.RoleIncident, Lat: 35.9, Lon: 36.6, GeonameID: 1, Place: "X"},
		&geo.Incident{Role: geo.RoleMention, Lat: 33.5, Lon: 36.3, GeonameID: 2, Place: "Y"})
	MustCreateReport(t, db, newReport("B", "2020-01-24", "backup two"),
		&geo.Incident{Role: geo.RoleIncident, Lat: 36.2, Lon: 37.1, GeonameID: 3, Place: "Z"})

	out := filepath.Join(t.TempDir(), "backup.db")
	if err := db.Backup(ctx, out); err != nil {
		t.Fatal(err)
	}
	if err := db.Backup(ctx, out); geo.ErrorCode(err) != geo.ECONFLICT {
		t.Errorf("backup over an existing file: err=%v, want ECONFLICT", err)
	}
	restored, err := Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer restored.Close()
	for _, d := range []*DB{db, restored} {
		r, i, err := d.Stats(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if r != 2 || i != 3 {
			t.Errorf("%s: reports=%d incidents=%d, want 2 and 3", filepath.Base(d.Path), r, i)
		}
	}
	var check string
	if err := restored.rdb.QueryRow(`PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		t.Errorf("integrity_check=%q err=%v", check, err)
	}
	// The R*Tree came along: a bbox query on the copy finds Z.
	got, n, err := restored.FindIncidents(ctx, geo.IncidentFilter{BBox: &[4]float64{37, 36, 37.2, 36.4}})
	if err != nil || n != 1 || len(got) != 1 || got[0].Place != "Z" {
		t.Errorf("bbox on backup: n=%d got=%v err=%v", n, got, err)
	}
}

func TestDataVersionAndChanges(t *testing.T) {
	db := MustOpenDB(t)
	ctx := context.Background()
	v0, err := db.DataVersion(ctx)
	if err != nil || v0 != 0 {
		t.Fatalf("empty database: version=%d err=%v, want 0", v0, err)
	}
	r := newReport("A", "2020-01-23", "version one")
	inc := &geo.Incident{Role: geo.RoleIncident, Lat: 35.9, Lon: 36.6, GeonameID: 1}
	MustCreateReport(t, db, r, inc)
	v1, _ := db.DataVersion(ctx)
	if v1 <= v0 {
		t.Fatalf("after create: version=%d, want > %d", v1, v0)
	}
	// A duplicate changes nothing, so the version stays.
	if created, err := db.CreateReport(ctx, newReport("A", "2020-01-23", "version one"), nil); err != nil || created {
		t.Fatalf("duplicate: created=%v err=%v", created, err)
	}
	if v, _ := db.DataVersion(ctx); v != v1 {
		t.Errorf("after duplicate: version=%d, want %d", v, v1)
	}
	if err := db.DeleteReport(ctx, r.ID); err != nil {
		t.Fatal(err)
	}
	v2, _ := db.DataVersion(ctx)
	if v2 <= v1 {
		t.Fatalf("after delete: version=%d, want > %d", v2, v1)
	}

	changes, err := db.Changes(ctx, v0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(changes) != 2 {
		t.Fatalf("changes=%+v, want 2", changes)
	}
	for i, want := range []Change{
		{Version: v1, Kind: ChangeReportCreated, ReportID: r.ID, IncidentIDs: []int64{inc.ID}},
		{Version: v2, Kind: ChangeReportDeleted, ReportID: r.ID, IncidentIDs: []int64{inc.ID}},
	} {
		got := changes[i]
		if got.Version != want.Version || got.Kind != want.Kind || got.ReportID != want.ReportID ||
			fmt.Sprint(got.IncidentIDs) != fmt.Sprint(want.IncidentIDs) || got.At.IsZero() {
			t.Errorf("change %d=%+v, want %+v", i, got, want)
		}
	}
	if later, err := db.Changes(ctx, v1, 0); err != nil || len(later) != 1 || later[0].Version != v2 {
		t.Errorf("Changes(since=%d)=%+v err=%v, want only %d", v1, later, err, v2)
	}
	if _, err := db.Changes(ctx, -1, 0); geo.ErrorCode(err) != geo.EINVALID {
		t.Errorf("negative since: err=%v, want EINVALID", err)
	}

	// A write by another process is seen once the cache expires.
	other, err := Open(db.Path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	MustCreateReport(t, other, newReport("B", "2020-01-23", "from another process"))
	time.Sleep(versionTTL + 50*time.Millisecond)
	if v, _ := db.DataVersion(ctx); v <= v2 {
		t.Errorf("after another process wrote: version=%d, want > %d", v, v2)
	}
}

func TestStats(t *testing.T) {
	db := MustOpenDB(t)
	MustCreateReport(t, db, newReport("A", "2020-01-23", strings.Repeat("x", 10)),
		&geo.Incident{Role: geo.RoleIncident, Lat: 1, Lon: 1})
	r, i, err := db.Stats(context.Background())
	if err != nil || r != 1 || i != 1 {
		t.Errorf("Stats=%d,%d,%v, want 1,1,nil", r, i, err)
	}
}

// TestConcurrentReadersAndWriter checks that readers never see "database
// is locked" while a writer ingests, and that every write lands.
func TestConcurrentReadersAndWriter(t *testing.T) {
	db := MustOpenDB(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	const reports = 40
	errs := make(chan error, 8)
	done := make(chan struct{})
	for range 4 {
		go func() {
			for {
				select {
				case <-done:
					errs <- nil
					return
				default:
				}
				if _, _, err := db.FindIncidents(ctx, geo.IncidentFilter{BBox: &[4]float64{35, 34, 38, 37}}); err != nil {
					errs <- err
					return
				}
				if _, err := db.DataVersion(ctx); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	for i := range reports {
		MustCreateReport(t, db, newReport("W", "2020-01-01", fmt.Sprint("concurrent ", i)),
			&geo.Incident{Role: geo.RoleIncident, Lat: 35 + float64(i)/100, Lon: 36, GeonameID: int64(i + 1)})
	}
	close(done)
	for range 4 {
		if err := <-errs; err != nil {
			t.Errorf("reader: %v", err)
		}
	}
	if r, i, err := db.Stats(ctx); err != nil || r != reports || i != reports {
		t.Errorf("reports=%d incidents=%d err=%v, want %d each", r, i, err, reports)
	}
}
