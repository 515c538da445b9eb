package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/incidentmap/incidentmap/geo"
	"github.com/incidentmap/incidentmap/geo/reportfile"
)

// TestIngestBatchesLikeOneByOne ingests a directory with the batched,
// parallel ingest command and, for reference, the same files one report
// at a time through Pipeline.Ingest, and compares: the command prints one
// line per file in file order, stores the same reports with the same ids,
// and every report ends up with the same incidents and merges. The
// directory mixes unreadable files and a repeated text among the reports,
// so that batches hold failures and duplicates.
func TestIngestBatchesLikeOneByOne(t *testing.T) {
	if testing.Short() {
		t.Skip("opens the default gazetteer twice")
	}
	dir := t.TempDir()
	paths := writeTestReports(t, dir, 150)
	for _, f := range []struct{ name, text string }{
		{"report-0040-bad.txt", "Shelling in Idlib, no date line."},
		{"report-0070-again.txt", testReportText(12)}, // a repeat of report-0012
		{"report-0100-bad.json", `{"text": "Shelling in Idlib", "published": 2020}`},
	} {
		p := filepath.Join(dir, f.name)
		if err := os.WriteFile(p, []byte(f.text), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}

	// The reference, one report per transaction as before batching.
	refDB := mustCopyTemplateDB(t)
	ctx := context.Background()
	ref, err := openApp(ctx, refDB, filepath.Join("..", "..", "node_modules"), newTextLogger(io.Discard, false))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{} // file name → what became of it
	err = reportfile.Read([]string{dir}, func(path string, r *geo.Report, err error) error {
		switch {
		case err != nil:
			want[filepath.Base(path)] = "error"
		default:
			created, _, err := ref.Pipeline.Ingest(ctx, r)
			switch {
			case err != nil:
				t.Fatalf("%s: %v", path, err)
			case created:
				want[filepath.Base(path)] = fmt.Sprintf("report %d", r.ID)
			default:
				want[filepath.Base(path)] = fmt.Sprintf("already %d", r.ID)
			}
		}
		return nil
	})
	ref.Close()
	if err != nil {
		t.Fatal(err)
	}

	db := mustCopyTemplateDB(t)
	var out, errb strings.Builder
	err = Run(ctx, []string{"ingest", "--db", db, "--assets", filepath.Join("..", "..", "node_modules"), dir},
		strings.NewReader(""), &out, &errb)
	if err == nil || !strings.Contains(err.Error(), "2 report(s) could not be ingested") {
		t.Fatalf("ingest error = %v, want 2 report(s) could not be ingested\n%s", err, errb.String())
	}
	line := regexp.MustCompile(`^(\S+): (?:report (\d+) \(|already stored as report (\d+)$|error: )`)
	var order []string
	for _, l := range strings.Split(out.String(), "\n") {
		m := line.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		name := filepath.Base(m[1])
		order = append(order, name)
		got := "error"
		if m[2] != "" {
			got = "report " + m[2]
		} else if m[3] != "" {
			got = "already " + m[3]
		}
		if got != want[name] {
			t.Errorf("%s: %q, want %q (one by one)", name, got, want[name])
		}
	}
	if len(order) != len(paths) {
		t.Fatalf("%d file lines, want %d\n%s", len(order), len(paths), out.String())
	}
	for i := 1; i < len(order); i++ {
		if order[i-1] >= order[i] {
			t.Fatalf("line %d is %s after %s: want file order", i, order[i], order[i-1])
		}
	}
	if !strings.Contains(out.String(), "150 stored, 1 already stored, 2 failed") {
		t.Errorf("summary wrong:\n%s", out.String()[max(0, out.Len()-300):])
	}
	got, wantSums := mustReportSummaries(t, db), mustReportSummaries(t, refDB)
	if len(got) != len(wantSums) {
		t.Fatalf("%d reports stored, want %d", len(got), len(wantSums))
	}
	for h, w := range wantSums {
		if g := got[h]; g != w {
			t.Errorf("report %s: %+v, one by one: %+v", h[:12], g, w)
		}
	}
	_, gi := mustStats(t, db)
	_, wi := mustStats(t, refDB)
	if gi != wi {
		t.Errorf("%d incidents stored, one by one %d: merges differ", gi, wi)
	}
}
