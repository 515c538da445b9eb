// Package store keeps incidentmap's data in SQLite. It is the only package
// that knows SQL: it implements geo.IncidentService, geo.ReportService and
// geo.PlaceService on *DB.
package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/incidentmap/incidentmap/cmd/incidentmap/internal/sqliteuri"
	"github.com/incidentmap/incidentmap/geo"
	"github.com/mattn/go-sqlite3"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// Compile-time checks that *DB provides the domain services.
var (
	_ geo.IncidentService = (*DB)(nil)
	_ geo.ReportService   = (*DB)(nil)
	_ geo.PlaceService    = (*DB)(nil)
)

// DB is an open incidentmap database. It is safe for concurrent use.
//
// It holds two connection pools on the same file: one connection for
// writes, whose transactions begin IMMEDIATE so that two writers queue on
// the busy timeout instead of failing on a lock upgrade, and a pool of
// query-only connections whose transactions begin DEFERRED, so that
// readers never wait for each other or for a writer (WAL).
type DB struct {
	// Path is the database file (or ":memory:").
	Path string
	// Now returns the current time; tests replace it.
	Now func() time.Time

	rdb *sql.DB // readers
	wdb *sql.DB // the single writer

	mu       sync.Mutex
	version  int64     // cached data version
	checked  time.Time // when version was last read from the database
	counts   map[string]int
	countVer int64 // data version the counts were computed at

	points pointCache // the point columns in memory, for map tiles (pointcache.go)
	rows   rowCache   // incidents read for pages (rowcache.go)
	// counting holds a slot per count over the point cache running
	// (aggregates.go); nil until the first count.
	counting     chan struct{}
	countingOnce sync.Once
}

// versionTTL bounds how long a cached data version is trusted before it
// is re-read, so writes made by another process (the ingest command run
// next to a server) are seen within that time. Writes through this DB
// update the cache at commit and are seen at once.
const versionTTL = 500 * time.Millisecond

// Open opens (creating if needed) the database at path and migrates it
// to the latest schema.
func Open(path string) (*DB, error) {
	if path == "" {
		return nil, geo.Errorf(geo.EINVALID, "database path required")
	}
	db := &DB{Path: path, Now: time.Now, counts: map[string]int{}}
	db.points.idx.Load = db.loadPointSnapshot
	var err error
	if db.wdb, err = openPool(path, "immediate", false); err != nil {
		return nil, err
	}
	// One writer: SQLite allows only one anyway, and a single pooled
	// connection makes in-process writers queue in database/sql rather
	// than spin on the busy timeout.
	db.wdb.SetMaxOpenConns(1)
	if err := db.migrate(context.Background()); err != nil {
		db.wdb.Close()
		return nil, err
	}
	if path == ":memory:" {
		// Each :memory: connection is its own database, so readers share
		// the writer's connection.
		db.rdb = db.wdb
		return db, nil
	}
	if db.rdb, err = openPool(path, "deferred", true); err != nil {
		db.wdb.Close()
		return nil, err
	}
	db.rdb.SetMaxOpenConns(8)
	db.rdb.SetMaxIdleConns(8)
	db.rdb.SetConnMaxIdleTime(5 * time.Minute)
	return db, nil
}

// Close closes both connection pools.
func (db *DB) Close() error {
	var errs []error
	if db.rdb != nil && db.rdb != db.wdb {
		errs = append(errs, db.rdb.Close())
	}
	if db.wdb != nil {
		errs = append(errs, db.wdb.Close())
	}
	return errors.Join(errs...)
}

