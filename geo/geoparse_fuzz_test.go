package geo

import (
	"bufio"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"
)

// fuzzGazetteer is a small hand-built gazetteer, so each fuzz input parses
// in microseconds; it has the shapes that exercise recognition: multi-word
// and hyphenated names, an Arabic-article name, a country with a demonym,
// an admin-1 area and a name shared by a town and its province.
func fuzzGazetteer() *Gazetteer {
	b := NewGazetteerBuilder(12)
	for _, p := range []Place{
		{GeonameID: SyntheticCountryBase + 2, Name: "Syria", AltNames: []string{"adj:Syrian"}, Lat: 35, Lon: 38, FeatureClass: "A", FeatureCode: "PCLI", CountryCode: "SY"},
		{GeonameID: 169387, Name: "Idlib", FeatureClass: "A", FeatureCode: "ADM1", CountryCode: "SY", Admin1Code: "12", Lat: 35.8, Lon: 36.6},
		{GeonameID: 169389, Name: "Idlib", Lat: 35.93, Lon: 36.63, FeatureClass: "P", FeatureCode: "PPLA", CountryCode: "SY", Admin1Code: "12", Population: 128840},
		{GeonameID: 170063, Name: "Aleppo", AltNames: []string{"Halab"}, Lat: 36.2, Lon: 37.16, FeatureClass: "P", FeatureCode: "PPLA", CountryCode: "SY", Admin1Code: "09", Population: 1602264},
		{GeonameID: 172893, Name: "Saraqib", Lat: 35.86, Lon: 36.81, FeatureClass: "P", FeatureCode: "PPLA3", CountryCode: "SY", Admin1Code: "12"},
		{GeonameID: 173811, Name: "Maarat al-Numan", AltNames: []string{"Ma'arrat an Nu'man"}, Lat: 35.65, Lon: 36.68, FeatureClass: "P", FeatureCode: "PPLA2", CountryCode: "SY", Admin1Code: "12"},
		{GeonameID: 170654, Name: "Damascus", Lat: 33.51, Lon: 36.29, FeatureClass: "P", FeatureCode: "PPLC", CountryCode: "SY", Admin1Code: "13", Population: 1569394},
		{GeonameID: 169577, Name: "Homs", Lat: 34.73, Lon: 36.72, FeatureClass: "P", FeatureCode: "PPLA", CountryCode: "SY", Admin1Code: "11", Population: 775404},
		{GeonameID: 170017, Name: "Deir ez-Zor", AltNames: []string{"Deir ez Zor"}, Lat: 35.34, Lon: 40.14, FeatureClass: "P", FeatureCode: "PPLA", CountryCode: "SY", Admin1Code: "07"},
		{GeonameID: 170592, Name: "Daraa", Lat: 32.62, Lon: 36.1, FeatureClass: "P", FeatureCode: "PPLA", CountryCode: "SY", Admin1Code: "08"},
	} {
		b.Add(&p)
	}
	return b.Build()
}

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
	for _, s := range evalTexts(f) { // real articles (issue 20)
		f.Add(s)
	}
	p := NewGeoparser(fuzzGazetteer())
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
	tops := NewGeoparser(fuzzGazetteer()).Parse("Shelling hit Saraqib and Maarat al-Numan on Tuesday, residents said.")
	var got []string
	for _, tp := range tops {
		got = append(got, tp.Text)
	}
	if len(got) != 2 || got[0] != "Saraqib" || got[1] != "Maarat al-Numan" {
		t.Fatalf("toponyms = %q, want Saraqib and Maarat al-Numan", got)
	}
}

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
