package attribute_test

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/incidentmap/incidentmap/geo"
	"github.com/incidentmap/incidentmap/geo/attribute"
	"github.com/incidentmap/incidentmap/geo/geoparse"
	"github.com/incidentmap/incidentmap/geo/reportfile"
)

func init() {
	// -update regenerates golden files. Another test file of the package may
	// define the flag first; package variables initialise before init.
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite golden files in testdata")
	}
}

// goldenUpdate reports whether -update was given.
func goldenUpdate() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// goldenSentence is one sentence of a golden attribute.Report result.
type goldenSentence struct {
	Sentence      string   `json:"sentence"`
	Incident      bool     `json:"incident"`
	Date          string   `json:"date"`
	DatePrecision int      `json:"date_precision"`
	DateFromText  bool     `json:"date_from_text"`
	Claims        []string `json:"claims,omitempty"`
	Disputed      bool     `json:"disputed,omitempty"`
}

// TestAttributeReportGolden runs attribute.Report on our own reports in
// testdata/claims; a sentence is an incident sentence when it names one of
// the case's places (standing in for the geoparser).
func TestAttributeReportGolden(t *testing.T) {
	tests := []struct {
		file   string
		places []string
	}{
		{"ariha.txt", []string{"Ariha"}},
		{"kafr_nabl.txt", []string{"Kafr Nabl", "Maarat al-Numan"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			path := filepath.Join("testdata", "claims", tt.file)
			r := mustParseReportFile(t, path)
			var sents []string
			var incident []bool
			for _, s := range geoparse.SplitSentences(r.Text) {
				sents = append(sents, s.Text)
				has := false
				for _, p := range tt.places {
					has = has || strings.Contains(s.Text, p)
				}
				incident = append(incident, has)
			}
			evs := attribute.Report(sents, r.Published, incident)
			got := make([]goldenSentence, len(evs))
			for i, ev := range evs {
				got[i] = goldenSentence{Sentence: sents[i], Incident: incident[i], Date: ev.Date.Format(geo.DateLayout),
					DatePrecision: ev.DatePrecision, DateFromText: ev.DateFromText, Claims: strings.Split(claimsString(ev.Claims), "; "),
					Disputed: attribute.Disputed(ev.Claims)}
				if len(ev.Claims) == 0 {
					got[i].Claims = nil
				}
			}
			compareGolden(t, strings.TrimSuffix(path, ".txt")+".golden.json", got)
		})
	}
}

// TestAttributeReportCarry pins the carrying rules on the Ariha report.
func TestAttributeReportCarry(t *testing.T) {
	r := mustParseReportFile(t, "testdata/claims/ariha.txt")
	var sents []string
	var incident []bool
	for _, s := range geoparse.SplitSentences(r.Text) {
		sents = append(sents, s.Text)
		incident = append(incident, strings.Contains(s.Text, "Ariha"))
	}
	evs := attribute.Report(sents, r.Published, incident)
	// Sentence 0: the attack near Ariha on Wednesday 2021-03-10.
	ev := evs[0]
	if ev.Date.Format(geo.DateLayout) != "2021-03-10" || ev.DatePrecision != geo.DatePrecisionDay {
		t.Errorf("attack dated %s p%d, want 2021-03-10 p1", ev.Date.Format(geo.DateLayout), ev.DatePrecision)
	}
	want := map[string]geo.Stance{
		"Syrian state media":          geo.StanceClaims,
		"Russian Ministry of Defense": geo.StanceClaims,
		"National Liberation Front":   geo.StanceDenies,
		"Syrian Observatory":          geo.StanceDenies,
	}
	for name, st := range want {
		found := false
		for _, c := range ev.Claims {
			found = found || (c.Claimant == name && c.Stance == st)
		}
		if !found {
			t.Errorf("attack claims %q lack %s:%s", claimsString(ev.Claims), name, st)
		}
	}
	if !attribute.Disputed(ev.Claims) {
		t.Error("attack not disputed")
	}
	// Sentence 3: the hilltop taken on Tuesday, denied by date.
	if ev := evs[3]; ev.Date.Format(geo.DateLayout) != "2021-03-09" || !attribute.Disputed(ev.Claims) {
		t.Errorf("hilltop: %s disputed=%v (%s), want 2021-03-09 disputed", ev.Date.Format(geo.DateLayout), attribute.Disputed(ev.Claims), claimsString(ev.Claims))
	}
}

func TestMergeClaims(t *testing.T) {
	a := []geo.Claim{{Claimant: "A", Stance: geo.StanceClaims}}
	b := []geo.Claim{{Claimant: "A", Stance: geo.StanceClaims}, {Claimant: "A", Stance: geo.StanceDenies}, {Claimant: "B", Stance: geo.StanceClaims}}
	got := attribute.MergeClaims(a, b)
	if s := claimsString(got); s != "A:claims; A:denies; B:claims" {
		t.Errorf("MergeClaims = %q", s)
	}
	if len(a) != 1 {
		t.Errorf("MergeClaims modified its first argument")
	}
}

func mustParseReportFile(tb testing.TB, path string) *geo.Report {
	tb.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	r, err := reportfile.Parse(path, data)
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

// compareGolden compares got, as indented JSON, with the golden file,
// rewriting it under -update.
func compareGolden(tb testing.TB, path string, got any) {
	tb.Helper()
	b, err := json.MarshalIndent(got, "", "  ")
	if err != nil {
		tb.Fatal(err)
	}
	b = append(b, '\n')
	if goldenUpdate() {
		if err := os.WriteFile(path, b, 0o644); err != nil {
			tb.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		tb.Fatalf("%v (run go test ./geo/attribute -update to create it)", err)
	}
	if string(want) != string(b) {
		tb.Errorf("%s differs (-update to accept):\n got %s\nwant %s", path, b, want)
	}
}
