package gazetteer

import (
	"sort"

	"github.com/incidentmap/incidentmap/geo"
)

// placeAdminAreas gives admin areas that lack coordinates the centre of
// the populated places inside them, and drops those that contain none.
func placeAdminAreas(ps []geo.Place) []geo.Place {
	need := map[adminArea][]float64{}
	for _, p := range ps {
		if (p.FeatureCode == "ADM1" || p.FeatureCode == "ADM2") && p.Lat == 0 && p.Lon == 0 {
			need[areaOf(p.FeatureCode, &p)] = nil
		}
	}
	if len(need) == 0 {
		return ps
	}
	lats, lons := map[adminArea][]float64{}, map[adminArea][]float64{}
	for i := range ps {
		p := &ps[i]
		if p.FeatureClass != "P" {
			continue
		}
		for _, k := range [2]adminArea{areaOf("ADM1", p), areaOf("ADM2", p)} {
			if _, ok := need[k]; ok {
				lats[k] = append(lats[k], p.Lat)
				lons[k] = append(lons[k], p.Lon)
			}
		}
	}
	out := ps[:0]
	for _, p := range ps {
		if (p.FeatureCode == "ADM1" || p.FeatureCode == "ADM2") && p.Lat == 0 && p.Lon == 0 {
			k := areaOf(p.FeatureCode, &p)
			if len(lats[k]) == 0 {
				continue
			}
			p.Lat, p.Lon = midRange(lats[k]), midRange(lons[k])
		}
		out = append(out, p)
	}
	return out
}

// adminArea identifies an admin-1 or admin-2 area.
type adminArea struct {
	adm2       bool
	cc, a1, a2 string
}

func areaOf(code string, p *geo.Place) adminArea {
	if code == "ADM2" {
		return adminArea{true, p.CountryCode, p.Admin1Code, p.Admin2Code}
	}
	return adminArea{false, p.CountryCode, p.Admin1Code, ""}
}

// midRange returns the middle of the range of xs without its outer 2 %
// on each side: the centre of an area's extent, as gazetteers place areas,
// rather than its median town, which leans to where people live; the
// trimming drops outlying islands.
func midRange(xs []float64) float64 {
	sort.Float64s(xs)
	cut := len(xs) * 2 / 100
	return (xs[cut] + xs[len(xs)-1-cut]) / 2
}

// preferGeoNamesAdmin1 drops a derived admin-1 area (synthetic id) when a
// GeoNames one with the same code was imported (admin1CodesASCII.txt),
// keeping the derived names ("NSW", the CLDR name) as alternate names of
// the GeoNames area, and the derived point when the GeoNames area has none
// (admin1CodesASCII.txt carries no coordinates): the derived point is the
// centre of the area's land, which the middle of its towns would not be.
func preferGeoNamesAdmin1(ps []geo.Place) []geo.Place {
	real := map[string]int{}
	for i, p := range ps {
		if p.FeatureCode == "ADM1" && p.GeonameID < SyntheticCountryBase {
			real[p.CountryCode+"."+p.Admin1Code] = i
		}
	}
	if len(real) == 0 {
		return ps
	}
	extra := map[int][]string{}
	drop := map[int]bool{}
	for i, p := range ps {
		if p.FeatureCode == "ADM1" && p.GeonameID >= SyntheticAdmin1Base && p.GeonameID < SyntheticCountyBase {
			if r, ok := real[p.CountryCode+"."+p.Admin1Code]; ok {
				extra[r] = append(append(extra[r], p.Name), p.AltNames...)
				drop[i] = true
				if q := &ps[r]; q.Lat == 0 && q.Lon == 0 && (p.Lat != 0 || p.Lon != 0) {
					q.Lat, q.Lon = p.Lat, p.Lon
				}
			}
		}
	}
	out := make([]geo.Place, 0, len(ps)-len(drop))
	for i, p := range ps {
		if drop[i] {
			continue
		}
		if e := extra[i]; len(e) > 0 {
			p.AltNames = append(append([]string(nil), p.AltNames...), e...)
		}
		out = append(out, p)
	}
	return out
}