// dsn builds the go-sqlite3 DSN. The pragmas go in the DSN rather than in
// an Exec after Open because database/sql opens connections lazily and
// any one of them may serve the next query: each must get WAL, the busy
// timeout and foreign keys.
func dsn(path, txlock string, readOnly bool) string {
	q := url.Values{}
	q.Set("_journal_mode", "WAL")
	q.Set("_busy_timeout", "5000")
	q.Set("_foreign_keys", "on")
	q.Set("_txlock", txlock)
	// NORMAL is durable across application crashes in WAL mode; only an
	// OS crash or power loss can lose the last commits.
	q.Set("_synchronous", "NORMAL")
	// KiB, per connection: nine connections at 8 MB stay inside the soft
	// heap limit below, and the OS page cache, shared by all of them and
	// not counted in the process's RSS, holds the rest of a hot database.
	q.Set("_cache_size", strconv.Itoa(-connCacheKiB))
	q.Set("_stmt_cache_size", "32")
	if readOnly {
		q.Set("_query_only", "true")
	}
	if path == ":memory:" {
		return "file::memory:?" + q.Encode()
	}
	// Escaped: "file:" + path ended the path at a '#' or '?' in it, and
	// opened (and created) another, empty database.
	return sqliteuri.File(path, q)
}

// connector opens go-sqlite3 connections with a per-connection hook,
// without registering a driver name globally.
type connector struct {
	dsn string
	drv *sqlite3.SQLiteDriver
}

func (c *connector) Connect(context.Context) (driver.Conn, error) { return c.drv.Open(c.dsn) }
func (c *connector) Driver() driver.Driver                        { return c.drv }

// connCacheKiB is each connection's page cache; softHeapLimit bounds
// SQLite's memory in the whole process (see openPool).
const (
	connCacheKiB  = 8000
	softHeapLimit = 64 << 20
)

func openPool(path, txlock string, readOnly bool) (*sql.DB, error) {
	drv := &sqlite3.SQLiteDriver{ConnectHook: func(conn *sqlite3.SQLiteConn) error {
		// Sorting a large bbox result in memory is much faster than in a
		// temp file. No memory mapping: each connection maps the file on
		// its own, so the pages it touches counted in RSS once per
		// connection (1.5 GB at the peak of issue 8's load runs), and at
		// 1M incidents the first 256 MB mapped were mostly the gazetteer
		// tables, read once at start-up; reads through the page cache
		// measured as fast. The soft heap limit (bytes, all connections
		// of the process) makes SQLite recycle cached pages rather than
		// grow past it.
		_, err := conn.Exec(fmt.Sprintf("PRAGMA temp_store = MEMORY; PRAGMA mmap_size = 0; PRAGMA soft_heap_limit = %d", softHeapLimit), nil)
		return err
	}}
	db := sql.OpenDB(&connector{dsn: dsn(path, txlock, readOnly), drv: drv})
	if err := db.Ping(); err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	return db, nil
}

// migrate applies, in name order, each embedded migration not yet
// recorded in schema_migrations, each in its own transaction.
func (db *DB) migrate(ctx context.Context) error {
	if _, err := db.wdb.ExecContext(ctx,
		`CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)`); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	names, err := fs.Glob(migrationFS, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, name := range names {
		if err := db.migrateFile(ctx, name); err != nil {
			return fmt.Errorf("migration %s: %w", name, err)
		}
	}
	return nil
}

func (db *DB) migrateFile(ctx context.Context, name string) error {
	tx, err := db.wdb.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE name = ?`, name).Scan(&n); err != nil {
		return err
	} else if n > 0 {
		return nil
	}
	buf, err := fs.ReadFile(migrationFS, name)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, string(buf)); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)`,
		name, db.Now().UTC().Format(time.RFC3339)); err != nil {
		return err
	}
	return tx.Commit()
}

// beginWrite starts a write transaction (BEGIN IMMEDIATE).
func (db *DB) beginWrite(ctx context.Context) (*sql.Tx, error) {
	tx, err := db.wdb.BeginTx(ctx, nil)
	return tx, FormatError(err)
}

// beginRead starts a read transaction, so the several statements of one
// read (count, page, sources) see one snapshot.
func (db *DB) beginRead(ctx context.Context) (*sql.Tx, error) {
	tx, err := db.rdb.BeginTx(ctx, nil)
	return tx, FormatError(err)
}

