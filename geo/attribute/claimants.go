package attribute

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Claimants: who a report's text attributes an incident to.
//
// A claimant phrase ("the Russian Defense Ministry", "a rebel official",
// "Naji al-Mustafa, spokesman for the National Liberation Front") is reduced
// to a canonical name by the table below. Aliases of one body share a name:
//
//   - "Russian Ministry of Defense": Russian Defense/Defence Ministry, Russian
//     military, Russian Armed Forces and the Russian Reconciliation Center for
//     Syria (a body of the ministry that issues its Syria statements). The
//     words as written stay in Claim.Text.
//   - "Syrian state media": SANA, Syrian state TV/news agency, Syrian media.
//   - "Syrian Observatory": Syrian Observatory for Human Rights, SOHR.
//   - "National Liberation Front", "Hayat Tahrir al-Sham", ... (rebel groups).
//
// Generic claimants are resolved against the rest of the report by
// ExtractReportClaims: "a rebel official" becomes the rebel group that speaks
// elsewhere in the report (else "Rebels"); "the war monitor" becomes
// "Syrian Observatory" when the report names it (else "War monitor");
// "Russia" or "Moscow" as a speaker becomes "Russian Ministry of Defense" when
// the ministry speaks elsewhere in the report (else "Russian government");
// "the statement", "the ministry", "it", "he" become the previous claimant; a
// bare surname ("Mustafa said") becomes the body that person was introduced
// with ("Naji al-Mustafa, spokesman for the National Liberation Front").

// claimantKind classifies a claimant phrase for report-level resolution.
type claimantKind int

const (
	kindSpecific claimantKind = iota // a named body: canonical as is
	kindRebel                        // a generic rebel speaker
	kindMonitor                      // a generic war monitor
	kindRussia                       // Russia/Moscow speaking
	kindAnaphor                      // "the statement", "it": the previous claimant
	kindPerson                       // an unknown capitalised name
	kindOther                        // an unknown common noun ("residents")
)

// claimantEntry is one claimant with its aliases. Aliases written in capitals
// (acronyms) match case-sensitively; the others ignore case.
type claimantEntry struct {
	canonical string
	kind      claimantKind
	rebel     bool // a rebel group that generic rebel speakers resolve to
	aliases   []string
}

// claimantTable is read-only.
var claimantTable = []claimantEntry{
	{canonical: "Russian Ministry of Defense", aliases: []string{
		"Russian Ministry of Defense", "Russian Ministry of Defence", "Russian Defense Ministry",
		"Russian Defence Ministry", "Russia's Defense Ministry", "Russia's Defence Ministry",
		"Russia's Ministry of Defense", "Ministry of Defense of Russia", "Russian military", "Russia's military",
		"Russian armed forces", "Russian army", "Russian Reconciliation Center for Syria",
		"Russian Reconciliation Center", "Russian Reconciliation Centre", "Russian Centre for Reconciliation",
		"Russian Center for Reconciliation", "Reconciliation Center for Syria", "Igor Konashenkov"}},
	{canonical: "Russian Foreign Ministry", aliases: []string{
		"Russian Foreign Ministry", "Russia's Foreign Ministry", "Russian Foreign Minister",
		"Sergey Lavrov", "Sergei Lavrov", "Lavrov", "Maria Zakharova"}},
	{canonical: "Syrian state media", aliases: []string{
		"Syrian state media", "Syrian state-run media", "Syrian state news agency", "Syrian state television",
		"Syrian state TV", "Syrian official media", "Syria's state media", "Syrian Arab News Agency",
		"state news agency SANA", "SANA", "Syrian media"}},
	{canonical: "Syrian Observatory", aliases: []string{
		"Syrian Observatory for Human Rights", "Syrian Observatory", "SOHR", "the Observatory",
		"Rami Abdel Rahman", "Rami Abdulrahman"}},
	{canonical: "Syrian army", aliases: []string{
		"Syrian army", "Syrian Arab Army", "Syrian military", "Syrian armed forces", "SAA"}},
	{canonical: "Syrian government", aliases: []string{
		"Syrian government", "Syrian authorities", "Syrian Foreign Ministry", "Damascus"}},
	{canonical: "Syria Civil Defence", aliases: []string{
		"White Helmets", "Syria Civil Defence", "Syrian Civil Defence", "Syrian Civil Defense"}},
	{canonical: "Turkish Ministry of National Defense", aliases: []string{
		"Turkish Ministry of National Defense", "Turkish Defense Ministry", "Turkish Defence Ministry",
		"Turkey's Defense Ministry", "Turkish military", "Turkish army", "Turkish armed forces"}},
	{canonical: "Syrian Democratic Forces", aliases: []string{"Syrian Democratic Forces", "SDF"}},
	{canonical: "United Nations", aliases: []string{"United Nations", "UN", "U.N", "OCHA"}},
	{canonical: "National Liberation Front", rebel: true, aliases: []string{
		"National Liberation Front", "National Front for Liberation", "NLF", "NFL"}},
	{canonical: "Hayat Tahrir al-Sham", rebel: true, aliases: []string{
		"Hayat Tahrir al-Sham", "Hay'at Tahrir al-Sham", "Tahrir al-Sham", "HTS"}},
	{canonical: "Free Syrian Army", rebel: true, aliases: []string{"Free Syrian Army", "FSA"}},
	{canonical: "Syrian National Army", rebel: true, aliases: []string{"Syrian National Army", "SNA"}},
	{canonical: "Jaish al-Izza", rebel: true, aliases: []string{"Jaish al-Izza", "Jaysh al-Izza"}},
	{canonical: "Rebels", kind: kindRebel, aliases: []string{
		"rebel officials", "rebel official", "rebel spokesman", "rebel spokesperson", "rebel spokeswoman",
		"rebel sources", "rebel source", "rebel commanders", "rebel commander", "rebel groups", "rebel group",
		"rebel fighters", "rebels", "opposition officials", "opposition official", "opposition sources",
		"opposition source", "insurgents"}},
	{canonical: "War monitor", kind: kindMonitor, aliases: []string{
		"war monitor", "war monitoring group", "monitoring group", "monitor"}},
	{canonical: "Russian government", kind: kindRussia, aliases: []string{
		"Russian government", "Russian officials", "Russian authorities", "Russian side", "Kremlin",
		"Russia", "Moscow"}},
}

