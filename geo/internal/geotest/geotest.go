// Package geotest holds the test helpers that the tests of several packages
// under geo share: where the npm assets and the shared corpora are, the
// default gazetteer loaded once, a small hand-built gazetteer for fuzzing,
// and the texts of the evaluation corpora as fuzz seeds.
//
// Paths are found from the module root (the directory holding go.mod above
// the test's working directory), so they hold at any package depth: the npm
// assets in <root>/node_modules, the shared test data in <root>/../shared.
// A helper that needs data which is missing skips its test outside CI and
// fails it when CI=true, unless its comment says otherwise.
package geotest

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/incidentmap/incidentmap/geo"
	"github.com/incidentmap/incidentmap/geo/gazetteer"
)

// moduleRoot returns the directory of the go.mod above the working
// directory, or "" if there is none.
var moduleRoot = sync.OnceValue(func() string {
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
})

// inCI reports whether the tests run in CI (CI=true), where missing test
// data is an error rather than a reason to skip.
func inCI() bool { return os.Getenv("CI") == "true" }

// SharedPath returns the path of elem under the shared test data directory
// (../shared beside the repository), whether or not it exists.
func SharedPath(elem ...string) string {
	return filepath.Join(append([]string{moduleRoot(), "..", "shared"}, elem...)...)
}

// AssetsDir returns the npm assets directory (node_modules), skipping the
// test when the default gazetteer's cities file is missing outside CI.
func AssetsDir(tb testing.TB) string {
	tb.Helper()
	dir := filepath.Join(moduleRoot(), "node_modules")
	if _, err := os.Stat(filepath.Join(dir, gazetteer.DefaultCitiesPath)); err != nil {
		if inCI() {
			tb.Fatalf("default gazetteer missing: %v", err)
		}
		tb.Skipf("default gazetteer missing: %v", err)
	}
	return dir
}

// defaultGazetteer loads the default gazetteer once for all tests of a
// package that need it (it takes a second or two).
var defaultGazetteer = sync.OnceValues(func() (*gazetteer.Gazetteer, error) {
	return gazetteer.LoadDefault(os.DirFS(filepath.Join(moduleRoot(), "node_modules")))
})

// DefaultGazetteer returns the default gazetteer, loaded once. Beyond
// AssetsDir's check, it skips the test (in CI too) when an optional
// dataset is missing: without admin-1 names and counties the figures and
// goldens differ, so package.json must list cldr-subdivisions-full,
// us-atlas and world-atlas.
func DefaultGazetteer(tb testing.TB) *gazetteer.Gazetteer {
	tb.Helper()
	dir := AssetsDir(tb)
	for _, optional := range []string{gazetteer.DefaultSubdivisionsPath, gazetteer.DefaultCountiesPath, gazetteer.DefaultShapesPath} {
		if _, err := os.Stat(filepath.Join(dir, optional)); err != nil {
			tb.Skipf("default gazetteer incomplete (npm install): %v", err)
		}
	}
	g, err := defaultGazetteer()
	if err != nil {
		tb.Fatal(err)
	}
	return g
}

// FuzzGazetteer returns a small hand-built gazetteer, so each fuzz input
// parses in microseconds; it has the shapes that exercise recognition:
// multi-word and hyphenated names, an Arabic-article name, a country with
// a demonym, an admin-1 area and a name shared by a town and its province.
func FuzzGazetteer() *gazetteer.Gazetteer {
	b := gazetteer.NewBuilder(12)
	for _, p := range []geo.Place{
		{GeonameID: gazetteer.SyntheticCountryBase + 2, Name: "Syria", AltNames: []string{"adj:Syrian"}, Lat: 35, Lon: 38, FeatureClass: "A", FeatureCode: "PCLI", CountryCode: "SY"},
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

// EvalTexts returns the text of every document of the evaluation corpora
// in ../shared/eval: real local and wire news, the seeds the fuzzers lacked
// when a real sentence panicked the claim extractor (issue 20). Outside CI
// it returns nothing when the corpora are missing (the fuzzers keep their
// other seeds); under CI that fails.
func EvalTexts(tb testing.TB) []string {
	tb.Helper()
	var texts []string
	for _, name := range []string{"lgl.jsonl", "geovirus.jsonl"} {
		f, err := os.Open(SharedPath("eval", name))
		if err != nil {
			if inCI() {
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
