package importer

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/incidentmap/incidentmap/geo"
)

// fakePlaces is an in-memory Store.
type fakePlaces struct {
	byID     map[int64]*geo.Place
	settings map[string]string
}

var _ Store = (*fakePlaces)(nil)

func (f *fakePlaces) Setting(_ context.Context, key string) (string, bool, error) {
	v, ok := f.settings[key]
	return v, ok, nil
}

func (f *fakePlaces) SetSetting(_ context.Context, key, value string) error {
	if f.settings == nil {
		f.settings = map[string]string{}
	}
	f.settings[key] = value
	return nil
}

func (f *fakePlaces) DeleteSetting(_ context.Context, key string) error {
	delete(f.settings, key)
	return nil
}

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

func TestImportAlternateNamesAndAdminCodes(t *testing.T) {
	ctx := context.Background()
	places := &fakePlaces{byID: map[int64]*geo.Place{}}
	dir := filepath.Join("..", "testdata", "geonames")
	for _, f := range []string{"places.txt", "alternateNamesV2.txt", "admin1CodesASCII.txt"} {
		if _, err := ImportFile(ctx, places, filepath.Join(dir, f), nil); err != nil {
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
	g, err := Load(ctx, places)
	if err != nil {
		t.Fatal(err)
	}
	if a := g.Admin1("SY", "12"); a == nil || a.Name != "Idlib" || a.Lat == 0 {
		t.Errorf("Admin1(SY, 12)=%v, want Idlib placed among its towns", a)
	}
}
