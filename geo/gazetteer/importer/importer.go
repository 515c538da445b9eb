// Package importer stores gazetteer files in a geo.PlaceService: the
// default gazetteer at first start (resumed if a start was interrupted),
// GeoNames dumps, countryInfo and alternate names given to the gazetteer
// import command, and the in-memory gazetteer built back from the store.
// It reads local files; downloading is the caller's.
package importer

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/incidentmap/incidentmap/geo"
	"github.com/incidentmap/incidentmap/geo/gazetteer"
)

// Batch is how many places go to the store per transaction: large
// enough to amortise the commit, small enough to keep memory flat on
// allCountries (12 M rows).
const Batch = 5000

// Store is where the default gazetteer goes: the places, and a mark kept
// while an import runs (a geo.Store has both).
type Store interface {
	geo.PlaceService
	Setting(ctx context.Context, key string) (string, bool, error)
	SetSetting(ctx context.Context, key, value string) error
	DeleteSetting(ctx context.Context, key string) error
}

// DefaultImportKey is the setting that marks a default-gazetteer import that has started and
// not finished. Places go in 5,000 per transaction, so a server stopped
// during its first start-up (Ctrl-C, a crash, a full disk) kept the first
// batches; without the mark the next start took those few thousand places
// for the gazetteer and quietly geocoded nothing.
const DefaultImportKey = "default_gazetteer_import_started"

// EnsureDefault imports the default gazetteer (cities500, the
// countries with their demonyms, regions, and the admin-1 areas named from
// CLDR; see gazetteer.ReadDefaultPlaces) into a store without places, and again
// into one whose import did not finish (an upsert: places already there are
// replaced, not doubled). A store that already has places is left alone.
func EnsureDefault(ctx context.Context, places Store, assetsDir string, log *slog.Logger) error {
	n, _, err := places.CountPlaces(ctx)
	if err != nil {
		return err
	}
	started, unfinished, err := places.Setting(ctx, DefaultImportKey)
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
	if err := places.SetSetting(ctx, DefaultImportKey, start.UTC().Format(time.RFC3339)); err != nil {
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
	if err := places.DeleteSetting(ctx, DefaultImportKey); err != nil {
		return err
	}
	log.Info("default gazetteer imported", "places", up.read, "took", time.Since(start).Round(time.Millisecond))
	return nil
}

// Load builds the in-memory gazetteer from the store.
func Load(ctx context.Context, places geo.PlaceService) (*gazetteer.Gazetteer, error) {
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
	return &upserter{ctx: ctx, places: places, batch: make([]*geo.Place, 0, Batch)}
}

func (u *upserter) add(p *geo.Place) error {
	u.read++
	u.batch = append(u.batch, p)
	if len(u.batch) >= Batch {
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

// Stats says what ImportFile did.
type Stats struct {
	Name string             // the file read: the path, or the zip entry
	Kind gazetteer.FileKind // what the file held
	// Read counts the places read; Inserted and Updated those stored new
	// and those that replaced a stored place.
	Read, Inserted, Updated int
}

// ImportFile imports one local file of a kind gazetteer.KindOf recognises
// by its name (a .zip holds one such file). progress, if set, wraps the
// reader (size -1 when unknown), e.g. with a progress bar.
func ImportFile(ctx context.Context, places geo.PlaceService, file string, progress func(r io.Reader, name string, size int64) io.Reader) (Stats, error) {
	f, err := os.Open(file)
	if err != nil {
		return Stats{}, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return Stats{}, err
	}
	var r io.Reader = f
	name, size := file, fi.Size()
	if strings.HasSuffix(strings.ToLower(file), ".zip") {
		rc, entry, err := gazetteer.OpenZip(f, fi.Size())
		if err != nil {
			return Stats{}, err
		}
		defer rc.Close()
		r, name = rc, entry
		size = -1
	}
	if progress != nil {
		r = progress(r, name, size)
	}
	kind := gazetteer.KindOf(name)
	up := newUpserter(ctx, places)
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
	return Stats{Name: name, Kind: kind, Read: up.read, Inserted: up.inserted, Updated: up.update}, err
}