// FormatError maps SQLite errors to domain errors: constraint violations
// become ECONFLICT; a full disk and a disk I/O error EINTERNAL with a
// message saying so (wrapping the SQLite error); a busy database after
// the timeout an error saying so; domain errors and nil pass through
// unchanged.
func FormatError(err error) error {
	if err == nil {
		return nil
	}
	var de *geo.Error
	if errors.As(err, &de) {
		return err
	}
	var se sqlite3.Error
	if errors.As(err, &se) {
		switch se.Code {
		case sqlite3.ErrConstraint:
			msg := se.Error()
			switch {
			case strings.Contains(msg, "UNIQUE"), strings.Contains(msg, "PRIMARY KEY"):
				return &geo.Error{Code: geo.ECONFLICT, Message: "already exists"}
			case strings.Contains(msg, "FOREIGN KEY"):
				return &geo.Error{Code: geo.ECONFLICT, Message: "refers to a missing or still-referenced row"}
			default:
				return &geo.Error{Code: geo.EINVALID, Message: "constraint failed"}
			}
		case sqlite3.ErrBusy, sqlite3.ErrLocked:
			return fmt.Errorf("database busy: %w", err)
		case sqlite3.ErrFull:
			// Said plainly, so that a full disk is not taken for bad input
			// (issue 20: "cities500.txt: invalid"); a server failure, with
			// the SQLite error kept for the logs.
			return fmt.Errorf("%w: %w", geo.Errorf(geo.EINTERNAL, "disk full: the database could not grow; free space on its disk, then retry"), err)
		case sqlite3.ErrIoErr:
			return fmt.Errorf("%w: %w", geo.Errorf(geo.EINTERNAL, "disk I/O error: the database file could not be read or written"), err)
		}
	}
	return err
}

// Stats returns how many reports and incidents (all roles) are stored.
func (db *DB) Stats(ctx context.Context) (reports, incidents int, err error) {
	err = db.rdb.QueryRowContext(ctx,
		`SELECT (SELECT count(*) FROM reports), (SELECT count(*) FROM incidents)`).Scan(&reports, &incidents)
	return reports, incidents, FormatError(err)
}

// Backup writes a consistent copy of the database to path with VACUUM
// INTO, while other connections keep reading and writing. path must not
// exist (ECONFLICT otherwise).
func (db *DB) Backup(ctx context.Context, path string) error {
	if path == "" {
		return geo.Errorf(geo.EINVALID, "backup path required")
	}
	if db.rdb == db.wdb { // :memory:
		return vacuumInto(ctx, db.wdb, path)
	}
	// A reader connection, so the copy does not hold up writers; VACUUM
	// INTO counts as a write for query_only, so lift it for this one
	// statement.
	conn, err := db.rdb.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `PRAGMA query_only = false`); err != nil {
		return err
	}
	defer func() {
		if _, err := conn.ExecContext(context.Background(), `PRAGMA query_only = true`); err != nil {
			// Never hand a writable connection back to the reader pool.
			conn.Raw(func(any) error { return driver.ErrBadConn })
		}
	}()
	return vacuumInto(ctx, conn, path)
}

func vacuumInto(ctx context.Context, conn interface {
	ExecContext(context.Context, string, ...any) (sql.Result, error)
}, path string) error {
	// As a URI: the connection was opened with URIs enabled, so a path
	// starting with "file:" would be read as one.
	if _, err := conn.ExecContext(ctx, `VACUUM INTO ?`, sqliteuri.File(path, nil)); err != nil {
		if strings.Contains(err.Error(), "output file already exists") {
			return geo.Errorf(geo.ECONFLICT, "backup file %s already exists", path)
		}
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	return nil
}

// DB is the SQLite geo.Store.
var _ geo.Store = (*DB)(nil)
