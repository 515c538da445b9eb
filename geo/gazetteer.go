package geo

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Gazetteer is an in-memory index of places by name. Build it with a
// GazetteerBuilder; once built it is immutable, so it is safe for
// concurrent use without locks.
//
// Every name and alternate name of a place is indexed under its StrictKey
// and, for Latin-script names, its LooseKey. Alternate names that are codes
// rather than names are not indexed: GeoNames lists IATA codes such as "THE"
// among alternate names, and all-capital alternate names of ordinary places
// are almost always such codes. Curated places (countries, regions) keep
// their capitalised abbreviations ("UK", "UAE"), flagged as acronyms: an
// acronym matches only text written in capitals, and text in capitals
// matches only acronyms.
type Gazetteer struct {
	places   []Place
	strict   map[string]int32 // key → head of a posting chain in postings
	loose    map[string]int32
	postings []posting
	demonyms map[string]int32 // strict key of an adjectival form → place index
	country  map[string]int32 // ISO code → place index (PCLI)
	admin1   map[string]int32 // "CC.code" → place index (ADM1)
	maxWords int
}

type posting struct {
	place int32
	flags uint8
	next  int32
}

// Posting flags.
const (
	flagAlt     = 1 << iota // matched an alternate name, not the main name
	flagAcronym             // the indexed name is an abbreviation in capitals
)

// Match is one place a name may refer to.
type Match struct {
	Place   *Place
	Alt     bool // by an alternate name
	Loose   bool // only the loose key matched
	Acronym bool // the gazetteer name is an abbreviation in capitals
}

// GazetteerBuilder collects places for a Gazetteer. It is not safe for
// concurrent use.
type GazetteerBuilder struct {
	places []Place
}

// NewGazetteerBuilder returns an empty builder; sizeHint preallocates.
func NewGazetteerBuilder(sizeHint int) *GazetteerBuilder {
	return &GazetteerBuilder{places: make([]Place, 0, sizeHint)}
}

// Add adds a copy of p. A later place with the same GeonameID replaces an
// earlier one at Build.
func (b *GazetteerBuilder) Add(p *Place) { b.places = append(b.places, *p) }

// Build indexes the places and returns the Gazetteer. Admin areas without
// coordinates (as ReadAdminCodes returns them) are placed at the centre of
// the extent of the populated places they contain (see midRange), or
// dropped if they contain none. The builder must not be used afterwards.
func (b *GazetteerBuilder) Build() *Gazetteer {
	places := dedupe(b.places)
	places = placeAdminAreas(places)
	g := &Gazetteer{
		places:   places,
		strict:   make(map[string]int32, len(places)*4),
		loose:    make(map[string]int32, len(places)*2),
		postings: make([]posting, 0, len(places)*5),
		demonyms: map[string]int32{},
		country:  map[string]int32{},
		admin1:   map[string]int32{},
	}
	seen := make([]string, 0, 64)
	for i := range places {
		p := &places[i]
		switch p.FeatureCode {
		case "PCLI":
			g.country[p.CountryCode] = int32(i)
		case "ADM1":
			g.admin1[p.CountryCode+"."+p.Admin1Code] = int32(i)
		}
		seen = seen[:0]
		curated := p.GeonameID >= SyntheticCountryBase || p.FeatureCode == "PCLI"
		seen = g.index(int32(i), p.Name, 0, seen, curated)
		if p.ASCIIName != p.Name {
			seen = g.index(int32(i), p.ASCIIName, 0, seen, curated)
		}
		for _, a := range p.AltNames {
			if d, ok := strings.CutPrefix(a, DemonymPrefix); ok {
				if k := StrictKey(d); k != "" {
					if _, dup := g.demonyms[k]; !dup {
						g.demonyms[k] = int32(i)
					}
				}
				continue
			}
			seen = g.index(int32(i), a, flagAlt, seen, curated)
		}
	}
	b.places = nil
	return g
}

// index adds one name of place i; seen holds the keys already indexed
// for this place (strict and loose keys share it: a loose key that equals
// another name's strict key only skips a duplicate posting of that place).
//
// Only Latin-script names are indexed: the geoparser reads English text,
// and GeoNames' names in other scripts (a third of cities500's) would
// double the start-up time for no match.
func (g *Gazetteer) index(i int32, name string, flags uint8, seen []string, curated bool) []string {
	if name == "" || hasDigit(name) || !latinScript(name) {
		return seen
	}
	if isAllCaps(name) {
		if !curated {
			return seen // a code, not a name
		}
		flags |= flagAcronym
	}
	k := StrictKey(name)
	if k == "" || contains(seen, k) {
		return seen
	}
	seen = append(seen, k)
	if n := strings.Count(k, " ") + 1; n > g.maxWords {
		g.maxWords = n
	}
	g.push(g.strict, k, i, flags)
	if isASCII(k) {
		if l := LooseFromStrict(k); l != "" && (l == k || !contains(seen, l)) {
			if l != k {
				seen = append(seen, l)
			}
			g.push(g.loose, l, i, flags)
		}
	}
	return seen
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// latinScript reports whether the first letter of s is Latin.
func latinScript(s string) bool {
	for _, r := range s {
		if r < utf8.RuneSelf {
			if unicode.IsLetter(r) {
				return true
			}
			continue
		}
		if unicode.IsLetter(r) {
			return unicode.Is(unicode.Latin, r)
		}
	}
	return false
}

func (g *Gazetteer) push(m map[string]int32, k string, i int32, flags uint8) {
	head, ok := m[k]
	if !ok {
		head = -1
	}
	g.postings = append(g.postings, posting{place: i, flags: flags, next: head})
	m[k] = int32(len(g.postings) - 1)
}

func hasDigit(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			return true
		}
	}
	return false
}

