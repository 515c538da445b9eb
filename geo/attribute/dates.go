package attribute

import (
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/incidentmap/incidentmap/geo"
)

// Event dates.
//
// EventDate reads the date cue of a sentence relative to the report date and
// says how precisely it is known, as ACLED's time_precision does:
// DatePrecisionDay (1), DatePrecisionWeek (2) or DatePrecisionMonth (3).
//
// A cue that names a window longer than a day ("last week", "since
// Wednesday", "in December") is dated at the latest day of that window that
// is not after the report date. So the true date always lies in
// [date-window, date], which the merge windows of merge.SameEvent (±7 days for
// week precision, ±31 for month precision) cover, and no event is dated after
// the report that describes it unless the text says so ("next Monday").
//
// A sentence with no cue returns ok=false; the caller then uses the report
// date with DatePrecisionWeek, since the report did not name the day (seed
// 002: every event is "the report date, within the week").

// dateCue is one date expression found in a sentence.
type dateCue struct {
	pos, end  int // byte offsets in the sentence
	date      time.Time
	precision int
}

const (
	monthPat     = `(Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)`
	monthFullPat = `(January|February|March|April|May|June|July|August|September|October|November|December)`
	weekdayPat   = `(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)`
)

// The date patterns. Month and weekday names must be capitalised so that
// "may" and "march" (the verbs) are not dates. Compiled regexps are safe for
// concurrent use; these are never modified.
var (
	isoDateRe   = regexp.MustCompile(`\b(\d{4})-(\d{2})-(\d{2})\b`)
	monthDayRe  = regexp.MustCompile(`\b` + monthPat + `\.?\s+(\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s+(\d{4})\b)?`)
	dayMonthRe  = regexp.MustCompile(`\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?` + monthPat + `\b\.?(?:,?\s+(\d{4})\b)?`)
	monthYearRe = regexp.MustCompile(`\b` + monthFullPat + `,?\s+(\d{4})\b`)
	// A bare month only counts after a word that makes it a time ("in
	// December"), not as a modifier ("the September agreement").
	monthRe    = regexp.MustCompile(`\b(?i:(in|since|during|until|throughout|last|early|late|mid-?|by|end of|beginning of))\s*` + monthFullPat + `\b`)
	weekdayRe  = regexp.MustCompile(`\b(?:(?i:(last|next|this|since|coming))\s+)?` + weekdayPat + `\b`)
	daysAgoRe  = regexp.MustCompile(`(?i)\b(\d+|two|three|four|five|six|a few|several)\s+days\s+(?:ago|earlier)\b`)
	weeksAgoRe = regexp.MustCompile(`(?i)\b(a|one|\d+|two|three|four)\s+weeks?\s+ago\b`)
)

