package attribute

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/incidentmap/incidentmap/geo"
)

// Claim extraction from one sentence.
//
// The patterns, with the stance each gives:
//
//	according to X, ...                 X claims
//	X said / X, <appositive>, said      X claims (denies if what X said is a
//	                                    negated event: "said there was no attack")
//	..., X said. / ..., said X.         X claims
//	X denied / disputed / rejected      X denies
//	X denied reports from Y and Z       X denies; Y and Z claim
//	... was disputed by X and Y         X and Y deny
//	... was reported by X               X claims
//	... did not name ..., but said ...  the sentence's subject claims
//
// One claimant has one stance per sentence; a denial wins over a claim.

// rawClaim is a claim before report-level resolution.
type rawClaim struct {
	claimant string // canonical, or "" for anaphors
	stance   geo.Stance
	text     string
	kind     claimantKind
	rebel    bool
	person   string // the person who spoke for the body, if named
}

// token is a word of a sentence with its byte offsets.
type token struct {
	s          string
	lower      string
	start, end int
}

// tokenize returns the words of s: runs of letters and digits, joined by
// single apostrophes, hyphens or dots ("al-Sham", "Hay'at", "U.N"), as
// the regexp [\p{L}\p{N}]+(?:['\-.][\p{L}\p{N}]+)* finds them (the tests
// hold it to that) at a fraction of the cost.
func tokenize(s string) []token {
	var toks []token
	for i := 0; i < len(s); {
		n := wordRun(s, i)
		if n == 0 {
			_, size := utf8.DecodeRuneInString(s[i:])
			i += size
			continue
		}
		start := i
		i += n
		for i < len(s) && (s[i] == '\'' || s[i] == '-' || s[i] == '.') {
			m := wordRun(s, i+1)
			if m == 0 {
				break
			}
			i += 1 + m
		}
		w := s[start:i]
		toks = append(toks, token{s: w, lower: strings.ToLower(w), start: start, end: i})
	}
	return toks
}

// wordRun returns the length in bytes of the run of letters and digits
// at s[i:].
func wordRun(s string, i int) int {
	j := i
	for j < len(s) {
		r, size := rune(s[j]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(s[j:])
		}
		if !unicode.IsLetter(r) && !unicode.IsNumber(r) {
			break
		}
		j += size
	}
	return j - i
}

// foldContains reports whether s contains one of words (lower case,
// ASCII) under the case folding of regexp's (?i), so that a pattern which
// needs one of them is run only when it can match.
func foldContains(s string, words ...string) bool {
	// ToLower maps the Kelvin sign to k; regexp folds the long s to s too.
	fold := strings.ReplaceAll(strings.ToLower(s), "ſ", "s")
	for _, w := range words {
		if strings.Contains(fold, w) {
			return true
		}
	}
	return false
}

// speechVerbs are verbs of saying; denialVerbs verbs of denying.
var (
	speechVerbs = map[string]bool{
		"said": true, "says": true, "say": true, "claimed": true, "reported": true, "announced": true,
		"stated": true, "added": true, "noted": true, "told": true, "confirmed": true, "alleged": true,
		"insisted": true, "wrote": true, "tweeted": true, "explained": true, "acknowledged": true,
		"asserted": true, "declared": true, "accused": true, "blamed": true, "warned": true,
	}
	denialVerbs = map[string]bool{
		"denied": true, "denies": true, "deny": true, "disputed": true, "disputes": true,
		"rejected": true, "rejects": true, "refuted": true, "refutes": true, "dismissed": true,
		"contradicted": true, "contested": true,
	}
	// adverbs may stand between a subject and its verb.
	adverbs = map[string]bool{
		"also": true, "has": true, "have": true, "had": true, "later": true, "earlier": true,
		"previously": true, "reportedly": true, "further": true, "repeatedly": true, "separately": true,
		"again": true, "flatly": true, "strongly": true, "then": true, "however": true, "itself": true,
	}
	// subjectStops end a subject phrase scanned backwards from its verb.
	subjectStops = map[string]bool{
		"that": true, "but": true, "while": true, "although": true, "though": true, "because": true,
		"as": true, "when": true, "after": true, "which": true, "who": true, "where": true, "if": true,
	}
	passiveAux = map[string]bool{"was": true, "were": true, "is": true, "are": true, "been": true, "being": true, "be": true}
	// notVerbBefore before a verb form make it an adjective or infinitive ("the reported attack").
	notVerbBefore = map[string]bool{"the": true, "a": true, "an": true, "its": true, "their": true, "to": true, "this": true}
	// negatedRe recognises a reported clause that denies the event.
	negatedRe = regexp.MustCompile(`(?i)\bno such\b|\bthere\s+(?:was|were|had been|has been|have been|is|are)\s+no\b|\bno\s+(?:attacks?|strikes?|air ?strikes?|operations?|fighting|clashes|shelling|offensives?|raids?|assaults?|casualties|advances?)\b|\b(?:did|had|has) not (?:take|taken) place\b|\bdid not (?:happen|occur)\b|\bnever (?:took place|happened|occurred)\b|\b(?:was|were|is|are) (?:false|untrue|not true|fabricated|baseless)\b`)
	// reportsOfRe finds the claims a denial is about: "denied reports from X".
	listSepRe   = regexp.MustCompile(`,\s*|\s+and\s+`)
	sourceOfRe  = regexp.MustCompile(`(?i)^.*?\b(?:from|by|of)\s+`)
	reportsOfRe = regexp.MustCompile(`(?i)^(?:the\s+)?(?:reports|claims|allegations|accounts|statements)\s+(?:from|by|of)\s+`)
)

