package geoparse

import (
	"context"
	"math"
	"sort"
	"strings"

	"github.com/incidentmap/incidentmap/geo"
	"github.com/incidentmap/incidentmap/geo/gazetteer"
)

// featureWeight is the prior of a feature type: news names countries,
// states and capitals far more often than hamlets of the same name.
func featureWeight(code string) float64 {
	switch code {
	case "PCLI", "PCLD", "PCLS", "PCLF", "PCL":
		return 4.2
	case "CONT":
		return 4.0
	case "RGN", "OCN", "SEA", "GULF":
		return 2.4
	case "ADM1":
		return 3.0
	case "PPLC":
		return 2.2
	case "ADM2":
		return 1.6
	case "PPLA":
		return 1.5
	case "PPLA2":
		return 1.0
	case "PPLA3", "PPLA4", "PPL", "PPLX", "PPLL", "PPLS", "PPLF", "PPLR", "PPLG":
		return 0.6
	}
	return 0.3
}

// prior scores a candidate without context.
func prior(m gazetteer.Match) float64 {
	s := featureWeight(m.Place.FeatureCode)
	if m.Place.FeatureCode != "PCLI" {
		// Countries' weight already says how often news names them; their
		// population (present only after a countryInfo import) must not
		// change rankings.
		s += 0.35 * math.Log10(float64(m.Place.Population)+1)
	}
	if m.Alt && m.Place.GeonameID < gazetteer.SyntheticCountryBase && m.Place.FeatureCode != "PCLI" {
		s -= 1.2
	}
	if m.Loose {
		s -= 1.0
	}
	return s
}

// docContext is what the whole report says about where it is.
type docContext struct {
	country map[string]float64 // share of the report's votes per country
	admin1  map[string]float64 // per "CC.code"
	anchors *placeIndex        // places named without ambiguity
	focus   *placeIndex        // first-pass choice for every local name (see resolve); nil before it
	// precision remembers precisionOf per place: a long report resolves
	// the same towns again and again, and the name keys it compares cost
	// a fifth of the parse's allocations.
	precision map[int64]int

	topCC     string // dominant country
	topAdmin1 string // dominant "CC.code"

	all    *votes            // every name's votes
	byName map[string]*votes // votes per name (mentionKey)

	// sovereign holds the names (mentionKey) that the report, somewhere,
	// gives what only a sovereign state has (see sovereignCue).
	sovereign map[string]bool
}

func softmax(scores []float64) []float64 {
	out := make([]float64, len(scores))
	if len(scores) == 0 {
		return out
	}
	mx := scores[0]
	for _, s := range scores {
		mx = math.Max(mx, s)
	}
	sum := 0.0
	for i, s := range scores {
		out[i] = math.Exp(s - mx)
		sum += out[i]
	}
	for i := range out {
		out[i] /= sum
	}
	return out
}

// votes are one name's votes for countries and admin-1 areas.
type votes struct {
	country, admin1 map[string]float64
	total, total1   float64
}

func newVotes() *votes { return &votes{country: map[string]float64{}, admin1: map[string]float64{}} }

// context votes each mention's candidates (weighted by their prior
// probability) for countries and admin-1 areas. A name is then ranked
// against the votes of the other names only (see share): otherwise a big
// city's population would vote for itself.
func (p *Parser) context(ctx context.Context, toks []token, ms []mention) (*docContext, error) {
	c := &docContext{country: map[string]float64{}, admin1: map[string]float64{}, byName: map[string]*votes{},
		sovereign: map[string]bool{}, anchors: newPlaceIndex(), precision: map[int64]int{}}
	all := newVotes()
	for mi, m := range ms {
		if mi%256 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		key := mentionKey(toks, m)
		if m.kind == kindPlace && sovereignCue(toks, m) {
			c.sovereign[key] = true
		}
		v := c.byName[key]
		if v == nil {
			v = newVotes()
			c.byName[key] = v
		}
		switch m.kind {
		case kindDemonym:
			if cc := m.demonym.CountryCode; cc != "" {
				v.country[cc] += 0.7
				v.total += 0.7
			}
		case kindPlace:
			if m.org {
				continue // organisation names say little about where the report is
			}
			scores := make([]float64, len(m.matches))
			for i, x := range m.matches {
				scores[i] = prior(x)
			}
			pr := softmax(scores)
			for i, x := range m.matches {
				pl := x.Place
				if pl.CountryCode == "" {
					continue
				}
				v.country[pl.CountryCode] += pr[i]
				v.total += pr[i]
				if pl.Admin1Code != "" && pl.FeatureCode != "PCLI" {
					v.admin1[pl.CountryCode+"."+pl.Admin1Code] += pr[i]
					v.total1 += pr[i]
				}
				if pr[i] > 0.85 && pl.FeatureClass == "P" {
					c.anchors.add(pl)
				}
			}
		}
	}
	for _, v := range c.byName {
		for k, x := range v.country {
			all.country[k] += x
		}
		for k, x := range v.admin1 {
			all.admin1[k] += x
		}
		all.total += v.total
		all.total1 += v.total1
	}
	c.all = all
	best := 0.0
	for k, v := range all.country {
		c.country[k] = v / all.total
		if c.country[k] > best || c.country[k] == best && k < c.topCC {
			best, c.topCC = c.country[k], k
		}
	}
	best = 0
	for k, v := range all.admin1 {
		c.admin1[k] = v / all.total1
		if c.admin1[k] > best || c.admin1[k] == best && k < c.topAdmin1 {
			best, c.topAdmin1 = c.admin1[k], k
		}
	}
	return c, nil
}

