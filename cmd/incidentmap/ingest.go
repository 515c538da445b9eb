package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/pprof"
	"time"

	"github.com/incidentmap/incidentmap/geo"
	"github.com/incidentmap/incidentmap/geo/ingest"
)

func runIngest(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := newFlagSet("ingest", "--db PATH [--source NAME] FILE|DIR...",
		"Geoparse reports (seed text format or JSON) and store their incidents. Prints what it found per report.\n"+
			"A report already stored (same text) is not stored again.", stderr)
	dbPath := fs.String("db", "incidentmap.db", "SQLite database `path`")
	source := fs.String("source", "", "outlet `name` for reports that do not name their own")
	assets := fs.String("assets", defaultAssetsDir(), "`dir` holding the npm datasets (default gazetteer)")
	aliases := fs.String("outlet-aliases", "", "`file` mapping outlet aliases to one name (lines 'RT = rt.com, Russia Today')")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the ingest (after start-up) to `file`")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return fmt.Errorf("ingest: give at least one report file or directory")
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	a, err := openApp(ctx, *dbPath, *assets, log)
	if err != nil {
		return err
	}
	defer a.Close()
	if a.Pipeline.Outlets, err = loadOutletAliases(*aliases); err != nil {
		return err
	}

	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}

	var stored, dup, failed int
	start := time.Now()
	err = (&ingest.Batch{Pipeline: a.Pipeline, Store: a.DB, Source: *source}).Run(ctx, fs.Args(), func(j *ingest.Job) {
		switch {
		case j.Err != nil && j.Report == nil:
			failed++
			fmt.Fprintf(stdout, "%s: error: %s\n", j.Path, geo.ErrorMessage(j.Err))
		case j.Err != nil:
			failed++
			fmt.Fprintf(stdout, "%s: error: %v\n", j.Path, j.Err)
		case !j.Created:
			dup++
			fmt.Fprintf(stdout, "%s: already stored as report %d\n", j.Path, j.Report.ID)
		default:
			stored++
			r := j.Report
			fmt.Fprintf(stdout, "%s: report %d (%s, %s): %s\n", j.Path, r.ID, r.Published.Format(geo.DateLayout), ingest.SourceOrNone(r.Source), ingest.Summarize(j.Incidents))
			for _, in := range j.Incidents {
				fmt.Fprintf(stdout, "  %-8s %-28q → %s\n", in.Role, in.Place, ingest.DescribePlace(in))
			}
		}
	})
	// The time excludes start-up (the gazetteer), so the rate is ingest's.
	took := time.Since(start)
	fmt.Fprintf(stdout, "%d stored, %d already stored, %d failed in %s (%.0f reports/s)\n", stored, dup, failed,
		took.Round(time.Millisecond), float64(stored+dup+failed)/max(took.Seconds(), 1e-9))
	if err != nil {
		return err
	}
	if failed > 0 {
		return fmt.Errorf("%d report(s) could not be ingested", failed)
	}
	return nil
}
