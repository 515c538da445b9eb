package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/incidentmap/incidentmap/geo"
)

func runIngest(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := newFlagSet("ingest", "--db PATH [--source NAME] FILE|DIR...",
		"Geoparse reports (seed text format or JSON) and store their incidents. Prints what it found per report.\n"+
			"A report already stored (same text) is not stored again.", stderr)
	dbPath := fs.String("db", "incidentmap.db", "SQLite database `path`")
	source := fs.String("source", "", "outlet `name` for reports that do not name their own")
	assets := fs.String("assets", defaultAssetsDir(), "`dir` holding the npm datasets (default gazetteer)")
	aliases := fs.String("outlet-aliases", "", "`file` mapping outlet aliases to one name (lines 'RT = rt.com, Russia Today')")
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

	var stored, dup, failed int
	err = geo.ReadReports(fs.Args(), func(path string, r *geo.Report, err error) error {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err != nil {
			failed++
			fmt.Fprintf(stdout, "%s: error: %s\n", path, geo.ErrorMessage(err))
			return nil
		}
		if r.Source == "" {
			r.Source = *source
		}
		created, incidents, err := a.Pipeline.Ingest(ctx, r)
		if err != nil {
			failed++
			fmt.Fprintf(stdout, "%s: error: %v\n", path, err)
			return nil
		}
		if !created {
			dup++
			fmt.Fprintf(stdout, "%s: already stored as report %d\n", path, r.ID)
			return nil
		}
		stored++
		fmt.Fprintf(stdout, "%s: report %d (%s, %s): %s\n", path, r.ID, r.Published.Format(geo.DateLayout), orNone(r.Source), summarize(incidents))
		for _, in := range incidents {
			fmt.Fprintf(stdout, "  %-8s %-28q → %s\n", in.Role, in.Place, describePlace(in))
		}
		return nil
	})
	fmt.Fprintf(stdout, "%d stored, %d already stored, %d failed\n", stored, dup, failed)
	if err != nil {
		return err
	}
	if failed > 0 {
		return fmt.Errorf("%d report(s) could not be ingested", failed)
	}
	return nil
}

func summarize(incidents []*geo.Incident) string {
	var inc, men int
	for _, in := range incidents {
		if in.Role == geo.RoleIncident {
			inc++
		} else {
			men++
		}
	}
	return fmt.Sprintf("%d incidents, %d mentions", inc, men)
}

func describePlace(in *geo.Incident) string {
	var b strings.Builder
	name := in.Name
	if name == "" {
		name = "(unresolved)"
	}
	fmt.Fprintf(&b, "%s", name)
	if in.Admin1 != "" || in.CountryCode != "" {
		fmt.Fprintf(&b, " [%s]", strings.Trim(in.Admin1+", "+in.CountryCode, ", "))
	}
	fmt.Fprintf(&b, " %.4f,%.4f precision %d, %s (date precision %d)", in.Lat, in.Lon, in.Precision, in.Date.Format(geo.DateLayout), in.DatePrecision)
	if in.NeedsReview {
		b.WriteString(", needs review")
	}
	if in.Disputed {
		b.WriteString(", disputed")
	}
	return b.String()
}

func orNone(s string) string {
	if s == "" {
		return "no source"
	}
	return s
}
