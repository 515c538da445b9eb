package geoparse

import (
	"strings"

	"github.com/incidentmap/incidentmap/geo/gazetteer"
)

// longestMatch finds the longest gazetteer name starting at token i and
// ending before b (plus a capitalised area word such as "County").
func (p *Parser) longestMatch(toks []token, i, b int) (mention, bool) {
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
			ms = filterCase(p.g.LookupKey(gazetteer.LooseFromStrict(key), true), false)
		} else if n == 1 && !allCaps && len(ms) > 0 && onlyAlt(ms) {
			// "Hama" is only an alternate name of a Japanese village, but
			// loosely the main name of Ḩamāh, Syria: keep both.
			for _, l := range filterCase(p.g.LookupKey(gazetteer.LooseFromStrict(key), true), false) {
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
func (p *Parser) withArea(toks []token, m mention, b int) mention {
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
func filterCase(ms []gazetteer.Match, allCaps bool) []gazetteer.Match {
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
func (p *Parser) demonymAt(toks []token, i, b int) (mention, bool) {
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
func (p *Parser) stateAbbreviation(toks []token, i int) (mention, bool) {
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
	return mention{i: i, j: i + 1, kind: kindPlace, matches: []gazetteer.Match{{Place: a}}}, true
}

// onlyAlt reports whether every match is by an alternate name.
func onlyAlt(ms []gazetteer.Match) bool {
	for _, m := range ms {
		if !m.Alt {
			return false
		}
	}
	return true
}

// sharesPlace reports whether two match lists name a common place.
func sharesPlace(a, b []gazetteer.Match) bool {
	for _, x := range a {
		for _, y := range b {
			if x.Place == y.Place {
				return true
			}
		}
	}
	return false
}
