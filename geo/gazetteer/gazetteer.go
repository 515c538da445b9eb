package gazetteer

import (
	"hash/maphash"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/incidentmap/incidentmap/geo"
)

// Gazetteer is an in-memory index of places by name. Build it with a
// Builder; once built it is immutable, so it is safe for
// concurrent use without locks.
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

// nameIndex maps name keys to places without storing the keys: a 64-bit
// hash of each key, in ascending order and searched by binary search, and
// beside it the place and flags of that posting. Compared with a
// map[string] it builds several times faster and holds no pointers, so the
// garbage collector never scans it; keeping hashes and references in two
// arrays costs 12 bytes a posting instead of 16 (a struct pads to 8) and
// packs eight hashes in a cache line for the search.
type nameIndex struct {
	hashes []uint64 // ascending
	refs   []uint32 // place index << refShift | posting flags, parallel to hashes
}

// refShift is how many low bits of a ref hold the posting flags; the rest
// hold the place index, so a gazetteer holds at most 1<<30 places.
const refShift = 2

// posting is one (key hash, place, flags) entry while the index is built.
type posting struct {
	hash  uint64
	place int32
	flags uint8
}

// sortPostings orders ps by hash with an LSD radix sort: stable, so
// postings of one hash stay in place order, and several times faster than
// a comparison sort on two million postings.
func sortPostings(ps []posting) {
	a := ps
	b := make([]posting, len(a))
	for shift := uint(0); shift < 64; shift += 8 {
		var count [257]int
		for _, p := range a {
			count[(p.hash>>shift)&0xff+1]++
		}
		for i := 1; i < 257; i++ {
			count[i] += count[i-1]
		}
		for _, p := range a {
			d := (p.hash >> shift) & 0xff
			b[count[d]] = p
			count[d]++
		}
		a, b = b, a
	}
	// Eight passes: a is ps's array again, sorted.
}

// newNameIndex sorts ps and returns them as an index; ps is scratch.
func newNameIndex(ps []posting) nameIndex {
	sortPostings(ps)
	x := nameIndex{hashes: make([]uint64, len(ps)), refs: make([]uint32, len(ps))}
	for i, p := range ps {
		x.hashes[i] = p.hash
		x.refs[i] = uint32(p.place)<<refShift | uint32(p.flags)
	}
	return x
}

// find returns the range [i, j) of the postings of hash h.
func (x *nameIndex) find(h uint64) (i, j int) {
	i, _ = slices.BinarySearch(x.hashes, h)
	j = i
	for j < len(x.hashes) && x.hashes[j] == h {
		j++
	}
	return i, j
}

// Posting flags.
const (
	flagAlt     = 1 << iota // matched an alternate name, not the main name
	flagAcronym             // the indexed name is an abbreviation in capitals
)

// Match is one place a name may refer to.
type Match struct {
	Place   *geo.Place
	Alt     bool // by an alternate name
	Loose   bool // only the loose key matched
	Acronym bool // the gazetteer name is an abbreviation in capitals
}

// Builder collects places for a Gazetteer. It is not safe for
// concurrent use.
type Builder struct {
	places []geo.Place
}

// NewBuilder returns an empty builder; sizeHint preallocates.
func NewBuilder(sizeHint int) *Builder {
	return &Builder{places: make([]geo.Place, 0, sizeHint)}
}

// Add adds a copy of p. A later place with the same GeonameID replaces an
// earlier one at Build.
func (b *Builder) Add(p *geo.Place) { b.places = append(b.places, *p) }

