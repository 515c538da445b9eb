package gazetteer

import (
	"hash/fnv"
	"io"
	"strconv"
	"strings"

	"github.com/incidentmap/incidentmap/geo"
	"github.com/incidentmap/incidentmap/tiles/topojson"
)

// US counties are GeoNames ADM2 areas, absent from cities500, and local US
// news names them constantly ("Hall County"). The default gazetteer takes
// them from the npm package us-atlas (ISC licence; US Census Bureau
// boundaries, public domain): one place per county at the centre of its
// bounding box, named "<name> County" ("Parish" in Louisiana, "Borough" in
// Alaska), with the state's postal code as admin-1 code.

// ReadUSCounties reads us-atlas counties-10m.json. stateCodes maps a state's
// English name to its postal code ("Georgia" → "GA"); states it lacks get
// no admin-1 code.
func ReadUSCounties(r io.Reader, stateCodes map[string]string) ([]*geo.Place, error) {
	t, err := readTopology(r)
	if err != nil {
		return nil, geo.Errorf(geo.EINVALID, "us-atlas TopoJSON: %v", err)
	}
	stateGeoms, err := objectGeometries(t, "states")
	if err != nil {
		return nil, geo.Errorf(geo.EINVALID, "us-atlas TopoJSON: %v", err)
	}
	states := map[string]string{} // FIPS → postal code
	for _, g := range stateGeoms {
		states[g.ID] = stateCodes[propName(g)]
	}
	counties, err := objectGeometries(t, "counties")
	if err != nil {
		return nil, geo.Errorf(geo.EINVALID, "us-atlas TopoJSON: %v", err)
	}
	var out []*geo.Place
	for _, g := range counties {
		fips, err := strconv.Atoi(g.ID)
		name := propName(g)
		if err != nil || len(g.ID) != 5 || name == "" {
			continue
		}
		minX, minY, maxX, maxY := 180.0, 90.0, -180.0, -90.0
		for _, i := range g.ArcIndexes() {
			if i < 0 {
				i = ^i // direction does not matter to a bounding box
			}
			a, err := t.Arc(i)
			if err != nil {
				return nil, geo.Errorf(geo.EINVALID, "us-atlas TopoJSON: county %s: %v", g.ID, err)
			}
			for _, p := range a {
				minX, maxX = min(minX, p[0]), max(maxX, p[0])
				minY, maxY = min(minY, p[1]), max(maxY, p[1])
			}
		}
		if minX > maxX {
			continue
		}
		switch g.ID[:2] {
		case "22":
			name += " Parish"
		case "02":
			name += " Borough"
		default:
			if !strings.HasSuffix(strings.ToLower(name), " city") {
				name += " County"
			}
		}
		out = append(out, &geo.Place{GeonameID: SyntheticCountyBase + int64(fips), Name: name, ASCIIName: name,
			Lat: (minY + maxY) / 2, Lon: (minX + maxX) / 2, FeatureClass: "A", FeatureCode: "ADM2",
			CountryCode: "US", Admin1Code: states[g.ID[:2]], Admin2Code: g.ID[2:]})
	}
	return out, nil
}

// propName is a geometry's "name" property, "" if it has none.
func propName(g topojson.Geometry) string {
	n, _ := g.Properties["name"].(string)
	return n
}

// USStateCodes returns state name → postal code from CLDR subdivision
// names ("usga" → "Georgia" gives "Georgia" → "GA").
func USStateCodes(subdivisions map[string]string) map[string]string {
	m := map[string]string{}
	for code, name := range subdivisions {
		if len(code) == 4 && strings.HasPrefix(code, "us") {
			m[name] = strings.ToUpper(code[2:])
		}
	}
	return m
}

