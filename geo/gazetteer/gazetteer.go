// Package gazetteer is incidentmap's index of places by name, and where its
// places come from. A Gazetteer, made by a Builder and immutable after, looks
// names up under the two keys StrictKey and LooseKey fold them to. The
// readers turn GeoNames dumps, countryInfo.txt, alternate names,
// world-countries, the CLDR subdivision names and the atlas shapes into
// geo.Places; ReadDefaultPlaces and LoadDefault assemble the default
// gazetteer from the npm assets, deriving admin-1 areas and counties. Files
// are read only through the io.Readers and fs.FS the caller passes.
package gazetteer

import (
	"hash/maphash"
	"sort"
	"strings"

	"github.com/incidentmap/incidentmap/geo"
)

// Gazetteer is an in-memory index of places by name. Build it with a
// Builder; once built it is immutable, so it is safe for concurrent use
// without locks.
//
// Every name and alternate name of a place is indexed under its StrictKey
// and, for Latin-script names, its LooseKey. Alternate names that are codes
// rather than names are not indexed: GeoNames lists IATA codes such as "THE"
// among alternate names, and all-capital alternate names of ordinary places
// are almost always such codes. Curated places (countries, regions,
// admin-1 areas) keep their capitalised abbreviations ("UK", "UAE", "NSW"),
// flagged as acronyms: an acronym matches only text written in capitals,
// and text in capitals matches only acronyms (or, from five letters, names
// set in capitals: "BEIRUT").
type Gazetteer struct {
	places   []geo.Place
	strict   nameIndex
	loose    nameIndex
	seed     maphash.Seed
	demonyms map[string]int32 // strict key of an adjectival form → place index
	country  map[string]int32 // ISO code → place index (PCLI)
	admin1   map[string]int32 // "CC.code" → place index (ADM1)
	maxWords int
}

// Match is one place a name may refer to.
type Match struct {
	Place   *geo.Place
	Alt     bool // by an alternate name
	Loose   bool // only the loose key matched
	Acronym bool // the gazetteer name is an abbreviation in capitals
}

// Len returns the number of places.
func (g *Gazetteer) Len() int { return len(g.places) }

// MaxWords returns the largest number of words in an indexed name.
func (g *Gazetteer) MaxWords() int { return g.maxWords }

// Places calls fn for every place; fn must not modify it. Places carry
// their main and ASCII names only: alternate names are in the index.
func (g *Gazetteer) Places(fn func(*geo.Place)) {
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
// a loose key (loose true), in the order they were added to the builder.
func (g *Gazetteer) LookupKey(key string, loose bool) []Match {
	x := &g.strict
	if loose {
		x = &g.loose
	}
	i, j := x.find(maphash.String(g.seed, key))
	if i == j {
		return nil
	}
	out := make([]Match, 0, j-i)
	for _, r := range x.refs[i:j] {
		out = append(out, Match{Place: &g.places[r>>refShift], Alt: r&flagAlt != 0,
			Acronym: r&flagAcronym != 0, Loose: loose})
	}
	return out
}

// HasKey reports whether any name has the strict key k.
func (g *Gazetteer) HasKey(k string) bool {
	i, j := g.strict.find(maphash.String(g.seed, k))
	return i < j
}

// Demonym returns the place (a country or region) of an adjectival form
// ("Syrian", "Syrians", "Kurdish"), or nil if word is none.
func (g *Gazetteer) Demonym(word string) *geo.Place { return g.DemonymKey(StrictKey(word)) }

// DemonymKey is Demonym for a word's strict key (see StrictKey).
func (g *Gazetteer) DemonymKey(k string) *geo.Place {
	if i, ok := g.demonyms[k]; ok {
		return &g.places[i]
	}
	return nil
}

// Country returns the country with ISO code cc, or nil.
func (g *Gazetteer) Country(cc string) *geo.Place {
	if i, ok := g.country[cc]; ok {
		return &g.places[i]
	}
	return nil
}

// Admin1 returns the admin-1 area (province, state, governorate) with the
// given country and admin-1 code, or nil if the gazetteer lacks it.
func (g *Gazetteer) Admin1(cc, code string) *geo.Place {
	if i, ok := g.admin1[cc+"."+code]; ok {
		return &g.places[i]
	}
	return nil
}

// Admin1Name returns the name of p's admin-1 area where known.
func (g *Gazetteer) Admin1Name(p *geo.Place) string {
	if a := g.Admin1(p.CountryCode, p.Admin1Code); a != nil {
		return a.Name
	}
	return ""
}

// minPrefixLen is the shortest query that also searches name prefixes (a
// scan of every place); shorter queries match whole names only.
const minPrefixLen = 3

// Search finds places by name for the review panel: up to limit places
// named q (strict, then loose key), then places whose name starts with q,
// in country cc when cc is not "". Each group is ordered by population,
// largest first. The result is never nil; a nil *Gazetteer finds nothing.
func (g *Gazetteer) Search(q, cc string, limit int) []geo.Candidate {
	key := StrictKey(q)
	if key == "" || limit <= 0 || g == nil {
		return []geo.Candidate{}
	}
	seen := map[int64]bool{}
	var exact []*geo.Place
	for _, m := range g.Lookup(q) {
		if (cc == "" || m.Place.CountryCode == cc) && !seen[m.Place.GeonameID] {
			seen[m.Place.GeonameID] = true
			exact = append(exact, m.Place)
		}
	}
	byPop := func(ps []*geo.Place) {
		sort.SliceStable(ps, func(i, j int) bool { return ps[i].Population > ps[j].Population })
	}
	byPop(exact)
	out := g.candidates(exact, limit, nil)
	if len(out) >= limit || len([]rune(key)) < minPrefixLen {
		return out
	}
	var prefix []*geo.Place
	g.Places(func(p *geo.Place) {
		if seen[p.GeonameID] || (cc != "" && p.CountryCode != cc) {
			return
		}
		if strings.HasPrefix(StrictKey(p.Name), key) || (p.ASCIIName != "" && strings.HasPrefix(StrictKey(p.ASCIIName), key)) {
			seen[p.GeonameID] = true
			prefix = append(prefix, p)
		}
	})
	byPop(prefix)
	return g.candidates(prefix, limit, out)
}

func (g *Gazetteer) candidates(ps []*geo.Place, limit int, out []geo.Candidate) []geo.Candidate {
	if out == nil {
		out = []geo.Candidate{}
	}
	for _, p := range ps {
		if len(out) >= limit {
			break
		}
		out = append(out, geo.Candidate{GeonameID: p.GeonameID, Name: p.Name, Lat: p.Lat, Lon: p.Lon,
			CountryCode: p.CountryCode, Admin1: g.Admin1Name(p), FeatureCode: p.FeatureCode, Population: p.Population})
	}
	return out
}
