package gazetteer

import "github.com/incidentmap/incidentmap/geo"

// regions are continents and world regions that news names but cities500
// lacks. Points are the usual gazetteer centres (GeoNames' CONT/RGN points
// where it has one, rounded); ids are SyntheticRegionBase + index, so keep
// the order stable and append only.
var regions = []struct {
	Name     string
	Alt      []string
	Lat, Lon float64
	Code     string // GeoNames feature code
}{
	{"Africa", []string{"adj:African", "adj:Africans"}, 7.19, 21.09, "CONT"},
	{"Asia", []string{"adj:Asian", "adj:Asians"}, 29.84, 89.30, "CONT"},
	{"Europe", []string{"adj:European", "adj:Europeans"}, 48.69, 9.14, "CONT"},
	{"North America", nil, 46.07, -100.55, "CONT"},
	{"South America", nil, -14.60, -57.66, "CONT"},
	{"Oceania", nil, -18.31, 138.52, "CONT"},
	{"Antarctica", nil, -78.16, 16.41, "CONT"},
	{"Middle East", []string{"Mideast", "Near East", "adj:Middle Eastern"}, 29.0, 41.0, "RGN"},
	{"Central America", nil, 12.77, -85.60, "RGN"},
	{"Latin America", []string{"adj:Latin American", "adj:Latin Americans"}, -14.0, -60.0, "RGN"},
	{"Caribbean", []string{"West Indies"}, 16.0, -73.0, "RGN"},
	{"Southeast Asia", []string{"South-East Asia", "South East Asia"}, 10.0, 108.0, "RGN"},
	{"East Asia", nil, 35.0, 115.0, "RGN"},
	{"South Asia", nil, 22.0, 80.0, "RGN"},
	{"Central Asia", nil, 43.0, 65.0, "RGN"},
	{"West Africa", nil, 12.0, -2.0, "RGN"},
	{"East Africa", nil, 0.0, 36.0, "RGN"},
	{"Southern Africa", nil, -25.0, 25.0, "RGN"},
	{"Central Africa", nil, 2.0, 20.0, "RGN"},
	{"North Africa", nil, 28.0, 10.0, "RGN"},
	{"Sub-Saharan Africa", nil, 0.0, 20.0, "RGN"},
	{"Scandinavia", nil, 63.0, 14.0, "RGN"},
	{"Balkans", nil, 43.0, 21.0, "RGN"},
	{"Eastern Europe", nil, 52.0, 28.0, "RGN"},
	{"Western Europe", nil, 48.0, 5.0, "RGN"},
	{"Persian Gulf", []string{"Gulf region"}, 27.0, 51.0, "GULF"},
	{"Mediterranean", []string{"Mediterranean Sea"}, 35.0, 18.0, "SEA"},
	{"Pacific Ocean", nil, 0.0, -160.0, "OCN"},
	{"Atlantic Ocean", nil, 0.0, -30.0, "OCN"},
	{"Indian Ocean", nil, -10.0, 75.0, "OCN"},
	{"Arctic", nil, 80.0, 0.0, "RGN"},
	{"England", nil, 52.16, -0.70, "ADM1"},
	{"Scotland", []string{"adj:Scottish", "adj:Scot", "adj:Scots"}, 56.5, -4.0, "ADM1"},
	{"Wales", []string{"adj:Welsh"}, 52.5, -3.5, "ADM1"},
	{"Northern Ireland", nil, 54.6, -6.7, "ADM1"},
	{"Gaza Strip", []string{"Gaza"}, 31.42, 34.36, "RGN"},
	{"West Bank", nil, 32.0, 35.25, "RGN"},
	{"Darfur", nil, 13.5, 24.0, "RGN"},
	{"Kurdistan", []string{"adj:Kurdish", "adj:Kurd", "adj:Kurds"}, 36.5, 44.0, "RGN"},
	{"Siberia", nil, 60.0, 100.0, "RGN"},
	{"New England", nil, 43.5, -71.5, "RGN"},
	{"Midwest", nil, 41.5, -93.0, "RGN"},
}

// RegionPlaces returns the continents and regions as gazetteer places.
func RegionPlaces() []*geo.Place {
	cc := map[string]string{"England": "GB", "Scotland": "GB", "Wales": "GB", "Northern Ireland": "GB",
		"Gaza Strip": "PS", "West Bank": "PS", "Darfur": "SD", "Siberia": "RU", "New England": "US", "Midwest": "US"}
	a1 := map[string]string{"England": "ENG", "Scotland": "SCT", "Wales": "WLS", "Northern Ireland": "NIR"}
	out := make([]*geo.Place, 0, len(regions))
	for i, r := range regions {
		class := "L"
		if r.Code == "ADM1" {
			class = "A"
		}
		out = append(out, &geo.Place{GeonameID: SyntheticRegionBase + int64(i), Name: r.Name, ASCIIName: r.Name,
			AltNames: r.Alt, Lat: r.Lat, Lon: r.Lon, FeatureClass: class, FeatureCode: r.Code,
			CountryCode: cc[r.Name], Admin1Code: a1[r.Name]})
	}
	return out
}
