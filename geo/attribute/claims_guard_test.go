package attribute

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/incidentmap/incidentmap/geo/geoparse"
	"github.com/incidentmap/incidentmap/geo/internal/geotest"
)

// guardSentences exercise the pre-checks and the hand-written scanners of
// the date and claim extractors: every cue kind, case and Unicode folding
// ("ſ" matches s and "K" (Kelvin) k under (?i)), apostrophes and hyphens.
var guardSentences = []string{
	"On Sunday evening a shell hit a bakery in the old town, a medic said.",
	"Late last night, two rockets landed near the bridge, the army told reporters.",
	"The day before yesterday a convoy was ambushed on the highway.",
	"Yesterday's strike was denied by the Russian Defence Ministry.",
	"Fighting resumed on 2019-02-28 and again on March 3rd, 2019, residents said.",
	"On 4 of March the council met; by 12th Feb. the market had reopened.",
	"In December the offensive stalled, but since January 2019 it has gained ground.",
	"Clashes continued throughout February and during the past few weeks, SOHR reported.",
	"Three days ago an air strike hit the clinic, and a week ago another, activists said.",
	"A few days earlier, several days ago, four weeks ago, 2 weeks ago: all vague.",
	"Earlier this week and earlier in the week are not the same as this week.",
	"In the past 24 hours, over the last twenty-four hours, in recent days, this month.",
	"Last month and the previous month, the past week and last week, tonight, today.",
	"This morning, this afternoon and this evening the shelling did not stop.",
	"Next Monday talks resume; since Wednesday the road has been closed; coming Friday.",
	"YESTERDAY AND LAST NIGHT rebels said there was no attack on Tuesday.",
	"Dayſ ago? Three dayſ ago the town fell, two weeKs ago the village; yeſterday too.",
	"The may march in Marea is not a date, nor is the Sept. council or a Janitor.",
	"According to the Syrian Observatory for Human Rights, 12 people died on Saturday.",
	"Naji al-Mustafa, spokesman for the National Liberation Front, denied reports from SANA and the Russian military.",
	"The attack was disputed by Hay’at Tahrir al-Sham and the U.N. on Thursday.",
	"The ministry said it had not taken place, said Lavrov in Moscow on Tuesday.",
	"Ahmed's brother-in-law, a well-known doctor in al-Bab, said the strike killed 3.",
	"Père Noël and Zoë said 12-year-old twins were hurt in Ma'arat al-Nu'man.",
	"Xlast Monday, laſt Sunday, thiſ Friday, ſince Tuesday, LAST\t\tWednesday, last Saturdays, _Monday.",
	"Mondays and éMonday, Monday next Tuesday, comingSunday, coming  Thursday1, (last) Friday",
	"",
	"-- ... '' -x- x- -x 'a' a.b. .a 3.5 4-4 ½ ² Ⅻ",
}

// guardCorpus returns guardSentences and the sentences of the seed
// reports and of the evaluation corpora in ../shared (outside CI, only
// guardSentences when they are missing).
func guardCorpus(tb testing.TB) []string {
	tb.Helper()
	out := append([]string(nil), guardSentences...)
	shared := geotest.SharedPath()
	var texts []string
	seeds, _ := filepath.Glob(filepath.Join(shared, "seeds", "*.txt"))
	for _, p := range seeds {
		b, err := os.ReadFile(p)
		if err != nil {
			tb.Fatal(err)
		}
		texts = append(texts, string(b))
	}
	for _, name := range []string{"lgl.jsonl", "geovirus.jsonl"} {
		f, err := os.Open(filepath.Join(shared, "eval", name))
		if err != nil {
			if os.Getenv("CI") == "true" {
				tb.Fatalf("evaluation corpus missing in CI: %v", err)
			}
			continue
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, 1<<22)
		for n := 0; sc.Scan() && n < 150; n++ {
			var doc struct{ Text string }
			if err := json.Unmarshal(sc.Bytes(), &doc); err != nil {
				f.Close()
				tb.Fatalf("%s: %v", name, err)
			}
			texts = append(texts, doc.Text)
		}
		f.Close()
		if err := sc.Err(); err != nil {
			tb.Fatalf("%s: %v", name, err)
		}
	}
	if len(seeds) == 0 && os.Getenv("CI") == "true" {
		tb.Fatal("seed reports missing in CI")
	}
	for _, text := range texts {
		for _, s := range geoparse.SplitSentences(text) {
			out = append(out, strings.TrimSpace(s.Text))
		}
	}
	return out
}

// wordRe is the definition tokenize implements.
var wordRe = regexp.MustCompile(`[\p{L}\p{N}]+(?:['\-.][\p{L}\p{N}]+)*`)

// checkClaimScanners compares the hand-written scanners and pre-checks of
// claim extraction with the regexps they stand for, on one sentence.
func checkClaimScanners(t *testing.T, s string) {
	t.Helper()
	var want [][2]int
	for _, m := range wordRe.FindAllStringIndex(s, -1) {
		want = append(want, [2]int{m[0], m[1]})
	}
	var got [][2]int
	for _, tok := range tokenize(s) {
		if tok.s != s[tok.start:tok.end] || tok.lower != strings.ToLower(tok.s) {
			t.Fatalf("tokenize(%q): token %+v does not match its offsets", s, tok)
		}
		got = append(got, [2]int{tok.start, tok.end})
	}
	if !slices.Equal(got, want) {
		t.Errorf("tokenize(%q) = %v, want (wordRe) %v", s, got, want)
	}
	if got, want := isNegated(s), negatedRe.MatchString(s); got != want {
		t.Errorf("isNegated(%q) = %v, want (negatedRe) %v", s, got, want)
	}
	got2 := foldContains(s, "syrian observatory", "sohr") && observatoryRe.MatchString(s)
	if want := observatoryRe.MatchString(s); got2 != want {
		t.Errorf("observatory pre-check on %q = %v, want %v", s, got2, want)
	}
}

// TestClaimScanners shows that tokenize and the pre-checks of claim
// extraction agree with the regexps on the test corpus.
func TestClaimScanners(t *testing.T) {
	extra := []string{
		"There was no attack, there  were\tno strikes; NO SUCH raid; it never happened, it is baſeless.",
		"The reports were FALSE, untrue, not true, fabricated; it did not occur and had not taken place.",
		"Syrian  Observatory is not the Syrian Observatory, nor is sohr or SOHRx or the SYRIAN OBSERVATORY.",
		"\xff\xfeinvalid\xc3 utf-8 al-\xff Sham 'x' x'' U.N. a.b.c --a a--b",
	}
	for _, s := range append(guardCorpus(t), extra...) {
		checkClaimScanners(t, s)
	}
}

func FuzzClaimScanners(f *testing.F) {
	for _, s := range guardSentences {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { checkClaimScanners(t, s) })
}

func BenchmarkExtractReportClaims(b *testing.B) {
	for b.Loop() {
		ExtractReportClaims(guardSentences)
	}
}
