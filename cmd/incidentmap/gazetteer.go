package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/incidentmap/incidentmap/cmd/incidentmap/internal/store"
	"github.com/incidentmap/incidentmap/geo"
	"github.com/incidentmap/incidentmap/geo/gazetteer"
)

// importBatch is how many places go to the store per transaction: large
// enough to amortise the commit, small enough to keep memory flat on
// allCountries (12 M rows).
const importBatch = 5000

// gazetteerStore is where the default gazetteer goes: the places, and a
// mark kept while an import runs (store.DB has both).
type gazetteerStore interface {
	geo.PlaceService
	Setting(ctx context.Context, key string) (string, bool, error)
	SetSetting(ctx context.Context, key, value string) error
	DeleteSetting(ctx context.Context, key string) error
}

// defaultImportKey marks a default-gazetteer import that has started and
// not finished. Places go in 5,000 per transaction, so a server stopped
// during its first start-up (Ctrl-C, a crash, a full disk) kept the first
// batches; without the mark the next start took those few thousand places
// for the gazetteer and quietly geocoded nothing.
const defaultImportKey = "default_gazetteer_import_started"

// ensureDefaultGazetteer imports the default gazetteer (cities500, the
// countries with their demonyms, regions, and the admin-1 areas named from
// CLDR; see gazetteer.ReadDefaultPlaces) into a store without places, and again
// into one whose import did not finish (an upsert: places already there are
// replaced, not doubled). A store that already has places is left alone.
func ensureDefaultGazetteer(ctx context.Context, places gazetteerStore, assetsDir string, log *slog.Logger) error {
	n, _, err := places.CountPlaces(ctx)
	if err != nil {
		return err
	}
	started, unfinished, err := places.Setting(ctx, defaultImportKey)
	if err != nil {
		return err
	}
	if n > 0 && !unfinished {
		return nil
	}
	if unfinished {
		log.Warn("the default gazetteer's import did not finish: importing it again", "started", started, "places", n)
	}
	start := time.Now()
	if err := places.SetSetting(ctx, defaultImportKey, start.UTC().Format(time.RFC3339)); err != nil {
		return err
	}
	log.Info("importing the default gazetteer", "from", assetsDir)
	up := newUpserter(ctx, places)
	if err := gazetteer.ReadDefaultPlaces(os.DirFS(assetsDir), up.add); err != nil {
		return fmt.Errorf("default gazetteer: %w", err)
	}
	if err := up.flush(); err != nil {
		return err
	}
	if err := places.DeleteSetting(ctx, defaultImportKey); err != nil {
		return err
	}
	log.Info("default gazetteer imported", "places", up.read, "took", time.Since(start).Round(time.Millisecond))
	return nil
}

// loadGazetteer builds the in-memory gazetteer from the store.
func loadGazetteer(ctx context.Context, places geo.PlaceService) (*gazetteer.Gazetteer, error) {
	n, _, err := places.CountPlaces(ctx)
	if err != nil {
		return nil, err
	}
	b := gazetteer.NewBuilder(n)
	if err := places.EachPlace(ctx, func(p *geo.Place) error { b.Add(p); return nil }); err != nil {
		return nil, err
	}
	return b.Build(), nil
}

// upserter batches places into the store.
type upserter struct {
	ctx                    context.Context
	places                 geo.PlaceService
	batch                  []*geo.Place
	read, inserted, update int
}

func newUpserter(ctx context.Context, places geo.PlaceService) *upserter {
	return &upserter{ctx: ctx, places: places, batch: make([]*geo.Place, 0, importBatch)}
}

func (u *upserter) add(p *geo.Place) error {
	u.read++
	u.batch = append(u.batch, p)
	if len(u.batch) >= importBatch {
		return u.flush()
	}
	return nil
}

