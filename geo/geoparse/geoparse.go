package geoparse

import (
	"context"
	"sort"
	"strings"

	"github.com/incidentmap/incidentmap/geo"
)

// Geoparser finds the places a text names and resolves them against a
// Gazetteer. It holds no per-text state: one Geoparser is safe for
// concurrent use.
//
// Parse works in three steps:
//  1. recognition (geoparse.go): runs of capitalised words are matched
//     against the gazetteer, longest name first; a match is dropped when its
//     neighbours show it belongs to a person's name, when it is a common word
//     the gazetteer happens to list (months, "Police", "Mobile"), or when it
//     is part of a longer Arabic name the gazetteer lacks ("Sharja" in "Abu
//     Sharja"). Demonyms ("Syrian") become adjectival toponyms. Unknown names
//     that their context marks as places ("near X", "the X and Y
//     communities", "X County") are kept unresolved.
//  2. resolution (geoparse_resolve.go): each name's candidates are scored by
//     feature type, population, the report's countries and admin-1 areas,
//     "X, Y" cues and distance to the report's other places.
//  3. roles: demonyms, names inside organisations, metonyms ("Moscow said")
//     and meeting places are mentions; the rest are incidents.
type Geoparser struct {
	g         *geo.Gazetteer
	overrides map[string][]Override
}

// Override is an analyst's rule that places a name: wherever Name (compared
// by StrictKey) appears in a report whose dominant country is CountryCode
// (any report when ""), it resolves to Lat/Lon with the given precision
// (1 when 0) and full confidence, and no longer needs review. Overrides are
// how reviewed unresolved places ("Abu Sharja" in SY) are fixed for good.
type Override struct {
	Name        string  `json:"name"`
	CountryCode string  `json:"country,omitempty"`
	Lat         float64 `json:"lat"`
	Lon         float64 `json:"lon"`
	GeonameID   int64   `json:"geonameid,omitempty"`
	Precision   int     `json:"precision,omitempty"`
}

// NewGeoparser returns a Geoparser over g, applying the given overrides.
func NewGeoparser(g *geo.Gazetteer, overrides ...Override) *Geoparser {
	p := &Geoparser{g: g, overrides: map[string][]Override{}}
	for _, o := range overrides {
		if k := geo.StrictKey(o.Name); k != "" {
			p.overrides[k] = append(p.overrides[k], o)
		}
	}
	return p
}

// mention kinds
const (
	kindPlace   = iota // gazetteer match
	kindDemonym        // adjectival form of a country
	kindUnknown        // a place name the gazetteer lacks
)

// mention is a recognised name before resolution.
type mention struct {
	i, j     int // token range [i, j)
	kind     int
	matches  []geo.Match
	demonym  *geo.Place // the country or region of an adjectival form
	org      bool       // inside an organisation's name
	areaWord string     // "county", "province": the name is (or is cued as) an area
	override *Override
}

// Parse returns every toponym in text, sorted by Start. Offsets are code
// points; Sentence indexes SplitSentences(text).
func (p *Geoparser) Parse(text string) []Toponym {
	out, _ := p.parse(context.Background(), text, 0)
	return out
}

// MaxReportPlaces bounds the place names one report may hold for
// ParseContext. Real reports name tens, long ones a few hundred; the cap
// keeps a hostile 10 MiB body of place names from holding a core for long.
const MaxReportPlaces = 20000

// ParseContext is Parse for untrusted input: it stops with ctx's error
// soon after ctx ends (a client that left), and refuses a text naming more
// than MaxReportPlaces places with an ETOOLARGE error.
func (p *Geoparser) ParseContext(ctx context.Context, text string) ([]Toponym, error) {
	return p.parse(ctx, text, MaxReportPlaces)
}

