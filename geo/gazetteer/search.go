package gazetteer

import (
	"sort"
	"strings"

	"github.com/incidentmap/incidentmap/geo"
)

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
