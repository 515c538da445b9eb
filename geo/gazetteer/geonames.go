package gazetteer

import (
	"archive/zip"
	"bufio"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"

	"github.com/incidentmap/incidentmap/geo"
)

// GeoNames dump readers. Every reader streams: it holds one line at a time
// and calls fn per row, so allCountries.txt (12 M rows) reads in constant
// memory. A malformed row stops the read with an EINVALID *Error naming its
// line; an error from fn stops it too and is returned as is.

// maxLine bounds one dump line; allCountries' longest rows (alternate names
// of capitals) are ~10 kB.
const maxLine = 1 << 20

// FileKind is the kind of a GeoNames file, told by its name.
type FileKind string

// File kinds understood by the importer.
const (
	KindPlaces         FileKind = "places"          // 19-column dump: cities500.txt, allCountries.txt, SY.txt
	KindCountryInfo    FileKind = "countryInfo"     // countryInfo.txt
	KindAdmin1         FileKind = "admin1"          // admin1CodesASCII.txt
	KindAdmin2         FileKind = "admin2"          // admin2Codes.txt
	KindAlternateNames FileKind = "alternateNames"  // alternateNamesV2.txt (or V1)
	KindCountriesJSON  FileKind = "world-countries" // npm world-countries countries.json
)

// KindOf tells a file's kind from its name (a path or URL; ".zip" is
// ignored): GeoNames names its files consistently, so the name is enough.
func KindOf(name string) FileKind {
	base := strings.ToLower(path.Base(strings.ReplaceAll(name, "\\", "/")))
	base = strings.TrimSuffix(base, ".zip")
	switch {
	case strings.HasPrefix(base, "countryinfo"):
		return KindCountryInfo
	case strings.HasPrefix(base, "admin1codes"):
		return KindAdmin1
	case strings.HasPrefix(base, "admin2codes"):
		return KindAdmin2
	case strings.HasPrefix(base, "alternatenames"):
		return KindAlternateNames
	case strings.HasSuffix(base, ".json"):
		return KindCountriesJSON
	}
	return KindPlaces
}

// eachLine calls fn with each line's 1-based number and its tab-split
// fields, skipping blank lines and, when skipComments, lines starting '#'.
// The fields slice is reused from line to line; the strings are not.
func eachLine(r io.Reader, skipComments bool, fn func(n int, f []string) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), maxLine)
	n := 0
	fields := make([]string, 0, 20) // reused: fn must not keep the slice
	for sc.Scan() {
		n++
		line := strings.TrimRight(sc.Text(), "\r")
		if line == "" || (skipComments && line[0] == '#') {
			continue
		}
		fields = fields[:0]
		for {
			f, rest, more := strings.Cut(line, "\t")
			fields = append(fields, f)
			if !more {
				break
			}
			line = rest
		}
		if err := fn(n, fields); err != nil {
			if rerr := sc.Err(); rerr != nil {
				// A failed read hands over the line it cut short: the
				// read error is the cause, not a malformed line.
				return rerr
			}
			return err
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return geo.Errorf(geo.EINVALID, "line %d: longer than %d bytes", n+1, maxLine)
		}
		return err
	}
	return nil
}

func lineErr(n int, format string, args ...any) error {
	return geo.Errorf(geo.EINVALID, "line %d: %s", n, fmt.Sprintf(format, args...))
}

// ReadGeoNames reads GeoNames' 19-column place dump (cities500.txt,
// allCountries.txt, a country file such as SY.txt) and calls fn with each
// place. fn owns the *Place it is given.
func ReadGeoNames(r io.Reader, fn func(*geo.Place) error) error {
	return eachLine(r, true, func(n int, f []string) error {
		if len(f) != 19 {
			return lineErr(n, "%d columns, want 19 (geonameid, name, asciiname, alternatenames, latitude, longitude, ...)", len(f))
		}
		id, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil || id <= 0 {
			return lineErr(n, "bad geonameid %q", f[0])
		}
		lat, err1 := strconv.ParseFloat(f[4], 64)
		lon, err2 := strconv.ParseFloat(f[5], 64)
		if err1 != nil || err2 != nil || lat < -90 || lat > 90 || lon < -180 || lon > 180 {
			return lineErr(n, "bad coordinates %q, %q", f[4], f[5])
		}
		var pop int64
		if f[14] != "" {
			if pop, err = strconv.ParseInt(f[14], 10, 64); err != nil {
				return lineErr(n, "bad population %q", f[14])
			}
		}
		p := &geo.Place{
			GeonameID: id, Name: f[1], ASCIIName: f[2],
			Lat: lat, Lon: lon,
			FeatureClass: f[6], FeatureCode: f[7], CountryCode: f[8],
			Admin1Code: f[10], Admin2Code: f[11], Population: pop,
		}
		if f[3] != "" {
			p.AltNames = strings.Split(f[3], ",")
		}
		return fn(p)
	})
}

// CountryInfo is one row of GeoNames' countryInfo.txt.
type CountryInfo struct {
	ISO, ISO3  string
	Name       string
	Capital    string
	Continent  string // AF, AS, EU, NA, OC, SA, AN
	Population int64
	GeonameID  int64
	Neighbours []string
}

