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

// fakePlaces is an in-memory geo.PlaceService.
type fakePlaces struct{ byID map[int64]*geo.Place }

var _ geo.PlaceService = (*fakePlaces)(nil)

func (f *fakePlaces) UpsertPlaces(_ context.Context, ps []*geo.Place) (ins, upd int, err error) {
	for _, p := range ps {
		if _, ok := f.byID[p.GeonameID]; ok {
			upd++
		} else {
			ins++
		}
		q := *p
		f.byID[p.GeonameID] = &q
	}
	return ins, upd, nil
}

func (f *fakePlaces) EachPlace(_ context.Context, fn func(*geo.Place) error) error {
	for _, p := range f.byID {
		if err := fn(p); err != nil {
			return err
		}
	}
	return nil
}

func (f *fakePlaces) CountPlaces(context.Context) (int, int, error) {
	names := 0
	for _, p := range f.byID {
		names += 1 + len(p.AltNames)
	}
	return len(f.byID), names, nil
}

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

func TestImportAlternateNamesAndAdminCodes(t *testing.T) {
	ctx := context.Background()
	places := &fakePlaces{byID: map[int64]*geo.Place{}}
	dir := filepath.Join("..", "..", "geo", "gazetteer", "testdata", "geonames")
	var out bytes.Buffer
	for _, f := range []string{"places.txt", "alternateNamesV2.txt", "admin1CodesASCII.txt"} {
		if err := importSource(ctx, places, filepath.Join(dir, f), true, &bytes.Buffer{}, &out); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
	}
	abu := places.byID[174611]
	has := false
	for _, n := range abu.AltNames {
		has = has || n == "Abu al-Duhur"
		if n == "OSXX" {
			t.Errorf("an ICAO code was imported as a name")
		}
	}
	if !has {
		t.Errorf("alternate names %q lack the imported Abu al-Duhur", abu.AltNames)
	}
	g, err := loadGazetteer(ctx, places)
	if err != nil {
		t.Fatal(err)
	}
	if a := g.Admin1("SY", "12"); a == nil || a.Name != "Idlib" || a.Lat == 0 {
		t.Errorf("Admin1(SY, 12)=%v, want Idlib placed among its towns", a)
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
