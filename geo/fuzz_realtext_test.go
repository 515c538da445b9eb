package geo

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// evalTexts returns the text of every document of the evaluation corpora
// in ../shared/eval: real local and wire news, the seeds the fuzzers lacked
// when a real sentence panicked the claim extractor (issue 20). Outside CI
// it returns nothing when the corpora are missing; under CI that fails.
func evalTexts(tb testing.TB) []string {
	tb.Helper()
	var texts []string
	for _, name := range []string{"lgl.jsonl", "geovirus.jsonl"} {
		f, err := os.Open(filepath.Join("..", "..", "shared", "eval", name))
		if err != nil {
			if os.Getenv("CI") == "true" {
				tb.Fatalf("evaluation corpus missing in CI: %v", err)
			}
			continue
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, 1<<22)
		for sc.Scan() {
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
	return texts
}

// FuzzAttribute runs the whole attribution of a report (dates and claims
// of every sentence, as Pipeline does) on arbitrary text. Whatever the
// text, it must not panic, it returns one event per sentence, and every
// claim names a claimant with a known stance. Seeds: every real article
// of the evaluation corpora, and guardSentences.
func FuzzAttribute(f *testing.F) {
	for _, s := range guardSentences {
		f.Add(s)
	}
	for _, s := range evalTexts(f) {
		f.Add(s)
	}
	published := time.Date(2020, 3, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, text string) {
		if len(text) > 16384 {
			return // long inputs add time, not shapes
		}
		sentences := SplitSentences(text)
		texts := make([]string, len(sentences))
		incident := make([]bool, len(sentences))
		for i, s := range sentences {
			texts[i] = s.Text
			incident[i] = len(s.Text)%2 == 0 // some sentences with places, some without
		}
		events := AttributeReport(texts, published, incident)
		if len(events) != len(texts) {
			t.Fatalf("%d events for %d sentences", len(events), len(texts))
		}
		for i, ev := range events {
			if ev.Date.IsZero() {
				t.Fatalf("sentence %d: no date", i)
			}
			if ev.DatePrecision < DatePrecisionDay || ev.DatePrecision > DatePrecisionMonth {
				t.Fatalf("sentence %d: date precision %d", i, ev.DatePrecision)
			}
			for _, c := range ev.Claims {
				if c.Claimant == "" || c.Stance != StanceClaims && c.Stance != StanceDenies {
					t.Fatalf("sentence %d: claim %+v", i, c)
				}
			}
		}
	})
}