// anaphors are phrases that refer back to the previous claimant.
var anaphors = map[string]bool{
	"statement": true, "report": true, "ministry": true, "spokesman": true, "spokeswoman": true,
	"spokesperson": true, "official": true, "source": true, "center": true, "centre": true,
	"agency": true, "group": true, "army": true, "military": true, "he": true, "she": true,
	"it": true, "they": true, "communique": true, "announcement": true,
}

// speakers are common nouns accepted as claimants although not capitalised.
var speakers = map[string]bool{
	"residents": true, "activists": true, "witnesses": true, "officials": true, "medics": true,
	"doctors": true, "locals": true, "police": true, "paramedics": true, "villagers": true,
}

// aliasMatch is an alias found in a phrase.
type aliasMatch struct {
	entry *claimantEntry
	pos   int
	n     int // alias length
}

// findClaimant returns the best table match in phrase: the earliest named body,
// else the earliest generic one (longest alias at a position).
func findClaimant(phrase string) (aliasMatch, bool) {
	lower := strings.ToLower(phrase)
	var best aliasMatch
	found := false
	for _, a := range claimantAliases {
		hay := lower
		if a.acronym {
			hay = phrase
		}
		pos := indexWord(hay, a.needle)
		if pos < 0 {
			continue
		}
		m := aliasMatch{entry: a.entry, pos: pos, n: a.n}
		if !found || betterMatch(m, best) {
			best, found = m, true
		}
	}
	return best, found
}

// claimantAlias is an alias of claimantTable prepared for findClaimant:
// lower-cased unless it is an acronym. Lower-casing each alias per call
// cost most of the claim extraction of a report.
type claimantAlias struct {
	entry   *claimantEntry
	needle  string
	n       int // length of the alias as written
	acronym bool
}

// claimantAliases lists the aliases of claimantTable in table order; read-only.
var claimantAliases = func() []claimantAlias {
	var out []claimantAlias
	for i := range claimantTable {
		e := &claimantTable[i]
		for _, a := range e.aliases {
			ca := claimantAlias{entry: e, needle: strings.ToLower(a), n: len(a), acronym: isAcronym(a)}
			if ca.acronym {
				ca.needle = a
			}
			out = append(out, ca)
		}
	}
	return out
}()

// betterMatch orders matches: named bodies first, then position, then length.
func betterMatch(a, b aliasMatch) bool {
	as, bs := a.entry.kind == kindSpecific, b.entry.kind == kindSpecific
	if as != bs {
		return as
	}
	if a.pos != b.pos {
		return a.pos < b.pos
	}
	return a.n > b.n
}

