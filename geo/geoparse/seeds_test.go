package geoparse

import (
	"os"
	"strings"
	"testing"

	"github.com/incidentmap/incidentmap/geo"
	"github.com/incidentmap/incidentmap/geo/internal/geotest"
)

// mustSeed reads a seed report from ../shared/seeds (skipped outside CI
// when missing).
func mustSeed(tb testing.TB, name string) string {
	tb.Helper()
	b, err := os.ReadFile(geotest.SharedPath("seeds", name))
	if err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("seed missing: %v", err)
		}
		tb.Skipf("seed missing: %v", err)
	}
	return string(b)
}

// byText groups toponyms by their text as written.
func byText(ts []Toponym) map[string][]Toponym {
	m := map[string][]Toponym{}
	for _, t := range ts {
		m[t.Text] = append(m[t.Text], t)
	}
	return m
}

// The rules of ../shared/seeds/expected.md.
func TestSeedIdlibAttack(t *testing.T) {
	text := mustSeed(t, "000_8d61b3b92a4442ba.txt")
	ts := NewParser(geotest.DefaultGazetteer(t)).Parse(text)
	got := byText(ts)
	rs := []rune(text)
	for _, tp := range ts {
		if string(rs[tp.Start:tp.End]) != tp.Text {
			t.Errorf("runes[%d:%d]=%q, want Text %q", tp.Start, tp.End, string(rs[tp.Start:tp.End]), tp.Text)
		}
	}
	if n := len(got["Idlib"]); n != 5 {
		t.Errorf("Idlib found %d times, want 5", n)
	}
	for _, tp := range got["Idlib"] {
		near169389 := geo.HaversineKm(tp.Lat, tp.Lon, 35.93062, 36.63393) < 25
		if tp.Role != geo.RoleIncident || !near169389 || tp.Precision < geo.PrecisionNear {
			t.Errorf("Idlib at %d: role %s, %.3f,%.3f, precision %d; want incident within 25 km of 35.93 N 36.63 E, precision 2-3",
				tp.Start, tp.Role, tp.Lat, tp.Lon, tp.Precision)
		}
	}
	wantMention := map[string]string{"Syrian": "SY", "Russian": "RU", "Moscow": "RU", "Russia": "RU"}
	for text, cc := range wantMention {
		if len(got[text]) == 0 {
			t.Errorf("%s not found", text)
		}
		for _, tp := range got[text] {
			if tp.Role != geo.RoleMention || tp.CountryCode != cc {
				t.Errorf("%s at %d: role %s country %s, want mention in %s", text, tp.Start, tp.Role, tp.CountryCode, cc)
			}
		}
	}
	for _, tp := range ts {
		if tp.CountryCode == "KZ" || strings.Contains(tp.Text, "Turkestan") || strings.Contains(tp.Text, "Qaeda") ||
			strings.Contains(tp.Text, "Sham") || strings.Contains(tp.Text, "Nusra") || strings.Contains(tp.Text, "Naji") ||
			strings.Contains(tp.Text, "Mustafa") || strings.Contains(tp.Text, "Bashar") {
			t.Errorf("unexpected toponym %q (%s, %s)", tp.Text, tp.Name, tp.CountryCode)
		}
	}
}

func TestSeedAbuAlDuhur(t *testing.T) {
	text := mustSeed(t, "002_aea83830c4712770.txt")
	ts := NewParser(geotest.DefaultGazetteer(t)).Parse(text)
	got := byText(ts)
	if n := len(got["Abu al-Duhur"]); n != 2 {
		t.Errorf("Abu al-Duhur found %d times, want 2", n)
	}
	for _, tp := range got["Abu al-Duhur"] {
		if tp.Role != geo.RoleIncident || tp.GeonameID != 174611 || tp.Precision != geo.PrecisionExact || geo.HaversineKm(tp.Lat, tp.Lon, 35.74058, 37.0448) > 10 {
			t.Errorf("Abu al-Duhur: %+v, want incident 174611 precision 1", tp)
		}
	}
	if n := len(got["Abu Sharja"]); n != 2 {
		t.Errorf("Abu Sharja found %d times, want 2", n)
	}
	for _, tp := range got["Abu Sharja"] {
		inIdlib := geo.HaversineKm(tp.Lat, tp.Lon, 35.76667, 36.66667) < 80
		if tp.Role != geo.RoleIncident || tp.Resolved || !tp.NeedsReview || tp.Precision < geo.PrecisionNear || !inIdlib {
			t.Errorf("Abu Sharja: %+v, want an unresolved incident needing review, precision 2-3, in Idlib governorate", tp)
		}
	}
	for _, tp := range ts {
		if geo.HaversineKm(tp.Lat, tp.Lon, 25.36, 55.39) < 300 {
			t.Errorf("%q placed near Sharjah: %+v", tp.Text, tp)
		}
		if strings.Contains(tp.Text, "Nusra") {
			t.Errorf("organisation %q output as a toponym", tp.Text)
		}
	}
	wantMention := map[string]string{"Syria": "SY", "Russia": "RU", "Turkey": "TR", "Germany": "DE", "France": "FR",
		"Moscow": "RU", "Turkish": "TR", "Russian": "RU", "Syrian": "SY"}
	for text, cc := range wantMention {
		if len(got[text]) == 0 {
			t.Errorf("%s not found", text)
		}
		for _, tp := range got[text] {
			if tp.Role != geo.RoleMention || tp.CountryCode != cc {
				t.Errorf("%s at %d: role %s country %s, want mention in %s", text, tp.Start, tp.Role, tp.CountryCode, cc)
			}
		}
	}
	if len(got["Idlib"]) == 0 {
		t.Error("Idlib not found")
	}
	for _, tp := range got["Idlib"] {
		if tp.Role != geo.RoleIncident || geo.HaversineKm(tp.Lat, tp.Lon, 35.8, 36.65) > 40 {
			t.Errorf("Idlib: %+v, want an incident in Idlib governorate", tp)
		}
	}
}

func TestOverrideFixesUnresolvedName(t *testing.T) {
	text := mustSeed(t, "002_aea83830c4712770.txt")
	p := NewParser(geotest.DefaultGazetteer(t), Override{Name: "Abu Sharja", CountryCode: "SY", Lat: 35.69, Lon: 37.08})
	for _, tp := range byText(p.Parse(text))["Abu Sharja"] {
		if !tp.Resolved || tp.NeedsReview || tp.Lat != 35.69 || tp.Lon != 37.08 || tp.Precision != geo.PrecisionExact {
			t.Errorf("Abu Sharja with override: %+v, want resolved at 35.69, 37.08", tp)
		}
	}
}