// Build indexes the places and returns the Gazetteer. Admin areas without
// coordinates (as ReadAdminCodes returns them) are placed at the centre of
// the extent of the populated places they contain (see midRange), or
// dropped if they contain none. The builder must not be used afterwards.
func (b *Builder) Build() *Gazetteer {
	places := dedupe(b.places)
	places = preferGeoNamesAdmin1(places)
	places = placeAdminAreas(places)
	g := &Gazetteer{
		places:   places,
		seed:     maphash.MakeSeed(),
		demonyms: map[string]int32{},
		country:  map[string]int32{},
		admin1:   map[string]int32{},
	}
	for i := range places {
		p := &places[i]
		switch p.FeatureCode {
		case "PCLI":
			g.country[p.CountryCode] = int32(i)
		case "ADM1":
			g.admin1[p.CountryCode+"."+p.Admin1Code] = int32(i)
		}
		for _, a := range p.AltNames {
			if d, ok := strings.CutPrefix(a, DemonymPrefix); ok {
				if k := StrictKey(d); k != "" {
					if _, dup := g.demonyms[k]; !dup {
						g.demonyms[k] = int32(i)
					}
				}
			}
		}
	}
	// Normalising a million names is most of the start-up time: shard it
	// over the cores, each shard filling its own postings, then merge and
	// sort the two indexes side by side.
	n := max(1, min(runtime.GOMAXPROCS(0), 8))
	shards := make([]indexShard, n)
	var wg sync.WaitGroup
	for s := range shards {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lo, hi := s*len(places)/n, (s+1)*len(places)/n
			shards[s].index(g.seed, places, lo, hi)
		}()
	}
	wg.Wait()
	ns, nl := 0, 0
	for _, sh := range shards {
		ns, nl = ns+len(sh.strict), nl+len(sh.loose)
		g.maxWords = max(g.maxWords, sh.maxWords)
	}
	strict := make([]posting, 0, ns)
	loose := make([]posting, 0, nl)
	for i := range shards {
		strict = append(strict, shards[i].strict...)
		loose = append(loose, shards[i].loose...)
		shards[i] = indexShard{} // let the shard's postings go before the sort
	}
	wg.Add(2)
	go func() { defer wg.Done(); g.strict = newNameIndex(strict) }()
	go func() { defer wg.Done(); g.loose = newNameIndex(loose) }()
	wg.Wait()
	// Alternate names live on in the index only: dropping them from the
	// places halves the pointers the garbage collector scans on every
	// cycle, which otherwise costs the geoparser a third of its speed.
	for i := range places {
		places[i].AltNames = nil
	}
	compactStrings(places)
	b.places = nil
	return g
}

// indexShard holds the postings of a range of places.
type indexShard struct {
	strict, loose []posting
	maxWords      int
}

func (sh *indexShard) index(seed maphash.Seed, places []geo.Place, lo, hi int) {
	sh.strict = make([]posting, 0, (hi-lo)*4)
	sh.loose = make([]posting, 0, (hi-lo)*3)
	seen := make([]string, 0, 64)
	for i := lo; i < hi; i++ {
		p := &places[i]
		seen = seen[:0]
		curated := p.GeonameID >= SyntheticCountryBase || p.FeatureCode == "PCLI" || p.FeatureCode == "ADM1"
		seen = sh.add(seed, int32(i), p.Name, 0, seen, curated)
		if p.ASCIIName != p.Name {
			seen = sh.add(seed, int32(i), p.ASCIIName, 0, seen, curated)
		}
		for _, a := range p.AltNames {
			if !strings.HasPrefix(a, DemonymPrefix) {
				seen = sh.add(seed, int32(i), a, flagAlt, seen, curated)
			}
		}
	}
}

