package export

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb/geojson"

	"github.com/incidentmap/incidentmap/geo"
)

// pagedIncidents is a geo.IncidentService serving n synthetic incidents by
// keyset paging, counting the queries it answers.
type pagedIncidents struct {
	n       int
	queries int
	maxPage int
}

func (p *pagedIncidents) FindIncidents(ctx context.Context, f geo.IncidentFilter) ([]*geo.Incident, int, error) {
	p.queries++
	var out []*geo.Incident
	for id := f.AfterID + 1; id <= int64(p.n) && len(out) < f.Limit; id++ {
		out = append(out, &geo.Incident{ID: id, ReportID: 1, Date: time.Date(2020, 1, 23, 0, 0, 0, 0, time.UTC),
			DatePrecision: 1, Place: "=HYPERLINK(\"x\") <b>&", Sentence: "said \"no\", then\nleft", Lat: 35.9, Lon: 36.6,
			Role: geo.RoleIncident, Source: "A", Sources: []geo.SourceRef{{Name: "A", Kind: geo.SourceOutlet}, {Name: "Monitor", Kind: geo.SourceClaimant, Stance: geo.StanceDenies}}})
	}
	p.maxPage = max(p.maxPage, len(out))
	return out, p.n, nil
}

func (p *pagedIncidents) FindIncidentByID(context.Context, int64) (*geo.Incident, error) {
	return nil, nil
}
func (p *pagedIncidents) FindSources(context.Context, geo.IncidentFilter) ([]geo.SourceCount, error) {
	return nil, nil
}

func TestWriteStreamsEveryIncidentOnce(t *testing.T) {
	for _, n := range []int{0, 1, pageSize, pageSize + 1, 2*pageSize + 7} {
		for _, name := range []string{"geojson", "csv", "kml"} {
			t.Run(name, func(t *testing.T) {
				svc := &pagedIncidents{n: n}
				var buf bytes.Buffer
				got, err := Write(context.Background(), &buf, Formats[name], svc, geo.IncidentFilter{Limit: 3})
				if err != nil || got != n {
					t.Fatalf("Write = %d, %v; want %d", got, err, n)
				}
				if svc.maxPage > pageSize {
					t.Errorf("page of %d, want ≤ %d (constant memory)", svc.maxPage, pageSize)
				}
				switch name {
				case "geojson":
					fc, err := geojson.UnmarshalFeatureCollection(buf.Bytes())
					if err != nil || len(fc.Features) != n {
						t.Fatalf("GeoJSON: %v, %d features", err, len(fc.Features))
					}
				case "csv":
					rows, err := csv.NewReader(&buf).ReadAll()
					if err != nil || len(rows) != n+1 {
						t.Fatalf("CSV: %v, %d rows", err, len(rows))
					}
					if n > 0 && !strings.HasPrefix(rows[1][4], "'=") {
						t.Errorf("formula not defused: %q", rows[1][4])
					}
					if n > 0 && rows[1][13] != "Monitor (denies)" {
						t.Errorf("claimants column = %q", rows[1][13])
					}
				case "kml":
					var doc struct {
						Placemarks []struct {
							Name string `xml:"name"`
						} `xml:"Document>Placemark"`
					}
					if err := xml.Unmarshal(buf.Bytes(), &doc); err != nil || len(doc.Placemarks) != n {
						t.Fatalf("KML: %v, %d placemarks", err, len(doc.Placemarks))
					}
					if n > 0 && doc.Placemarks[0].Name != "=HYPERLINK(\"x\") <b>&" {
						t.Errorf("name round trip = %q", doc.Placemarks[0].Name)
					}
				}
			})
		}
	}
}

func TestParseFormat(t *testing.T) {
	if f, err := ParseFormat(""); err != nil || f.Name != "geojson" {
		t.Errorf("default = %v, %v", f, err)
	}
	if _, err := ParseFormat("shp"); geo.ErrorCode(err) != geo.EINVALID || !strings.Contains(geo.ErrorMessage(err), "format") {
		t.Errorf("shp: %v", err)
	}
}

func TestAppendStringMatchesJSON(t *testing.T) {
	for _, s := range []string{"plain", "quote \" and \\", "<script>&", "\x00\x1f", "line\u2028sep", "bad \xff utf8", "ünïcödé"} {
		b := AppendString(nil, s)
		var back string
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("%q → %s: %v", s, b, err)
		}
		want := strings.ToValidUTF8(s, "\ufffd")
		if back != want {
			t.Errorf("%q round trip = %q", s, back)
		}
		if bytes.ContainsAny(b, "<>&") {
			t.Errorf("%q: unescaped HTML characters in %s", s, b)
		}
	}
}