// relativePhrases are the fixed relative expressions, longest first where they
// overlap so the leftmost-longest match wins. needs lists words (lower
// case, single-spaced as in the patterns) of which every match contains
// at least one.
var relativePhrases = []struct {
	re        *regexp.Regexp
	needs     []string
	days      int // offset from the report date, or -1 for special handling below
	kind      string
	precision int
}{
	{regexp.MustCompile(`(?i)\bthe day before yesterday\b`), []string{"the day before yesterday"}, -2, "", geo.DatePrecisionDay},
	{regexp.MustCompile(`(?i)\byesterday\b`), []string{"yesterday"}, -1, "", geo.DatePrecisionDay},
	{regexp.MustCompile(`(?i)\b(?:last|late last) night\b`), []string{"last night"}, -1, "", geo.DatePrecisionDay},
	{regexp.MustCompile(`(?i)\b(?:earlier today|today|this (?:morning|afternoon|evening)|tonight)\b`),
		[]string{"today", "tonight", "this morning", "this afternoon", "this evening"}, 0, "", geo.DatePrecisionDay},
	{regexp.MustCompile(`(?i)\b(?:in|over|during) the (?:past|last) (?:24|twenty-four) hours\b`), []string{"24 hours", "twenty-four hours"}, 0, "", geo.DatePrecisionDay},
	{regexp.MustCompile(`(?i)\bearlier (?:in|this) (?:the )?week\b`), []string{"earlier in", "earlier this"}, -1, "", geo.DatePrecisionWeek},
	{regexp.MustCompile(`(?i)\b(?:this week|(?:in|over|during) the (?:past|last) (?:week|seven days|few days)|in recent days)\b`),
		[]string{"this week", "past week", "last week", "past seven days", "last seven days", "past few days",
			"last few days", "in recent days"}, 0, "", geo.DatePrecisionWeek},
	{regexp.MustCompile(`(?i)\b(?:last|the previous|the past) week\b`), []string{"last week", "previous week", "past week"}, 0, "lastweek", geo.DatePrecisionWeek},
	{regexp.MustCompile(`(?i)\b(?:in|over|during) (?:the )?(?:past|last|recent) (?:few |two |three |several )?weeks\b`),
		[]string{"past weeks", "last weeks", "recent weeks", "few weeks", "two weeks", "three weeks", "several weeks"},
		0, "", geo.DatePrecisionMonth},
	{regexp.MustCompile(`(?i)\b(?:earlier )?this month\b`), []string{"this month"}, 0, "", geo.DatePrecisionMonth},
	{regexp.MustCompile(`(?i)\b(?:last|the previous|the past) month\b`), []string{"last month", "previous month", "past month"}, 0, "lastmonth", geo.DatePrecisionMonth},
}

// relativeWords holds a word of every need of relativePhrases: one scan for
// them rules out most sentences.
var relativeWords = []string{"yesterday", "night", "today", "this", "hours", "earlier", "week", "days", "month"}

// dateGuard holds what cheap scans of a sentence found, to skip the date
// patterns that cannot match it.
type dateGuard struct {
	digit, hyphen bool
	monthAbbr     bool // "Jan" … "Dec", capitalised as the patterns want
	monthFull     bool // "January" … "December"
	weekday       bool // "Monday" … "Sunday"
	fold          string
}

func newDateGuard(s string) dateGuard {
	g := dateGuard{
		digit:  strings.ContainsAny(s, "0123456789"),
		hyphen: strings.IndexByte(s, '-') >= 0,
		// The (?i) patterns fold case as regexp does: "ſ" (long s) and
		// "K" (Kelvin) match s and k there; ToLower maps the Kelvin sign
		// but not the long s.
		fold: strings.ReplaceAll(strings.ToLower(s), "ſ", "s"),
	}
	for m := time.January; m <= time.December; m++ {
		name := m.String()
		if i := strings.Index(s, name[:3]); i >= 0 {
			g.monthAbbr = true
			if strings.Contains(s[i:], name) {
				g.monthFull = true
				break
			}
		}
	}
	for d := time.Sunday; d <= time.Saturday; d++ {
		if strings.Contains(s, d.String()) {
			g.weekday = true
			break
		}
	}
	return g
}

// has reports whether the folded sentence contains every word.
func (g *dateGuard) has(words ...string) bool {
	for _, w := range words {
		if !strings.Contains(g.fold, w) {
			return false
		}
	}
	return true
}

// hasAny reports whether the folded sentence contains one of words.
func (g *dateGuard) hasAny(words []string) bool {
	for _, w := range words {
		if strings.Contains(g.fold, w) {
			return true
		}
	}
	return false
}

// EventDate returns the date a sentence gives for its events, read relative
// to reportDate (which is used as a calendar date; its clock is ignored), with
// the date precision. When the sentence has several cues the first one
// wins: it usually dates the main clause ("on Thursday ... since
// Wednesday"). ok is false when the sentence has no date cue.
func EventDate(sentence string, reportDate time.Time) (date time.Time, precision int, ok bool) {
	cues := dateCues(sentence, reportDate)
	if len(cues) == 0 {
		return time.Time{}, 0, false
	}
	return cues[0].date, cues[0].precision, true
}

// dateCues returns every date cue in the sentence in text order, without
// overlaps (the longer of two overlapping cues is kept).
func dateCues(s string, reportDate time.Time) []dateCue { return dateCuesGuarded(s, reportDate, true) }

