package geoparse

import (
	"context"
	"strings"

	"github.com/incidentmap/incidentmap/geo"
	"github.com/incidentmap/incidentmap/geo/gazetteer"
)

// resolve turns mentions into toponyms: candidates ranked in context,
// unknown names placed at a containing area, roles assigned. It stops
// with ctx's error soon after ctx ends.
func (p *Parser) resolve(ctx context.Context, rs []rune, toks []token, ms []mention) ([]Toponym, error) {
	// cancelled checks ctx every 256 names: often enough to stop within
	// milliseconds, rarely enough to cost nothing.
	cancelled := func(i int) error {
		if i%256 == 0 {
			return ctx.Err()
		}
		return nil
	}
	c, err := p.context(ctx, toks, ms)
	if err != nil {
		return nil, err
	}
	// First pass: each local name's best candidate in context; the second
	// pass rewards candidates near the others' choices, so the towns of a
	// local report pull each other into the same area.
	var focus *placeIndex
	for mi, m := range ms {
		if err := cancelled(mi); err != nil {
			return nil, err
		}
		if m.kind != kindPlace || m.org || len(m.matches) == 0 {
			continue
		}
		pl := p.rank(toks, m, c, p.cue(toks, m))[0].m.Place
		if pl.FeatureClass == "P" || pl.FeatureCode == "ADM2" {
			if focus == nil {
				focus = newPlaceIndex()
			}
			focus.add(pl)
		}
	}
	c.focus = focus
	out := make([]Toponym, 0, len(ms))
	var pending []int // indexes into ms of names to place after the others
	idx := make([]int, 0, len(ms))
	for mi, m := range ms {
		if err := cancelled(mi); err != nil {
			return nil, err
		}
		t := Toponym{Start: toks[m.i].start, End: toks[m.j-1].end, Sentence: toks[m.i].sentence}
		t.Text = string(rs[t.Start:t.End])
		switch m.kind {
		case kindDemonym:
			p.setPlace(&t, m.demonym)
			t.Adjectival, t.Precision, t.Confidence, t.Resolved = true, geo.PrecisionProvince, 0.9, true
		case kindPlace:
			if !p.resolvePlace(&t, toks, m, c) {
				// A place word of an organisation, or a loose match, from
				// outside the report's world: keep the name only if its
				// context marks it as a place.
				if _, ok := p.unknownName(toks, m.i, m.j); !ok || m.org {
					continue
				}
				pending = append(pending, mi)
				continue
			}
		case kindUnknown:
			pending = append(pending, mi)
			continue
		}
		out = append(out, t)
		idx = append(idx, mi)
	}
	placed := map[string]Toponym{} // an unknown name is placed once per report
	for _, mi := range pending {
		m := ms[mi]
		t := Toponym{Start: toks[m.i].start, End: toks[m.j-1].end, Sentence: toks[m.i].sentence}
		t.Text = string(rs[t.Start:t.End])
		k := gazetteer.StrictKey(t.Text)
		if prev, ok := placed[k]; ok {
			prev.Start, prev.End, prev.Text, prev.Sentence = t.Start, t.End, t.Text, t.Sentence
			t = prev
		} else if !p.placeUnknown(&t, m, c, out, rs) {
			continue
		}
		placed[k] = t
		out = append(out, t)
		idx = append(idx, mi)
	}
	for k := range out {
		if err := cancelled(k); err != nil {
			return nil, err
		}
		out[k].Role = p.role(toks, ms[idx[k]], &out[k], out)
	}
	return out, nil
}

func (p *Parser) setPlace(t *Toponym, pl *geo.Place) {
	t.Name, t.GeonameID, t.Lat, t.Lon = pl.Name, pl.GeonameID, pl.Lat, pl.Lon
	t.CountryCode, t.FeatureCode = pl.CountryCode, pl.FeatureCode
	t.Admin1 = p.g.Admin1Name(pl)
	if pl.FeatureCode == "ADM1" {
		t.Admin1 = pl.Name
	}
}

