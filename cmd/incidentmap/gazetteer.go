package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/incidentmap/incidentmap/cmd/incidentmap/internal/download"
	"github.com/incidentmap/incidentmap/cmd/incidentmap/internal/store"
	"github.com/incidentmap/incidentmap/geo"
	"github.com/incidentmap/incidentmap/geo/gazetteer/importer"
)

// runGazetteer implements `incidentmap gazetteer import --db PATH FILE|URL...`.
func runGazetteer(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "import" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
			fmt.Fprintln(stderr, "Usage: incidentmap gazetteer import --db PATH FILE|URL...")
			return flag.ErrHelp
		}
		fmt.Fprintln(stderr, "Usage: incidentmap gazetteer import --db PATH FILE|URL...")
		return fmt.Errorf("gazetteer: want the subcommand import")
	}
	fs := newFlagSet("gazetteer import", "--db PATH FILE|URL...",
		"Load GeoNames files into the gazetteer: place dumps (cities500.txt, allCountries.zip, SY.zip),\n"+
			"admin1CodesASCII.txt, admin2Codes.txt, countryInfo.txt, alternateNamesV2.zip, or world-countries\n"+
			"countries.json; local paths or https URLs, zipped or not. Re-importing a file updates the places\n"+
			"it holds instead of adding them again. For village-level coverage of Syria:\n"+
			"  incidentmap gazetteer import --db incidentmap.db https://download.geonames.org/export/dump/SY.zip", stderr)
	db := fs.String("db", "incidentmap.db", "SQLite database `path`")
	quiet := fs.Bool("quiet", false, "no progress bar")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return fmt.Errorf("gazetteer import: no FILE or URL given")
	}
	st, err := store.Open(*db)
	if err != nil {
		return fmt.Errorf("open database %s: %w", *db, err)
	}
	defer st.Close()
	for _, src := range fs.Args() {
		if err := importSource(ctx, st, src, *quiet, stderr, stdout); err != nil {
			return fmt.Errorf("%s: %s", src, errMessageOrErr(err))
		}
	}
	places, names, err := st.CountPlaces(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "gazetteer: %d places, %d names\n", places, names)
	return nil
}

func errMessageOrErr(err error) string {
	var e *geo.Error
	if errors.As(err, &e) {
		return e.Message
	}
	return err.Error()
}

// importSource imports one file or URL.
func importSource(ctx context.Context, places geo.PlaceService, src string, quiet bool, progress, out io.Writer) error {
	local := src
	if strings.HasPrefix(src, "https://") || strings.HasPrefix(src, "http://") {
		var wrap func(io.Writer, int64) io.Writer
		if !quiet {
			wrap = func(w io.Writer, size int64) io.Writer {
				bar := newBar(size, "downloading "+path.Base(src), progress)
				return io.MultiWriter(w, bar)
			}
		}
		tmp, err := download.ToTemp(ctx, src, wrap)
		if err != nil {
			return err
		}
		defer os.Remove(tmp)
		local = tmp
	}
	var wrap func(io.Reader, string, int64) io.Reader
	var bar *progressbar.ProgressBar
	if !quiet {
		wrap = func(r io.Reader, name string, size int64) io.Reader {
			if name == local {
				name = src
			}
			bar = newBar(size, "importing "+path.Base(name), progress)
			return io.TeeReader(r, bar)
		}
	}
	start := time.Now()
	st, err := importer.ImportFile(ctx, places, local, wrap)
	if bar != nil {
		bar.Close()
	}
	if err != nil {
		return err
	}
	name := st.Name
	if name == local {
		name = src
	}
	fmt.Fprintf(out, "%s (%s): %d read, %d new, %d updated in %s\n", path.Base(name), st.Kind, st.Read,
		st.Inserted, st.Updated, time.Since(start).Round(time.Millisecond))
	return nil
}

// newBar returns a byte-counting progress bar writing to w (size -1: unknown).
func newBar(size int64, desc string, w io.Writer) *progressbar.ProgressBar {
	return progressbar.NewOptions64(size,
		progressbar.OptionSetDescription(desc),
		progressbar.OptionSetWriter(w),
		progressbar.OptionShowBytes(true),
		progressbar.OptionSetWidth(30),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionShowCount(),
		progressbar.OptionOnCompletion(func() { fmt.Fprint(w, "\n") }),
		progressbar.OptionSpinnerType(14),
		progressbar.OptionFullWidth(),
		progressbar.OptionSetRenderBlankState(true),
	)
}
