package generate

import (
	"math"
	"slices"
	"testing"
	"time"

	"github.com/incidentmap/incidentmap/cmd/incidentmap/internal/store"
	"github.com/incidentmap/incidentmap/geo"
	"github.com/incidentmap/incidentmap/geo/reportfile"
)

func collect(tb testing.TB, seed uint64, n int) []store.BulkReport {
	tb.Helper()
	var out []store.BulkReport
	for br := range New(seed, nil).Reports(n) {
		out = append(out, br)
	}
	return out
}

func TestGeneratorDeterministic(t *testing.T) {
	a, b, c := collect(t, 5, 300), collect(t, 5, 300), collect(t, 6, 300)
	same := func(x, y []store.BulkReport) bool {
		if len(x) != len(y) {
			return false
		}
		for i := range x {
			if x[i].Report.Hash != y[i].Report.Hash || len(x[i].Incidents) != len(y[i].Incidents) {
				return false
			}
			for j, in := range x[i].Incidents {
				o := y[i].Incidents[j]
				if in.Lat != o.Lat || in.Lon != o.Lon || !in.Date.Equal(o.Date) || in.Sentence != o.Sentence {
					return false
				}
			}
		}
		return true
	}
	if !same(a, b) {
		t.Error("two runs with seed 5 differ")
	}
	if same(a, c) {
		t.Error("seeds 5 and 6 give the same data")
	}
}

// TestGeneratorDistribution checks the shape issue 8 asks for.
func TestGeneratorDistribution(t *testing.T) {
	const n = 20_000
	reports := collect(t, 1, n)
	var total, clustered, sentenceLen int
	outlets := map[string]int{}
	hashes := map[string]bool{}
	lo, hi := time.Date(2011, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, br := range reports {
		hashes[br.Report.Hash] = true
		outlets[br.Report.Source] += len(br.Incidents)
		for _, in := range br.Incidents {
			total++
			sentenceLen += len(in.Sentence)
			if in.Date.Before(lo.AddDate(0, 0, -3)) || !in.Date.Before(hi) {
				t.Fatalf("date %s outside 2011-2024", in.Date.Format(geo.DateLayout))
			}
			tw := genTowns[nearestTown(in.Lat, in.Lon)]
			if math.Hypot(tw.lat-in.Lat, tw.lon-in.Lon) < 0.5 && in.Precision != geo.PrecisionNear {
				clustered++
			}
			if got := []rune(in.Sentence)[in.Start:in.End]; string(got) != in.Place {
				t.Fatalf("sentence[%d:%d] = %q, want the place %q", in.Start, in.End, string(got), in.Place)
			}
		}
	}
	if total != n {
		t.Fatalf("generated %d incidents, want %d", total, n)
	}
	if len(hashes) != len(reports) {
		t.Errorf("%d distinct hashes for %d reports", len(hashes), len(reports))
	}
	if per := float64(n) / float64(len(reports)); per < 4 || per > 6 {
		t.Errorf("%.1f incidents per report, want about 5", per)
	}
	if share := float64(clustered) / n; share < 0.75 || share > 0.85 {
		t.Errorf("clustered share %.2f, want about 0.8", share)
	}
	if avg := sentenceLen / n; avg < 170 || avg > 240 {
		t.Errorf("average sentence %d characters, want about 200", avg)
	}
	counts := make([]int, 0, len(outlets))
	for _, c := range outlets {
		counts = append(counts, c)
	}
	slices.Sort(counts)
	top, median := counts[len(counts)-1], counts[len(counts)/2]
	if len(outlets) < 35 || top < 5*median {
		t.Errorf("%d outlets, top %d, median %d: want about 40 with a skewed (Zipf) distribution", len(outlets), top, median)
	}
}

func TestGenReportTextParses(t *testing.T) {
	g := New(3, nil)
	for i := range 20 {
		text := genReportText(g.rng, g.towns, g.day(), i)
		r, err := reportfile.Parse("gen.txt", []byte(text))
		if err != nil {
			t.Fatalf("report %d: %v\n%s", i, err, text)
		}
		if len(r.Text) < 1000 || len(r.Text) > 3500 {
			t.Errorf("report %d: %d bytes, want seed-sized (about 2 KB)", i, len(r.Text))
		}
	}
}
