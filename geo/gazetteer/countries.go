package gazetteer

import (
	"encoding/json"
	"io"
	"sort"
	"strings"

	"github.com/incidentmap/incidentmap/geo"
)

// Synthetic GeoNames ids. Places that do not come from a GeoNames row get
// ids at 9,000,000,000 and up, far above GeoNames' (< 20,000,000 today), so
// they never collide and stay the same from one import to the next:
//
//	countries without a countryInfo geonameid  9_000_000_000 + 26*(c1-'A') + (c2-'A')
//	regions and continents (regions.go table)   9_050_000_000 + index in that table
//	admin-1 areas derived from cities          9_100_000_000 + FNV-1a("CC.code") mod 1e8
//	US counties                                 9_300_000_000 + 5-digit FIPS code
//	British and Irish counties (counties.go)    9_301_000_000 + FNV-1a("CC|name") mod 1e6
const (
	SyntheticCountryBase = 9_000_000_000
	SyntheticRegionBase  = 9_050_000_000
	SyntheticAdmin1Base  = 9_100_000_000
	SyntheticCountyBase  = 9_300_000_000
	// SyntheticOtherCountyBase starts the ids of counties outside the US.
	SyntheticOtherCountyBase = 9_301_000_000
)

// Country is one country of the npm world-countries dataset, reduced to
// what the gazetteer needs.
type Country struct {
	Code      string   // ISO 3166-1 alpha-2
	Numeric   string   // ISO 3166-1 numeric ("760"), as world-atlas ids its shapes; may be ""
	Name      string   // common English name
	Names     []string // official name, alternate spellings (without codes)
	Demonyms  []string // English adjectival forms: "Syrian"
	Lat, Lon  float64
	Region    string // "Asia"
	Subregion string // "Western Asia"
}

type worldCountry struct {
	Name struct {
		Common   string `json:"common"`
		Official string `json:"official"`
	} `json:"name"`
	CCA2         string    `json:"cca2"`
	CCA3         string    `json:"cca3"`
	CCN3         string    `json:"ccn3"`
	AltSpellings []string  `json:"altSpellings"`
	Region       string    `json:"region"`
	Subregion    string    `json:"subregion"`
	LatLng       []float64 `json:"latlng"`
	Demonyms     map[string]struct {
		F string `json:"f"`
		M string `json:"m"`
	} `json:"demonyms"`
}

// ReadCountries decodes the world-countries countries.json array. Two- and
// three-letter codes among the alternate spellings are dropped (only the
// abbreviations news really writes are added back, see countryExtras): "IN",
// "IT" or "AT" must never match a word.
func ReadCountries(r io.Reader) ([]Country, error) {
	var raw []worldCountry
	if err := json.NewDecoder(r).Decode(&raw); err != nil {
		return nil, geo.Errorf(geo.EINVALID, "world-countries JSON: %v", err)
	}
	out := make([]Country, 0, len(raw))
	for i, w := range raw {
		if len(w.CCA2) != 2 || len(w.LatLng) != 2 || w.Name.Common == "" {
			return nil, geo.Errorf(geo.EINVALID, "world-countries JSON: entry %d: missing cca2, name or latlng", i)
		}
		c := Country{Code: w.CCA2, Numeric: w.CCN3, Name: w.Name.Common, Lat: w.LatLng[0], Lon: w.LatLng[1],
			Region: w.Region, Subregion: w.Subregion}
		if p, ok := countryPoints[c.Code]; ok {
			c.Lat, c.Lon = p[0], p[1]
		}
		seen := map[string]bool{StrictKey(c.Name): true}
		add := func(list *[]string, s string) {
			k := StrictKey(s)
			if k == "" || seen[k] {
				return
			}
			seen[k] = true
			*list = append(*list, s)
		}
		add(&c.Names, w.Name.Official)
		for _, a := range w.AltSpellings {
			if isCode(a) {
				continue
			}
			add(&c.Names, a)
		}
		for _, a := range countryExtras[c.Code] {
			add(&c.Names, a)
		}
		if d, ok := w.Demonyms["eng"]; ok {
			add(&c.Demonyms, d.M)
			add(&c.Demonyms, d.F)
		}
		for _, d := range demonymExtras[c.Code] {
			add(&c.Demonyms, d)
		}
		out = append(out, c)
	}
	return out, nil
}

// isCode reports whether s looks like a code rather than a name: all
// capitals (and dots) and at most three letters.
func isCode(s string) bool {
	letters := 0
	for _, r := range s {
		switch {
		case r >= 'A' && r <= 'Z':
			letters++
		case r == '.':
		default:
			return false
		}
	}
	return letters <= 3
}

// countryPoints replace world-countries' whole-degree centre where it is
// far from the point gazetteers use: the United States' is set to the
// geographic centre of the contiguous states (near Lebanon, Kansas), which
// GeoNames and encyclopaedias both put within ~150 km.
var countryPoints = map[string][2]float64{
	"US": {39.83, -98.58},
}