// parse is Parse with a context and a cap on mentions (0: none).
func (p *Geoparser) parse(ctx context.Context, text string, maxPlaces int) ([]Toponym, error) {
	rs := []rune(text)
	sentences := SplitSentences(text)
	toks := tokenize(rs, sentences)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	ms, err := p.recognize(ctx, toks, maxPlaces)
	if err != nil {
		return nil, err
	}
	if maxPlaces > 0 && len(ms) > maxPlaces {
		return nil, geo.Errorf(geo.ETOOLARGE, "the report names more than %d places, the limit per report: split it", maxPlaces)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out, err := p.resolve(ctx, rs, toks, ms)
	if err != nil {
		return nil, err
	}
	sort.Slice(out, func(a, b int) bool { return out[a].Start < out[b].Start })
	return out, nil
}

// recognize finds the mentions in toks. With a limit > 0 it stops early
// once it has found more than limit, which the caller refuses. It stops
// with ctx's error soon after ctx ends.
func (p *Geoparser) recognize(ctx context.Context, toks []token, limit int) ([]mention, error) {
	var out []mention
	people := map[string]bool{}
	runs := 0
	for a := 0; a < len(toks); {
		if !toks[a].cap && !toks[a].allCaps {
			a++
			continue
		}
		b := runEnd(toks, a)
		out = p.recognizeRun(toks, a, b, out, people)
		a = b
		if limit > 0 && len(out) > limit {
			return out, nil
		}
		if runs++; runs%256 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
	}
	// A single word that elsewhere in the text belongs to a person's name
	// ("Naji al-Mustafa" ... "Mustafa said") is that person. A single
	// word capitalised only because it starts a sentence ("Can", "Driver")
	// is a place only if it is a notable one or the text names it
	// elsewhere too.
	inside := map[string]bool{}
	for _, m := range out {
		if !toks[m.i].sentStart {
			inside[toks[m.i].key] = true
		}
	}
	kept := out[:0]
	for _, m := range out {
		if m.kind == kindPlace && m.j-m.i == 1 {
			if people[toks[m.i].key] && !placeContext(toks, m) {
				continue
			}
			if toks[m.i].sentStart && !inside[toks[m.i].key] && !notable(m.matches) {
				continue
			}
		}
		kept = append(kept, m)
	}
	return kept, nil
}

// runEnd returns the end of the run of capitalised words starting at a:
// words joined by spaces or hyphens, with lower-case connectors inside.
func runEnd(toks []token, a int) int {
	b := a + 1
	for b < len(toks) {
		t := toks[b]
		initial := t.gapBefore == '.' && len(toks[b-1].text) == 1 && toks[b-1].cap // "Thomas J. Bell"
		if t.gapBefore != ' ' && t.gapBefore != '-' && !initial {
			break
		}
		if t.cap || t.allCaps {
			b++
			continue
		}
		// connector(s) followed by a capitalised word
		c := b
		for c < len(toks) && !toks[c].cap && connectors[toks[c].lower] && (toks[c].gapBefore == ' ' || toks[c].gapBefore == '-') {
			c++
		}
		if c > b && c < len(toks) && toks[c].cap && (toks[c].gapBefore == ' ' || toks[c].gapBefore == '-') {
			b = c + 1
			continue
		}
		break
	}
	return b
}

// recognizeRun finds the mentions inside the capitalised run [a, b).
func (p *Geoparser) recognizeRun(toks []token, a, b int, out []mention, people map[string]bool) []mention {
	var found []mention
	for i := a; i < b; {
		if !toks[i].cap && !toks[i].allCaps {
			i++
			continue
		}
		if m, ok := p.stateAbbreviation(toks, i); ok {
			found = append(found, m)
			i = m.j
			continue
		}
		if toks[i].money {
			i++
			continue
		}
		if m, ok := p.longestMatch(toks, i, b); ok {
			if m.j-m.i == 1 {
				// "Canadian" is the adjective, not Canadian, Texas
				if d, ok := p.demonymAt(toks, i, b); ok {
					m = d
				}
			}
			found = append(found, m)
			i = m.j
			continue
		}
		if m, ok := p.demonymAt(toks, i, b); ok {
			found = append(found, m)
			i = m.j
			continue
		}
		i++
	}
	// A run that starts with an Arabic name prefix ("Abu", "Deir", "Tal") is
	// one name: matches that start later inside it are parts of a name the
	// gazetteer lacks.
	if arabicPrefixes[toks[a].lower] && b-a >= 2 && (len(found) == 0 || found[0].i != a) {
		kept := found[:0]
		for _, m := range found {
			if m.kind == kindDemonym {
				kept = append(kept, m)
			}
		}
		found = kept
		if u, ok := p.unknownName(toks, a, b); ok {
			found = append(found, u)
		}
		return append(out, found...)
	}
	if len(found) == 0 {
		if u, ok := p.unknownName(toks, a, b); ok {
			out = append(out, u)
		}
		return out
	}
	covered := func(k int) bool {
		for _, m := range found {
			if k >= m.i && k < m.j {
				return true
			}
		}
		return false
	}
	for x, m := range found {
		if m.kind == kindDemonym {
			out = append(out, m)
			continue
		}
		// Two names side by side with nothing between them ("Keith
		// Warden", "Lincoln Moore") are a person's name.
		adjacent := x > 0 && found[x-1].j == m.i && found[x-1].kind == kindPlace && toks[m.i].gapBefore != '\n' && !toks[m.i-1].poss ||
			x+1 < len(found) && found[x+1].i == m.j && found[x+1].kind == kindPlace && toks[m.j].gapBefore != '\n' && !toks[m.j-1].poss

		keep, org := classifyContext(toks, a, b, m, covered)
		personBefore := m.i > a && !covered(m.i-1) && wordClass(toks[m.i-1]) != wordOrg
		if adjacent && !isArea(m.matches) {
			keep = false
		}
		if !keep {
			if !isArea(m.matches) && (adjacent || personBefore) {
				for k := m.i; k < m.j; k++ {
					people[toks[k].key] = true
				}
			}
			continue
		}
		m.org = org
		out = append(out, m)
	}
	return out
}

// word classes of uncovered words around a match inside a run
const (
	wordNeutral = iota
	wordTitle
	wordOrg
	wordName
)

func wordClass(t token) int {
	switch {
	case titles[strings.TrimSuffix(t.lower, ".")]:
		return wordTitle
	case orgWords[t.lower]:
		return wordOrg
	case neutralWords[t.lower] || connectors[t.lower] || t.sentStart && !t.allCaps:
		return wordNeutral
	}
	return wordName
}

// classifyContext decides from the uncovered words of its run whether a
// match is a place (keep) and whether it sits in an organisation's name.
func classifyContext(toks []token, a, b int, m mention, covered func(int) bool) (keep, org bool) {
	// a disease named after a place ("Marburg virus", "Marburg haemorrhagic
	// fever", "West Nile fever")
	if isDisease(toks, m.j) {
		return false, false
	}
	// "Canada's Food Inspection Agency", "Gainesville's Smith Park": a name
	// ending in 's owns what follows, which says nothing about it.
	owner := toks[m.j-1].poss
	// words after the match
	if !owner && m.j+1 < b && !covered(m.j) && !toks[m.j].cap && geo.IsArticle(toks[m.j].lower) &&
		!arabicDescriptors[toks[m.j+1].lower] {
		return false, false // "Naji al-Mustafa": the match is the start of a longer name
	}
	if !owner && m.j < b && !covered(m.j) {
		switch wordClass(toks[m.j]) {
		case wordOrg:
			org = true
		case wordTitle:
			org = true // "U.S. Attorney", "Georgia Gov."
		case wordName:
			if toks[m.j].cap && !connectors[toks[m.j].lower] {
				if isArea(m.matches) || orgAhead(toks, m.j, b) {
					org = true // "U.S. Centers for Disease Control", "Springfield Science Museum"
					break
				}
				return false, false // "Paris Hilton", "Jordan Smith"
			}
		}
	}
	// words before it
	if k := m.i - 1; k >= a && !covered(k) {
		t := toks[k]
		switch {
		case geo.IsArticle(t.lower) && !t.cap && k-1 >= a && toks[k-1].cap:
			return false, false // "Omar al-Hassan", "Tahrir al-Sham": one longer name
		case connectors[t.lower] && !t.cap && k-1 >= a && !covered(k-1):
			switch wordClass(toks[k-1]) {
			case wordName, wordTitle:
				if orgConnectors[t.lower] {
					org = true // "Bank of America"
				} else {
					return false, false // "Bashar al-Assad", "Tahrir al-Sham"
				}
			case wordOrg:
				org = true // "University of Florida", "Center for Syria"
			}
		case wordClass(t) == wordTitle:
			return false, false // "President Lincoln"
		case wordClass(t) == wordName:
			if !isDirection(t.lower) {
				return false, false // "Naji al-Mustafa", "George Washington"
			}
		case wordClass(t) == wordOrg:
			org = true
		}
	}
	return true, org
}

func isDirection(w string) bool {
	switch w {
	case "north", "south", "east", "west", "northern", "southern", "eastern", "western", "central",
		"northeast", "northwest", "southeast", "southwest", "upper", "lower", "greater", "downtown", "metro", "rural":
		return true
	}
	return false
}

// longestMatch finds the longest gazetteer name starting at token i and
// ending before b (plus a capitalised area word such as "County").
func (p *Geoparser) longestMatch(toks []token, i, b int) (mention, bool) {
	if connectors[toks[i].lower] && !toks[i].cap {
		return mention{}, false
	}
	maxN := p.g.MaxWords()
	if maxN > 8 {
		maxN = 8
	}
	for n := min(maxN, b-i); n >= 1; n-- {
		j := i + n
		last := toks[j-1]
		if !last.cap && !last.allCaps {
			continue
		}
		keys := make([]string, 0, n)
		for k := i; k < j; k++ {
			if toks[k].poss && k < j-1 {
				keys = append(keys, toks[k].key+"s") // "People's Republic of China"
			} else {
				keys = append(keys, toks[k].key)
			}
		}
		key := strings.Join(keys, " ")
		// Words in capitals are acronyms ("UK"), unless long enough to be
		// a name set in capitals (a dateline: "BEIRUT").
		allCaps := n == 1 && toks[i].allCaps && len(toks[i].text) < 5
		if n == 1 && !allCaps {
			t := toks[i]
			w := strings.TrimSuffix(t.lower, ".")
			if notPlaces[w] || neutralWords[w] || titles[w] || len([]rune(t.text)) <= 2 || isContraction(t.text) {
				continue // a common word the gazetteer happens to list
			}
			if arabicPrefixes[t.lower] && i+1 < b {
				continue // "Abu" of "Abu Sharja"
			}
		}
		if ov := p.overrides[key]; len(ov) > 0 {
			m := mention{i: i, j: j, kind: kindUnknown, override: &ov[0]}
			return p.withArea(toks, m, b), true
		}
		if notPlaceNames[key] {
			continue
		}
		ms := filterCase(p.g.LookupKey(key, false), allCaps)
		if len(ms) == 0 && (n >= 2 || hasApostrophe(toks[i].text)) && !allCaps {
			ms = filterCase(p.g.LookupKey(geo.LooseFromStrict(key), true), false)
		} else if n == 1 && !allCaps && len(ms) > 0 && onlyAlt(ms) {
			// "Hama" is only an alternate name of a Japanese village, but
			// loosely the main name of Ḩamāh, Syria: keep both.
			for _, l := range filterCase(p.g.LookupKey(geo.LooseFromStrict(key), true), false) {
				if !l.Alt {
					ms = append(ms, l)
				}
			}
		}
		if len(ms) == 0 {
			continue
		}
		if n >= 2 && toks[j-1].lower == "city" && j < len(toks) && orgWords[toks[j].lower] && sharesPlace(ms, p.g.LookupKey(strings.Join(keys[:n-1], " "), false)) {
			continue // "Dublin City Council": the council is the city's, the place is Dublin
		}
		m := mention{i: i, j: j, kind: kindPlace, matches: ms}
		return p.withArea(toks, m, b), true
	}
	return mention{}, false
}

// withArea extends a match over a following capitalised area word ("Laurel
// County") or notes a lower-case one ("Idlib province").
func (p *Geoparser) withArea(toks []token, m mention, b int) mention {
	if m.j >= len(toks) {
		return m
	}
	t := toks[m.j]
	if !areaWords[t.lower] || t.gapBefore != ' ' {
		return m
	}
	m.areaWord = t.lower
	if t.cap && m.j < b {
		m.j++
		// the full name may be in the gazetteer (GeoNames ADM2 "Hall County")
		var keys []string
		for k := m.i; k < m.j; k++ {
			keys = append(keys, toks[k].key)
		}
		if full := p.g.LookupKey(strings.Join(keys, " "), false); len(full) > 0 {
			m.matches = full
			m.kind = kindPlace
		}
	}
	return m
}

// filterCase keeps acronym matches for text in capitals and the others for
// text that is not.
func filterCase(ms []geo.Match, allCaps bool) []geo.Match {
	out := ms[:0]
	for _, m := range ms {
		if m.Acronym == allCaps {
			out = append(out, m)
		}
	}
	return out
}

func hasApostrophe(s string) bool {
	for _, r := range s {
		if isApostrophe(r) {
			return true
		}
	}
	return false
}

// demonymAt recognises an adjectival form ("Syrian", "South Korean").
func (p *Geoparser) demonymAt(toks []token, i, b int) (mention, bool) {
	for n := min(2, b-i); n >= 1; n-- {
		key := toks[i].key
		if n == 2 {
			key += " " + toks[i+1].key
		}
		if !toks[i+n-1].cap {
			continue
		}
		if pl := p.g.DemonymKey(key); pl != nil {
			return mention{i: i, j: i + n, kind: kindDemonym, demonym: pl}, true
		}
	}
	return mention{}, false
}

// unknownName keeps an unmatched capitalised run [a, b) as an unresolved
// place name when its context says it is one: a capitalised area word
// ("Rapides Parish"), a following place-type word ("the X communities"), a
// strong locative before it ("near X"), or an Arabic name prefix after a
// locative ("in Kafr Nabl").
func (p *Geoparser) unknownName(toks []token, a, b int) (mention, bool) {
	// trim neutral words at the start ("The", sentence-initial words)
	for a < b && (wordClass(toks[a]) == wordNeutral && !arabicPrefixes[toks[a].lower] || !toks[a].cap) {
		a++
	}
	if a >= b || toks[a].allCaps {
		return mention{}, false
	}
	for k := a; k < b; k++ {
		if c := wordClass(toks[k]); c == wordTitle || c == wordOrg && !areaWords[toks[k].lower] {
			return mention{}, false
		}
	}
	m := mention{i: a, j: b, kind: kindUnknown}
	last := toks[b-1]
	if areaWords[last.lower] && b-a >= 2 {
		m.areaWord = last.lower
		return m, true
	}
	if b < len(toks) && placeTypeWords[toks[b].lower] && !toks[b].cap && toks[b].gapBefore == ' ' {
		return m, true
	}
	// "the X and Y villages": X shares Y's place-type word
	if b+1 < len(toks) && (toks[b].lower == "and" || toks[b].lower == "or") && toks[b+1].cap {
		c := runEnd(toks, b+1)
		if c < len(toks) && placeTypeWords[toks[c].lower] && !toks[c].cap && toks[c].gapBefore == ' ' {
			return m, true
		}
	}
	prev := ""
	if a > 0 && toks[a].gapBefore == ' ' {
		prev = toks[a-1].lower
	}
	if strongLocatives[prev] {
		return m, true
	}
	// "the village of X", "the town of X"
	if prev == "of" && a >= 2 && toks[a-1].gapBefore == ' ' && placeTypeWords[toks[a-2].lower] {
		return m, true
	}
	if locatives[prev] && arabicPrefixes[toks[a].lower] && b-a >= 2 {
		return m, true
	}
	return mention{}, false
}

// notable reports whether any candidate is a place news names on its own:
// a country, region, province, capital or town of 10,000 people or more.
func notable(ms []geo.Match) bool {
	for _, m := range ms {
		switch m.Place.FeatureCode {
		case "PCLI", "CONT", "RGN", "ADM1", "PPLC", "PPLA":
			return true
		}
		if m.Place.Population >= 10000 {
			return true
		}
	}
	return false
}

// isContraction reports whether a word is an English contraction
// ("We're", "I've"), never a name.
func isContraction(w string) bool {
	for i, r := range w {
		if isApostrophe(r) {
			switch strings.ToLower(w[i+len(string(r)):]) {
			case "re", "ve", "ll", "d", "m", "t", "s":
				return true
			}
		}
	}
	return false
}

// stateAbbreviation recognises a US state written the AP way after a place
// ("Athens, Ga.", "Charleston, W.Va.") or in dotted capitals anywhere
// ("D.C.", "S.C.").
func (p *Geoparser) stateAbbreviation(toks []token, i int) (mention, bool) {
	t := toks[i]
	if !strings.HasSuffix(t.text, ".") || !t.cap {
		return mention{}, false
	}
	code, ok := usStates[strings.TrimSuffix(t.lower, ".")]
	if !ok {
		return mention{}, false
	}
	dotted := strings.Count(t.text, ".") >= 2
	if !dotted && t.gapBefore != ',' {
		return mention{}, false
	}
	a := p.g.Admin1("US", code)
	if a == nil {
		return mention{}, false
	}
	return mention{i: i, j: i + 1, kind: kindPlace, matches: []geo.Match{{Place: a}}}, true
}

// isArea reports whether a name may be a country, continent, region or
// province: such names stand before other capitalised words as modifiers
// ("U.S. Agriculture Secretary") and are rarely people's names.
func isArea(ms []geo.Match) bool {
	for _, m := range ms {
		switch m.Place.FeatureCode {
		case "PCLI", "CONT", "RGN", "ADM1", "ADM2":
			return !personLike[strings.ToLower(m.Place.Name)]
		}
	}
	return false
}

// personLike are area names that are common first names.
var personLike = set("chad", "jordan", "georgia", "virginia", "israel", "florence", "victoria",
	"kent", "lincoln", "austin", "madison", "charlotte", "chelsea", "india", "carolina",
	"vladimir", "sofia", "regina", "augusta", "adelaide", "alberta", "valencia")

// orgAhead reports whether an organisation word ends the capitalised
// words from k to the end of the run ("Georgia School Boards Association").
func orgAhead(toks []token, k, b int) bool {
	for ; k < b; k++ {
		if orgWords[toks[k].lower] {
			return true
		}
	}
	return b < len(toks) && toks[b].gapBefore == ' ' && orgWords[toks[b].lower] // "... Public Utilities department"
}

// placeContext reports whether a name's neighbours say it is a place: a
// locative before it ("in Athens") or a state after it ("Athens, Ga.").
func placeContext(toks []token, m mention) bool {
	if m.i > 0 && toks[m.i].gapBefore == ' ' && locatives[toks[m.i-1].lower] && toks[m.i-1].lower != "of" {
		return true
	}
	if m.j < len(toks) && toks[m.j].gapBefore == ',' {
		_, ok := usStates[strings.TrimSuffix(toks[m.j].lower, ".")]
		return ok
	}
	return false
}

// onlyAlt reports whether every match is by an alternate name.
func onlyAlt(ms []geo.Match) bool {
	for _, m := range ms {
		if !m.Alt {
			return false
		}
	}
	return true
}

// sharesPlace reports whether two match lists name a common place.
func sharesPlace(a, b []geo.Match) bool {
	for _, x := range a {
		for _, y := range b {
			if x.Place == y.Place {
				return true
			}
		}
	}
	return false
}

// isDisease reports whether the words from k make the name before them a
// disease's: "virus", "fever" right after it, or one word later ("Marburg
// haemorrhagic fever", "Reston ebolavirus").
func isDisease(toks []token, k int) bool {
	if k >= len(toks) || toks[k].gapBefore != ' ' {
		return false
	}
	w := toks[k].lower
	if diseaseWords[w] || strings.HasSuffix(w, "virus") {
		return true
	}
	if k+1 < len(toks) && toks[k+1].gapBefore == ' ' {
		w = toks[k+1].lower
		return w == "virus" || w == "fever" || strings.HasSuffix(w, "virus")
	}
	return false
}

// Toponym is a place name found in a text by the geoparser, with its
// resolution. Offsets are Unicode code points into the text, end exclusive.
type Toponym struct {
	Start       int             `json:"start"`
	End         int             `json:"end"`
	Text        string          `json:"text"`           // as written
	Name        string          `json:"name,omitempty"` // the gazetteer's name ("" when unresolved)
	GeonameID   int64           `json:"geonameid,omitempty"`
	Lat         float64         `json:"lat"`
	Lon         float64         `json:"lon"`
	CountryCode string          `json:"country,omitempty"`
	Admin1      string          `json:"admin1,omitempty"` // admin-1 name where known
	FeatureCode string          `json:"fcode,omitempty"`
	Role        geo.Role        `json:"role"`
	Adjectival  bool            `json:"adjectival,omitempty"` // a demonym or adjective ("Syrian")
	Resolved    bool            `json:"resolved"`             // false: placed at a containing area
	Precision   int             `json:"precision"`
	Confidence  float64         `json:"confidence"`
	NeedsReview bool            `json:"needs_review,omitempty"`
	Candidates  []geo.Candidate `json:"candidates,omitempty"` // runner-ups, best first
	Sentence    int             `json:"sentence"`             // index into the sentence list
}
