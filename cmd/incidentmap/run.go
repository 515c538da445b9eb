package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
)

// command is one subcommand of incidentmap.
type command struct {
	name, summary string
	run           func(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error
}

func commands() []command {
	return []command{
		{"serve", "serve the map and the API", runServe},
		{"ingest", "geoparse report files or directories and store their incidents", runIngest},
		{"geoparse", "read text on stdin, write the places found as GeoJSON", runGeoparse},
		{"gazetteer", "manage the gazetteer (gazetteer import --db PATH FILE|URL...)", runGazetteer},
		{"export", "write the incidents matching filters as GeoJSON, CSV or KML", runExport},
		{"eval", "score the geoparser on an annotated corpus", runEval},
		{"render", "draw the incidents matching filters as a PNG map (render --db PATH --out map.png)", runRender},
		{"token", "manage write tokens, stored hashed (token create|list|revoke --db PATH)", runToken},
		{"backup", "copy the database consistently while the server runs (backup --db PATH --out FILE)", runBackup},
		{"generate", "fill a database with synthetic incidents, or write synthetic reports, for benchmarks", runGenerate},
	}
}

// Run runs the subcommand named by args[0]. It is main without the process:
// tests call it directly.
func Run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr)
		if len(args) == 0 {
			return fmt.Errorf("no command given")
		}
		return flag.ErrHelp
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(ctx, args[1:], stdin, stdout, stderr)
		}
	}
	usage(stderr)
	return fmt.Errorf("unknown command %q", args[0])
}

func usage(w io.Writer) {
	var b strings.Builder
	b.WriteString("incidentmap turns news reports into maps.\n\nUsage: incidentmap <command> [flags]\n\nCommands:\n")
	for _, c := range commands() {
		fmt.Fprintf(&b, "  %-10s %s\n", c.name, c.summary)
	}
	b.WriteString("\nRun 'incidentmap <command> --help' for a command's flags.\n")
	io.WriteString(w, b.String())
}

// newFlagSet returns a flag set that reports errors instead of exiting and
// prints a usage line plus the flags on --help.
func newFlagSet(name, args, summary string, out io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(out)
	fs.Usage = func() {
		fmt.Fprintf(out, "Usage: incidentmap %s %s\n\n%s\n\nFlags:\n", name, args, summary)
		fs.PrintDefaults()
	}
	return fs
}
