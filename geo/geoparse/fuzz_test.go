package geoparse

import (
	"math"
	"testing"
	"unicode/utf8"

	"github.com/incidentmap/incidentmap/geo/internal/geotest"
)

// FuzzGeoparse checks the geoparser's output invariants on arbitrary text:
// offsets are code points within the text, Start < End, the text at those
// offsets is Toponym.Text, results are sorted, coordinates are finite and
// on the globe, and nothing panics.
func FuzzGeoparse(f *testing.F) {
	for _, s := range []string{
		"Shelling hit Saraqib and Maarat al-Numan on Tuesday, residents said.",
		"Syrian forces moved from Idlib province towards Aleppo.",
		"Deir ez-Zor, Homs. Damascus! Daraa?",
		"“Idlib” — in Halab‘s east… Saraqib’s market",
		"IDLIB ALEPPO HOMS",
		"Mr. Homs said. Dr. Aleppo Smith visited Idlib.",
		"\xff\xfeIdlib\x00Aleppo",
		"",
	} {
		f.Add(s)
	}
	for _, s := range geotest.EvalTexts(f) { // real articles (issue 20)
		f.Add(s)
	}
	p := NewParser(geotest.FuzzGazetteer())
	f.Fuzz(func(t *testing.T, text string) {
		if len(text) > 16384 {
			return // long inputs add time, not shapes
		}
		rs := []rune(text) // how Parse counts: invalid bytes are one U+FFFD each
		sentences := SplitSentences(text)
		tops := p.Parse(text)
		for i, tp := range tops {
			if tp.Start < 0 || tp.End > len(rs) || tp.Start >= tp.End {
				t.Fatalf("toponym %d %q: offsets [%d,%d) outside 0..%d or empty", i, tp.Text, tp.Start, tp.End, len(rs))
			}
			if got := string(rs[tp.Start:tp.End]); got != tp.Text {
				t.Fatalf("toponym %d: text[%d:%d] = %q, Text = %q", i, tp.Start, tp.End, got, tp.Text)
			}
			if i > 0 && tops[i-1].Start > tp.Start {
				t.Fatalf("toponyms not sorted by Start: %d then %d", tops[i-1].Start, tp.Start)
			}
			if !utf8.ValidString(tp.Name) {
				t.Fatalf("invalid UTF-8 name %q", tp.Name)
			}
			if math.IsNaN(tp.Lat) || math.IsNaN(tp.Lon) || math.Abs(tp.Lat) > 90 || math.Abs(tp.Lon) > 180 {
				t.Fatalf("toponym %q at %v,%v: not on the globe", tp.Text, tp.Lat, tp.Lon)
			}
			if math.IsNaN(tp.Confidence) || tp.Confidence < 0 || tp.Confidence > 1 {
				t.Fatalf("toponym %q confidence %v outside 0..1", tp.Text, tp.Confidence)
			}
			if !tp.Role.Valid() {
				t.Fatalf("toponym %q role %q", tp.Text, tp.Role)
			}
			if len(sentences) > 0 && (tp.Sentence < 0 || tp.Sentence >= len(sentences)) {
				t.Fatalf("toponym %q sentence %d outside 0..%d", tp.Text, tp.Sentence, len(sentences)-1)
			}
		}
	})
}

// TestFuzzGazetteerFinds guards FuzzGeoparse against checking nothing: the
// hand-built gazetteer must find the places of the first seed.
func TestFuzzGazetteerFinds(t *testing.T) {
	tops := NewParser(geotest.FuzzGazetteer()).Parse("Shelling hit Saraqib and Maarat al-Numan on Tuesday, residents said.")
	var got []string
	for _, tp := range tops {
		got = append(got, tp.Text)
	}
	if len(got) != 2 || got[0] != "Saraqib" || got[1] != "Maarat al-Numan" {
		t.Fatalf("toponyms = %q, want Saraqib and Maarat al-Numan", got)
	}
}