// isNegated reports whether negatedRe matches s; every match contains
// one of the words checked first, which most clauses lack.
func isNegated(s string) bool {
	return foldContains(s, "no", "never", "false", "untrue", "fabricated", "baseless") && negatedRe.MatchString(s)
}

// ExtractClaims returns who the sentence attributes its content to, with
// canonical names and stances, in text order. Generic claimants are resolved
// within the sentence only; use ExtractReportClaims for a whole report.
func ExtractClaims(sentence string) []geo.Claim {
	return ExtractReportClaims([]string{sentence})[0]
}

// extractClaims finds the raw claims of one sentence.
func extractClaims(s string) []rawClaim {
	s = strings.ReplaceAll(s, "’", "'")
	toks := tokenize(s)
	// gap returns the text between token i-1 and token i.
	gap := func(i int) string {
		if i <= 0 {
			return s[:toks[0].start]
		}
		if i >= len(toks) {
			return s[toks[len(toks)-1].end:]
		}
		return s[toks[i-1].end:toks[i].start]
	}
	broken := func(i int) bool { return strings.ContainsAny(gap(i), ",;:()\"“”") }
	// span returns the text of tokens [i, j).
	span := func(i, j int) string {
		if i >= j {
			return ""
		}
		return s[toks[i].start:toks[j-1].end]
	}
	// forward returns the end of the phrase starting at token i.
	forward := func(i int) int {
		j := i
		for j < len(toks) && (j == i || !broken(j)) && !subjectStops[toks[j].lower] {
			j++
		}
		return j
	}
	var out []rawClaim
	add := func(np, appos string, st geo.Stance) {
		if c, ok := canonicalClaim(np, appos); ok {
			c.stance = st
			out = append(out, c)
		}
	}
	addList := func(i, j int, st geo.Stance) { // "X and Y", "X, Y and Z"
		for _, part := range listSepRe.Split(span(i, j), -1) {
			add(part, "", st)
		}
	}
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if t.lower == "according" && i+1 < len(toks) && toks[i+1].lower == "to" && i+2 < len(toks) {
			start := i + 2
			np := span(start, forward(start))
			if m := reportsOfRe.FindString(np); m != "" || strings.HasPrefix(strings.ToLower(np), "a statement ") {
				np = sourceOfRe.ReplaceAllString(np, "")
			}
			add(np, "", geo.StanceClaims)
			continue
		}
		denial := denialVerbs[t.lower]
		if !denial && !speechVerbs[t.lower] {
			continue
		}
		if i > 0 && notVerbBefore[toks[i-1].lower] && !broken(i) {
			continue
		}
		st := geo.StanceClaims
		if denial {
			st = geo.StanceDenies
		}
		// Passive: "... was disputed by X and Y".
		k := i - 1
		for k >= 0 && adverbs[toks[k].lower] && !broken(k+1) {
			k--
		}
		if k >= 0 && passiveAux[toks[k].lower] && !broken(k+1) {
			if i+2 < len(toks) && toks[i+1].lower == "by" && !broken(i+1) {
				addList(i+2, forward(i+2), st)
			}
			continue
		}
		if !denial && isNegated(complement(s, t.end)) {
			st = geo.StanceDenies
		}
		if denial && i+1 < len(toks) {
			rest := s[toks[i+1].start:]
			if m := reportsOfRe.FindString(rest); m != "" {
				from := i + 1
				for from < len(toks) && toks[from].start < toks[i+1].start+len(m) {
					from++
				}
				addList(from, forward(from), geo.StanceClaims)
			}
		}
		switch {
		case broken(i) && i+1 < len(toks) && len(toks)-(i+1) <= 8 && forward(i+1) == len(toks) && isInvertedSubject(span(i+1, len(toks))):
			// Inverted: "..., said Mustafa." The phrase ends at a preposition.
			j := i + 1
			for j < len(toks) && !prepositions[toks[j].lower] {
				j++
			}
			add(span(i+1, j), "", st)
		case broken(i) && k == i-1 && i > 0:
			// "X, <appositive>, said": the appositive runs back to the
			// previous break, the subject to the one before. A verb that
			// opens the text ("\"Added Hall: ...") has no subject before it.
			a := i - 1
			for a > 0 && !broken(a) {
				a--
			}
			if a == 0 {
				add(span(0, i), "", st)
				continue
			}
			b := a
			for b > 0 && !subjectStops[toks[b-1].lower] && (b == a || !broken(b)) {
				b--
			}
			add(span(b, a), span(a, i), st)
		default:
			j := k + 1 // the subject ends before the adverbs
			if k >= 0 && (toks[k].lower == "but" || toks[k].lower == "and") {
				// "did not name the victims, but said": the sentence's subject.
				add(sentenceSubject(s, toks), "", st)
				continue
			}
			b := j
			for b > 0 && !subjectStops[toks[b-1].lower] && (b == j || !broken(b)) {
				b--
			}
			if b < j {
				add(span(b, j), "", st)
			}
		}
	}
	return dedupeClaims(out)
}

