package export

import (
	"strconv"
	"strings"

	"github.com/incidentmap/incidentmap/geo"
)

// csvColumns follow ACLED's names where one exists, so analysts' existing
// spreadsheets and scripts read our exports.
var csvColumns = []string{"event_id", "event_date", "time_precision", "report_date", "location_as_written",
	"location", "admin1", "country", "latitude", "longitude", "geo_precision", "role", "source", "claimants",
	"disputed", "confidence", "needs_review", "geonameid", "report_ids", "notes"}

type csvEncoder struct{}

func (csvEncoder) header(b []byte) []byte {
	return append(b, strings.Join(csvColumns, ",")+"\r\n"...)
}

func (csvEncoder) record(b []byte, in *geo.Incident, _ int) []byte {
	var outlets, claimants []string
	for _, s := range in.Sources {
		if s.Kind == geo.SourceClaimant {
			claimants = append(claimants, s.Name+" ("+string(s.Stance)+")")
		} else if !containsString(outlets, s.Name) {
			outlets = append(outlets, s.Name)
		}
	}
	if len(outlets) == 0 && in.Source != "" {
		outlets = []string{in.Source}
	}
	ids := make([]string, 0, len(in.ReportIDs))
	for _, id := range in.ReportIDs {
		ids = append(ids, strconv.FormatInt(id, 10))
	}
	if len(ids) == 0 {
		ids = append(ids, strconv.FormatInt(in.ReportID, 10))
	}
	date := func(t interface{ Format(string) string }) string { return t.Format(geo.DateLayout) }
	fields := []string{
		strconv.FormatInt(in.ID, 10), date(in.Date), strconv.Itoa(in.DatePrecision), date(in.ReportDate),
		in.Place, in.Name, in.Admin1, in.CountryCode,
		strconv.FormatFloat(in.Lat, 'f', 6, 64), strconv.FormatFloat(in.Lon, 'f', 6, 64),
		strconv.Itoa(in.Precision), string(in.Role), strings.Join(outlets, "; "), strings.Join(claimants, "; "),
		strconv.FormatBool(in.Disputed), strconv.FormatFloat(in.Confidence, 'f', 3, 64), strconv.FormatBool(in.NeedsReview),
		strconv.FormatInt(in.GeonameID, 10), strings.Join(ids, " "), in.Sentence,
	}
	for i, f := range fields {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendCSVField(b, f)
	}
	return append(b, "\r\n"...)
}

func (csvEncoder) footer(b []byte) []byte { return b }

// appendCSVField quotes per RFC 4180, and defuses spreadsheet formulas: a
// field starting with = + - @ (or a tab/CR) gets a leading apostrophe, so
// hostile report text cannot run as a formula when the CSV is opened.
func appendCSVField(b []byte, s string) []byte {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		if _, err := strconv.ParseFloat(s, 64); err != nil {
			s = "'" + s
		}
	}
	if !strings.ContainsAny(s, ",\"\r\n") {
		return append(b, s...)
	}
	b = append(b, '"')
	b = append(b, strings.ReplaceAll(s, `"`, `""`)...)
	return append(b, '"')
}

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