// Counties of Great Britain and Ireland are GeoNames ADM2 areas too, and
// British and Irish news names them as Americans name states ("a farm in
// Suffolk", "Fife"). cities500 gives every town its county's admin-2
// code but no county names, and CLDR's names carry ISO codes GeoNames does
// not use; so, as admin1Capitals does for provinces, each county is found
// through its seat (a town of the county, preferably its PPLA2), whose
// admin-1 and admin-2 codes it takes. Builder.Build places it at
// the centre of its towns. Only names that are not themselves towns are
// listed bare ("Suffolk", "Fife"); a county named after its town is listed
// in its "County X" form alone ("County Cork"), so "Cork" stays the city.
// A metropolitan or ceremonial county spread over several admin-2 areas
// is placed at its main one: within a county's size of the right point.
var countySeats = []struct {
	CC, Admin1, Name, Seat string
	Alt                    []string
}{
	// England
	{"GB", "ENG", "Bedfordshire", "Bedford", nil},
	{"GB", "ENG", "Berkshire", "Reading", nil},
	{"GB", "ENG", "Buckinghamshire", "Aylesbury", []string{"Bucks"}},
	{"GB", "ENG", "Cambridgeshire", "Cambridge", nil},
	{"GB", "ENG", "Cheshire", "Chester", nil},
	{"GB", "ENG", "Cornwall", "Truro", nil},
	{"GB", "ENG", "Cumbria", "Carlisle", nil},
	{"GB", "ENG", "Derbyshire", "Matlock", nil},
	{"GB", "ENG", "Devon", "Exeter", nil},
	{"GB", "ENG", "Dorset", "Dorchester", nil},
	{"GB", "ENG", "County Durham", "Durham", nil},
	{"GB", "ENG", "East Sussex", "Lewes", nil},
	{"GB", "ENG", "West Sussex", "Chichester", nil},
	{"GB", "ENG", "Essex", "Chelmsford", nil},
	{"GB", "ENG", "Gloucestershire", "Gloucester", nil},
	{"GB", "ENG", "Hampshire", "Winchester", []string{"Hants"}},
	{"GB", "ENG", "Herefordshire", "Hereford", nil},
	{"GB", "ENG", "Hertfordshire", "Hertford", []string{"Herts"}},
	{"GB", "ENG", "Isle of Wight", "Newport", nil},
	{"GB", "ENG", "Kent", "Maidstone", nil},
	{"GB", "ENG", "Lancashire", "Preston", nil},
	{"GB", "ENG", "Leicestershire", "Glenfield", nil},
	{"GB", "ENG", "Lincolnshire", "Lincoln", nil},
	{"GB", "ENG", "Norfolk", "Norwich", nil},
	{"GB", "ENG", "Northamptonshire", "Northampton", nil},
	{"GB", "ENG", "Northumberland", "Morpeth", nil},
	{"GB", "ENG", "North Yorkshire", "Northallerton", nil},
	{"GB", "ENG", "East Riding of Yorkshire", "Beverley", []string{"East Yorkshire"}},
	{"GB", "ENG", "South Yorkshire", "Sheffield", nil},
	{"GB", "ENG", "West Yorkshire", "Wakefield", nil},
	{"GB", "ENG", "Nottinghamshire", "West Bridgford", []string{"Notts"}},
	{"GB", "ENG", "Oxfordshire", "Oxford", nil},
	{"GB", "ENG", "Rutland", "Oakham", nil},
	{"GB", "ENG", "Shropshire", "Shrewsbury", nil},
	{"GB", "ENG", "Somerset", "Taunton", nil},
	{"GB", "ENG", "Staffordshire", "Stafford", nil},
	{"GB", "ENG", "Suffolk", "Ipswich", nil},
	{"GB", "ENG", "Surrey", "Guildford", nil},
	{"GB", "ENG", "Warwickshire", "Warwick", nil},
	{"GB", "ENG", "Wiltshire", "Trowbridge", nil},
	{"GB", "ENG", "Worcestershire", "Worcester", nil},
	{"GB", "ENG", "Greater London", "London", nil},
	{"GB", "ENG", "Greater Manchester", "Manchester", nil},
	{"GB", "ENG", "Merseyside", "Liverpool", nil},
	{"GB", "ENG", "Tyne and Wear", "Newcastle upon Tyne", nil},
	// Scotland
	{"GB", "SCT", "Aberdeenshire", "Inverurie", nil},
	{"GB", "SCT", "Angus", "Forfar", nil},
	{"GB", "SCT", "Argyll and Bute", "Lochgilphead", []string{"Argyll"}},
	{"GB", "SCT", "Scottish Borders", "Newtown St Boswells", nil},
	{"GB", "SCT", "Clackmannanshire", "Alloa", nil},
	{"GB", "SCT", "Dumfries and Galloway", "Dumfries", nil},
	{"GB", "SCT", "East Ayrshire", "Kilmarnock", nil},
	{"GB", "SCT", "North Ayrshire", "Irvine", nil},
	{"GB", "SCT", "South Ayrshire", "Ayr", nil},
	{"GB", "SCT", "East Dunbartonshire", "Kirkintilloch", nil},
	{"GB", "SCT", "West Dunbartonshire", "Dumbarton", nil},
	{"GB", "SCT", "East Lothian", "Haddington", nil},
	{"GB", "SCT", "West Lothian", "Livingston", nil},
	{"GB", "SCT", "Midlothian", "Dalkeith", nil},
	{"GB", "SCT", "East Renfrewshire", "Giffnock", nil},
	{"GB", "SCT", "Renfrewshire", "Paisley", nil},
	{"GB", "SCT", "Fife", "Glenrothes", nil},
	{"GB", "SCT", "Highland", "Inverness", []string{"Scottish Highlands"}},
	{"GB", "SCT", "Inverclyde", "Greenock", nil},
	{"GB", "SCT", "Moray", "Elgin", nil},
	{"GB", "SCT", "North Lanarkshire", "Motherwell", nil},
	{"GB", "SCT", "South Lanarkshire", "Hamilton", nil},
	{"GB", "SCT", "Orkney", "Kirkwall", []string{"Orkney Islands"}},
	{"GB", "SCT", "Shetland", "Lerwick", []string{"Shetland Islands"}},
	{"GB", "SCT", "Perth and Kinross", "Perth", nil},
	{"GB", "SCT", "Outer Hebrides", "Stornoway", []string{"Western Isles", "Na h-Eileanan Siar"}},
	// Wales
	{"GB", "WLS", "Anglesey", "Llangefni", []string{"Isle of Anglesey"}},
	{"GB", "WLS", "Blaenau Gwent", "Ebbw Vale", nil},
	{"GB", "WLS", "Ceredigion", "Aberaeron", nil},
	{"GB", "WLS", "Carmarthenshire", "Carmarthen", nil},
	{"GB", "WLS", "Denbighshire", "Ruthin", nil},
	{"GB", "WLS", "Flintshire", "Mold", nil},
	{"GB", "WLS", "Gwynedd", "Caernarfon", nil},
	{"GB", "WLS", "Monmouthshire", "Usk", nil},
	{"GB", "WLS", "Pembrokeshire", "Haverfordwest", nil},
	{"GB", "WLS", "Powys", "Llandrindod Wells", nil},
	{"GB", "WLS", "Rhondda Cynon Taf", "Pontypridd", nil},
	{"GB", "WLS", "Torfaen", "Pontypool", nil},
	{"GB", "WLS", "Vale of Glamorgan", "Barry", nil},
	// Northern Ireland
	{"GB", "NIR", "County Antrim", "Antrim", nil},
	{"GB", "NIR", "County Armagh", "Armagh", nil},
	{"GB", "NIR", "County Down", "Downpatrick", nil},
	{"GB", "NIR", "Fermanagh", "Enniskillen", []string{"County Fermanagh"}},
	{"GB", "NIR", "County Londonderry", "Coleraine", nil},
	{"GB", "NIR", "County Tyrone", "Omagh", nil},
	// Ireland
	{"IE", "", "County Carlow", "Carlow", nil},
	{"IE", "", "County Cavan", "Cavan", nil},
	{"IE", "", "Clare", "Ennis", []string{"County Clare"}},
	{"IE", "", "County Cork", "Cork", nil},
	{"IE", "", "Donegal", "Leifear", []string{"County Donegal"}},
	{"IE", "", "County Dublin", "Dublin", nil},
	{"IE", "", "County Galway", "Gaillimh", nil},
	{"IE", "", "Kerry", "Tralee", []string{"County Kerry"}},
	{"IE", "", "Kildare", "Naas", []string{"County Kildare"}},
	{"IE", "", "County Kilkenny", "Kilkenny", nil},
	{"IE", "", "Laois", "Portlaoise", []string{"County Laois"}},
	{"IE", "", "Leitrim", "Carrick-on-Shannon", []string{"County Leitrim"}},
	{"IE", "", "County Limerick", "Limerick", nil},
	{"IE", "", "County Longford", "Longford", nil},
	{"IE", "", "Louth", "Dundalk", []string{"County Louth"}},
	{"IE", "", "Mayo", "Castlebar", []string{"County Mayo"}},
	{"IE", "", "Meath", "Navan", []string{"County Meath"}},
	{"IE", "", "County Monaghan", "Monaghan", nil},
	{"IE", "", "Offaly", "Tullamore", []string{"County Offaly"}},
	{"IE", "", "County Roscommon", "Roscommon", nil},
	{"IE", "", "County Sligo", "Sligo", nil},
	{"IE", "", "Tipperary", "Cluain Meala", []string{"County Tipperary"}},
	{"IE", "", "County Waterford", "Waterford", nil},
	{"IE", "", "Westmeath", "An Muileann gCearr", []string{"County Westmeath"}},
	{"IE", "", "County Wexford", "Wexford", nil},
	{"IE", "", "County Wicklow", "Wicklow", nil},
}

