package gazetteer

import (
	"hash/maphash"
	"runtime"
	"strings"
	"sync"

	"github.com/incidentmap/incidentmap/geo"
)

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