func (u *upserter) flush() error {
	if len(u.batch) == 0 {
		return nil
	}
	if err := u.ctx.Err(); err != nil {
		return err
	}
	ins, upd, err := u.places.UpsertPlaces(u.ctx, u.batch)
	if err != nil {
		return err
	}
	u.inserted += ins
	u.update += upd
	u.batch = u.batch[:0]
	return nil
}

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
		tmp, err := download(ctx, src, quiet, progress)
		if err != nil {
			return err
		}
		defer os.Remove(tmp)
		local = tmp
	}
	f, err := os.Open(local)
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	var r io.Reader = f
	name, size := src, fi.Size()
	if strings.HasSuffix(strings.ToLower(src), ".zip") {
		rc, entry, err := gazetteer.OpenZip(f, fi.Size())
		if err != nil {
			return err
		}
		defer rc.Close()
		r, name = rc, entry
		size = -1
	}
	if !quiet {
		bar := newBar(size, "importing "+path.Base(name), progress)
		defer bar.Close()
		r = io.TeeReader(r, bar)
	}
	kind := gazetteer.KindOf(name)
	up := newUpserter(ctx, places)
	start := time.Now()
	switch kind {
	case gazetteer.KindCountryInfo:
		err = importCountryInfo(ctx, places, r, up)
	case gazetteer.KindAlternateNames:
		err = importAlternateNames(ctx, places, r, up)
	default:
		err = gazetteer.ReadPlaces(kind, r, up.add)
	}
	if err == nil {
		err = up.flush()
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "%s (%s): %d read, %d new, %d updated in %s\n", path.Base(name), kind, up.read,
		up.inserted, up.update, time.Since(start).Round(time.Millisecond))
	return nil
}

// download fetches url into a temporary file, with a progress bar.
func download(ctx context.Context, url string, quiet bool, progress io.Writer) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return "", err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("download: %s", resp.Status)
	}
	f, err := os.CreateTemp("", "incidentmap-*-"+path.Base(url))
	if err != nil {
		return "", err
	}
	var w io.Writer = f
	if !quiet {
		bar := newBar(resp.ContentLength, "downloading "+path.Base(url), progress)
		defer bar.Close()
		w = io.MultiWriter(f, bar)
	}
	if _, err := io.Copy(w, resp.Body); err != nil {
		f.Close()
		os.Remove(f.Name())
		return "", err
	}
	return f.Name(), f.Close()
}

// importCountryInfo sets the population of the stored countries from
// countryInfo.txt. Countries keep the ids they were imported with, so a
// countryInfo import never duplicates a country.
func importCountryInfo(ctx context.Context, places geo.PlaceService, r io.Reader, up *upserter) error {
	info := map[string]gazetteer.CountryInfo{}
	if err := gazetteer.ReadCountryInfo(r, func(c gazetteer.CountryInfo) error { info[c.ISO] = c; return nil }); err != nil {
		return err
	}
	var changed []*geo.Place
	err := places.EachPlace(ctx, func(p *geo.Place) error {
		if c, ok := info[p.CountryCode]; ok && p.FeatureCode == "PCLI" && p.Population != c.Population {
			q := *p
			q.Population = c.Population
			changed = append(changed, &q)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, p := range changed {
		if err := up.add(p); err != nil {
			return err
		}
	}
	return nil
}

// importAlternateNames adds the names of alternateNamesV2.txt to the stored
// places they belong to (codes, links and names already present are
// skipped). Rows for places not in the store are ignored.
func importAlternateNames(ctx context.Context, places geo.PlaceService, r io.Reader, up *upserter) error {
	stored := map[int64]*geo.Place{}
	err := places.EachPlace(ctx, func(p *geo.Place) error {
		q := *p
		stored[p.GeonameID] = &q
		return nil
	})
	if err != nil {
		return err
	}
	changed := map[int64]bool{}
	err = gazetteer.ReadAlternateNames(r, func(a gazetteer.AltName) error {
		p := stored[a.GeonameID]
		if p == nil || a.IsCode() || a.Name == "" {
			return nil
		}
		if a.Name == p.Name || a.Name == p.ASCIIName {
			return nil
		}
		for _, n := range p.AltNames {
			if n == a.Name {
				return nil
			}
		}
		p.AltNames = append(p.AltNames, a.Name)
		changed[p.GeonameID] = true
		return nil
	})
	if err != nil {
		return err
	}
	for id := range changed {
		if err := up.add(stored[id]); err != nil {
			return err
		}
	}
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