// isInvertedSubject reports whether the words after a verb of saying at the end
// of a sentence name a speaker ("said the ministry") rather than what was
// said ("said 40 were killed").
func isInvertedSubject(phrase string) bool {
	var words []string
	for _, w := range strings.Fields(phrase) {
		if prepositions[strings.ToLower(w)] {
			break
		}
		words = append(words, w)
	}
	c, ok := canonicalClaim(strings.Join(words, " "), "")
	return ok && c.kind != kindOther
}

// prepositions end an inverted subject ("said the ministry in a statement").
var prepositions = map[string]bool{"in": true, "on": true, "at": true, "to": true, "on.": true, "late": true, "earlier": true}

// complement returns what follows a verb of saying up to the first
// contrast (", but"), which is the clause whose negation makes a denial.
func complement(s string, from int) string {
	rest := strings.TrimLeft(s[from:], " ,")
	if i := strings.Index(rest, ", but"); i >= 0 {
		rest = rest[:i]
	}
	return rest
}

// sentenceSubject returns the named body at the start of a sentence, or the run
// of capitalised words there.
func sentenceSubject(s string, toks []token) string {
	if m, ok := findClaimant(s); ok && m.pos <= 4 {
		return s[m.pos : m.pos+m.n]
	}
	var j int
	for j < len(toks) && toks[j].s != toks[j].lower {
		j++
	}
	if j == 0 {
		return ""
	}
	return s[toks[0].start:toks[j-1].end]
}

// dedupeClaims keeps one claim per claimant (a denial wins), in first-seen
// order. Anaphors are kept as they are resolved later.
func dedupeClaims(in []rawClaim) []rawClaim {
	var out []rawClaim
	seen := map[string]int{}
	for _, c := range in {
		if c.claimant == "" {
			out = append(out, c)
			continue
		}
		if i, ok := seen[c.claimant]; ok {
			if c.stance == geo.StanceDenies {
				out[i].stance = geo.StanceDenies
			}
			continue
		}
		seen[c.claimant] = len(out)
		out = append(out, c)
	}
	return out
}