// add indexes one name of place i; seen holds the keys already indexed
// for this place (loose ones with a \x00 prefix, so the two kinds never
// shadow each other).
//
// Only Latin-script names are indexed: the geoparser reads English text,
// and GeoNames' names in other scripts (a third of cities500's) would
// double the start-up time for no match.
func (sh *indexShard) add(seed maphash.Seed, i int32, name string, flags uint8, seen []string, curated bool) []string {
	if name == "" || hasDigit(name) || !latinScript(name) {
		return seen
	}
	if IsAllCaps(name) {
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
	if n := strings.Count(k, " ") + 1; n > sh.maxWords {
		sh.maxWords = n
	}
	sh.strict = append(sh.strict, posting{hash: maphash.String(seed, k), place: i, flags: flags})
	if isASCII(k) {
		// Loose keys are remembered with a \x00 prefix: a strict key that
		// equals an earlier name's loose key ("Atarib" after "Al Atarib")
		// must still be indexed strictly.
		if l := LooseFromStrict(k); l != "" && !contains(seen, "\x00"+l) {
			seen = append(seen, "\x00"+l)
			sh.loose = append(sh.loose, posting{hash: maphash.String(seed, l), place: i, flags: flags})
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

func hasDigit(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			return true
		}
	}
	return false
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

// compactStrings copies the places' names into one arena string and their
// codes into one string per distinct value. Read from SQLite, every field of
// every place is a small allocation of its own (1.4 million for cities500);
// read from a GeoNames dump, each is a substring that keeps its whole line
// (alternate names included) alive. Compacted, the strings take a sixth of
// the memory and the garbage collector marks a few objects instead of a
// million.
func compactStrings(places []geo.Place) {
	n := 0
	for i := range places {
		p := &places[i]
		n += len(p.Name)
		if p.ASCIIName != p.Name {
			n += len(p.ASCIIName)
		}
	}
	// First pass: write the names and remember where; the arena's string
	// exists only once the builder is done growing.
	var arena strings.Builder
	arena.Grow(n)
	ends := make([]uint32, 0, 2*len(places)) // end offsets of Name, ASCIIName
	for i := range places {
		p := &places[i]
		arena.WriteString(p.Name)
		ends = append(ends, uint32(arena.Len()))
		if p.ASCIIName != p.Name {
			arena.WriteString(p.ASCIIName)
		}
		ends = append(ends, uint32(arena.Len()))
	}
	all := arena.String()
	codes := map[string]string{"": ""}
	intern := func(s string) string {
		if c, ok := codes[s]; ok {
			return c
		}
		c := strings.Clone(s)
		codes[c] = c
		return c
	}
	start := uint32(0)
	for i := range places {
		p := &places[i]
		nameEnd, asciiEnd := ends[2*i], ends[2*i+1]
		same := p.ASCIIName == p.Name
		p.Name = all[start:nameEnd]
		if same {
			p.ASCIIName = p.Name
		} else {
			p.ASCIIName = all[nameEnd:asciiEnd]
		}
		start = asciiEnd
		p.FeatureClass = intern(p.FeatureClass)
		p.FeatureCode = intern(p.FeatureCode)
		p.CountryCode = intern(p.CountryCode)
		p.Admin1Code = intern(p.Admin1Code)
		p.Admin2Code = intern(p.Admin2Code)
	}
}

// dedupe keeps the last place of each GeonameID, in first-seen order.
func dedupe(ps []geo.Place) []geo.Place {
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
func placeAdminAreas(ps []geo.Place) []geo.Place {
	need := map[adminArea][]float64{}
	for _, p := range ps {
		if (p.FeatureCode == "ADM1" || p.FeatureCode == "ADM2") && p.Lat == 0 && p.Lon == 0 {
			need[areaOf(p.FeatureCode, &p)] = nil
		}
	}
	if len(need) == 0 {
		return ps
	}
	lats, lons := map[adminArea][]float64{}, map[adminArea][]float64{}
	for i := range ps {
		p := &ps[i]
		if p.FeatureClass != "P" {
			continue
		}
		for _, k := range [2]adminArea{areaOf("ADM1", p), areaOf("ADM2", p)} {
			if _, ok := need[k]; ok {
				lats[k] = append(lats[k], p.Lat)
				lons[k] = append(lons[k], p.Lon)
			}
		}
	}
	out := ps[:0]
	for _, p := range ps {
		if (p.FeatureCode == "ADM1" || p.FeatureCode == "ADM2") && p.Lat == 0 && p.Lon == 0 {
			k := areaOf(p.FeatureCode, &p)
			if len(lats[k]) == 0 {
				continue
			}
			p.Lat, p.Lon = midRange(lats[k]), midRange(lons[k])
		}
		out = append(out, p)
	}
	return out
}

// adminArea identifies an admin-1 or admin-2 area.
type adminArea struct {
	adm2       bool
	cc, a1, a2 string
}

func areaOf(code string, p *geo.Place) adminArea {
	if code == "ADM2" {
		return adminArea{true, p.CountryCode, p.Admin1Code, p.Admin2Code}
	}
	return adminArea{false, p.CountryCode, p.Admin1Code, ""}
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

// preferGeoNamesAdmin1 drops a derived admin-1 area (synthetic id) when a
// GeoNames one with the same code was imported (admin1CodesASCII.txt),
// keeping the derived names ("NSW", the CLDR name) as alternate names of
// the GeoNames area, and the derived point when the GeoNames area has none
// (admin1CodesASCII.txt carries no coordinates): the derived point is the
// centre of the area's land, which the middle of its towns would not be.
func preferGeoNamesAdmin1(ps []geo.Place) []geo.Place {
	real := map[string]int{}
	for i, p := range ps {
		if p.FeatureCode == "ADM1" && p.GeonameID < SyntheticCountryBase {
			real[p.CountryCode+"."+p.Admin1Code] = i
		}
	}
	if len(real) == 0 {
		return ps
	}
	extra := map[int][]string{}
	drop := map[int]bool{}
	for i, p := range ps {
		if p.FeatureCode == "ADM1" && p.GeonameID >= SyntheticAdmin1Base && p.GeonameID < SyntheticCountyBase {
			if r, ok := real[p.CountryCode+"."+p.Admin1Code]; ok {
				extra[r] = append(append(extra[r], p.Name), p.AltNames...)
				drop[i] = true
				if q := &ps[r]; q.Lat == 0 && q.Lon == 0 && (p.Lat != 0 || p.Lon != 0) {
					q.Lat, q.Lon = p.Lat, p.Lon
				}
			}
		}
	}
	out := make([]geo.Place, 0, len(ps)-len(drop))
	for i, p := range ps {
		if drop[i] {
			continue
		}
		if e := extra[i]; len(e) > 0 {
			p.AltNames = append(append([]string(nil), p.AltNames...), e...)
		}
		out = append(out, p)
	}
	return out
}
