package main

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/incidentmap/incidentmap/geo"
	"github.com/incidentmap/incidentmap/geo/gazetteer"
	"github.com/incidentmap/incidentmap/geo/geoparse"
)

func TestGazetteerImportTwiceChangesNoCounts(t *testing.T) {
	db := filepath.Join(t.TempDir(), "g.db")
	file := filepath.Join("..", "..", "geo", "gazetteer", "testdata", "geonames", "places.txt")
	var first, second bytes.Buffer
	if err := Run(context.Background(), []string{"gazetteer", "import", "--quiet", "--db", db, file}, nil, &first, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	if err := Run(context.Background(), []string{"gazetteer", "import", "--quiet", "--db", db, file}, nil, &second, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	last := func(s string) string {
		lines := strings.Split(strings.TrimSpace(s), "\n")
		return lines[len(lines)-1]
	}
	if !strings.Contains(first.String(), "3 read, 3 new, 0 updated") {
		t.Errorf("first import said %q, want 3 new", first.String())
	}
	if !strings.Contains(second.String(), "3 read, 0 new, 3 updated") {
		t.Errorf("second import said %q, want 0 new, 3 updated", second.String())
	}
	if last(first.String()) != last(second.String()) || !strings.HasPrefix(last(first.String()), "gazetteer: 3 places") {
		t.Errorf("counts changed: %q then %q", last(first.String()), last(second.String()))
	}
}

func TestGeoparseJSONL(t *testing.T) {
	g := gazetteer.NewBuilder(1)
	g.Add(&geo.Place{GeonameID: 169389, Name: "Idlib", Lat: 35.93, Lon: 36.63, FeatureClass: "P", FeatureCode: "PPLA", CountryCode: "SY", Admin1Code: "12", Population: 128840})
	p := geoparse.NewParser(g.Build())
	in := `{"id": "d1", "text": "Café owners fled Idlib on Monday."}` + "\n"
	var out bytes.Buffer
	if err := geoparseJSONL(p, strings.NewReader(in), &out); err != nil {
		t.Fatal(err)
	}
	var got struct {
		ID     string       `json:"id"`
		Places []jsonlPlace `json:"places"`
	}
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("%v: %s", err, out.String())
	}
	if got.ID != "d1" || len(got.Places) != 1 || got.Places[0].Start != 17 || got.Places[0].End != 22 || got.Places[0].GeonameID != 169389 {
		t.Errorf("got %+v, want Idlib at code points 17-22", got)
	}
}
