package gazetteer

import (
	"encoding/json"
	"hash/fnv"
	"io"
	"strings"

	"github.com/incidentmap/incidentmap/geo"
)

// Admin-1 areas (states, provinces, governorates) are not in cities500.
// The default gazetteer derives them offline:
//
//   - the point of an area is the median point of the cities500 places
//     that carry its admin-1 code (Builder.Build does this for any
//     ADM1 place without coordinates);
//   - its English name comes from the Unicode CLDR subdivision names (npm
//     package cldr-subdivisions-full, Unicode-3.0 licence, a permissive
//     licence), matched to GeoNames' admin-1 codes where GeoNames uses the
//     ISO 3166-2 code itself (US states "TX", British nations "ENG", Swiss
//     cantons "ZH") or where the area is named after its capital (a PPLA
//     place: "Idlib" → SY.12, "Hama" → SY.10), or, for the divisions news
//     names most that are not (Ontario, Queensland, Guangdong), through the
//     capital listed in admin1Capitals.
//
// Areas neither rule names stay nameless until a user imports GeoNames'
// admin1CodesASCII.txt (CC BY 4.0) with `incidentmap gazetteer import`,
// which gives every area its GeoNames id and name. country-state-city
// (GPL-3.0) was not used for its licence.

// ReadCLDRSubdivisions reads cldr-subdivisions-full's
// subdivisions/en/subdivisions.json and returns ISO 3166-2 code without the
// hyphen, lower-case ("usca", "syid") → English name.
func ReadCLDRSubdivisions(r io.Reader) (map[string]string, error) {
	var doc struct {
		Subdivisions struct {
			LocaleDisplayNames struct {
				Subdivisions map[string]string `json:"subdivisions"`
			} `json:"localeDisplayNames"`
		} `json:"subdivisions"`
	}
	if err := json.NewDecoder(r).Decode(&doc); err != nil {
		return nil, geo.Errorf(geo.EINVALID, "CLDR subdivisions JSON: %v", err)
	}
	m := doc.Subdivisions.LocaleDisplayNames.Subdivisions
	if len(m) == 0 {
		return nil, geo.Errorf(geo.EINVALID, "CLDR subdivisions JSON: no subdivisions")
	}
	return m, nil
}

// DeriveAdmin1 returns one ADM1 place per admin-1 code of places that the
// CLDR names (see above) can name, without coordinates (Build places them).
// Ids are SyntheticAdmin1Base + FNV-1a("CC.code") mod 1e8.
func DeriveAdmin1(places []*geo.Place, subdivisions map[string]string) []*geo.Place {
	type area struct{ cc, code string }
	codes := map[area]bool{}
	capitals := map[string][]area{} // cc + strict name of a PPLA → its areas
	for _, p := range places {
		if p.CountryCode == "" || p.Admin1Code == "" || p.Admin1Code == "00" {
			continue
		}
		a := area{p.CountryCode, p.Admin1Code}
		codes[a] = true
		if p.FeatureCode == "PPLA" || p.FeatureCode == "PPLC" {
			k := p.CountryCode + "|" + StrictKey(p.Name)
			capitals[k] = append(capitals[k], a)
		}
	}
	named := map[area]string{}
	for iso, name := range subdivisions {
		if len(iso) < 3 {
			continue
		}
		cc := strings.ToUpper(iso[:2])
		if a := (area{cc, strings.ToUpper(iso[2:])}); codes[a] && isAlpha(a.code) {
			named[a] = name
			continue
		}
		if as := capitals[cc+"|"+StrictKey(name)]; len(as) == 1 {
			if _, ok := named[as[0]]; !ok {
				named[as[0]] = name
			}
		}
	}
	alts := map[area][]string{}
	for _, e := range admin1Capitals {
		as := capitals[e.CC+"|"+StrictKey(e.Capital)]
		if len(as) != 1 {
			continue
		}
		named[as[0]] = e.Name
		alts[as[0]] = e.Alt
	}
	out := make([]*geo.Place, 0, len(named))
	for a, name := range named {
		h := fnv.New32a()
		h.Write([]byte(a.cc + "." + a.code))
		out = append(out, &geo.Place{GeonameID: SyntheticAdmin1Base + int64(h.Sum32()%100_000_000),
			Name: name, ASCIIName: name, AltNames: alts[a], FeatureClass: "A", FeatureCode: "ADM1",
			CountryCode: a.cc, Admin1Code: a.code})
	}
	return out
}

func isAlpha(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return s != ""
}