// sovereignWords name what only a sovereign state has. A state or
// province has a governor, a premier, a legislature and a government, so
// those words say nothing.
var sovereignWords = map[string]bool{"president": true, "parliament": true, "republic": true,
	"embassy": true, "ambassador": true, "king": true, "queen": true}

// sovereignCue reports whether m is named as a sovereign state: "the
// President of X", "Prime Minister of X", "X's parliament", "X's prime
// minister". Georgia, Mexico, Luxembourg or Djibouti then mean the country
// rather than a state, city or province of the same name.
func sovereignCue(toks []token, m mention) bool {
	if m.i >= 2 && toks[m.i-1].lower == "of" && toks[m.i-1].gapBefore == ' ' && toks[m.i].gapBefore == ' ' {
		w := toks[m.i-2].lower
		if sovereignWords[w] || w == "minister" && m.i >= 3 && toks[m.i-3].lower == "prime" {
			return true
		}
	}
	last := toks[m.j-1]
	if last.poss && m.j < len(toks) && toks[m.j].sentence == last.sentence {
		w := toks[m.j].lower
		return sovereignWords[w] || w == "prime" && m.j+1 < len(toks) && toks[m.j+1].lower == "minister"
	}
	return false
}

// mentionKey names a mention for leave-one-out voting.
func mentionKey(toks []token, m mention) string {
	var b strings.Builder
	for k := m.i; k < m.j; k++ {
		b.WriteString(toks[k].key)
		b.WriteByte(' ')
	}
	return b.String()
}

// share returns the share of the report's votes for a country and an
// admin-1 area, leaving out the votes of the name being ranked.
func (c *docContext) share(key, cc, a1 string) (country, admin1 float64) {
	own := c.byName[key]
	if own == nil {
		own = newVotes()
	}
	if t := c.all.total - own.total; t > 1e-9 {
		country = (c.all.country[cc] - own.country[cc]) / t
	}
	if t := c.all.total1 - own.total1; t > 1e-9 && a1 != "" {
		admin1 = (c.all.admin1[cc+"."+a1] - own.admin1[cc+"."+a1]) / t
	}
	return country, admin1
}

// scored is a candidate with its score in context.
type scored struct {
	m     gazetteer.Match
	score float64
}

// rank scores m's candidates in the report's context, best first.
func (p *Parser) rank(toks []token, m mention, c *docContext, cue *geo.Place) []scored {
	out := make([]scored, 0, len(m.matches))
	key := mentionKey(toks, m)
	for _, x := range m.matches {
		pl := x.Place
		s := prior(x)
		country, admin1 := c.share(key, pl.CountryCode, pl.Admin1Code)
		s += 3.5*country + 3.0*admin1
		if cue != nil {
			switch {
			case cue.FeatureCode == "PCLI" && pl.CountryCode == cue.CountryCode:
				s += 3
			case cue.FeatureCode == "ADM1" && pl.CountryCode == cue.CountryCode && pl.Admin1Code == cue.Admin1Code:
				s += 4
			}
		}
		switch m.areaWord {
		case "":
		case "county", "parish", "borough", "district", "municipality", "township":
			if pl.FeatureCode == "ADM2" || pl.FeatureCode == "ADM3" {
				s += 3
			}
		default:
			if pl.FeatureCode == "ADM1" {
				s += 3
			}
		}
		if x.Alt && pl.FeatureClass == "P" && namesakeProvince(m.matches, pl) {
			s += 1.2 // "Geneva" for Genève: the province's English name is the city's too
		}
		if pl.FeatureCode == "PCLI" && c.sovereign[key] {
			s += 2 // "the Prime Minister of Georgia": the country, all through the report
		}
		if !x.Alt && (pl.FeatureCode == "PCLI" || pl.FeatureCode == "ADM1") {
			s += 1.5 // the main name of a country or province ("Mexico", "California")
			if pl.FeatureCode == "ADM1" && hasCapital(m.matches, pl) {
				// A province named after its capital ("Aleppo", "Idlib"):
				// without "province" after it, news means the city.
				s -= 2.5
			}
		}
		if pl.FeatureClass == "P" || pl.FeatureCode == "ADM2" {
			anchors := c.anchors
			if c.focus != nil {
				anchors = c.focus
			}
			switch d := anchors.nearest(pl); {
			case d == 0:
			case d < 50:
				s += 1.5
			case d < 150:
				s += 1.0
			case d < 400:
				s += 0.4
			}
		}
		out = append(out, scored{x, s})
	}
	sort.SliceStable(out, func(a, b int) bool {
		if out[a].score != out[b].score {
			return out[a].score > out[b].score
		}
		if out[a].m.Place.Population != out[b].m.Place.Population {
			return out[a].m.Place.Population > out[b].m.Place.Population
		}
		return out[a].m.Place.GeonameID < out[b].m.Place.GeonameID
	})
	return out
}

// hasCapital reports whether ms holds a populated place that is the
// capital-like namesake of the province a (same country and admin-1 code).
func hasCapital(ms []gazetteer.Match, a *geo.Place) bool {
	for _, m := range ms {
		p := m.Place
		if p.FeatureClass == "P" && p.CountryCode == a.CountryCode && p.Admin1Code == a.Admin1Code &&
			(p.FeatureCode == "PPLA" || p.FeatureCode == "PPLC") {
			return true
		}
	}
	return false
}

// namesakeProvince reports whether ms holds, by its main name, the province
// whose capital p is.
func namesakeProvince(ms []gazetteer.Match, p *geo.Place) bool {
	if p.FeatureCode != "PPLA" && p.FeatureCode != "PPLC" {
		return false
	}
	for _, m := range ms {
		a := m.Place
		if !m.Alt && a.FeatureCode == "ADM1" && a.CountryCode == p.CountryCode && a.Admin1Code == p.Admin1Code {
			return true
		}
	}
	return false
}
