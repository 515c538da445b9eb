package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"text/tabwriter"

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
	res, wallRate := eval.Evaluate(geoparse.NewParser(g), docs, includeAdj)
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
