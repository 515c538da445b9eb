// Package export writes incidents as GeoJSON, CSV and KML, streaming, for the
// API, the export endpoint and the `incidentmap export` command.
package export

import (
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/incidentmap/incidentmap/geo"
)

// The GeoJSON of incidents is written by hand rather than through
// encoding/json or orb's geojson types: it is the hot path of the API and of
// exports (a million features), and appending to a reused buffer avoids
// reflection and per-feature maps. Tests decode the output with orb's
// geojson package to keep it honest.

// AppendFeature appends one RFC 7946 Feature (longitude first).
func AppendFeature(b []byte, in *geo.Incident) []byte {
	b = append(b, `{"type":"Feature","id":`...)
	b = strconv.AppendInt(b, in.ID, 10)
	b = append(b, `,"geometry":{"type":"Point","coordinates":[`...)
	b = AppendCoord(b, in.Lon)
	b = append(b, ',')
	b = AppendCoord(b, in.Lat)
	b = append(b, `]},"properties":`...)
	b = AppendProperties(b, in)
	return append(b, '}')
}

// AppendProperties appends the properties object of an incident.
// The property names are a public contract (see README "API").
func AppendProperties(b []byte, in *geo.Incident) []byte {
	b = append(b, `{"id":`...)
	b = strconv.AppendInt(b, in.ID, 10)
	b = append(b, `,"report_id":`...)
	b = strconv.AppendInt(b, in.ReportID, 10)
	b = append(b, `,"report_ids":[`...)
	if len(in.ReportIDs) == 0 {
		b = strconv.AppendInt(b, in.ReportID, 10)
	}
	for i, id := range in.ReportIDs {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, id, 10)
	}
	b = append(b, `],"date":`...)
	b = AppendDate(b, in.Date)
	b = append(b, `,"date_precision":`...)
	b = strconv.AppendInt(b, int64(in.DatePrecision), 10)
	b = append(b, `,"report_date":`...)
	b = AppendDate(b, in.ReportDate)
	b = append(b, `,"source":`...)
	b = AppendString(b, in.Source)
	b = append(b, `,"sources":[`...)
	for i, s := range in.Sources {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"name":`...)
		b = AppendString(b, s.Name)
		b = append(b, `,"kind":`...)
		b = AppendString(b, string(s.Kind))
		b = append(b, `,"stance":`...)
		b = AppendString(b, string(s.Stance))
		b = append(b, `,"report_id":`...)
		b = strconv.AppendInt(b, s.ReportID, 10)
		b = append(b, '}')
	}
	b = append(b, `],"place":`...)
	b = AppendString(b, in.Place)
	b = append(b, `,"name":`...)
	b = AppendString(b, in.Name)
	b = append(b, `,"geonameid":`...)
	b = strconv.AppendInt(b, in.GeonameID, 10)
	b = append(b, `,"country":`...)
	b = AppendString(b, in.CountryCode)
	b = append(b, `,"admin1":`...)
	b = AppendString(b, in.Admin1)
	b = append(b, `,"role":`...)
	b = AppendString(b, string(in.Role))
	b = append(b, `,"precision":`...)
	b = strconv.AppendInt(b, int64(in.Precision), 10)
	b = append(b, `,"confidence":`...)
	b = strconv.AppendFloat(b, in.Confidence, 'f', 3, 64)
	b = append(b, `,"needs_review":`...)
	b = strconv.AppendBool(b, in.NeedsReview)
	b = append(b, `,"disputed":`...)
	b = strconv.AppendBool(b, in.Disputed)
	b = append(b, `,"sentence":`...)
	b = AppendString(b, in.Sentence)
	b = append(b, `,"start":`...)
	b = strconv.AppendInt(b, int64(in.Start), 10)
	b = append(b, `,"end":`...)
	b = strconv.AppendInt(b, int64(in.End), 10)
	b = append(b, `,"candidates":[`...)
	for i, c := range in.Candidates {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"geonameid":`...)
		b = strconv.AppendInt(b, c.GeonameID, 10)
		b = append(b, `,"name":`...)
		b = AppendString(b, c.Name)
		b = append(b, `,"lat":`...)
		b = AppendCoord(b, c.Lat)
		b = append(b, `,"lon":`...)
		b = AppendCoord(b, c.Lon)
		b = append(b, `,"country":`...)
		b = AppendString(b, c.CountryCode)
		b = append(b, `,"admin1":`...)
		b = AppendString(b, c.Admin1)
		b = append(b, `,"fcode":`...)
		b = AppendString(b, c.FeatureCode)
		b = append(b, `,"population":`...)
		b = strconv.AppendInt(b, c.Population, 10)
		b = append(b, `,"score":`...)
		b = strconv.AppendFloat(b, c.Score, 'f', 3, 64)
		b = append(b, '}')
	}
	return append(b, "]}"...)
}

// AppendCoord writes degrees with 6 decimals (~0.1 m), plenty for places.
func AppendCoord(b []byte, x float64) []byte {
	return strconv.AppendFloat(b, x, 'f', 6, 64)
}

func AppendDate(b []byte, t time.Time) []byte {
	if t.IsZero() {
		return append(b, "null"...)
	}
	b = append(b, '"')
	b = append(b, t.Format("2006-01-02")...)
	return append(b, '"')
}

const hexDigits = "0123456789abcdef"

// AppendString appends s as a JSON string. Like encoding/json it escapes
// <, > and & (so the output is safe to inline in HTML) and U+2028/2029, and
// replaces invalid UTF-8 with U+FFFD.
func AppendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
