package geoparse

import (
	"context"
	"strings"

	"github.com/incidentmap/incidentmap/geo/gazetteer"
)

// recognize finds the mentions in toks. With a limit > 0 it stops early
// once it has found more than limit, which the caller refuses. It stops
// with ctx's error soon after ctx ends.
func (p *Parser) recognize(ctx context.Context, toks []token, limit int) ([]mention, error) {
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
func (p *Parser) recognizeRun(toks []token, a, b int, out []mention, people map[string]bool) []mention {
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

// unknownName keeps an unmatched capitalised run [a, b) as an unresolved
// place name when its context says it is one: a capitalised area word
// ("Rapides Parish"), a following place-type word ("the X communities"), a
// strong locative before it ("near X"), or an Arabic name prefix after a
// locative ("in Kafr Nabl").
func (p *Parser) unknownName(toks []token, a, b int) (mention, bool) {
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
func notable(ms []gazetteer.Match) bool {
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