// resolvePlace picks the best candidate of a gazetteer match. It reports
// false when the name cannot be placed in the report's world (a loose or
// organisation-embedded match far from everything else the report names).
func (p *Parser) resolvePlace(t *Toponym, toks []token, m mention, c *docContext) bool {
	if m.override != nil {
		return false
	}
	ranked := p.rank(toks, m, c, p.cue(toks, m))
	if m.org || articlePrefixed(toks, m) || ranked[0].m.Loose {
		// Doubtful names count only as places of the report's world (a
		// country, named outright, always belongs to it).
		world := ranked[:0:0]
		for _, r := range ranked {
			if inWorld(r.m.Place, c) || r.m.Place.FeatureCode == "PCLI" && !r.m.Loose {
				world = append(world, r)
			}
		}
		if len(world) == 0 {
			return false
		}
		ranked = world
	}
	best := ranked[0]
	pl := best.m.Place
	p.setPlace(t, pl)
	scores := make([]float64, len(ranked))
	for i, r := range ranked {
		scores[i] = r.score
	}
	t.Confidence = round3(softmax(scores)[0])
	if best.m.Loose {
		t.Confidence = round3(t.Confidence * 0.8)
	}
	t.Resolved = true
	prec, ok := c.precision[pl.GeonameID]
	if !ok {
		prec = precisionOf(p.g, pl)
		c.precision[pl.GeonameID] = prec
	}
	t.Precision = prec
	if strings.Contains("county parish borough", m.areaWord) && m.areaWord != "" && pl.FeatureCode != "ADM2" {
		// "Hall County" without county data: the county is near the
		// place of its name, when that is in the report's state.
		t.Precision, t.NeedsReview = geo.PrecisionNear, true
		t.Resolved = false
	}
	for _, r := range ranked[1:] {
		if len(t.Candidates) == 4 {
			break
		}
		q := r.m.Place
		t.Candidates = append(t.Candidates, geo.Candidate{GeonameID: q.GeonameID, Name: q.Name, Lat: q.Lat, Lon: q.Lon,
			CountryCode: q.CountryCode, Admin1: p.g.Admin1Name(q), FeatureCode: q.FeatureCode,
			Population: q.Population, Score: round3(r.score)})
	}
	if t.Confidence < 0.35 {
		t.NeedsReview = true
	}
	return true
}

func round3(x float64) float64 { return float64(int(x*1000+0.5)) / 1000 }

// articlePrefixed reports whether the name follows a hyphenated Arabic
// article ("al-Nusra"): such words are as often organisations as places.
func articlePrefixed(toks []token, m mention) bool {
	if m.i == 0 || toks[m.i].gapBefore != '-' {
		return false
	}
	return gazetteer.IsArticle(toks[m.i-1].lower)
}

// precisionOf is ACLED's geo_precision of a resolved place: 1 for a
// populated place, 2 for a district or a city that shares its name with its
// own province (a report's "Idlib" may mean either), 3 for a province,
// country or larger area.
func precisionOf(g *gazetteer.Gazetteer, pl *geo.Place) int {
	switch pl.FeatureClass {
	case "P":
		if a := g.Admin1(pl.CountryCode, pl.Admin1Code); a != nil && gazetteer.StrictKey(a.Name) == gazetteer.StrictKey(pl.Name) {
			return geo.PrecisionNear
		}
		return geo.PrecisionExact
	case "A":
		if pl.FeatureCode == "ADM2" || pl.FeatureCode == "ADM3" {
			return geo.PrecisionNear
		}
		return geo.PrecisionProvince
	case "L":
		return geo.PrecisionProvince
	}
	return geo.PrecisionExact
}

// cue returns the area named right after a match in an "X, Y" pattern
// ("Athens, Ga.", "Homs, Syria"), or nil.
func (p *Parser) cue(toks []token, m mention) *geo.Place {
	k := m.j
	if k >= len(toks) || toks[k].gapBefore != ',' || toks[k].sentence != toks[m.i].sentence || !toks[k].cap {
		return nil
	}
	if code, ok := usStates[strings.TrimSuffix(toks[k].lower, ".")]; ok && !toks[k].allCaps || ok && len(toks[k].text) == 2 {
		if a := p.g.Admin1("US", code); a != nil {
			return a
		}
	}
	for n := 3; n >= 1; n-- {
		if k+n > len(toks) {
			continue
		}
		keys := make([]string, 0, n)
		for x := k; x < k+n; x++ {
			keys = append(keys, toks[x].key)
		}
		for _, c := range p.g.LookupKey(strings.Join(keys, " "), false) {
			if c.Place.FeatureCode == "PCLI" || c.Place.FeatureCode == "ADM1" {
				return c.Place
			}
		}
	}
	return nil
}