// dateCuesGuarded is dateCues; with guarded false it runs every pattern, which
// the tests use to show that the pre-checks never change the result.
func dateCuesGuarded(s string, reportDate time.Time, guarded bool) []dateCue {
	s = strings.ReplaceAll(s, "’", "'")
	rd := utcDay(reportDate)
	var all []dateCue
	add := func(pos, end int, d time.Time, p int) {
		all = append(all, dateCue{pos: pos, end: end, date: d, precision: p})
	}
	// Go's regexps cost ~10 µs per sentence each, and a report has a dozen
	// sentences: cheap substring checks skip the patterns that cannot match
	// (most sentences name at most a weekday). Each check is a superset of
	// its pattern: it looks for words the pattern cannot match without.
	var g dateGuard
	if guarded {
		g = newDateGuard(s)
	}
	for _, m := range findIf(!guarded || (g.digit && g.hyphen), isoDateRe, s) {
		y, _ := strconv.Atoi(s[m[2]:m[3]])
		mo, _ := strconv.Atoi(s[m[4]:m[5]])
		d, _ := strconv.Atoi(s[m[6]:m[7]])
		if t, ok := validDate(y, time.Month(mo), d); ok {
			add(m[0], m[1], t, geo.DatePrecisionDay)
		}
	}
	for _, m := range findIf(!guarded || (g.digit && g.monthAbbr), monthDayRe, s) {
		if t, ok := explicitDate(s, m[2], m[3], m[4], m[5], m[6], m[7], rd); ok {
			add(m[0], m[1], t, geo.DatePrecisionDay)
		}
	}
	for _, m := range findIf(!guarded || (g.digit && g.monthAbbr), dayMonthRe, s) {
		if t, ok := explicitDate(s, m[4], m[5], m[2], m[3], m[6], m[7], rd); ok {
			add(m[0], m[1], t, geo.DatePrecisionDay)
		}
	}
	for _, m := range findIf(!guarded || (g.digit && g.monthFull), monthYearRe, s) {
		mo := parseMonth(s[m[2]:m[3]])
		y, _ := strconv.Atoi(s[m[4]:m[5]])
		add(m[0], m[1], monthEnd(y, mo, rd), geo.DatePrecisionMonth)
	}
	for _, m := range findIf(!guarded || g.monthFull, monthRe, s) {
		mo := parseMonth(s[m[4]:m[5]])
		if strings.EqualFold(s[m[2]:m[3]], "since") {
			add(m[0], m[1], rd, geo.DatePrecisionMonth)
			continue
		}
		y := nearestYear(time.Date(rd.Year(), mo, 15, 0, 0, 0, 0, time.UTC), rd)
		add(m[0], m[1], monthEnd(y, mo, rd), geo.DatePrecisionMonth)
	}
	weekdays := weekdayMatches
	if !guarded {
		weekdays = func(s string) [][]int { return weekdayRe.FindAllStringSubmatchIndex(s, -1) }
	} else if !g.weekday {
		weekdays = func(string) [][]int { return nil }
	}
	for _, m := range weekdays(s) {
		var mod string
		if m[2] >= 0 {
			mod = strings.ToLower(s[m[2]:m[3]])
		}
		d, p := resolveWeekday(weekdayNames[s[m[4]:m[5]]], mod, rd)
		add(m[0], m[1], d, p)
	}
	for _, m := range findIf(!guarded || g.has("days", "ago") || g.has("days", "earlier"), daysAgoRe, s) {
		n := parseCount(s[m[2]:m[3]])
		p := geo.DatePrecisionDay
		if n < 0 { // "a few days ago": within the week
			n, p = 3, geo.DatePrecisionWeek
		}
		add(m[0], m[1], rd.AddDate(0, 0, -n), p)
	}
	for _, m := range findIf(!guarded || g.has("week", "ago"), weeksAgoRe, s) {
		n := parseCount(s[m[2]:m[3]])
		if n < 0 {
			n = 1
		}
		add(m[0], m[1], rd.AddDate(0, 0, -7*n), geo.DatePrecisionWeek)
	}
	relative := !guarded || g.hasAny(relativeWords)
	for _, ph := range relativePhrases {
		if !relative {
			break
		}
		if guarded && !g.hasAny(ph.needs) {
			continue
		}
		for _, m := range ph.re.FindAllStringIndex(s, -1) {
			d := rd.AddDate(0, 0, ph.days)
			switch ph.kind {
			case "lastweek": // the Sunday that ended last (Monday-first) week
				d = rd.AddDate(0, 0, -weekdayIndex(rd)-1)
			case "lastmonth": // the last day of the previous month
				d = time.Date(rd.Year(), rd.Month(), 0, 0, 0, 0, 0, time.UTC)
			}
			add(m[0], m[1], d, ph.precision)
		}
	}
	// Text order; of two overlapping cues keep the longer (so "21 January
	// 2020" beats "January 2020", and "earlier in the week" beats nothing).
	sort.SliceStable(all, func(i, j int) bool {
		if all[i].pos != all[j].pos {
			return all[i].pos < all[j].pos
		}
		return all[i].end-all[i].pos > all[j].end-all[j].pos
	})
	var out []dateCue
	for _, c := range all {
		if n := len(out); n > 0 && c.pos < out[n-1].end {
			if c.end-c.pos > out[n-1].end-out[n-1].pos {
				out[n-1] = c
			}
			continue
		}
		out = append(out, c)
	}
	return out
}

