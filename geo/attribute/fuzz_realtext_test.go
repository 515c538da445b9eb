package attribute

import (
	"testing"
	"time"

	"github.com/incidentmap/incidentmap/geo"
	"github.com/incidentmap/incidentmap/geo/geoparse"
	"github.com/incidentmap/incidentmap/geo/internal/geotest"
)

// FuzzAttribute runs the whole attribution of a report (dates and claims
// of every sentence, as Pipeline does) on arbitrary text. Whatever the
// text, it must not panic, it returns one event per sentence, and every
// claim names a claimant with a known stance. Seeds: every real article
// of the evaluation corpora, and guardSentences.
func FuzzAttribute(f *testing.F) {
	for _, s := range guardSentences {
		f.Add(s)
	}
	for _, s := range geotest.EvalTexts(f) {
		f.Add(s)
	}
	published := time.Date(2020, 3, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, text string) {
		if len(text) > 16384 {
			return // long inputs add time, not shapes
		}
		sentences := geoparse.SplitSentences(text)
		texts := make([]string, len(sentences))
		incident := make([]bool, len(sentences))
		for i, s := range sentences {
			texts[i] = s.Text
			incident[i] = len(s.Text)%2 == 0 // some sentences with places, some without
		}
		events := Report(texts, published, incident)
		if len(events) != len(texts) {
			t.Fatalf("%d events for %d sentences", len(events), len(texts))
		}
		for i, ev := range events {
			if ev.Date.IsZero() {
				t.Fatalf("sentence %d: no date", i)
			}
			if ev.DatePrecision < geo.DatePrecisionDay || ev.DatePrecision > geo.DatePrecisionMonth {
				t.Fatalf("sentence %d: date precision %d", i, ev.DatePrecision)
			}
			for _, c := range ev.Claims {
				if c.Claimant == "" || c.Stance != geo.StanceClaims && c.Stance != geo.StanceDenies {
					t.Fatalf("sentence %d: claim %+v", i, c)
				}
			}
		}
	})
}
