// Package attribute reads what a report says about its events besides
// where: when they happened (EventDate), who claims or denies them
// (ExtractClaims, ExtractReportClaims), and both for every sentence of a
// report at once (Report). It also names the outlets that publish reports
// (OutletAliases, CleanOutlet).
package attribute

import (
	"regexp"
	"strings"
	"time"

	"github.com/incidentmap/incidentmap/geo"
)

// ExtractReportClaims returns the claims of each sentence of one report
// (out[i] for sentences[i]), resolving generic claimants against the whole
// report as documented under claimants: "a rebel official" becomes the rebel
// group that speaks elsewhere in the report, "the war monitor" the Syrian
// Observatory when the report names it, "Moscow" the Russian Ministry of
// Defense when the ministry speaks in the report, "the statement" or "it" the
// previous claimant, and a surname the body its bearer was introduced with.
// Claims that cannot be resolved (an anaphor before any claimant) are dropped.
func ExtractReportClaims(sentences []string) [][]geo.Claim {
	raw := make([][]rawClaim, len(sentences))
	var rebelGroup string
	mod := false
	persons := map[string]string{} // full name or surname (lower) → canonical
	for i, s := range sentences {
		raw[i] = extractClaims(s)
		for _, c := range raw[i] {
			if c.kind != kindSpecific {
				continue
			}
			if c.rebel && rebelGroup == "" {
				rebelGroup = c.claimant
			}
			if c.claimant == "Russian Ministry of Defense" {
				mod = true
			}
			if c.person != "" {
				persons[strings.ToLower(c.person)] = c.claimant
				persons[surname(c.person)] = c.claimant
			}
		}
	}
	text := strings.Join(sentences, "\n")
	observatory := foldContains(text, "syrian observatory", "sohr") && observatoryRe.MatchString(text)
	out := make([][]geo.Claim, len(sentences))
	last := ""
	for i, cs := range raw {
		var resolved []rawClaim
		for _, c := range cs {
			switch c.kind {
			case kindRebel:
				if rebelGroup != "" {
					c.claimant = rebelGroup
				}
			case kindMonitor:
				if observatory {
					c.claimant = "Syrian Observatory"
				}
			case kindRussia:
				if mod {
					c.claimant = "Russian Ministry of Defense"
				}
			case kindAnaphor:
				c.claimant = last
			case kindPerson:
				if org, ok := persons[strings.ToLower(c.claimant)]; ok {
					c.claimant = org
				} else if org, ok := persons[surname(c.claimant)]; ok {
					c.claimant = org
				}
			}
			if c.claimant == "" {
				continue
			}
			last = c.claimant
			resolved = append(resolved, c)
		}
		for _, c := range dedupeClaims(resolved) {
			out[i] = append(out[i], geo.Claim{Claimant: c.claimant, Stance: c.stance, Text: c.text})
		}
	}
	return out
}

var observatoryRe = regexp.MustCompile(`(?i)\bsyrian observatory\b|\bSOHR\b`)

// SentenceEvent is what a report says about the events of one sentence:
// when they happened and who claims or denies them.
type SentenceEvent struct {
	Date          time.Time   // event date, UTC midnight
	DatePrecision int         // DatePrecisionDay, Week or Month
	DateFromText  bool        // false: the sentence has no date cue; Date is the report date
	Claims        []geo.Claim // the sentence's own claims plus those carried to it
}

// Report dates the events of every sentence of a report and says
// who claims or denies them. incident[i] tells whether sentence i has an
// incident place (the geoparser's RoleIncident); out[i] is for sentences[i].
//
// Dates come from EventDate; a sentence without a cue gets the report date
// with DatePrecisionWeek. A sentence without an incident place passes its
// claims on, because attribution often comes in a sentence of its own
// ("..., although the report was disputed by a rebel official"):
//
//   - if it names days ("no such attack took place on Wednesday or
//     Thursday"), to every incident sentence dated (precision 1) on one of
//     those days;
//   - otherwise to the nearest incident sentence before it (or, if none,
//     after it).
//
// Claims are unioned by (claimant, stance), so a target may list a claimant
// both ways if the report has it both ways. An incident with any StanceDenies
// claim is disputed (see Disputed).
func Report(sentences []string, reportDate time.Time, incident []bool) []SentenceEvent {
	rd := utcDay(reportDate)
	claims := ExtractReportClaims(sentences)
	out := make([]SentenceEvent, len(sentences))
	// Each sentence's cues are found once: the first dates the sentence
	// (as EventDate), all of them route a claim-only sentence's claims.
	cues := make([][]dateCue, len(sentences))
	for i, s := range sentences {
		ev := SentenceEvent{Date: rd, DatePrecision: geo.DatePrecisionWeek}
		if cues[i] = dateCues(s, rd); len(cues[i]) > 0 {
			ev.Date, ev.DatePrecision, ev.DateFromText = cues[i][0].date, cues[i][0].precision, true
		}
		if i < len(incident) && incident[i] {
			ev.Claims = append(ev.Claims, claims[i]...)
		}
		out[i] = ev
	}
	isIncident := func(i int) bool { return i < len(incident) && incident[i] }
	for i := range sentences {
		if isIncident(i) || len(claims[i]) == 0 {
			continue
		}
		var targets []int
		for _, c := range cues[i] {
			if c.precision != geo.DatePrecisionDay {
				continue
			}
			for j := range sentences {
				if isIncident(j) && out[j].DatePrecision == geo.DatePrecisionDay && out[j].Date.Equal(c.date) {
					targets = append(targets, j)
				}
			}
		}
		if len(targets) == 0 {
			if j := nearestIncident(i, len(sentences), isIncident); j >= 0 {
				targets = []int{j}
			}
		}
		for _, j := range targets {
			out[j].Claims = MergeClaims(out[j].Claims, claims[i])
		}
	}
	return out
}

// nearestIncident returns the nearest incident sentence before i, else after
// it, else -1.
func nearestIncident(i, n int, isIncident func(int) bool) int {
	for j := i - 1; j >= 0; j-- {
		if isIncident(j) {
			return j
		}
	}
	for j := i + 1; j < n; j++ {
		if isIncident(j) {
			return j
		}
	}
	return -1
}

// MergeClaims returns a with the claims of b that it lacks, comparing
// (Claimant, Stance); the result is a new slice and a is not modified.
func MergeClaims(a, b []geo.Claim) []geo.Claim {
	out := append([]geo.Claim(nil), a...)
	for _, c := range b {
		dup := false
		for _, o := range out {
			if o.Claimant == c.Claimant && o.Stance == c.Stance {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, c)
		}
	}
	return out
}

// Disputed reports whether any claim denies the incident.
func Disputed(claims []geo.Claim) bool {
	for _, c := range claims {
		if c.Stance == geo.StanceDenies {
			return true
		}
	}
	return false
}