// weekdayMatches returns what weekdayRe.FindAllStringSubmatchIndex
// does, several times faster: the pattern has no literal prefix, so the
// regexp tries it at every byte, while a weekday name is found with
// strings.Index and its modifier read backwards from it.
func weekdayMatches(s string) [][]int {
	var out [][]int
	from := 0 // a match may not overlap the previous one
	for pos := 0; pos < len(s); {
		w, name := -1, ""
		for d := time.Sunday; d <= time.Saturday; d++ {
			n := d.String()
			if i := strings.Index(s[pos:], n); i >= 0 && (w < 0 || pos+i < w) {
				w, name = pos+i, n
			}
		}
		if w < 0 {
			break
		}
		end := w + len(name)
		if !wordBoundary(s, w) || !wordBoundary(s, end) {
			pos = w + 1
			continue
		}
		m := []int{w, end, -1, -1, w, end}
		if ms, me, ok := weekdayModifier(s, w, from); ok {
			m[0], m[2], m[3] = ms, ms, me
		}
		out = append(out, m)
		from, pos = end, end
	}
	return out
}

// weekdayModifier finds the modifier weekdayRe allows before a weekday
// at w ("last", "next", "this", "since", "coming", any case, then spaces),
// starting at or after from.
func weekdayModifier(s string, w, from int) (start, end int, ok bool) {
	end = w
	for end > 0 && isSpace(s[end-1]) {
		end--
	}
	if end == w {
		return 0, 0, false
	}
	for _, mod := range [...]string{"last", "next", "this", "since", "coming"} {
		// Under (?i) "ſ" (two bytes) matches s, so a match may be
		// longer than the modifier by one byte per s.
		for n := len(mod); n <= len(mod)+strings.Count(mod, "s"); n++ {
			if start = end - n; start >= from && strings.EqualFold(s[start:end], mod) && wordBoundary(s, start) {
				return start, end, true
			}
		}
	}
	return 0, 0, false
}

// wordBoundary reports whether regexp's \b holds at byte i of s: an
// ASCII word character on one side only (any other rune is a non-word
// one to regexp, so its bytes are too).
func wordBoundary(s string, i int) bool {
	before := i > 0 && isWordByte(s[i-1])
	after := i < len(s) && isWordByte(s[i])
	return before != after
}

