package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/incidentmap/incidentmap/cmd/incidentmap/internal/download"
	"github.com/incidentmap/incidentmap/cmd/incidentmap/internal/store"
	"github.com/incidentmap/incidentmap/geo"
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
		if err := download.Import(ctx, st, src, *quiet, stderr, stdout); err != nil {
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
