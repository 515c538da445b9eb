package main

import (
	"context"
	"io"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/incidentmap/incidentmap/cmd/incidentmap/internal/generate"
	"github.com/incidentmap/incidentmap/geo"
	"github.com/incidentmap/incidentmap/geo/ingest"
)

// BenchmarkIngest measures the whole ingest path of one report of ~12
// sentences (geoparse, claims, dates, merge search, store) on a database
// with the default gazetteer; each iteration stores a new report.
func BenchmarkIngest(b *testing.B) {
	db := mustCopyTemplateDB(b)
	a, err := openApp(context.Background(), db, "../../node_modules", newTextLogger(io.Discard, false))
	if err != nil {
		b.Fatal(err)
	}
	defer a.Close()
	rng := rand.New(rand.NewPCG(1, 2))
	day := time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC)
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		d := day.AddDate(0, 0, i%2000)
		text := generate.ReportText(rng, d, 12)
		r := &geo.Report{Text: text, Published: d, Source: "Bench", Hash: geo.ReportHash(text)}
		if _, _, err := a.Pipeline.Ingest(ctx, r); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkIngestDir measures the ingest command's path for a directory
// of b.N generated reports (those of `generate --report-texts`): parsing
// in parallel, storing in batches. It reports reports/s.
func BenchmarkIngestDir(b *testing.B) {
	db := mustCopyTemplateDB(b)
	a, err := openApp(context.Background(), db, "../../node_modules", newTextLogger(io.Discard, false))
	if err != nil {
		b.Fatal(err)
	}
	defer a.Close()
	dir := b.TempDir()
	if err := generate.WriteReportTexts(dir, b.N, 7); err != nil {
		b.Fatal(err)
	}
	stored := 0
	b.ResetTimer()
	err = (&ingest.Batch{Pipeline: a.Pipeline, Store: a.DB}).Run(context.Background(), []string{dir}, func(j *ingest.Job) {
		if j.Err != nil {
			b.Errorf("%s: %v", j.Path, j.Err)
		} else if j.Created {
			stored++
		}
	})
	b.StopTimer()
	if err != nil {
		b.Fatal(err)
	}
	if stored != b.N {
		b.Fatalf("%d of %d reports stored", stored, b.N)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "reports/s")
}