// isAllCaps reports whether s has at least two letters, all capitals.
func isAllCaps(s string) bool {
	n := 0
	for _, r := range s {
		if unicode.IsLower(r) {
			return false
		}
		if unicode.IsLetter(r) {
			n++
		}
	}
	return n >= 2
}

// Len returns the number of places.
func (g *Gazetteer) Len() int { return len(g.places) }

// MaxWords returns the largest number of words in an indexed name.
func (g *Gazetteer) MaxWords() int { return g.maxWords }

// Places calls fn for every place; fn must not modify it.
func (g *Gazetteer) Places(fn func(*Place)) {
	for i := range g.places {
		fn(&g.places[i])
	}
}

// Lookup returns the places a name may refer to: strict matches first, then
// (only if there is none) loose ones.
func (g *Gazetteer) Lookup(name string) []Match {
	k := StrictKey(name)
	if ms := g.LookupKey(k, false); len(ms) > 0 {
		return ms
	}
	return g.LookupKey(LooseFromStrict(k), true)
}

// LookupKey returns the places indexed under a strict key (loose false) or
// a loose key (loose true).
func (g *Gazetteer) LookupKey(key string, loose bool) []Match {
	m := g.strict
	if loose {
		m = g.loose
	}
	head, ok := m[key]
	if !ok {
		return nil
	}
	var out []Match
	for j := head; j >= 0; j = g.postings[j].next {
		p := g.postings[j]
		out = append(out, Match{Place: &g.places[p.place], Alt: p.flags&flagAlt != 0,
			Acronym: p.flags&flagAcronym != 0, Loose: loose})
	}
	return out
}

// HasKey reports whether any name has the strict key k.
func (g *Gazetteer) HasKey(k string) bool { _, ok := g.strict[k]; return ok }

// Demonym returns the place (a country or region) of an adjectival form
// ("Syrian", "Syrians", "Kurdish"), or nil if word is none.
func (g *Gazetteer) Demonym(word string) *Place { return g.demonymKey(StrictKey(word)) }

func (g *Gazetteer) demonymKey(k string) *Place {
	if i, ok := g.demonyms[k]; ok {
		return &g.places[i]
	}
	return nil
}

// Country returns the country with ISO code cc, or nil.
func (g *Gazetteer) Country(cc string) *Place {
	if i, ok := g.country[cc]; ok {
		return &g.places[i]
	}
	return nil
}

// Admin1 returns the admin-1 area (province, state, governorate) with the
// given country and admin-1 code, or nil if the gazetteer lacks it.
func (g *Gazetteer) Admin1(cc, code string) *Place {
	if i, ok := g.admin1[cc+"."+code]; ok {
		return &g.places[i]
	}
	return nil
}

// Admin1Name returns the name of p's admin-1 area where known.
func (g *Gazetteer) Admin1Name(p *Place) string {
	if a := g.Admin1(p.CountryCode, p.Admin1Code); a != nil {
		return a.Name
	}
	return ""
}

// dedupe keeps the last place of each GeonameID, in first-seen order.
func dedupe(ps []Place) []Place {
	idx := make(map[int64]int, len(ps))
	out := ps[:0]
	for _, p := range ps {
		if j, ok := idx[p.GeonameID]; ok {
			out[j] = p
			continue
		}
		idx[p.GeonameID] = len(out)
		out = append(out, p)
	}
	return out
}

// placeAdminAreas gives admin areas that lack coordinates the centre of
// the populated places inside them, and drops those that contain none.
func placeAdminAreas(ps []Place) []Place {
	need := map[string][]float64{}
	for _, p := range ps {
		if (p.FeatureCode == "ADM1" || p.FeatureCode == "ADM2") && p.Lat == 0 && p.Lon == 0 {
			need[adminKey(p.FeatureCode, p.CountryCode, p.Admin1Code, p.Admin2Code)] = nil
		}
	}
	if len(need) == 0 {
		return ps
	}
	lats, lons := map[string][]float64{}, map[string][]float64{}
	for _, p := range ps {
		if p.FeatureClass != "P" {
			continue
		}
		for _, k := range []string{adminKey("ADM1", p.CountryCode, p.Admin1Code, ""), adminKey("ADM2", p.CountryCode, p.Admin1Code, p.Admin2Code)} {
			if _, ok := need[k]; ok {
				lats[k] = append(lats[k], p.Lat)
				lons[k] = append(lons[k], p.Lon)
			}
		}
	}
	out := ps[:0]
	for _, p := range ps {
		if (p.FeatureCode == "ADM1" || p.FeatureCode == "ADM2") && p.Lat == 0 && p.Lon == 0 {
			k := adminKey(p.FeatureCode, p.CountryCode, p.Admin1Code, p.Admin2Code)
			if len(lats[k]) == 0 {
				continue
			}
			p.Lat, p.Lon = midRange(lats[k]), midRange(lons[k])
		}
		out = append(out, p)
	}
	return out
}

func adminKey(code, cc, a1, a2 string) string {
	if code == "ADM2" {
		return cc + "." + a1 + "." + a2
	}
	return cc + "." + a1
}

// midRange returns the middle of the range of xs without its outer 2 %
// on each side: the centre of an area's extent, as gazetteers place areas,
// rather than its median town, which leans to where people live; the
// trimming drops outlying islands.
func midRange(xs []float64) float64 {
	sort.Float64s(xs)
	cut := len(xs) * 2 / 100
	return (xs[cut] + xs[len(xs)-1-cut]) / 2
}
