package geoparse

import (
	"strings"

	"github.com/incidentmap/incidentmap/geo/gazetteer"
)

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
	if !owner && m.j+1 < b && !covered(m.j) && !toks[m.j].cap && gazetteer.IsArticle(toks[m.j].lower) &&
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
		case gazetteer.IsArticle(t.lower) && !t.cap && k-1 >= a && toks[k-1].cap:
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

// isArea reports whether a name may be a country, continent, region or
// province: such names stand before other capitalised words as modifiers
// ("U.S. Agriculture Secretary") and are rarely people's names.
func isArea(ms []gazetteer.Match) bool {
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