// placeUnknown places a name the gazetteer lacks (or could not place) at the
// best containing area it can justify: the town or county it is said to be
// in ("the village of X in Fife"), else a resolved town or county of the
// report's country named with it in the same sentence (both precision 2),
// else the report's main admin-1 area in its main country, else that
// country (precision 3). It reports false when there is no such area.
func (p *Parser) placeUnknown(t *Toponym, m mention, c *docContext, done []Toponym, rs []rune) bool {
	if o := m.override; o != nil || p.overrideFor(t.Text, c) != nil {
		if o == nil {
			o = p.overrideFor(t.Text, c)
		}
		if o.CountryCode == "" || o.CountryCode == c.topCC {
			t.Name, t.GeonameID, t.Lat, t.Lon, t.CountryCode = o.Name, o.GeonameID, o.Lat, o.Lon, o.CountryCode
			t.Precision = o.Precision
			if t.Precision == 0 {
				t.Precision = geo.PrecisionExact
			}
			t.Confidence, t.Resolved = 1, true
			return true
		}
	}
	t.NeedsReview, t.Resolved = true, false
	var near *Toponym
	for k := range done {
		// "X in Y": Y contains X, whatever country the report is about.
		d := &done[k]
		if d.Start > t.End && d.Sentence == t.Sentence && d.Resolved && !d.Adjectival && m.areaWord == "" &&
			(d.Precision == geo.PrecisionExact || d.FeatureCode == "ADM2") &&
			strings.TrimSpace(string(rs[t.End:d.Start])) == "in" {
			near = d
			break
		}
	}
	for k := range done {
		if near != nil {
			break
		}
		d := &done[k]
		if d.Sentence != t.Sentence || !d.Resolved || d.Adjectival || d.Precision > geo.PrecisionNear ||
			d.Precision == geo.PrecisionNear && d.FeatureCode != "ADM2" {
			continue
		}
		if c.topCC != "" && d.CountryCode != c.topCC {
			continue
		}
		if near == nil || abs(d.Start-t.Start) < abs(near.Start-t.Start) {
			near = d
		}
	}
	if near != nil && m.areaWord == "" {
		t.Lat, t.Lon, t.CountryCode, t.Admin1 = near.Lat, near.Lon, near.CountryCode, near.Admin1
		t.Precision, t.Confidence = geo.PrecisionNear, 0.3
		return true
	}
	if c.topAdmin1 != "" {
		cc, code, _ := strings.Cut(c.topAdmin1, ".")
		if a := p.g.Admin1(cc, code); a != nil && c.country[cc] >= 0.3 && (cc == c.topCC || c.topCC == "") {
			t.Lat, t.Lon, t.CountryCode, t.Admin1 = a.Lat, a.Lon, cc, a.Name
			t.Precision, t.Confidence = geo.PrecisionProvince, 0.2
			return true
		}
	}
	// No province of the report's country stands out (its provinces may
	// be missing from the gazetteer): the country is the best area left.
	if a := p.g.Country(c.topCC); a != nil && c.country[c.topCC] >= 0.5 {
		t.Lat, t.Lon, t.CountryCode = a.Lat, a.Lon, c.topCC
		t.Precision, t.Confidence = geo.PrecisionProvince, 0.1
		return true
	}
	return false
}

func (p *Parser) overrideFor(text string, c *docContext) *Override {
	for i, o := range p.overrides[gazetteer.StrictKey(text)] {
		if o.CountryCode == "" || o.CountryCode == c.topCC {
			return &p.overrides[gazetteer.StrictKey(text)][i]
		}
	}
	return nil
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// role decides whether a toponym is where something happened or a mention.
func (p *Parser) role(toks []token, m mention, t *Toponym, all []Toponym) geo.Role {
	if t.Adjectival || m.org {
		return geo.RoleMention
	}
	prev := ""
	if m.i > 0 && toks[m.i].gapBefore == ' ' {
		prev = toks[m.i-1].lower
	}
	// metonym: "Moscow said", "Turkey has warned" (but not "residents of
	// Homs said": there the place is not the speaker)
	if m.j < len(toks) && toks[m.j].gapBefore == ' ' && speechVerbs[toks[m.j].lower] && !locatives[prev] {
		return geo.RoleMention
	}
	// a seat of power speaking or sending people: "officials in Ankara
	// called for", "investigators from Baghdad arrived" name who acts, not
	// where the event is.
	if (prev == "in" || prev == "from") && m.i >= 2 && toks[m.i-1].gapBefore == ' ' && speakerNouns[toks[m.i-2].lower] {
		return geo.RoleMention
	}
	// a meeting place: "to meet Putin in Moscow"
	if prev == "in" && sentenceHas(toks, toks[m.i].sentence, meetingWords) {
		return geo.RoleMention
	}
	switch t.FeatureCode {
	case "PCLI", "CONT", "RGN", "OCN", "SEA", "GULF":
		if t.FeatureCode == "RGN" && t.CountryCode != "" {
			break // a region inside a country (Darfur, Gaza Strip) is a place of events
		}
		if prev != "in" && prev != "across" && prev != "throughout" && prev != "inside" {
			return geo.RoleMention
		}
		// "in Syria" is an incident only if the report names no more
		// precise place in that country.
		for k := range all {
			o := &all[k]
			if o.CountryCode == t.CountryCode && o.FeatureCode != "PCLI" && !o.Adjectival {
				return geo.RoleMention
			}
		}
	}
	return geo.RoleIncident
}

func sentenceHas(toks []token, s int, words map[string]bool) bool {
	for _, t := range toks {
		if t.sentence == s && words[t.lower] {
			return true
		}
	}
	return false
}

// inWorld reports whether a place belongs to the report's world: its
// country carries a good share of the report's places, or it lies near one
// of them.
func inWorld(pl *geo.Place, c *docContext) bool {
	if c.country[pl.CountryCode] >= 0.15 {
		return true
	}
	d := c.anchors.nearest(pl)
	return d > 0 && d <= 800
}