// DeriveCounties returns one ADM2 place per countySeats entry whose seat
// is among places, without coordinates (Build places it). Ids are
// SyntheticOtherCountyBase + FNV-1a("CC|name") mod 1e6.
func DeriveCounties(places []*geo.Place) []*geo.Place {
	type seat struct {
		p    *geo.Place
		rank int
	}
	want := map[string]bool{}
	for _, e := range countySeats {
		want[e.CC+"|"+StrictKey(e.Seat)] = true
	}
	seats := map[string]seat{} // CC|admin1|seat key → best town
	for _, p := range places {
		if p.FeatureClass != "P" || p.Admin2Code == "" {
			continue
		}
		k := p.CountryCode + "|" + StrictKey(p.Name)
		if !want[k] {
			continue
		}
		r := 0
		if p.FeatureCode == "PPLA2" || p.FeatureCode == "PPLA" || p.FeatureCode == "PPLC" {
			r = 1
		}
		for _, a1 := range []string{"", p.Admin1Code} {
			key := p.CountryCode + "|" + a1 + "|" + StrictKey(p.Name)
			if s, ok := seats[key]; !ok || r > s.rank || r == s.rank && p.Population > s.p.Population {
				seats[key] = seat{p, r}
			}
		}
	}
	out := make([]*geo.Place, 0, len(countySeats))
	for _, e := range countySeats {
		s, ok := seats[e.CC+"|"+e.Admin1+"|"+StrictKey(e.Seat)]
		if !ok {
			continue
		}
		h := fnv.New32a()
		h.Write([]byte(e.CC + "|" + e.Name))
		out = append(out, &geo.Place{GeonameID: SyntheticOtherCountyBase + int64(h.Sum32()%1_000_000),
			Name: e.Name, ASCIIName: e.Name, AltNames: e.Alt, FeatureClass: "A", FeatureCode: "ADM2",
			CountryCode: e.CC, Admin1Code: s.p.Admin1Code, Admin2Code: s.p.Admin2Code})
	}
	return out
}
