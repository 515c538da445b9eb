package gazetteer

import (
	"archive/zip"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/incidentmap/incidentmap/geo"
)

func mustOpen(tb testing.TB, name string) *os.File {
	tb.Helper()
	f, err := os.Open(filepath.Join("testdata", "geonames", name))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { f.Close() })
	return f
}

func TestReadGeoNames(t *testing.T) {
	var got []*geo.Place
	if err := ReadGeoNames(mustOpen(t, "places.txt"), func(p *geo.Place) error { got = append(got, p); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 {
		t.Fatalf("read %d places, want 3", len(got))
	}
	p := got[0]
	if p.GeonameID != 174611 || p.Name != "Abū az̧ Z̧uhūr" || p.Lat != 35.74058 || p.Lon != 37.0448 ||
		p.FeatureCode != "PPLA3" || p.CountryCode != "SY" || p.Admin1Code != "12" || p.Population != 1200 {
		t.Errorf("first place = %+v", p)
	}
	if len(p.AltNames) != 3 || p.AltNames[1] != "Abu ad Duhur" {
		t.Errorf("AltNames=%q, want the 3 comma-separated names", p.AltNames)
	}
}

func TestReadGeoNamesErrors(t *testing.T) {
	tests := []struct {
		file, want string
	}{
		{"bad_latitude.txt", "line 3: bad coordinates"},
		{"short_row.txt", "line 1: 3 columns, want 19"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			err := ReadGeoNames(mustOpen(t, tt.file), func(*geo.Place) error { return nil })
			if geo.ErrorCode(err) != geo.EINVALID || !strings.Contains(geo.ErrorMessage(err), tt.want) {
				t.Errorf("err=%v, want EINVALID containing %q", err, tt.want)
			}
		})
	}
}

func TestReadCountryInfo(t *testing.T) {
	for _, file := range []string{"countryInfo_comments.txt", "countryInfo_plain.txt"} {
		t.Run(file, func(t *testing.T) {
			var got []CountryInfo
			if err := ReadCountryInfo(mustOpen(t, file), func(c CountryInfo) error { got = append(got, c); return nil }); err != nil {
				t.Fatal(err)
			}
			if len(got) != 2 || got[0].ISO != "SY" || got[0].GeonameID != 163843 || got[0].Population != 22198110 ||
				len(got[0].Neighbours) != 5 || got[1].Capital != "Abu Dhabi" {
				t.Errorf("got %+v", got)
			}
		})
	}
}

func TestReadAdminCodes(t *testing.T) {
	var got []*geo.Place
	collect := func(p *geo.Place) error { got = append(got, p); return nil }
	if err := ReadAdminCodes(mustOpen(t, "admin1CodesASCII.txt"), collect); err != nil {
		t.Fatal(err)
	}
	if err := ReadAdminCodes(mustOpen(t, "admin2Codes.txt"), collect); err != nil {
		t.Fatal(err)
	}
	want := []geo.Place{
		{GeonameID: 169387, Name: "Idlib", FeatureCode: "ADM1", CountryCode: "SY", Admin1Code: "12"},
		{GeonameID: 170015, Name: "Hama", FeatureCode: "ADM1", CountryCode: "SY", Admin1Code: "10"},
		{GeonameID: 4200108, Name: "Hall County", FeatureCode: "ADM2", CountryCode: "US", Admin1Code: "GA", Admin2Code: "139"},
	}
	if len(got) != len(want) {
		t.Fatalf("read %d, want %d", len(got), len(want))
	}
	for i, w := range want {
		g := got[i]
		if g.GeonameID != w.GeonameID || g.Name != w.Name || g.FeatureCode != w.FeatureCode ||
			g.CountryCode != w.CountryCode || g.Admin1Code != w.Admin1Code || g.Admin2Code != w.Admin2Code {
			t.Errorf("place %d = %+v, want %+v", i, g, w)
		}
	}
	err := ReadAdminCodes(strings.NewReader("SY12\tIdlib\tIdlib\t169387\n"), collect)
	if geo.ErrorCode(err) != geo.EINVALID || !strings.Contains(geo.ErrorMessage(err), "line 1") {
		t.Errorf("bad code: err=%v, want EINVALID on line 1", err)
	}
}

func TestReadAlternateNames(t *testing.T) {
	var got []AltName
	if err := ReadAlternateNames(mustOpen(t, "alternateNamesV2.txt"), func(a AltName) error { got = append(got, a); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[0].Name != "Abu al-Duhur" || got[0].IsCode() || !got[1].IsCode() || !got[2].Preferred {
		t.Errorf("got %+v", got)
	}
}

func TestKindOf(t *testing.T) {
	tests := map[string]FileKind{
		"cities500.txt": KindPlaces, "https://download.geonames.org/export/dump/SY.zip": KindPlaces,
		"countryInfo.txt": KindCountryInfo, "admin1CodesASCII.txt": KindAdmin1, "admin2Codes.txt": KindAdmin2,
		"alternateNamesV2.zip": KindAlternateNames, "node_modules/world-countries/countries.json": KindCountriesJSON,
	}
	for name, want := range tests {
		if got := KindOf(name); got != want {
			t.Errorf("KindOf(%q)=%s, want %s", name, got, want)
		}
	}
}

func TestOpenZip(t *testing.T) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range map[string]string{"readme.txt": strings.Repeat("read me ", 100), "SY.txt": "data"} {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, body)
	}
	zw.Close()
	rc, name, err := OpenZip(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	b, _ := io.ReadAll(rc)
	if name != "SY.txt" || string(b) != "data" {
		t.Errorf("OpenZip gave %s %q, want SY.txt \"data\" (never the readme)", name, b)
	}
	if _, _, err := OpenZip(strings.NewReader("not a zip"), 9); geo.ErrorCode(err) != geo.EINVALID {
		t.Errorf("not a zip: err=%v, want EINVALID", err)
	}
}
