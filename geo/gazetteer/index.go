package gazetteer

import (
	"hash/maphash"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/incidentmap/incidentmap/geo"
)

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