func isWordByte(c byte) bool {
	return c == '_' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

// isSpace is regexp's \s: [\t\n\f\r ].
func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r' }

// findIf runs re on s only when the cheap pre-check ok holds.
func findIf(ok bool, re *regexp.Regexp, s string) [][]int {
	if !ok {
		return nil
	}
	return re.FindAllStringSubmatchIndex(s, -1)
}

// utcDay returns t's calendar date as UTC midnight.
func utcDay(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// validDate returns the date y-m-d, or false if it does not exist (February 30).
func validDate(y int, m time.Month, d int) (time.Time, bool) {
	if m < 1 || m > 12 || d < 1 || d > 31 {
		return time.Time{}, false
	}
	t := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	return t, t.Day() == d
}

// explicitDate builds a day-precision date from the month, day and optional
// year groups at the given offsets. Without a year it takes the year that
// puts the date nearest the report date ("December 28" in a report of
// January 3 is last year's).
func explicitDate(s string, ms, me, ds, de, ys, ye int, rd time.Time) (time.Time, bool) {
	mo := parseMonth(s[ms:me])
	d, _ := strconv.Atoi(s[ds:de])
	y := rd.Year()
	if ys >= 0 {
		y, _ = strconv.Atoi(s[ys:ye])
	} else if t, ok := validDate(y, mo, d); ok {
		y = nearestYear(t, rd)
	}
	return validDate(y, mo, d)
}

// nearestYear returns the year (report year ±1) that puts t's month and
// day nearest rd.
func nearestYear(t, rd time.Time) int {
	best, bestDist := rd.Year(), time.Duration(1<<62)
	for _, y := range []int{rd.Year() - 1, rd.Year(), rd.Year() + 1} {
		c := time.Date(y, t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
		dist := c.Sub(rd)
		if dist < 0 {
			dist = -dist
		}
		if dist < bestDist {
			best, bestDist = y, dist
		}
	}
	return best
}

// monthEnd returns the last day of month mo of year y, or rd if that is
// earlier and rd is in that month (a month-precision date is never after
// the report).
func monthEnd(y int, mo time.Month, rd time.Time) time.Time {
	end := time.Date(y, mo+1, 0, 0, 0, 0, 0, time.UTC)
	if y == rd.Year() && mo == rd.Month() && rd.Before(end) {
		return rd
	}
	return end
}

// parseMonth parses a month name or abbreviation ("Jan", "Sept", "December").
func parseMonth(s string) time.Month {
	s = strings.ToLower(strings.TrimSuffix(s, "."))
	for m := time.January; m <= time.December; m++ {
		if strings.HasPrefix(strings.ToLower(m.String()), s[:min(3, len(s))]) {
			return m
		}
	}
	return 0
}

var weekdayNames = map[string]time.Weekday{
	"Sunday": time.Sunday, "Monday": time.Monday, "Tuesday": time.Tuesday, "Wednesday": time.Wednesday,
	"Thursday": time.Thursday, "Friday": time.Friday, "Saturday": time.Saturday,
}

// weekdayIndex is the day's place in a Monday-first week (Monday = 0).
func weekdayIndex(t time.Time) int { return (int(t.Weekday()) + 6) % 7 }

// resolveWeekday resolves a weekday with its modifier against the report date:
// plain ("on Thursday") is the most recent such day on or before the report
// date; "last" is strictly before; "next"/"coming" strictly after; "since"
// is the window from that day to the report date, dated at its end.
func resolveWeekday(wd time.Weekday, mod string, rd time.Time) (time.Time, int) {
	back := (int(rd.Weekday()) - int(wd) + 7) % 7
	switch mod {
	case "last":
		if back == 0 {
			back = 7
		}
	case "next", "coming":
		fwd := (int(wd) - int(rd.Weekday()) + 7) % 7
		if fwd == 0 {
			fwd = 7
		}
		return rd.AddDate(0, 0, fwd), geo.DatePrecisionDay
	case "since":
		return rd, geo.DatePrecisionWeek
	}
	return rd.AddDate(0, 0, -back), geo.DatePrecisionDay
}

// parseCount reads a small count ("3", "two"); -1 for vague ones ("several").
func parseCount(s string) int {
	switch strings.ToLower(s) {
	case "a", "one":
		return 1
	case "two":
		return 2
	case "three":
		return 3
	case "four":
		return 4
	case "five":
		return 5
	case "six":
		return 6
	}
	if n, err := strconv.Atoi(s); err == nil {
		return n
	}
	return -1
}
