package geo

import (
	"math"
	"sort"
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
		return 2.3
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
func prior(m Match) float64 {
	s := featureWeight(m.Place.FeatureCode) + 0.35*math.Log10(float64(m.Place.Population)+1)
	if m.Alt && m.Place.GeonameID < SyntheticCountryBase && m.Place.FeatureCode != "PCLI" {
		s -= 0.8
	}
	if m.Loose {
		s -= 1.0
	}
	return s
}

// docContext is what the whole report says about where it is.
type docContext struct {
	country   map[string]float64 // share of the report's votes per country
	admin1    map[string]float64 // per "CC.code"
	anchors   []*Place           // places named without ambiguity
	topCC     string             // dominant country
	topAdmin1 string             // dominant "CC.code"
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

// context votes each mention's candidates (weighted by their prior
// probability) for countries and admin-1 areas.
func (p *Geoparser) context(ms []mention) *docContext {
	c := &docContext{country: map[string]float64{}, admin1: map[string]float64{}}
	total, total1 := 0.0, 0.0
	for _, m := range ms {
		switch m.kind {
		case kindDemonym:
			if cc := m.demonym.CountryCode; cc != "" {
				c.country[cc] += 0.7
				total += 0.7
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
				c.country[pl.CountryCode] += pr[i]
				total += pr[i]
				if pl.Admin1Code != "" && pl.FeatureCode != "PCLI" {
					c.admin1[pl.CountryCode+"."+pl.Admin1Code] += pr[i]
					total1 += pr[i]
				}
				if pr[i] > 0.85 && pl.FeatureClass == "P" {
					c.anchors = append(c.anchors, pl)
				}
			}
		}
	}
	best := 0.0
	for k, v := range c.country {
		c.country[k] = v / total
		if c.country[k] > best || c.country[k] == best && k < c.topCC {
			best, c.topCC = c.country[k], k
		}
	}
	best = 0
	for k, v := range c.admin1 {
		c.admin1[k] = v / total1
		if c.admin1[k] > best || c.admin1[k] == best && k < c.topAdmin1 {
			best, c.topAdmin1 = c.admin1[k], k
		}
	}
	return c
}

// scored is a candidate with its score in context.
type scored struct {
	m     Match
	score float64
}

// rank scores m's candidates in the report's context, best first.
func (p *Geoparser) rank(toks []token, m mention, c *docContext, cue *Place) []scored {
	out := make([]scored, 0, len(m.matches))
	for _, x := range m.matches {
		pl := x.Place
		s := prior(x)
		s += 3.5 * c.country[pl.CountryCode]
		if pl.Admin1Code != "" {
			s += 2.0 * c.admin1[pl.CountryCode+"."+pl.Admin1Code]
		}
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
		if pl.FeatureClass == "P" && len(c.anchors) > 0 {
			if d := nearest(pl, c.anchors); d > 0 && d < 150 {
				s += 0.8
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

// nearest returns the distance in km from p to the nearest anchor other than
// p itself (0 if there is none).
func nearest(p *Place, anchors []*Place) float64 {
	best := 0.0
	for _, a := range anchors {
		if a.GeonameID == p.GeonameID {
			continue
		}
		d := HaversineKm(p.Lat, p.Lon, a.Lat, a.Lon)
		if best == 0 || d < best {
			best = d
		}
	}
	return best
}

// HaversineKm returns the great-circle distance in km between two points
// given in degrees.
func HaversineKm(lat1, lon1, lat2, lon2 float64) float64 {
	const r = 6371.0088
	rad := math.Pi / 180
	dlat := (lat2 - lat1) * rad
	dlon := (lon2 - lon1) * rad
	a := math.Sin(dlat/2)*math.Sin(dlat/2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dlon/2)*math.Sin(dlon/2)
	return 2 * r * math.Asin(math.Min(1, math.Sqrt(a)))
}
