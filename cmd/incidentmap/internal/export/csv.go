package export

import (
	"bytes"
	"math"
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

// appendCSVField quotes per RFC 4180, and defuses spreadsheet formulas
// (neutralise), so hostile report text cannot run as a formula when the
// CSV is opened. b is the record so far: a field right after an unquoted
// one ending in ';' or a tab begins a cell under those separators too.
func appendCSVField(b []byte, s string) []byte {
	afterSep := false
	if prev, ok := bytes.CutSuffix(b, []byte{','}); ok {
		prev = bytes.TrimRight(prev, " ")
		afterSep = len(prev) > 0 && (prev[len(prev)-1] == ';' || prev[len(prev)-1] == '\t')
	}
	s = neutralise(s, !afterSep)
	if !strings.ContainsAny(s, ",\"\r\n") {
		return append(b, s...)
	}
	b = append(b, '"')
	b = append(b, strings.ReplaceAll(s, `"`, `""`)...)
	return append(b, '"')
}

// formulaSigns start a formula in Excel, LibreOffice or Google Sheets when
// they begin a cell; the full-width forms are converted to them by some
// East Asian locales.
const formulaSigns = "=+-@＝＋－＠"

// neutralise puts an apostrophe before every formula sign that could begin
// a cell: at the start of s, and after each ';', tab, CR or LF, because a
// spreadsheet importing with ';' or tab as its separator (the default in
// many locales) starts a new cell there and a line break starts a row;
// blanks before the sign are skipped, since some importers trim them. A
// field beginning with a tab or CR gets an apostrophe too (OWASP's rule:
// importers may drop them and see what follows).
//
// A field that is a plain number (-35.5, a longitude) is left alone when
// numberOK, which the caller clears when the field could be read together
// with what follows it; inside a field a number is not exempt, because
// under another separator its cell runs on into the next field.
func neutralise(s string, numberOK bool) string {
	if s == "" || (!strings.ContainsAny(s, formulaSigns) && s[0] != '\t' && s[0] != '\r') {
		return s
	}
	if numberOK {
		if v, err := strconv.ParseFloat(s, 64); err == nil && !math.IsInf(v, 0) && !math.IsNaN(v) {
			return s
		}
	}
	var out strings.Builder
	out.Grow(len(s) + 2)
	if s[0] == '\t' || s[0] == '\r' {
		out.WriteByte('\'')
	}
	cellStart := true
	for _, r := range s {
		switch {
		case r == ';' || r == '\t' || r == '\r' || r == '\n':
			cellStart = true
		case r == ' ' && cellStart:
			// blanks before a cell's first character
		case cellStart:
			cellStart = false
			if strings.ContainsRune(formulaSigns, r) {
				out.WriteByte('\'')
			}
		}
		out.WriteRune(r)
	}
	return out.String()
}

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
