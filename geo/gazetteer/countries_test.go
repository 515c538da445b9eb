package gazetteer

import (
	"strings"
	"testing"

	"github.com/incidentmap/incidentmap/geo"
)

// A two-country excerpt in the shape of world-countries' countries.json.
const countriesJSON = `[
 {"name": {"common": "Syria", "official": "Syrian Arab Republic"}, "cca2": "SY", "cca3": "SYR",
  "altSpellings": ["SY", "Syrian Arab Republic", "Al-Jumhūrīyah Al-ʻArabīyah As-Sūrīyah"],
  "region": "Asia", "subregion": "Western Asia", "latlng": [35, 38],
  "demonyms": {"eng": {"f": "Syrian", "m": "Syrian"}}},
 {"name": {"common": "United States", "official": "United States of America"}, "cca2": "US", "cca3": "USA",
  "altSpellings": ["US", "USA", "United States of America"], "region": "Americas", "latlng": [38, -97],
  "demonyms": {"eng": {"f": "American", "m": "American"}}}
]`

func TestReadCountries(t *testing.T) {
	cs, err := ReadCountries(strings.NewReader(countriesJSON))
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 2 {
		t.Fatalf("read %d countries, want 2", len(cs))
	}
	sy, us := cs[0], cs[1]
	for _, n := range sy.Names {
		if n == "SY" {
			t.Errorf("Syria names %q include the code SY", sy.Names)
		}
	}
	hasName := func(c Country, name string) bool {
		for _, n := range c.Names {
			if n == name {
				return true
			}
		}
		return false
	}
	for _, n := range []string{"U.S.", "America"} {
		if !hasName(us, n) {
			t.Errorf("US names %q lack %q", us.Names, n)
		}
	}
	if us.Lat != 39.83 || us.Lon != -98.58 {
		t.Errorf("US point %v,%v, want the centre of the contiguous states 39.83,-98.58", us.Lat, us.Lon)
	}
	if len(sy.Demonyms) != 1 || sy.Demonyms[0] != "Syrian" {
		t.Errorf("Syria demonyms %q, want [Syrian]", sy.Demonyms)
	}

	places := CountryPlaces(cs, map[string]int64{"SY": 163843}, nil)
	if places[0].GeonameID != 163843 || places[0].FeatureCode != "PCLI" {
		t.Errorf("Syria place %+v, want geonameid 163843 from countryInfo, PCLI", places[0])
	}
	if want := SyntheticCountryBase + 26*int64('U'-'A') + int64('S'-'A'); places[1].GeonameID != want {
		t.Errorf("US synthetic id %d, want %d", places[1].GeonameID, want)
	}
	b := NewBuilder(2)
	for _, p := range places {
		b.Add(p)
	}
	g := b.Build()
	tests := map[string]string{"Syrian": "SY", "Syrians": "SY", "American": "US", "Americans": "US"}
	for word, cc := range tests {
		if d := g.Demonym(word); d == nil || d.CountryCode != cc {
			t.Errorf("Demonym(%q)=%v, want %s", word, d, cc)
		}
	}
	for _, abbr := range []string{"US", "USA", "U.S."} {
		if ms := g.Lookup(abbr); len(ms) != 1 || ms[0].Place.CountryCode != "US" || !ms[0].Acronym {
			t.Errorf("Lookup(%q)=%v, want the United States as an acronym", abbr, ms)
		}
	}
	if ms := g.Lookup("Syrian"); len(ms) != 0 {
		t.Errorf("Lookup(Syrian)=%v, want none: a demonym is not a name", ms)
	}
}

func TestReadCountriesRejectsBadJSON(t *testing.T) {
	for _, in := range []string{`{`, `[{"name": {"common": "X"}, "cca2": "XX"}]`} {
		if _, err := ReadCountries(strings.NewReader(in)); geo.ErrorCode(err) != geo.EINVALID {
			t.Errorf("ReadCountries(%q) err=%v, want EINVALID", in, err)
		}
	}
}