// isAcronym reports whether an alias is written in capitals ("SANA", "U.N").
func isAcronym(s string) bool {
	for _, r := range s {
		if unicode.IsLower(r) {
			return false
		}
	}
	return true
}

// indexWord returns the first index of needle in hay at word boundaries, or -1.
func indexWord(hay, needle string) int {
	for off := 0; off < len(hay); {
		i := strings.Index(hay[off:], needle)
		if i < 0 {
			return -1
		}
		i += off
		end := i + len(needle)
		before, _ := utf8.DecodeLastRuneInString(hay[:i])
		after, _ := utf8.DecodeRuneInString(hay[end:])
		if (i == 0 || !isWordRune(before)) && (end == len(hay) || !isWordRune(after)) {
			return i
		}
		off = i + 1
	}
	return -1
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// determiners are stripped from the front of claimant phrases.
var determiners = map[string]bool{"the": true, "a": true, "an": true, "its": true, "their": true, "his": true, "her": true}

// canonicalClaim turns a claimant phrase (and the appositive that followed
// it, if any) into a raw claim. ok is false for phrases that name nobody.
func canonicalClaim(np, appos string) (c rawClaim, ok bool) {
	np = strings.Trim(np, " ,;:\"“”'()")
	if np == "" {
		return c, false
	}
	text := np
	if appos != "" {
		text = np + ", " + appos
	}
	c.text = text
	if m, ok := findClaimant(np); ok && m.entry.kind == kindSpecific {
		c.claimant, c.kind, c.rebel = m.entry.canonical, kindSpecific, m.entry.rebel
		if rest := personAfterAlias(np, m); rest != "" {
			c.person = rest
		}
		return c, true
	}
	if appos != "" {
		if m, ok := findClaimant(appos); ok && m.entry.kind == kindSpecific {
			c.claimant, c.kind, c.rebel = m.entry.canonical, kindSpecific, m.entry.rebel
			c.person = np
			return c, true
		}
	}
	if m, ok := findClaimant(np); ok {
		c.claimant, c.kind = m.entry.canonical, m.entry.kind
		return c, true
	}
	words := strings.Fields(np)
	for len(words) > 0 && determiners[strings.ToLower(words[0])] {
		words = words[1:]
	}
	if len(words) == 0 {
		return c, false
	}
	if len(words) == 1 && anaphors[strings.ToLower(words[0])] {
		c.kind = kindAnaphor
		return c, true
	}
	if len(words) > 6 {
		return c, false
	}
	first, _ := utf8.DecodeRuneInString(words[0])
	switch {
	case unicode.IsUpper(first):
		c.kind = kindPerson
		for _, w := range words {
			if r, _ := utf8.DecodeRuneInString(w); !unicode.IsUpper(r) && !strings.HasPrefix(w, "al-") {
				c.kind = kindOther
				lw := strings.ToLower(w)
				if passiveAux[lw] || strings.HasSuffix(lw, "ed") || strings.HasSuffix(lw, "ing") {
					return c, false // a clause, not a name: "Syrian forces killed"
				}
			}
		}
	case len(words) == 1 && speakers[strings.ToLower(words[0])]:
		c.kind = kindOther
	default:
		return c, false
	}
	name := strings.Join(words, " ")
	r, n := utf8.DecodeRuneInString(name)
	c.claimant = string(unicode.ToUpper(r)) + name[n:]
	return c, true
}

// personAfterAlias returns the capitalised name that follows a body's alias in
// a phrase ("NLF spokesman Naji al-Mustafa" → "Naji al-Mustafa"), or "".
func personAfterAlias(np string, m aliasMatch) string {
	rest := strings.Fields(np[min(len(np), m.pos+m.n):])
	var name []string
	for _, w := range rest {
		r, _ := utf8.DecodeRuneInString(w)
		if unicode.IsUpper(r) || strings.HasPrefix(w, "al-") {
			name = append(name, w)
		} else {
			name = name[:0]
		}
	}
	return strings.Join(name, " ")
}

// surname is the key a person is referred back by: the last word without
// its Arabic article ("Naji al-Mustafa" → "mustafa").
func surname(name string) string {
	f := strings.Fields(strings.ToLower(name))
	if len(f) == 0 {
		return ""
	}
	last := f[len(f)-1]
	for _, art := range []string{"al-", "el-", "ad-", "ar-", "as-", "az-"} {
		last = strings.TrimPrefix(last, art)
	}
	return strings.TrimSuffix(last, "'s")
}
