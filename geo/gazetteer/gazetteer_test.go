package gazetteer_test

import (
	"fmt"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/incidentmap/incidentmap/geo"
	"github.com/incidentmap/incidentmap/geo/gazetteer"
	"github.com/incidentmap/incidentmap/geo/internal/geotest"
)

func TestGazetteerLookup(t *testing.T) {
	b := gazetteer.NewBuilder(4)
	b.Add(&geo.Place{GeonameID: 174611, Name: "Abū az̧ Z̧uhūr", ASCIIName: "Abu az Zuhur",
		AltNames: []string{"Abu ad Duhur", "Abu ed Duhur", "Abou ed Douhour"}, Lat: 35.74058, Lon: 37.0448,
		FeatureClass: "P", FeatureCode: "PPLA3", CountryCode: "SY", Admin1Code: "12"})
	b.Add(&geo.Place{GeonameID: 3451190, Name: "Teresina", AltNames: []string{"THE", "Teresina City"}, FeatureClass: "P", FeatureCode: "PPLA", CountryCode: "BR"})
	b.Add(&geo.Place{GeonameID: 169387, Name: "Idlib", FeatureClass: "A", FeatureCode: "ADM1", CountryCode: "SY", Admin1Code: "12"})
	b.Add(&geo.Place{GeonameID: 169389, Name: "Idlib", Lat: 35.93, Lon: 36.63, FeatureClass: "P", FeatureCode: "PPLA", CountryCode: "SY", Admin1Code: "12"})
	b.Add(&geo.Place{GeonameID: gazetteer.SyntheticCountryBase + 1, Name: "United Kingdom", AltNames: []string{"UK", "adj:British"}, FeatureClass: "A", FeatureCode: "PCLI", CountryCode: "GB"})
	g := b.Build()

	tests := []struct {
		name    string
		query   string
		wantIDs []int64
		loose   bool
	}{
		{"strict main name", "Idlib", []int64{169387, 169389}, false},
		{"loose transliteration", "Abu al-Duhur", []int64{174611}, true},
		{"strict alternate name", "abu ed duhur", []int64{174611}, false},
		{"airport code is not indexed", "THE", nil, false},
		{"curated acronym", "UK", []int64{gazetteer.SyntheticCountryBase + 1}, false},
		{"demonym is not a name", "British", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ms := g.Lookup(tt.query)
			var ids []int64
			for _, m := range ms {
				ids = append(ids, m.Place.GeonameID)
				if m.Loose != tt.loose {
					t.Errorf("Loose=%v, want %v", m.Loose, tt.loose)
				}
			}
			if len(ids) != len(tt.wantIDs) {
				t.Fatalf("Lookup(%q) ids=%v, want %v", tt.query, ids, tt.wantIDs)
			}
			for i := range ids {
				if ids[i] != tt.wantIDs[i] {
					t.Errorf("Lookup(%q) ids=%v, want %v", tt.query, ids, tt.wantIDs)
				}
			}
		})
	}
	// The governorate has no coordinates: it goes to the middle of the
	// extent of its two towns.
	if a := g.Admin1("SY", "12"); a == nil || math.Abs(a.Lat-(35.74058+35.93)/2) > 1e-9 || math.Abs(a.Lon-(37.0448+36.63)/2) > 1e-9 {
		t.Errorf("Admin1(SY, 12)=%v, want the middle of its towns' extent", a)
	}
	if d := g.Demonym("British"); d == nil || d.CountryCode != "GB" {
		t.Errorf("Demonym(British)=%v, want GB", d)
	}
}

func TestDefaultGazetteer(t *testing.T) {
	g, err := gazetteer.LoadDefault(os.DirFS(geotest.AssetsDir(t)))
	if err != nil {
		t.Fatal(err)
	}
	if g.Len() < 190_000 {
		t.Errorf("Len()=%d, want ≥ 190000", g.Len())
	}
	checks := []struct{ name, cc string }{{"Syria", "SY"}, {"U.S.", "US"}, {"Britain", "GB"}, {"Abu al-Duhur", "SY"}, {"Texas", "US"}}
	for _, c := range checks {
		found := false
		for _, m := range g.Lookup(c.name) {
			found = found || m.Place.CountryCode == c.cc
		}
		if !found {
			t.Errorf("Lookup(%q): no place in %s", c.name, c.cc)
		}
	}
	if d := g.Demonym("Syrians"); d == nil || d.CountryCode != "SY" {
		t.Errorf("Demonym(Syrians)=%v, want SY", d)
	}
	if a := g.Admin1("SY", "12"); a == nil || !strings.EqualFold(a.Name, "Idlib") || geo.HaversineKm(a.Lat, a.Lon, 35.77, 36.67) > 60 {
		t.Errorf("Admin1(SY, 12)=%+v, want Idlib near 35.77 N 36.67 E", a)
	}
}

// BenchmarkLoadDefaultGazetteer measures start-up: reading cities500,
// countries and admin-1 names and indexing every name (target < 2 s).
func BenchmarkLoadDefaultGazetteer(b *testing.B) {
	fsys := os.DirFS(geotest.AssetsDir(b))
	for b.Loop() {
		if _, err := gazetteer.LoadDefault(fsys); err != nil {
			b.Fatal(err)
		}
	}
}

