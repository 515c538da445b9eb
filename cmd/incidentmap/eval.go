package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/incidentmap/incidentmap/geo/eval"
	"github.com/incidentmap/incidentmap/geo/geoparse"
)

// runEval implements `incidentmap eval [--db PATH] CORPUS.jsonl [--json]`.
func runEval(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := newFlagSet("eval", "[--db PATH] [--json] CORPUS.jsonl",
		"Score the geoparser on an annotated corpus (format and rules of shared/eval/README.md):\n"+
			"strict and overlap precision/recall/F1, accuracy@161 km, median and mean error, AUC,\n"+
			"end-to-end accuracy and throughput on one core with the gazetteer loaded.\n"+
			"The parser sees only each document's text; gold answers are read by the scorer alone.", stderr)
	gf := addGazetteerFlags(fs)
	asJSON := fs.Bool("json", false, "print one JSON object instead of a table")
	adj := fs.String("adjectival", "auto", "score adjectival toponyms (\"Russian\"): yes, no, or auto (yes when the corpus annotates them)")
	verbose := fs.Bool("v", false, "log progress")
	// Flags may follow the corpus path: parse, take the path, parse the rest.
	if err := fs.Parse(args); err != nil {
		return err
	}
	rest := fs.Args()
	if len(rest) > 0 {
		if err := fs.Parse(rest[1:]); err != nil {
			return err
		}
		rest = append(rest[:1], fs.Args()...)
	}
	if len(rest) != 1 {
		fs.Usage()
		return fmt.Errorf("eval: want one CORPUS.jsonl")
	}
	if *adj != "auto" && *adj != "yes" && *adj != "no" {
		return fmt.Errorf("eval: --adjectival must be yes, no or auto")
	}
	f, err := os.Open(rest[0])
	if err != nil {
		return err
	}
	defer f.Close()
	var docs []*eval.Doc
	if err := eval.ReadCorpus(f, func(d *eval.Doc) error { docs = append(docs, d); return nil }); err != nil {
		return fmt.Errorf("%s: %s", rest[0], errMessageOrErr(err))
	}
	g, err := gf.load(ctx, newTextLogger(stderr, *verbose))
	if err != nil {
		return err
	}
	includeAdj := *adj == "yes" || *adj == "auto" && eval.CorpusAnnotatesAdjectives(g, docs)
	res, wallRate := evaluate(geoparse.NewParser(g), docs, includeAdj)
	if *asJSON {
		return json.NewEncoder(stdout).Encode(res)
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "corpus\t%s\t\n", rest[0])
	fmt.Fprintf(tw, "docs\t%d\t\nwords\t%d\t\ngold toponyms\t%d\t\npredicted\t%d\t\nadjectival scored\t%v\t\n", res.Docs, res.Words, res.Gold, res.Predicted, includeAdj)
	fmt.Fprintf(tw, "strict P / R / F1\t%.3f / %.3f / %.3f\t\n", res.Precision, res.Recall, res.F1)
	fmt.Fprintf(tw, "overlap P / R / F1\t%.3f / %.3f / %.3f\t\n", res.OverlapPrecision, res.OverlapRecall, res.OverlapF1)
	fmt.Fprintf(tw, "accuracy@161 km\t%.3f\t\nmedian / mean error km\t%.1f / %.1f\t\nAUC\t%.3f\t\nend to end\t%.3f\t\n", res.Acc161, res.MedianKm, res.MeanKm, res.AUC, res.EndToEnd)
	fmt.Fprintf(tw, "docs/s (1 core, CPU time)\t%.0f\t\nwords/s (1 core, CPU time)\t%.0f\t\ndocs/s (wall clock)\t%.0f\t\n", res.DocsPerS, res.WordsPerS, wallRate)
	return tw.Flush()
}

// evaluate geoparses every document on one core, then scores the
// predictions. Throughput counts Parse alone: docs_per_s and words_per_s
// use the process's CPU time (user + system) over the parse loop, so a
// busy shared machine does not distort them; the wall-clock rate is
// returned as well.
func evaluate(p *geoparse.Parser, docs []*eval.Doc, includeAdj bool) (eval.Result, float64) {
	prev := runtime.GOMAXPROCS(1)
	defer runtime.GOMAXPROCS(prev)
	runtime.GC() // start from a clean heap: the gazetteer's garbage is not the parser's
	preds := make([][]eval.Prediction, len(docs))
	cpu0 := cpuTime()
	start := time.Now()
	for i, d := range docs {
		for _, t := range p.Parse(d.Text) {
			if t.Adjectival && !includeAdj {
				continue
			}
			preds[i] = append(preds[i], eval.Prediction{Start: t.Start, End: t.End, Lat: t.Lat, Lon: t.Lon})
		}
	}
	wall := time.Since(start).Seconds()
	cpu := (cpuTime() - cpu0).Seconds()
	var s eval.Scorer
	for i, d := range docs {
		s.Add(d, preds[i])
	}
	if cpu <= 0 {
		cpu = wall
	}
	wallRate := 0.0
	if wall > 0 {
		wallRate = float64(len(docs)) / wall
	}
	return s.Result(cpu), wallRate
}

// cpuTime returns the CPU time this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