// countryExtras are the short forms news uses for some countries that
// world-countries lists only as codes, or not at all.
var countryExtras = map[string][]string{
	"US": {"U.S.", "US", "U.S.A.", "USA", "America", "United States of America"},
	"GB": {"U.K.", "UK", "Britain", "Great Britain"},
	"AE": {"UAE", "U.A.E.", "Emirates"},
	"CD": {"DRC", "DR Congo", "Democratic Republic of Congo", "Congo-Kinshasa"},
	"CG": {"Congo-Brazzaville", "Republic of Congo"},
	"KR": {"South Korea"},
	"KP": {"North Korea"},
	"PS": {"Palestinian territories", "Palestinian Territories"},
	"CZ": {"Czech Republic"},
	"MM": {"Burma"},
	"CI": {"Ivory Coast"},
	"VA": {"the Vatican"},
	"NL": {"Holland"},
	"TR": {"Turkey"},
	"SZ": {"Swaziland"},
	"MK": {"Macedonia"},
	"CV": {"Cape Verde"},
	"TL": {"East Timor"},
	"VN": {"Viet Nam"},
}

// demonymExtras are adjectival forms world-countries lacks.
var demonymExtras = map[string][]string{
	"GB": {"British", "Briton"},
	"US": {"American"},
	"PS": {"Palestinian"},
	"NL": {"Dutch"},
	"KR": {"South Korean"},
	"KP": {"North Korean"},
	"CD": {"Congolese"},
	"TR": {"Turkish", "Turk"},
}

// CountryPlaces turns countries into gazetteer places with FeatureCode PCLI.
// ids maps an ISO code to its GeoNames id (from countryInfo.txt); countries
// absent from it get the synthetic id documented above. Demonyms are not
// names of the place: they go to the gazetteer's demonym table.
//
// Each country's adjectival forms travel with it as alternate names marked
// with DemonymPrefix ("adj:Syrian", "adj:Syrians"), so a store that keeps
// places and their alternate names keeps them too; the Gazetteer puts them
// in its demonym table, never in its name index. A form that two countries
// share goes to one of them only (see DemonymTable).
func CountryPlaces(cs []Country, ids map[string]int64, pops map[string]int64) []*geo.Place {
	owner := DemonymTable(cs)
	out := make([]*geo.Place, 0, len(cs))
	for _, c := range cs {
		id := ids[c.Code]
		if id == 0 {
			id = SyntheticCountryBase + 26*int64(c.Code[0]-'A') + int64(c.Code[1]-'A')
		}
		alt := append([]string(nil), c.Names...)
		forms := map[string]bool{}
		for _, d := range c.Demonyms {
			for _, f := range []string{d, plural(d)} {
				if k := StrictKey(f); owner[k] == c.Code && !forms[k] {
					forms[k] = true
					alt = append(alt, DemonymPrefix+f)
				}
			}
		}
		out = append(out, &geo.Place{GeonameID: id, Name: c.Name, ASCIIName: c.Name,
			AltNames: alt, Lat: c.Lat, Lon: c.Lon,
			FeatureClass: "A", FeatureCode: "PCLI", CountryCode: c.Code, Population: pops[c.Code]})
	}
	return out
}

// DemonymPrefix marks an alternate name of a country that is an adjectival
// form ("adj:Syrian") rather than a name of the place.
const DemonymPrefix = "adj:"

// DemonymTable maps the strict key of each adjectival form ("syrian",
// "syrians") to its country code. A form two countries share (world-
// countries gives "Congolese" to both Congos) keeps the first.
func DemonymTable(cs []Country) map[string]string {
	sorted := append([]Country(nil), cs...)
	// Sovereign, larger-population countries are not known here; sort by
	// code for a deterministic choice, then let explicit extras win.
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Code < sorted[j].Code })
	m := map[string]string{}
	for code, ds := range demonymExtras {
		for _, d := range ds {
			m[StrictKey(d)] = code
			m[StrictKey(plural(d))] = code
		}
	}
	for _, c := range sorted {
		for _, d := range c.Demonyms {
			for _, form := range []string{d, plural(d)} {
				k := StrictKey(form)
				if _, ok := m[k]; !ok && k != "" {
					m[k] = c.Code
				}
			}
		}
	}
	return m
}

// plural returns the plural of a demonym used as a noun ("Syrians"); forms
// in -ese, -ish, -ch or -s are their own plural.
func plural(d string) string {
	l := strings.ToLower(d)
	for _, suf := range []string{"ese", "ish", "ch", "s", "x", "i"} {
		if strings.HasSuffix(l, suf) {
			if suf == "i" { // Iraqi → Iraqis
				return d + "s"
			}
			return d
		}
	}
	return d + "s"
}
