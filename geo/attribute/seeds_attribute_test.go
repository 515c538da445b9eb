package attribute_test

import (
	"os"
	"strings"
	"testing"

	"github.com/incidentmap/incidentmap/geo"
	"github.com/incidentmap/incidentmap/geo/attribute"
	"github.com/incidentmap/incidentmap/geo/geoparse"
	"github.com/incidentmap/incidentmap/geo/internal/geotest"
	"github.com/incidentmap/incidentmap/geo/reportfile"
)

// seedReport reads a seed report from ../shared/seeds; outside CI a missing
// file skips the test.
func seedReport(tb testing.TB, name string) *geo.Report {
	tb.Helper()
	path := geotest.SharedPath("seeds", name)
	data, err := os.ReadFile(path)
	if err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("seed report missing in CI: %v", err)
		}
		tb.Skipf("seed report not available: %v", err)
	}
	r, err := reportfile.Parse(path, data)
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

// seedEvents attributes a seed report; sentences naming one of places are
// incident sentences (standing in for the geoparser).
func seedEvents(tb testing.TB, r *geo.Report, places ...string) ([]string, []attribute.SentenceEvent) {
	tb.Helper()
	var sents []string
	var incident []bool
	for _, s := range geoparse.SplitSentences(r.Text) {
		sents = append(sents, s.Text)
		has := false
		for _, p := range places {
			has = has || strings.Contains(s.Text, p)
		}
		incident = append(incident, has)
	}
	return sents, attribute.Report(sents, r.Published, incident)
}

func hasClaim(cs []geo.Claim, name string, st geo.Stance) bool {
	for _, c := range cs {
		if c.Claimant == name && c.Stance == st {
			return true
		}
	}
	return false
}

// TestSeedIdlibClaims is issue 4, item 1.
func TestSeedIdlibClaims(t *testing.T) {
	r := seedReport(t, "000_8d61b3b92a4442ba.txt")
	if got := r.Published.Format(geo.DateLayout); got != "2020-01-23" || strings.HasPrefix(r.Text, "advertisement") {
		t.Fatalf("Published = %s, text starts %.20q", got, r.Text)
	}
	sents, evs := seedEvents(t, r, "Idlib")
	var attack, settlements = -1, -1
	for i, s := range sents {
		switch {
		case attack < 0 && strings.Contains(s, "in Idlib on Thursday"):
			attack = i
		case strings.Contains(s, "two settlements"):
			settlements = i
		}
	}
	if attack < 0 || settlements < 0 {
		t.Fatalf("sentences not found: attack %d, settlements %d", attack, settlements)
	}
	ev := evs[attack]
	if ev.Date.Format(geo.DateLayout) != "2020-01-23" || ev.DatePrecision != geo.DatePrecisionDay {
		t.Errorf("attack dated %s p%d, want 2020-01-23 p1", ev.Date.Format(geo.DateLayout), ev.DatePrecision)
	}
	for _, want := range []struct {
		name string
		st   geo.Stance
	}{
		{"Syrian state media", geo.StanceClaims}, {"Russian Ministry of Defense", geo.StanceClaims},
		{"National Liberation Front", geo.StanceDenies}, {"Syrian Observatory", geo.StanceDenies},
	} {
		if !hasClaim(ev.Claims, want.name, want.st) {
			t.Errorf("attack claims %q lack %s:%s", claimsString(ev.Claims), want.name, want.st)
		}
	}
	if !attribute.Disputed(ev.Claims) {
		t.Error("attack not disputed")
	}
	if ev := evs[settlements]; ev.Date.Format(geo.DateLayout) != "2020-01-22" || ev.DatePrecision != geo.DatePrecisionDay {
		t.Errorf("settlements dated %s p%d, want 2020-01-22 p1", ev.Date.Format(geo.DateLayout), ev.DatePrecision)
	}
	for _, c := range attribute.ExtractReportClaims(sents) {
		for _, cl := range c {
			if strings.Contains(cl.Claimant, "Turkestan") || cl.Claimant == "Rebels" || cl.Claimant == "War monitor" {
				t.Errorf("unresolved or wrong claimant %q", cl.Claimant)
			}
		}
	}
}

// TestSeedAbuDuhurClaims is issue 4, item 2.
func TestSeedAbuDuhurClaims(t *testing.T) {
	r := seedReport(t, "002_aea83830c4712770.txt")
	if !strings.HasPrefix(r.Text, "Hundreds of") {
		t.Fatalf("text starts %.30q, want the text from the date line", r.Text)
	}
	sents, evs := seedEvents(t, r, "Abu al-Duhur", "Abu Sharja")
	n := 0
	for i, ev := range evs {
		if !strings.Contains(sents[i], "Abu al-Duhur") && !strings.Contains(sents[i], "Abu Sharja") {
			continue
		}
		n++
		if ev.Date.Format(geo.DateLayout) != "2019-01-23" || ev.DatePrecision != geo.DatePrecisionWeek {
			t.Errorf("sentence %d dated %s p%d, want 2019-01-23 p2", i, ev.Date.Format(geo.DateLayout), ev.DatePrecision)
		}
		if !hasClaim(ev.Claims, "Russian Ministry of Defense", geo.StanceClaims) && !strings.HasPrefix(sents[i], "Jihadists") {
			t.Errorf("sentence %d claims %q, want the Russian military", i, claimsString(ev.Claims))
		}
	}
	if n < 3 {
		t.Errorf("%d incident sentences, want 3", n)
	}
}
