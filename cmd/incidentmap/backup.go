package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/incidentmap/incidentmap/cmd/incidentmap/internal/store"
)

// runBackup writes a consistent copy of the database while a server may be
// reading and writing it (VACUUM INTO on a read snapshot), then checks the
// copy before reporting success.
func runBackup(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := newFlagSet("backup", "--db PATH --out FILE",
		"Copy the database to FILE consistently, even while `incidentmap serve` is running.\n"+
			"FILE must not exist. Restore by stopping the server and using FILE as --db.", stderr)
	dbPath := fs.String("db", "incidentmap.db", "SQLite database `path`")
	out := fs.String("out", "", "backup `file` to create")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("backup: unexpected arguments %q", fs.Args())
	}
	if *out == "" {
		return fmt.Errorf("backup: --out FILE is required")
	}
	start := time.Now()
	db, err := store.Open(*dbPath)
	if err != nil {
		return fmt.Errorf("open database %s: %w", *dbPath, err)
	}
	defer db.Close()
	if err := db.Backup(ctx, *out); err != nil {
		return fmt.Errorf("backup: %s", errMessage(err))
	}
	// A backup nobody has opened is a hope, not a backup.
	cp, err := store.Open(*out)
	if err != nil {
		return fmt.Errorf("backup %s cannot be opened: %w", *out, err)
	}
	defer cp.Close()
	if err := cp.IntegrityCheck(ctx); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	reports, incidents, err := cp.Stats(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backup %s: %d reports, %d incidents, integrity ok (%s)\n",
		*out, reports, incidents, time.Since(start).Round(time.Millisecond))
	return nil
}