func TestImportedAdmin1ReplacesDerived(t *testing.T) {
	b := gazetteer.NewBuilder(3)
	b.Add(&geo.Place{GeonameID: 2147291, Name: "Sydney", Lat: -33.87, Lon: 151.21, FeatureClass: "P", FeatureCode: "PPLA", CountryCode: "AU", Admin1Code: "02"})
	b.Add(&geo.Place{GeonameID: gazetteer.SyntheticAdmin1Base + 7, Name: "New South Wales", AltNames: []string{"NSW"}, FeatureClass: "A", FeatureCode: "ADM1", CountryCode: "AU", Admin1Code: "02", Lat: -32.2, Lon: 147.0})
	b.Add(&geo.Place{GeonameID: 2155400, Name: "State of New South Wales", FeatureClass: "A", FeatureCode: "ADM1", CountryCode: "AU", Admin1Code: "02"})
	g := b.Build()
	a := g.Admin1("AU", "02")
	if a == nil || a.GeonameID != 2155400 || g.Len() != 2 {
		t.Fatalf("Admin1(AU, 02)=%v, Len()=%d; want the imported GeoNames area only", a, g.Len())
	}
	// The import has no coordinates: the derived area's point, not the
	// middle of its towns (Sydney), places it.
	if a.Lat != -32.2 || a.Lon != 147.0 {
		t.Errorf("imported area at %v,%v; want the derived point -32.2,147", a.Lat, a.Lon)
	}
	for _, name := range []string{"New South Wales", "NSW", "State of New South Wales"} {
		if ms := g.Lookup(name); len(ms) != 1 || ms[0].Place.GeonameID != 2155400 {
			t.Errorf("Lookup(%q)=%v, want the GeoNames area", name, ms)
		}
	}
}

// Build moves names into one arena and codes into shared strings, and
// packs postings into 12 bytes: every field must come out as it went in,
// every flag must survive the packing, and places sharing a key must keep
// the order they were added in.
func TestGazetteerCompactKeepsPlaces(t *testing.T) {
	// Fields cut from one line, as ReadGeoNames gives them.
	line := "Tall Rif'at\tTall Rifat\tP\tPPL\tSY\t09\t"
	f := strings.Split(line, "\t")
	in := []geo.Place{
		{GeonameID: 1, Name: f[0], ASCIIName: f[1], AltNames: []string{"Tel Rifaat"}, Lat: 36.47, Lon: 37.1,
			FeatureClass: f[2], FeatureCode: f[3], CountryCode: f[4], Admin1Code: f[5], Admin2Code: f[6], Population: 20514},
		{GeonameID: 2, Name: "Springfield", ASCIIName: "Springfield", FeatureClass: "P", FeatureCode: "PPLA2", CountryCode: "US", Admin1Code: "IL", Admin2Code: "167", Population: 114394},
		{GeonameID: 3, Name: "Springfield", FeatureClass: "P", FeatureCode: "PPL", CountryCode: "US", Admin1Code: "MO", Admin2Code: "077", Population: 169176},
		{GeonameID: gazetteer.SyntheticCountryBase + 2, Name: "United Arab Emirates", AltNames: []string{"UAE", "Emirates"}, FeatureClass: "A", FeatureCode: "PCLI", CountryCode: "AE"},
		{GeonameID: 4, Name: "Springfield", ASCIIName: "Springfield", FeatureClass: "P", FeatureCode: "PPL", CountryCode: "US", Admin1Code: "MA", Admin2Code: "013", Population: 155929},
	}
	b := gazetteer.NewBuilder(len(in))
	for i := range in {
		b.Add(&in[i])
	}
	g := b.Build()

	byID := map[int64]*geo.Place{}
	g.Places(func(p *geo.Place) { byID[p.GeonameID] = p })
	for _, want := range in {
		t.Run(want.Name, func(t *testing.T) {
			got := byID[want.GeonameID]
			if got == nil {
				t.Fatalf("place %d missing", want.GeonameID)
			}
			want.AltNames = nil // kept in the index only
			if got.Name != want.Name || got.ASCIIName != want.ASCIIName || got.FeatureClass != want.FeatureClass ||
				got.FeatureCode != want.FeatureCode || got.CountryCode != want.CountryCode || got.Admin1Code != want.Admin1Code ||
				got.Admin2Code != want.Admin2Code || got.Population != want.Population || got.Lat != want.Lat || got.Lon != want.Lon ||
				got.AltNames != nil {
				t.Errorf("place after Build=%+v, want %+v", *got, want)
			}
		})
	}

	tests := []struct {
		query   string
		wantIDs []int64
		alt     bool
		acronym bool
	}{
		{"Springfield", []int64{2, 3, 4}, false, false},
		{"Tall Rifat", []int64{1}, false, false},
		{"Tel Rifaat", []int64{1}, true, false},
		{"UAE", []int64{gazetteer.SyntheticCountryBase + 2}, true, true},
		{"Emirates", []int64{gazetteer.SyntheticCountryBase + 2}, true, false},
	}
	for _, tt := range tests {
		t.Run("lookup "+tt.query, func(t *testing.T) {
			ms := g.Lookup(tt.query)
			var ids []int64
			for _, m := range ms {
				ids = append(ids, m.Place.GeonameID)
				if m.Alt != tt.alt || m.Acronym != tt.acronym {
					t.Errorf("Lookup(%q) Alt=%v Acronym=%v, want %v %v", tt.query, m.Alt, m.Acronym, tt.alt, tt.acronym)
				}
				if m.Place != byID[m.Place.GeonameID] {
					t.Errorf("Lookup(%q) returned a copy, not the gazetteer's place", tt.query)
				}
			}
			if fmt.Sprint(ids) != fmt.Sprint(tt.wantIDs) {
				t.Errorf("Lookup(%q) ids=%v, want %v (in the order added)", tt.query, ids, tt.wantIDs)
			}
		})
	}
	if !g.HasKey(gazetteer.StrictKey("Springfield")) || g.HasKey(gazetteer.StrictKey("Shelbyville")) {
		t.Error("HasKey disagrees with Lookup")
	}
}
