package export

import (
	"context"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/incidentmap/incidentmap/geo"
)

// benchIncidents returns n incidents shaped like generated ones: two
// sources, one report, a 200-character sentence.
func benchIncidents(n int) []*geo.Incident {
	incs := make([]*geo.Incident, n)
	d := time.Date(2016, 3, 14, 0, 0, 0, 0, time.UTC)
	for i := range incs {
		id := int64(i + 1)
		incs[i] = &geo.Incident{ID: id, ReportID: id / 5, ReportIDs: []int64{id / 5}, Date: d, DatePrecision: 1,
			ReportDate: d.AddDate(0, 0, 1), Source: "Levant Times", Place: "Idlib", Name: "Idlib", GeonameID: 169389,
			CountryCode: "SY", Admin1: "Idlib", Lat: 35.93 + float64(i%100)/1000, Lon: 36.63 + float64(i%77)/1000,
			Role: geo.RoleIncident, Precision: 1, Confidence: 0.8,
			Sources: []geo.SourceRef{{Name: "Levant Times", Kind: geo.SourceOutlet, ReportID: id / 5},
				{Name: "the civil defence", Kind: geo.SourceClaimant, Stance: geo.StanceClaims, ReportID: id / 5}},
			Sentence: fmt.Sprintf("Early on Monday, artillery shells struck a residential block in the centre of Idlib, "+
				"killing %d people and wounding several others, according to the civil defence, which sent rescuers.", i%30)}
	}
	return incs
}

// BenchmarkFeatureCollection encodes one 1,000-incident page of
// /api/incidents into a reused buffer, as the handler does.
func BenchmarkFeatureCollection(b *testing.B) {
	incs := benchIncidents(1000)
	buf := FeatureCollection(nil, incs, 1000)
	b.SetBytes(int64(len(buf)))
	b.ReportAllocs()
	for b.Loop() {
		buf = FeatureCollection(buf[:0], incs, 1000)
	}
}

// pagedService serves the same incidents over and over as keyset pages,
// up to total, so Write streams a large export without a database.
type pagedService struct {
	geo.IncidentService
	page  []*geo.Incident
	total int64
}

func (s *pagedService) FindIncidents(ctx context.Context, f geo.IncidentFilter) ([]*geo.Incident, int, error) {
	n := min(int64(f.Limit), s.total-f.AfterID)
	if n <= 0 {
		return nil, int(s.total), nil
	}
	out := make([]*geo.Incident, n)
	for i := range out {
		in := *s.page[i%len(s.page)]
		in.ID = f.AfterID + int64(i) + 1
		out[i] = &in
	}
	return out, int(s.total), nil
}

// BenchmarkWriteGeoJSON streams a 100,000-incident GeoJSON export
// (encoding and paging only, no database).
func BenchmarkWriteGeoJSON(b *testing.B) {
	svc := &pagedService{page: benchIncidents(pageSize), total: 100_000}
	n, err := Write(context.Background(), io.Discard, Formats["geojson"], svc, geo.IncidentFilter{})
	if err != nil || n != 100_000 {
		b.Fatalf("wrote %d, %v", n, err)
	}
	var cw countWriter
	Write(context.Background(), &cw, Formats["geojson"], svc, geo.IncidentFilter{})
	b.SetBytes(cw.n)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Write(context.Background(), io.Discard, Formats["geojson"], svc, geo.IncidentFilter{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(100_000*float64(b.N)/b.Elapsed().Seconds(), "incidents/s")
}

type countWriter struct{ n int64 }

func (w *countWriter) Write(p []byte) (int, error) { w.n += int64(len(p)); return len(p), nil }
