package geoparse

import (
	"strings"
	"unicode"

	"github.com/incidentmap/incidentmap/geo/gazetteer"
)

// token is one word of a text, as the geoparser sees it.
type token struct {
	start, end int    // code-point offsets, end exclusive (possessive 's excluded)
	text       string // as written, without a possessive 's
	key        string // StrictKey(text)
	lower      string // strings.ToLower(text)
	cap        bool   // starts with a capital letter
	allCaps    bool   // two or more letters, all capitals ("US", "U.S.", "NSW")
	sentence   int    // index of its sentence
	sentStart  bool   // first word of its sentence
	// gapBefore is what separates it from the previous token: ' ' (spaces
	// only), '-' (a hyphen, as in "al-Duhur"), or the punctuation mark
	// (',', '.', '(', ...), or '\n' across sentences.
	gapBefore rune
	poss      bool // followed by a possessive 's
	money     bool // touches a currency sign: "US$", "$US", "A$"
}

// tokenize splits text into word tokens with code-point offsets. A word is a
// run of letters and digits; apostrophes inside a word stay in it ("Ma'arrat"),
// a trailing possessive 's or ’s is split off, dotted abbreviations stay
// whole ("U.S.", "St."), and a hyphen splits words ("al-Duhur" → "al", "Duhur").
func tokenize(rs []rune, sentences []Sentence) []token {
	// About one token per six code points: growing the slice of a 10 MiB
	// report copied hundreds of megabytes.
	toks := make([]token, 0, len(rs)/6+1)
	sent := 0
	gap := '\n'
	for i := 0; i < len(rs); {
		r := rs[i]
		for sent < len(sentences) && i >= sentences[sent].End {
			sent++
			gap = '\n'
		}
		if !isWordRune(r) {
			switch {
			case (r == '-' || r == '‐') && i > 0 && i+1 < len(rs) && isWordRune(rs[i-1]) && isWordRune(rs[i+1]):
				if gap == ' ' {
					gap = '-'
				}
			case unicode.IsSpace(r):
			default:
				if r == '-' || r == '‐' {
					r = '—' // a dash between spaces, not a hyphen inside a name
				}
				if gap != '\n' {
					gap = r
				}
			}
			i++
			continue
		}
		start := i
		j := i
		for j < len(rs) {
			if isWordRune(rs[j]) {
				j++
				continue
			}
			// apostrophe or ayn mark between letters: part of the word
			if isApostrophe(rs[j]) && j+1 < len(rs) && unicode.IsLetter(rs[j+1]) && j > start {
				j++
				continue
			}
			break
		}
		end := j
		text := string(rs[start:end])
		poss := false
		// possessive: Idlib's, Idlib’s
		if n := len(text); n > 2 && (strings.HasSuffix(text, "'s") || strings.HasSuffix(text, "’s")) {
			end -= 2
			text = string(rs[start:end])
			poss = true
		}
		// dotted abbreviations: U.S., U.K., D.C., W.Va., and "St." /
		// "Mt." / "Ft." and AP state abbreviations ("Ga.", "Calif.")
		if !poss && j < len(rs) && rs[j] == '.' {
			k := j // at a '.'
			for end-start <= 2 && k+1 < len(rs) && unicode.IsUpper(rs[k+1]) {
				// another segment of one or two letters, then '.'
				n := k + 1
				for n < len(rs) && unicode.IsLetter(rs[n]) && n-k <= 2 {
					n++
				}
				if n >= len(rs) || rs[n] != '.' || n-k-1 > 2 {
					break
				}
				k = n
			}
			l := strings.ToLower(text)
			_, state := usStates[l]
			switch {
			case k > j:
				end = k + 1
				j = end
				text = string(rs[start:end])
			case end-start == 1 && unicode.IsUpper(rs[start]):
				// single initial "J." : keep the dot out
			case l == "st" || l == "mt" || l == "ft" || state && unicode.IsUpper(rs[start]):
				end = j + 1
				j = end
				text = string(rs[start:end])
			}
		}
		t := token{start: start, end: end, text: text, sentence: sent, gapBefore: gap, poss: poss}
		t.money = end < len(rs) && isCurrency(rs[end]) || start > 0 && isCurrency(rs[start-1])
		t.key = gazetteer.StrictKey(text)
		t.lower = strings.ToLower(text)
		first := []rune(text)[0]
		t.cap = unicode.IsUpper(first)
		t.allCaps = gazetteer.IsAllCaps(text)
		t.sentStart = gap == '\n' || (len(toks) > 0 && toks[len(toks)-1].sentence != sent)
		if t.sentStart {
			t.gapBefore = '\n'
		}
		toks = append(toks, t)
		gap = ' '
		i = j
		if poss {
			i = j // skip the 's too
		}
	}
	return toks
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

func isApostrophe(r rune) bool {
	switch r {
	case '\'', '’', 'ʿ', 'ʾ', 'ʻ', '‘', '`':
		return true
	}
	return false
}

func isCurrency(r rune) bool { return r == '$' || r == '€' || r == '£' || r == '¥' }
