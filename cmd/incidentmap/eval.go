package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime"
	"text/tabwriter"
	"time"

	"github.com/incidentmap/incidentmap/geo"
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
	var docs []*geo.EvalDoc
	if err := geo.ReadCorpus(f, func(d *geo.EvalDoc) error { docs = append(docs, d); return nil }); err != nil {
		return fmt.Errorf("%s: %s", rest[0], errMessageOrErr(err))
	}
	g, err := gf.load(ctx, newTextLogger(stderr, *verbose))
	if err != nil {
		return err
	}
	includeAdj := *adj == "yes" || *adj == "auto" && geo.CorpusAnnotatesAdjectives(g, docs)
	res := evaluate(geo.NewGeoparser(g), docs, includeAdj)
	if *asJSON {
		return json.NewEncoder(stdout).Encode(res)
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "corpus\t%s\t\n", rest[0])
	fmt.Fprintf(tw, "docs\t%d\t\nwords\t%d\t\ngold toponyms\t%d\t\npredicted\t%d\t\nadjectival scored\t%v\t\n", res.Docs, res.Words, res.Gold, res.Predicted, includeAdj)
	fmt.Fprintf(tw, "strict P / R / F1\t%.3f / %.3f / %.3f\t\n", res.Precision, res.Recall, res.F1)
	fmt.Fprintf(tw, "overlap P / R / F1\t%.3f / %.3f / %.3f\t\n", res.OverlapPrecision, res.OverlapRecall, res.OverlapF1)
	fmt.Fprintf(tw, "accuracy@161 km\t%.3f\t\nmedian / mean error km\t%.1f / %.1f\t\nAUC\t%.3f\t\nend to end\t%.3f\t\n", res.Acc161, res.MedianKm, res.MeanKm, res.AUC, res.EndToEnd)
	fmt.Fprintf(tw, "docs/s (1 core)\t%.0f\t\nwords/s\t%.0f\t\n", res.DocsPerS, res.WordsPerS)
	return tw.Flush()
}

// evaluate geoparses every document on one core, timing Parse only, and
// scores the predictions.
func evaluate(p *geo.Geoparser, docs []*geo.EvalDoc, includeAdj bool) geo.EvalResult {
	prev := runtime.GOMAXPROCS(1)
	defer runtime.GOMAXPROCS(prev)
	var s geo.Scorer
	var parsing time.Duration
	for _, d := range docs {
		start := time.Now()
		ts := p.Parse(d.Text)
		parsing += time.Since(start)
		preds := make([]geo.Prediction, 0, len(ts))
		for _, t := range ts {
			if t.Adjectival && !includeAdj {
				continue
			}
			preds = append(preds, geo.Prediction{Start: t.Start, End: t.End, Lat: t.Lat, Lon: t.Lon})
		}
		s.Add(d, preds)
	}
	return s.Result(parsing.Seconds())
}