// ReadCountryInfo reads countryInfo.txt, with or without its leading '#'
// comment block and with or without '#' before the header row.
func ReadCountryInfo(r io.Reader, fn func(CountryInfo) error) error {
	return eachLine(r, true, func(n int, f []string) error {
		if f[0] == "ISO" {
			return nil // header row without '#'
		}
		if len(f) < 17 {
			return lineErr(n, "%d columns, want at least 17", len(f))
		}
		if len(f[0]) != 2 {
			return lineErr(n, "bad ISO code %q", f[0])
		}
		c := CountryInfo{ISO: f[0], ISO3: f[1], Name: f[4], Capital: f[5], Continent: f[8]}
		var err error
		if f[7] != "" {
			if c.Population, err = strconv.ParseInt(f[7], 10, 64); err != nil {
				return lineErr(n, "bad population %q", f[7])
			}
		}
		if f[16] != "" {
			if c.GeonameID, err = strconv.ParseInt(f[16], 10, 64); err != nil {
				return lineErr(n, "bad geonameid %q", f[16])
			}
		}
		if len(f) > 17 && f[17] != "" {
			c.Neighbours = strings.Split(f[17], ",")
		}
		return fn(c)
	})
}

// ReadAdminCodes reads admin1CodesASCII.txt ("SY.12\tIdlib\tIdlib\t169387")
// or admin2Codes.txt ("US.GA.139\tHall County\t...") and calls fn with a
// Place per row: FeatureCode ADM1 or ADM2, the codes split out, and no
// coordinates (Lat = Lon = 0): the Gazetteer places an area without
// coordinates at the centre of the places it contains.
func ReadAdminCodes(r io.Reader, fn func(*geo.Place) error) error {
	return eachLine(r, true, func(n int, f []string) error {
		if len(f) != 4 {
			return lineErr(n, "%d columns, want 4 (code, name, asciiname, geonameid)", len(f))
		}
		code := strings.Split(f[0], ".")
		if len(code) < 2 || len(code) > 3 || len(code[0]) != 2 {
			return lineErr(n, "bad admin code %q", f[0])
		}
		id, err := strconv.ParseInt(f[3], 10, 64)
		if err != nil || id <= 0 {
			return lineErr(n, "bad geonameid %q", f[3])
		}
		p := &geo.Place{GeonameID: id, Name: f[1], ASCIIName: f[2], FeatureClass: "A",
			CountryCode: code[0], Admin1Code: code[1], FeatureCode: "ADM1"}
		if len(code) == 3 {
			p.Admin2Code, p.FeatureCode = code[2], "ADM2"
		}
		return fn(p)
	})
}

// AltName is one row of alternateNamesV2.txt.
type AltName struct {
	GeonameID  int64
	Lang       string // ISO 639 code, or a pseudo-language: post, iata, icao, faac, link, wkdt, abbr, ...
	Name       string
	Preferred  bool
	Short      bool
	Colloquial bool
	Historic   bool
}

// IsCode reports whether a is a code or link rather than a name people
// write (postal codes, airport codes, URLs, Wikidata ids): such names must
// not be indexed for text matching ("THE" is an airport code).
func (a AltName) IsCode() bool {
	switch a.Lang {
	case "post", "iata", "icao", "faac", "tcid", "link", "wkdt", "unlc", "fr_1793":
		return true
	}
	return false
}

// ReadAlternateNames reads alternateNamesV2.txt (10 columns) or the older
// alternateNames.txt (8 columns).
func ReadAlternateNames(r io.Reader, fn func(AltName) error) error {
	return eachLine(r, true, func(n int, f []string) error {
		if len(f) != 8 && len(f) != 10 {
			return lineErr(n, "%d columns, want 10 (alternateNamesV2) or 8", len(f))
		}
		id, err := strconv.ParseInt(f[1], 10, 64)
		if err != nil || id <= 0 {
			return lineErr(n, "bad geonameid %q", f[1])
		}
		return fn(AltName{GeonameID: id, Lang: f[2], Name: f[3],
			Preferred: f[4] == "1", Short: f[5] == "1", Colloquial: f[6] == "1", Historic: f[7] == "1"})
	})
}

// OpenZip opens the data file inside a GeoNames zip (SY.zip holds SY.txt
// and readme.txt): the largest entry that is not a readme. It returns the
// entry's reader and name.
func OpenZip(ra io.ReaderAt, size int64) (io.ReadCloser, string, error) {
	zr, err := zip.NewReader(ra, size)
	if err != nil {
		return nil, "", geo.Errorf(geo.EINVALID, "not a zip file: %v", err)
	}
	var best *zip.File
	for _, f := range zr.File {
		if f.FileInfo().IsDir() || strings.HasPrefix(strings.ToLower(path.Base(f.Name)), "readme") {
			continue
		}
		if best == nil || f.UncompressedSize64 > best.UncompressedSize64 {
			best = f
		}
	}
	if best == nil {
		return nil, "", geo.Errorf(geo.EINVALID, "zip file holds no data file")
	}
	rc, err := best.Open()
	if err != nil {
		return nil, "", err
	}
	return rc, best.Name, nil
}
