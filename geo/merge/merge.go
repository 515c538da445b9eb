// Package merge decides when two incidents are one event: the same event
// reported by several outlets is one incident.
//
// SameEvent(a, b) holds when all of these do:
//
//   - both are RoleIncident and they share no report (incidents of one report
//     are never merged; a report that names a place twice gives two rows);
//   - same place: the same GeonameID; or both exact (Precision 1, resolved)
//     and at most NearbyKm apart; or similar names (same LooseKey of the
//     text or gazetteer name) at most NearbyKm apart, which is how two
//     unresolved mentions of one village placed at their governorate match;
//   - overlapping date windows: |a.Date - b.Date| ≤ w(a) + w(b), where w is 0
//     days for day precision, 7 for week, 31 for month;
//   - and either similar sentences (MinSimilarity or more, see
//     sentenceSimilarity) or, on the same day at day precision, compatible
//     event words (an air strike and a bombing; an attack and anything violent).
//
// A place alone is not enough: two unresolved villages placed at the same
// governorate centroid are 0 km apart yet different places.
package merge

import (
	"strings"
	"time"
	"unicode"

	"github.com/incidentmap/incidentmap/geo"
	"github.com/incidentmap/incidentmap/geo/gazetteer"
)

// NearbyKm is how far apart (km) two incidents may be and still be at
// the same place.
const NearbyKm = 10

// MinSimilarity is the least sentence similarity (content-word overlap
// coefficient, 0..1) for two sentences to tell of the same event. 0.35 keeps
// two rewordings of one event (which share the place, the event noun and the
// actors) and parts different events at one place (which share little more
// than the place name). See testdata/merge.
const MinSimilarity = 0.35

// SameEvent reports whether two incidents from different reports describe
// the same event, so that the store keeps one incident listing both.
func SameEvent(a, b *geo.Incident) bool {
	if a == nil || b == nil || a.Role != geo.RoleIncident || b.Role != geo.RoleIncident || shareReport(a, b) {
		return false
	}
	if !samePlace(a, b) || !datesOverlap(a, b) {
		return false
	}
	if sentenceSimilarity(a.Sentence, b.Sentence) >= MinSimilarity {
		return true
	}
	sameDay := a.DatePrecision == geo.DatePrecisionDay && b.DatePrecision == geo.DatePrecisionDay && a.Date.Equal(b.Date)
	return sameDay && compatibleKinds(eventKinds(a.Sentence), eventKinds(b.Sentence))
}

func shareReport(a, b *geo.Incident) bool {
	ids := map[int64]bool{}
	for _, id := range append([]int64{a.ReportID}, a.ReportIDs...) {
		if id != 0 {
			ids[id] = true
		}
	}
	for _, id := range append([]int64{b.ReportID}, b.ReportIDs...) {
		if ids[id] {
			return true
		}
	}
	return false
}

func samePlace(a, b *geo.Incident) bool {
	if a.GeonameID != 0 && a.GeonameID == b.GeonameID {
		return true
	}
	km := geo.HaversineKm(a.Lat, a.Lon, b.Lat, b.Lon)
	if km > NearbyKm {
		return false
	}
	exact := func(i *geo.Incident) bool { return i.GeonameID != 0 && i.Precision == geo.PrecisionExact }
	if exact(a) && exact(b) {
		return true
	}
	for _, x := range []string{a.Place, a.Name} {
		for _, y := range []string{b.Place, b.Name} {
			if x != "" && y != "" && gazetteer.LooseKey(x) == gazetteer.LooseKey(y) {
				return true
			}
		}
	}
	return false
}

// WindowDays is the half-width in days of the date window of an
// incident dated with the given precision: two incidents can be one event
// only if their dates are at most the sum of their windows apart.
func WindowDays(precision int) int {
	switch precision {
	case geo.DatePrecisionWeek:
		return 7
	case geo.DatePrecisionMonth:
		return 31
	}
	return 0
}

