package store

import (
	"context"
	"fmt"
	"strings"
)

// IntegrityCheck runs SQLite's PRAGMA integrity_check and PRAGMA
// foreign_key_check on the database and returns nil when both find
// nothing wrong, or an error listing (up to 20 of) the problems. It is
// what a recovery after a crash or a restored backup should be checked
// with: it reads every page, so it takes time proportional to the file.
func (db *DB) IntegrityCheck(ctx context.Context) error {
	var problems []string
	rows, err := db.rdb.QueryContext(ctx, `PRAGMA integrity_check(20)`)
	if err != nil {
		return FormatError(err)
	}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			rows.Close()
			return err
		}
		if s != "ok" {
			problems = append(problems, s)
		}
	}
	if err := rows.Close(); err != nil {
		return err
	}
	// Foreign keys are enforced on every connection, but a crash test
	// should not take that on trust: a dangling incident is corruption
	// as far as the application is concerned.
	fk, err := db.rdb.QueryContext(ctx, `PRAGMA foreign_key_check`)
	if err != nil {
		return FormatError(err)
	}
	for fk.Next() {
		var table, parent string
		var rowid, idx any
		if err := fk.Scan(&table, &rowid, &parent, &idx); err != nil {
			fk.Close()
			return err
		}
		problems = append(problems, fmt.Sprintf("%s row %v refers to a missing %s row", table, rowid, parent))
		if len(problems) >= 20 {
			break
		}
	}
	if err := fk.Close(); err != nil {
		return err
	}
	if len(problems) > 0 {
		return fmt.Errorf("database %s fails the integrity check: %s", db.Path, strings.Join(problems, "; "))
	}
	return nil
}
