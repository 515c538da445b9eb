package geo

import (
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
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
// [date-window, date], which the merge windows of SameEvent (±7 days for
// week precision, ±31 for month precision) cover, and no event is dated after
// the report that describes it unless the text says so ("next Monday").
//
// A sentence with no cue returns ok=false; the caller then uses the report
// date with DatePrecisionWeek, since the report did not name the day (seed
// 002: every event is "the report date, within the week").

// dtCue is one date expression found in a sentence.
type dtCue struct {
	pos, end  int // byte offsets in the sentence
	date      time.Time
	precision int
}

const (
	dtMonthPat     = `(Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)`
	dtMonthFullPat = `(January|February|March|April|May|June|July|August|September|October|November|December)`
	dtWeekdayPat   = `(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)`
)

// The date patterns. Month and weekday names must be capitalised so that
// "may" and "march" (the verbs) are not dates. Compiled regexps are safe for
// concurrent use; these are never modified.
var (
	dtISORe      = regexp.MustCompile(`\b(\d{4})-(\d{2})-(\d{2})\b`)
	dtMonthDayRe = regexp.MustCompile(`\b` + dtMonthPat + `\.?\s+(\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s+(\d{4})\b)?`)
	dtDayMonthRe = regexp.MustCompile(`\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?` + dtMonthPat + `\b\.?(?:,?\s+(\d{4})\b)?`)
	dtMonthYrRe  = regexp.MustCompile(`\b` + dtMonthFullPat + `,?\s+(\d{4})\b`)
	// A bare month only counts after a word that makes it a time ("in
	// December"), not as a modifier ("the September agreement").
	dtMonthRe   = regexp.MustCompile(`\b(?i:(in|since|during|until|throughout|last|early|late|mid-?|by|end of|beginning of))\s*` + dtMonthFullPat + `\b`)
	dtWeekdayRe = regexp.MustCompile(`\b(?:(?i:(last|next|this|since|coming))\s+)?` + dtWeekdayPat + `\b`)
	dtDaysAgoRe = regexp.MustCompile(`(?i)\b(\d+|two|three|four|five|six|a few|several)\s+days\s+(?:ago|earlier)\b`)
	dtWeeksAgo  = regexp.MustCompile(`(?i)\b(a|one|\d+|two|three|four)\s+weeks?\s+ago\b`)
)

// dtPhrases are the fixed relative expressions, longest first where they
// overlap so the leftmost-longest match wins.
var dtPhrases = []struct {
	re        *regexp.Regexp
	days      int // offset from the report date, or -1 for special handling below
	kind      string
	precision int
}{
	{regexp.MustCompile(`(?i)\bthe day before yesterday\b`), -2, "", DatePrecisionDay},
	{regexp.MustCompile(`(?i)\byesterday\b`), -1, "", DatePrecisionDay},
	{regexp.MustCompile(`(?i)\b(?:last|late last) night\b`), -1, "", DatePrecisionDay},
	{regexp.MustCompile(`(?i)\b(?:earlier today|today|this (?:morning|afternoon|evening)|tonight)\b`), 0, "", DatePrecisionDay},
	{regexp.MustCompile(`(?i)\b(?:in|over|during) the (?:past|last) (?:24|twenty-four) hours\b`), 0, "", DatePrecisionDay},
	{regexp.MustCompile(`(?i)\bearlier (?:in|this) (?:the )?week\b`), -1, "", DatePrecisionWeek},
	{regexp.MustCompile(`(?i)\b(?:this week|(?:in|over|during) the (?:past|last) (?:week|seven days|few days)|in recent days)\b`), 0, "", DatePrecisionWeek},
	{regexp.MustCompile(`(?i)\b(?:last|the previous|the past) week\b`), 0, "lastweek", DatePrecisionWeek},
	{regexp.MustCompile(`(?i)\b(?:in|over|during) (?:the )?(?:past|last|recent) (?:few |two |three |several )?weeks\b`), 0, "", DatePrecisionMonth},
	{regexp.MustCompile(`(?i)\b(?:earlier )?this month\b`), 0, "", DatePrecisionMonth},
	{regexp.MustCompile(`(?i)\b(?:last|the previous|the past) month\b`), 0, "lastmonth", DatePrecisionMonth},
}

// EventDate returns the date a sentence gives for its events, read relative
// to reportDate (which is used as a calendar date; its clock is ignored), with
// the date precision. When the sentence has several cues the first one
// wins: it usually dates the main clause ("on Thursday ... since
// Wednesday"). ok is false when the sentence has no date cue.
func EventDate(sentence string, reportDate time.Time) (date time.Time, precision int, ok bool) {
	cues := dtCues(sentence, reportDate)
	if len(cues) == 0 {
		return time.Time{}, 0, false
	}
	return cues[0].date, cues[0].precision, true
}

// dtCues returns every date cue in the sentence in text order, without
// overlaps (the longer of two overlapping cues is kept).
func dtCues(s string, reportDate time.Time) []dtCue {
	s = strings.ReplaceAll(s, "’", "'")
	rd := dtDay(reportDate)
	var all []dtCue
	add := func(pos, end int, d time.Time, p int) {
		all = append(all, dtCue{pos: pos, end: end, date: d, precision: p})
	}
	// Go's regexps cost ~10 µs per sentence each; cheap substring checks
	// skip those that cannot match (most sentences name no date at all).
	lower := strings.ToLower(s)
	digit := strings.ContainsAny(s, "0123456789")
	month := dtMentionsMonth(lower)
	for _, m := range dtFind(digit, dtISORe, s) {
		y, _ := strconv.Atoi(s[m[2]:m[3]])
		mo, _ := strconv.Atoi(s[m[4]:m[5]])
		d, _ := strconv.Atoi(s[m[6]:m[7]])
		if t, ok := dtValid(y, time.Month(mo), d); ok {
			add(m[0], m[1], t, DatePrecisionDay)
		}
	}
	for _, m := range dtFind(digit && month, dtMonthDayRe, s) {
		if t, ok := dtExplicit(s, m[2], m[3], m[4], m[5], m[6], m[7], rd); ok {
			add(m[0], m[1], t, DatePrecisionDay)
		}
	}
	for _, m := range dtFind(digit && month, dtDayMonthRe, s) {
		if t, ok := dtExplicit(s, m[4], m[5], m[2], m[3], m[6], m[7], rd); ok {
			add(m[0], m[1], t, DatePrecisionDay)
		}
	}
	for _, m := range dtFind(digit && month, dtMonthYrRe, s) {
		mo := dtMonth(s[m[2]:m[3]])
		y, _ := strconv.Atoi(s[m[4]:m[5]])
		add(m[0], m[1], dtMonthEnd(y, mo, rd), DatePrecisionMonth)
	}
	for _, m := range dtFind(month, dtMonthRe, s) {
		mo := dtMonth(s[m[4]:m[5]])
		if strings.EqualFold(s[m[2]:m[3]], "since") {
			add(m[0], m[1], rd, DatePrecisionMonth)
			continue
		}
		y := dtNearestYear(time.Date(rd.Year(), mo, 15, 0, 0, 0, 0, time.UTC), rd)
		add(m[0], m[1], dtMonthEnd(y, mo, rd), DatePrecisionMonth)
	}
	for _, m := range dtFind(strings.Contains(lower, "day"), dtWeekdayRe, s) {
		var mod string
		if m[2] >= 0 {
			mod = strings.ToLower(s[m[2]:m[3]])
		}
		d, p := dtWeekday(dtWeekdays[s[m[4]:m[5]]], mod, rd)
		add(m[0], m[1], d, p)
	}
	for _, m := range dtFind(strings.Contains(lower, "days"), dtDaysAgoRe, s) {
		n := dtCount(s[m[2]:m[3]])
		p := DatePrecisionDay
		if n < 0 { // "a few days ago": within the week
			n, p = 3, DatePrecisionWeek
		}
		add(m[0], m[1], rd.AddDate(0, 0, -n), p)
	}
	for _, m := range dtFind(strings.Contains(lower, "week"), dtWeeksAgo, s) {
		n := dtCount(s[m[2]:m[3]])
		if n < 0 {
			n = 1
		}
		add(m[0], m[1], rd.AddDate(0, 0, -7*n), DatePrecisionWeek)
	}
	relative := dtRelativeWords.MatchString(lower)
	for _, ph := range dtPhrases {
		if !relative {
			break
		}
		for _, m := range ph.re.FindAllStringIndex(s, -1) {
			d := rd.AddDate(0, 0, ph.days)
			switch ph.kind {
			case "lastweek": // the Sunday that ended last (Monday-first) week
				d = rd.AddDate(0, 0, -dtWeekdayIndex(rd)-1)
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
	var out []dtCue
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

// dtFind runs re on s only when the cheap pre-check ok holds.
func dtFind(ok bool, re *regexp.Regexp, s string) [][]int {
	if !ok {
		return nil
	}
	return re.FindAllStringSubmatchIndex(s, -1)
}

// dtMentionsMonth reports whether a lower-cased sentence contains the start
// of a month name (a superset test: "mar" also matches "market").
func dtMentionsMonth(lower string) bool {
	for _, m := range [...]string{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"} {
		if strings.Contains(lower, m) {
			return true
		}
	}
	return false
}

// dtRelativeWords holds a word every relative phrase of dtPhrases contains;
// one scan for them is cheaper than trying each phrase.
var dtRelativeWords = regexp.MustCompile(`yesterday|night|today|morning|afternoon|evening|hours|week|month|days`)

// dtDay returns t's calendar date as UTC midnight.
func dtDay(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// dtValid returns the date y-m-d, or false if it does not exist (February 30).
func dtValid(y int, m time.Month, d int) (time.Time, bool) {
	if m < 1 || m > 12 || d < 1 || d > 31 {
		return time.Time{}, false
	}
	t := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	return t, t.Day() == d
}

// dtExplicit builds a day-precision date from the month, day and optional
// year groups at the given offsets. Without a year it takes the year that
// puts the date nearest the report date ("December 28" in a report of
// January 3 is last year's).
func dtExplicit(s string, ms, me, ds, de, ys, ye int, rd time.Time) (time.Time, bool) {
	mo := dtMonth(s[ms:me])
	d, _ := strconv.Atoi(s[ds:de])
	y := rd.Year()
	if ys >= 0 {
		y, _ = strconv.Atoi(s[ys:ye])
	} else if t, ok := dtValid(y, mo, d); ok {
		y = dtNearestYear(t, rd)
	}
	return dtValid(y, mo, d)
}

// dtNearestYear returns the year (report year ±1) that puts t's month and
// day nearest rd.
func dtNearestYear(t, rd time.Time) int {
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

// dtMonthEnd returns the last day of month mo of year y, or rd if that is
// earlier and rd is in that month (a month-precision date is never after
// the report).
func dtMonthEnd(y int, mo time.Month, rd time.Time) time.Time {
	end := time.Date(y, mo+1, 0, 0, 0, 0, 0, time.UTC)
	if y == rd.Year() && mo == rd.Month() && rd.Before(end) {
		return rd
	}
	return end
}

// dtMonth parses a month name or abbreviation ("Jan", "Sept", "December").
func dtMonth(s string) time.Month {
	s = strings.ToLower(strings.TrimSuffix(s, "."))
	for m := time.January; m <= time.December; m++ {
		if strings.HasPrefix(strings.ToLower(m.String()), s[:min(3, len(s))]) {
			return m
		}
	}
	return 0
}

var dtWeekdays = map[string]time.Weekday{
	"Sunday": time.Sunday, "Monday": time.Monday, "Tuesday": time.Tuesday, "Wednesday": time.Wednesday,
	"Thursday": time.Thursday, "Friday": time.Friday, "Saturday": time.Saturday,
}

// dtWeekdayIndex is the day's place in a Monday-first week (Monday = 0).
func dtWeekdayIndex(t time.Time) int { return (int(t.Weekday()) + 6) % 7 }

// dtWeekday resolves a weekday with its modifier against the report date:
// plain ("on Thursday") is the most recent such day on or before the report
// date; "last" is strictly before; "next"/"coming" strictly after; "since"
// is the window from that day to the report date, dated at its end.
func dtWeekday(wd time.Weekday, mod string, rd time.Time) (time.Time, int) {
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
		return rd.AddDate(0, 0, fwd), DatePrecisionDay
	case "since":
		return rd, DatePrecisionWeek
	}
	return rd.AddDate(0, 0, -back), DatePrecisionDay
}

// dtCount reads a small count ("3", "two"); -1 for vague ones ("several").
func dtCount(s string) int {
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