// window is WindowDays as a duration.
func window(p int) time.Duration { return time.Duration(WindowDays(p)) * 24 * time.Hour }

func datesOverlap(a, b *geo.Incident) bool {
	d := a.Date.Sub(b.Date)
	if d < 0 {
		d = -d
	}
	return d <= window(a.DatePrecision)+window(b.DatePrecision)
}

// stopWords are words that say nothing about which event a sentence tells of.
// Read-only after initialisation.
var stopWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`a an the and or but of in on at to for from by with without into onto
		over under near after before since during about against between as than that this these those
		there here it its it's their they them he she his her we our you your i is are was were be been
		being has have had do does did will would could should may might can not no also said says say
		according reported told added claimed who which what when where while whose whom one two three
		some any all more most other such up out off very just only even still later earlier yesterday
		today monday tuesday wednesday thursday friday saturday sunday week month day night morning
		s report reports statement local people area region`) {
		m[w] = true
	}
	return m
}()

// contentWords returns the content words of s: lower case, stop words and
// one-letter words dropped, a final plural "s" removed ("strikes" = "strike").
func contentWords(s string) map[string]bool {
	out := map[string]bool{}
	f := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-'
	})
	for _, w := range f {
		w = strings.Trim(w, "-")
		if len(w) < 2 || stopWords[w] {
			continue
		}
		if len(w) > 3 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") {
			w = w[:len(w)-1]
		}
		out[w] = true
	}
	return out
}

// sentenceSimilarity is the overlap coefficient |A∩B| / min(|A|, |B|) of the
// sentences' content words: 1 when one sentence's words are all in the
// other, which suits a short wire sentence against a long report sentence.
func sentenceSimilarity(a, b string) float64 {
	ta, tb := contentWords(a), contentWords(b)
	n := min(len(ta), len(tb))
	if n == 0 {
		return 0
	}
	common := 0
	for w := range ta {
		if tb[w] {
			common++
		}
	}
	return float64(common) / float64(n)
}

// eventWords groups event words. "violence" are the generic ones, compatible
// with every violent kind.
var eventWords = map[string][]string{
	"air":          {"air strike", "airstrike", "air raid", "warplane", "jets", "bombed", "bombing", "barrel bomb", "helicopter", "drone strike"},
	"shelling":     {"shell", "artillery", "mortar", "rocket", "missile"},
	"ground":       {"offensive", "assault", "advance", "clash", "fighting", "battle", "ambush", "stormed", "raid", "occupied", "captured", "seized", "took control", "breach", "incursion"},
	"blast":        {"car bomb", "explosion", "explosive", "blast", "suicide", "ied", "landmine"},
	"violence":     {"attack", "killed", "killing", "wounded", "injured", "casualties", "dead", "strike", "fighters", "militants"},
	"protest":      {"protest", "demonstrat", "rally", "marched", "sit-in"},
	"displacement": {"fled", "displaced", "evacuat", "refugee"},
}

// eventKinds returns the kinds of event words in s (matched as word
// prefixes, so "shelling" and "shelled" are "shell").
func eventKinds(s string) map[string]bool {
	lower := " " + strings.ToLower(s)
	out := map[string]bool{}
	for kind, words := range eventWords {
		for _, w := range words {
			if strings.Contains(lower, " "+w) {
				out[kind] = true
				break
			}
		}
	}
	return out
}

// compatibleKinds reports whether two sets of event kinds can be one event:
// they share a kind, or one is generic violence and the other violent, or
// neither names an event.
func compatibleKinds(a, b map[string]bool) bool {
	if len(a) == 0 && len(b) == 0 {
		return true
	}
	for k := range a {
		if b[k] {
			return true
		}
	}
	violent := func(m map[string]bool) bool {
		return m["air"] || m["shelling"] || m["ground"] || m["blast"] || m["violence"]
	}
	return (a["violence"] && violent(b)) || (b["violence"] && violent(a))
}
