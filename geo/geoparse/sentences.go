package geoparse

import (
	"strings"
	"unicode"
)

// Sentence is one sentence of a text. Start and End are Unicode code-point
// offsets into the text (End exclusive); Text is the text between them,
// without surrounding space.
type Sentence struct {
	Start, End int
	Text       string
}

// abbreviations end with a dot that does not end a sentence (compared
// lower-case, without the dot). Single letters (initials, "U.S.") are
// handled apart.
var abbreviations = map[string]bool{
	"mr": true, "mrs": true, "ms": true, "dr": true, "prof": true, "sen": true, "rep": true,
	"gov": true, "gen": true, "col": true, "lt": true, "sgt": true, "capt": true, "cpl": true,
	"maj": true, "adm": true, "cmdr": true, "pres": true, "rev": true, "hon": true, "supt": true,
	"st": true, "mt": true, "ft": true, "ave": true, "blvd": true, "rd": true, "hwy": true,
	"jan": true, "feb": true, "mar": true, "apr": true, "jun": true, "jul": true, "aug": true,
	"sep": true, "sept": true, "oct": true, "nov": true, "dec": true,
	"inc": true, "corp": true, "co": true, "ltd": true, "jr": true, "sr": true, "bros": true,
	"vs": true, "etc": true, "no": true, "nos": true, "approx": true, "dept": true, "est": true,
	"fig": true, "op": true, "vol": true, "al": true, "e.g": true, "i.e": true,
	// US state abbreviations of AP style ("Gainesville, Ga., police said")
	"ala": true, "ariz": true, "ark": true, "calif": true, "colo": true, "conn": true, "del": true,
	"fla": true, "ga": true, "ill": true, "ind": true, "kan": true, "kans": true, "ky": true,
	"la": true, "md": true, "mass": true, "mich": true, "minn": true, "miss": true, "mo": true,
	"mont": true, "neb": true, "nev": true, "okla": true, "ore": true, "pa": true, "tenn": true,
	"tex": true, "va": true, "vt": true, "wash": true, "wis": true, "wyo": true,
}

var lowerAbbreviations = map[string]bool{"etc": true, "vs": true, "approx": true, "e.g": true, "i.e": true, "al": true, "no": true}

// SplitSentences splits text into sentences at '.', '!' or '?' followed by
// space and a capital, digit or quote, and at line breaks. Abbreviations
// ("Dr.", "Jan.", "Calif.") and initials ("U.S.", "J. Smith") do not end a
// sentence. Sentences that hold only space are dropped.
func SplitSentences(text string) []Sentence {
	rs := []rune(text)
	var out []Sentence
	start := 0
	emit := func(end int) {
		s, e := start, end
		for s < e && unicode.IsSpace(rs[s]) {
			s++
		}
		for e > s && unicode.IsSpace(rs[e-1]) {
			e--
		}
		if e > s {
			out = append(out, Sentence{Start: s, End: e, Text: string(rs[s:e])})
		}
		start = end
	}
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		if r == '\n' {
			emit(i + 1)
			continue
		}
		if r != '.' && r != '!' && r != '?' {
			continue
		}
		// Include closing quotes and brackets in the sentence.
		j := i + 1
		for j < len(rs) && strings.ContainsRune("\"'”’)]»", rs[j]) {
			j++
		}
		if j < len(rs) && !unicode.IsSpace(rs[j]) {
			continue // "3.5", "U.S.", "example.com"
		}
		if r == '.' && isAbbreviation(rs, i) {
			continue
		}
		k := j
		for k < len(rs) && rs[k] != '\n' && unicode.IsSpace(rs[k]) {
			k++
		}
		if k < len(rs) && rs[k] != '\n' && !startsSentence(rs[k]) {
			continue
		}
		emit(j)
		i = j - 1
	}
	emit(len(rs))
	return out
}

// isAbbreviation reports whether the '.' at rs[dot] ends an abbreviation.
func isAbbreviation(rs []rune, dot int) bool {
	s := dot
	for s > 0 && (unicode.IsLetter(rs[s-1]) || rs[s-1] == '.') {
		s--
	}
	word := strings.ToLower(string(rs[s:dot]))
	if word == "" {
		return false
	}
	if abbreviations[word] {
		// Lower-case words such as "ill." or "wash." end sentences; the
		// abbreviations are capitalised, bar a few Latin ones.
		return unicode.IsUpper(rs[s]) || lowerAbbreviations[word]
	}
	// single letter ("J.") or dotted initials ("U.S", "D.C")
	if len([]rune(word)) == 1 && unicode.IsUpper(rs[s]) {
		return true
	}
	return strings.Contains(word, ".") && len([]rune(word)) <= 6
}

func startsSentence(r rune) bool {
	return unicode.IsUpper(r) || unicode.IsDigit(r) || strings.ContainsRune("\"'“‘«([", r)
}
