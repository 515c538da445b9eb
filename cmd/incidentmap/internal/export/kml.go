package export

import (
	"bytes"
	"encoding/xml"
	"strconv"

	"github.com/incidentmap/incidentmap/geo"
)

type kmlEncoder struct{}

func (kmlEncoder) header(b []byte) []byte {
	return append(b, `<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document><name>incidentmap incidents</name>
<Schema name="incident" id="incident"><SimpleField name="date" type="string"/><SimpleField name="date_precision" type="int"/><SimpleField name="source" type="string"/><SimpleField name="role" type="string"/><SimpleField name="precision" type="int"/><SimpleField name="disputed" type="bool"/><SimpleField name="sentence" type="string"/></Schema>
`...)
}

func (kmlEncoder) record(b []byte, in *geo.Incident, _ int) []byte {
	b = append(b, `<Placemark id="incident-`...)
	b = strconv.AppendInt(b, in.ID, 10)
	b = append(b, `"><name>`...)
	b = appendXML(b, in.Place)
	b = append(b, `</name><TimeStamp><when>`...)
	b = append(b, in.Date.Format(geo.DateLayout)...)
	b = append(b, `</when></TimeStamp><ExtendedData><SchemaData schemaUrl="#incident">`...)
	field := func(b []byte, name, value string) []byte {
		b = append(b, `<SimpleData name="`...)
		b = append(b, name...)
		b = append(b, `">`...)
		b = appendXML(b, value)
		return append(b, `</SimpleData>`...)
	}
	b = field(b, "date", in.Date.Format(geo.DateLayout))
	b = field(b, "date_precision", strconv.Itoa(in.DatePrecision))
	b = field(b, "source", in.Source)
	b = field(b, "role", string(in.Role))
	b = field(b, "precision", strconv.Itoa(in.Precision))
	b = field(b, "disputed", strconv.FormatBool(in.Disputed))
	b = field(b, "sentence", in.Sentence)
	b = append(b, `</SchemaData></ExtendedData><Point><coordinates>`...)
	b = strconv.AppendFloat(b, in.Lon, 'f', 6, 64)
	b = append(b, ',')
	b = strconv.AppendFloat(b, in.Lat, 'f', 6, 64)
	return append(b, "</coordinates></Point></Placemark>\n"...)
}

func (kmlEncoder) footer(b []byte) []byte { return append(b, "</Document></kml>\n"...) }

// appendXML escapes s as XML character data (invalid characters become
// U+FFFD, as xml.EscapeText does).
func appendXML(b []byte, s string) []byte {
	var buf bytes.Buffer
	_ = xml.EscapeText(&buf, []byte(s)) // writing to a bytes.Buffer cannot fail
	return append(b, buf.Bytes()...)
}
