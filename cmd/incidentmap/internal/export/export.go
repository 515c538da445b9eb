package export

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strconv"

	"github.com/incidentmap/incidentmap/geo"
)

// Formats lists the export formats by name.
var Formats = map[string]Format{
	"geojson": {Name: "geojson", ContentType: "application/geo+json", Ext: "geojson"},
	"csv":     {Name: "csv", ContentType: "text/csv; charset=utf-8", Ext: "csv"},
	"kml":     {Name: "kml", ContentType: "application/vnd.google-earth.kml+xml", Ext: "kml"},
}

// Format is one export format.
type Format struct {
	Name, ContentType, Ext string
}

// ParseFormat returns the named format or an EINVALID error naming "format".
func ParseFormat(name string) (Format, error) {
	if name == "" {
		name = "geojson"
	}
	f, ok := Formats[name]
	if !ok {
		return Format{}, geo.ParamErrorf("format", "%q is not geojson, csv or kml", name)
	}
	return f, nil
}

// pageSize is how many incidents are read per query while streaming: big
// enough to amortise queries, small enough to keep memory flat.
const pageSize = 2000

// Write streams every incident matching f (ignoring its Limit, Offset and
// AfterID) to w in the given format. Memory stays constant in the number
// of incidents: pages are read by id (keyset paging) and written out as
// they come. It returns the number of incidents written.
func Write(ctx context.Context, w io.Writer, format Format, svc geo.IncidentService, f geo.IncidentFilter) (int, error) {
	bw := bufio.NewWriterSize(w, 64<<10)
	enc := newEncoder(format)
	b := enc.header(nil)
	f.Offset, f.AfterID, f.Limit = 0, 0, pageSize
	n := 0
	for {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		page, _, err := svc.FindIncidents(ctx, f)
		if err != nil {
			return n, err
		}
		for _, in := range page {
			b = enc.record(b, in, n)
			n++
			if len(b) > 32<<10 {
				if _, err := bw.Write(b); err != nil {
					return n, err
				}
				b = b[:0]
			}
		}
		if len(page) < pageSize {
			break
		}
		f.AfterID = page[len(page)-1].ID
	}
	b = enc.footer(b)
	if _, err := bw.Write(b); err != nil {
		return n, err
	}
	return n, bw.Flush()
}

type encoder interface {
	header(b []byte) []byte
	record(b []byte, in *geo.Incident, i int) []byte
	footer(b []byte) []byte
}

func newEncoder(f Format) encoder {
	switch f.Name {
	case "csv":
		return csvEncoder{}
	case "kml":
		return kmlEncoder{}
	}
	return geojsonEncoder{}
}

type geojsonEncoder struct{}

func (geojsonEncoder) header(b []byte) []byte {
	return append(b, `{"type":"FeatureCollection","features":[`...)
}

func (geojsonEncoder) record(b []byte, in *geo.Incident, i int) []byte {
	if i > 0 {
		b = append(b, ",\n"...)
	}
	return AppendFeature(b, in)
}

func (geojsonEncoder) footer(b []byte) []byte { return append(b, "]}\n"...) }

// FeatureCollection appends a whole FeatureCollection with the OGC API's
// numberMatched/numberReturned members.
func FeatureCollection(b []byte, incidents []*geo.Incident, matched int) []byte {
	return FeatureCollectionOf(b, len(incidents), matched, func(b []byte, i int) []byte {
		return AppendFeature(b, incidents[i])
	})
}

// FeatureCollectionOf appends a FeatureCollection of n features, the i-th
// appended by feature(b, i) (AppendFeature's output, perhaps kept from an
// earlier request), with numberMatched matched.
func FeatureCollectionOf(b []byte, n, matched int, feature func(b []byte, i int) []byte) []byte {
	b = append(b, `{"type":"FeatureCollection","numberMatched":`...)
	b = strconv.AppendInt(b, int64(matched), 10)
	b = append(b, `,"numberReturned":`...)
	b = strconv.AppendInt(b, int64(n), 10)
	b = append(b, `,"features":[`...)
	for i := range n {
		if i > 0 {
			b = append(b, ',')
		}
		b = feature(b, i)
	}
	return append(b, "]}\n"...)
}

// Filename suggests a download name for an export.
func Filename(f Format) string { return fmt.Sprintf("incidents.%s", f.Ext) }
