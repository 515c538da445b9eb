package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/pprof"
	"time"

	"github.com/incidentmap/incidentmap/cmd/incidentmap/internal/generate"
	"github.com/incidentmap/incidentmap/cmd/incidentmap/internal/store"
)

func runGenerate(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := newFlagSet("generate", "--db PATH --incidents N [--seed S] | --report-texts N --out DIR [--seed S]",
		"Fill a database with N synthetic incidents for benchmarks: 80% clustered around real towns of Syria\n"+
			"and its neighbours, 20% spread over the Middle East, dated 2011-2024, from 40 invented outlets with a\n"+
			"Zipf distribution, about five per synthetic report. The same seed gives the same data.\n"+
			"With --report-texts, write N synthetic seed-format report files to DIR instead (ingest benchmarks).", stderr)
	dbPath := fs.String("db", "incidentmap.db", "SQLite database `path` (created if missing)")
	n := fs.Int("incidents", 0, "how many incidents to generate")
	seed := fs.Uint64("seed", 1, "random `seed`")
	batch := fs.Int("batch", 20_000, "incidents per transaction (without --offline)")
	offline := fs.Bool("offline", false, "load in one transaction that drops the incident indexes and rebuilds them at the end\n"+
		"(all or nothing; only for a database nobody is serving)")
	texts := fs.Int("report-texts", 0, "write this many report text files to --out instead")
	out := fs.String("out", "", "`dir` for --report-texts")
	assets := fs.String("assets", defaultAssetsDir(), "`dir` holding the npm datasets (default gazetteer)")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the load to `file`")
	if err := fs.Parse(args); err != nil {
		return err
	}
	switch {
	case fs.NArg() > 0:
		return fmt.Errorf("generate: unexpected arguments %q", fs.Args())
	case *texts > 0:
		if *out == "" {
			return fmt.Errorf("generate: --report-texts needs --out DIR")
		}
		return generate.WriteReportTexts(*out, *texts, *seed)
	case *n < 0:
		fs.Usage()
		return fmt.Errorf("generate: --incidents must not be negative")
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	a, err := openApp(ctx, *dbPath, *assets, log)
	if err != nil {
		return err
	}
	defer a.Close()
	if *n == 0 {
		return nil // the database and its gazetteer only
	}
	g := generate.New(*seed, a.Gazetteer)
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
	start := time.Now()
	st, err := a.DB.BulkLoad(ctx, g.Reports(*n), store.BulkOptions{BatchIncidents: *batch, Offline: *offline})
	took := time.Since(start)
	if err != nil {
		return fmt.Errorf("generate: after %d incidents: %w", st.Incidents, err)
	}
	fmt.Fprintf(stdout, "generated %d incidents in %d reports in %s (%.0f incidents/s)\n",
		st.Incidents, st.Reports, took.Round(time.Millisecond), float64(st.Incidents)/took.Seconds())
	return nil
}
