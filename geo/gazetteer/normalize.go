package gazetteer

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Name keys. The gazetteer indexes every name under two keys and the
// geoparser looks text up under the same two, so both sides agree by
// construction:
//
//   - StrictKey folds only what never changes a name's identity: case,
//     diacritics, apostrophe-like marks (ʿ ʾ ’ ‘ ` ' ´), dots, and hyphens
//     versus spaces. "Abū az̧ Z̧uhūr" → "abu az zuhur", "St. Louis" → "st louis".
//   - LooseKey further folds the transliteration variants of Arabic (and
//     other romanised) names that news writes in many ways: the article
//     (al-/ad-/adh-/ash-/az-/as-/at-/an-/ar-/el-/ed-/...) is dropped,
//     Abou→Abu, dh/th/z→d, ou/o→u, e→a, q→k, y→i, doubled letters and a
//     trailing h after a vowel are collapsed. "Abu al-Duhur", "Abou ed
//     Douhour" and "Abū az̧ Z̧uhūr" all become "abu duhur"; "Sharjah" and
//     "Sharja" become "sharja". A loose match is weaker evidence than a
//     strict one and the geoparser scores it lower.

// StrictKey returns the strict matching key of a name (see the comment
// above). It returns "" for a name with no letters or digits.
func StrictKey(s string) string {
	var b strings.Builder
	space := false
	emit := func(r rune) {
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	if isASCII(s) {
		// fast path: most names are ASCII
		buf := make([]byte, 0, len(s))
		for i := 0; i < len(s); i++ {
			c := s[i]
			switch {
			case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z', c >= '0' && c <= '9':
				if space && len(buf) > 0 {
					buf = append(buf, ' ')
				}
				space = false
				if c <= 'Z' && c >= 'A' {
					c += 'a' - 'A'
				}
				buf = append(buf, c)
			case c == '\'' || c == '`' || c == '.':
				// marks inside a word: dropped without a break
			default:
				space = true
			}
		}
		return string(buf)
	}
	b.Grow(len(s))
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			// combining diacritic
		case isMark(r):
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			emit(foldLetter(unicode.ToLower(r)))
		default:
			space = true
		}
	}
	return b.String()
}

// isMark reports whether r is an apostrophe-like mark that romanised names
// write for ʿayn and hamza, or a dot of an abbreviation; these are dropped
// without breaking the word.
func isMark(r rune) bool {
	switch r {
	case '\'', '`', '.', '´', 'ʿ', 'ʾ', 'ʻ', 'ʼ', '’', '‘', '′', 'ˈ':
		return true
	}
	return false
}

// foldLetter maps letters that NFD does not decompose to their usual Latin
// transcription.
func foldLetter(r rune) rune {
	switch r {
	case 'ı':
		return 'i'
	case 'ø':
		return 'o'
	case 'ł':
		return 'l'
	case 'đ', 'ð':
		return 'd'
	case 'ß':
		return 's'
	case 'æ':
		return 'a'
	case 'œ':
		return 'o'
	case 'þ':
		return 't'
	}
	return r
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// articles are the romanised forms of the Arabic article (and its
// assimilated variants) that LooseKey drops when another word follows.
var articles = map[string]bool{
	"al": true, "el": true, "il": true, "ul": true,
	"ad": true, "adh": true, "ed": true, "ash": true, "esh": true,
	"as": true, "es": true, "az": true, "ez": true, "at": true, "et": true,
	"ath": true, "an": true, "en": true, "ar": true, "er": true,
	"ag": true, "aj": true, "at-": true, "ak": true, "ay": true,
}

// IsArticle reports whether w (a word of a strict key) is one of the
// romanised forms of the Arabic article that LooseKey drops ("al", "ash",
// "el", ...). The geoparser reads them as the joints of longer names.
func IsArticle(w string) bool { return articles[w] }

// LooseKey returns the loose matching key of a name (see the comment above
// StrictKey). It returns "" for a name with no letters or digits.
func LooseKey(s string) string {
	return LooseFromStrict(StrictKey(s))
}

// LooseFromStrict turns a strict key (as StrictKey returns) into the loose
// key, so callers that already hold the strict key skip a second fold.
func LooseFromStrict(strict string) string {
	if strict == "" {
		return ""
	}
	buf := make([]byte, 0, len(strict))
	for rest := strict; rest != ""; {
		w, r, more := strings.Cut(rest, " ")
		rest = r
		if w == "" {
			continue
		}
		// The article goes when a word follows; "al" glued to the next
		// word ("alduhur") is left alone: too many real names start so.
		if more && articles[w] {
			continue
		}
		if len(buf) > 0 {
			buf = append(buf, ' ')
		}
		buf = appendLooseWord(buf, w)
	}
	return string(buf)
}

// appendLooseWord appends the loose form of one word of a strict key.
func appendLooseWord(buf []byte, w string) []byte {
	if w == "abou" || w == "abo" {
		return append(buf, "abu"...)
	}
	start := len(buf)
	for i := 0; i < len(w); i++ {
		c := w[i]
		var next byte
		if i+1 < len(w) {
			next = w[i+1]
		}
		switch {
		case (c == 'd' || c == 't' || c == 'k' || c == 'g') && next == 'h':
			i++ // dh→d, th→t, kh→k, gh→g
		case c == 'o' && next == 'u':
			c = 'u'
			i++
		case c == 'o':
			c = 'u'
		case c == 'e':
			c = 'a'
		case c == 'z':
			c = 'd'
		case c == 'q':
			c = 'k'
		case c == 'y':
			c = 'i'
		}
		if len(buf) > start && buf[len(buf)-1] == c {
			continue // doubled letters
		}
		buf = append(buf, c)
	}
	// trailing h after a vowel: Sharjah/Sharja, Hamah/Hama
	if n := len(buf); n-start > 2 && buf[n-1] == 'h' && strings.IndexByte("aeiou", buf[n-2]) >= 0 {
		buf = buf[:n-1]
	}
	return buf
}

// IsAllCaps reports whether s has at least two letters, all capitals. The
// gazetteer indexes such names as acronyms ("UK", "NSW"), and the geoparser
// matches text written so to acronyms only.
func IsAllCaps(s string) bool {
	n := 0
	for _, r := range s {
		if unicode.IsLower(r) {
			return false
		}
		if unicode.IsLetter(r) {
			n++
		}
	}
	return n >= 2
}
