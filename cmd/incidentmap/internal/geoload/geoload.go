// Package geoload loads what the gazetteer takes (the gazetteer, the
// geoparser with the analysts' place rules, and the ingest pipeline) once,
// possibly in the background, and adapts it to the server's interfaces:
// until the load ends, whatever needs it (ingest, corrections, place
// search) waits, while the read API needs none of it and answers at once.
package geoload

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"path"
	"runtime/debug"
	"strings"
	"time"

	"github.com/incidentmap/incidentmap/data"
	"github.com/incidentmap/incidentmap/geo"
	"github.com/incidentmap/incidentmap/geo/attribute"
	"github.com/incidentmap/incidentmap/geo/gazetteer"
	"github.com/incidentmap/incidentmap/geo/gazetteer/importer"
	"github.com/incidentmap/incidentmap/geo/geoparse"
	"github.com/incidentmap/incidentmap/geo/ingest"
	"github.com/incidentmap/incidentmap/geo/reportfile"
)

// Parts are what the gazetteer takes to load: the gazetteer, the
// geoparser with the place rules, and the ingest pipeline parsing with it.
type Parts struct {
	Gazetteer *gazetteer.Gazetteer
	Rules     *geoparse.RuleSet
	Pipeline  *ingest.Pipeline
}

// Options says how to load the Parts.
type Options struct {
	Assets  string                   // npm datasets, for a database without places
	Outlets *attribute.OutletAliases // the pipeline's outlet aliases; nil for none
	Samples bool                     // ingest the bundled samples into a database without reports
	Log     *slog.Logger
}

// Load is a load of the Parts, run once in the background. Until it
// ends, whatever needs the gazetteer (ingest, corrections, place search)
// waits in Wait; the read API needs none of it and answers at once.
type Load struct {
	done  chan struct{} // closed when the load has ended, with parts or err
	parts *Parts        // written before done is closed, read only after
	err   error
}

// Store is what loading the Parts needs of the database: the places and
// the import mark, the reports (the pipeline stores through it), the
// analysts' place rules and the report count (for the samples).
type Store interface {
	importer.Store
	geo.ReportService
	// PlaceRules returns the analysts' place rules (see geoparse.RuleSet).
	PlaceRules(ctx context.Context) ([]geo.PlaceRule, error)
	// Stats counts the stored reports and incidents.
	Stats(ctx context.Context) (reports, incidents int, err error)
}

// Now loads the Parts before it returns, as the commands other than serve
// need them.
func Now(ctx context.Context, db Store, opts Options) (*Load, error) {
	parts, err := LoadParts(ctx, db, opts)
	if err != nil {
		return nil, err
	}
	l := &Load{done: make(chan struct{}), parts: parts}
	close(l.done)
	return l, nil
}

// Start loads the Parts in the background once start is closed, and
// returns at once. Cancelling ctx stops a load still running, or never
// started; Done is closed when the load has ended either way.
func Start(ctx context.Context, db Store, opts Options, start <-chan struct{}) *Load {
	l := &Load{done: make(chan struct{})}
	go func() {
		defer close(l.done)
		select {
		case <-start:
		case <-ctx.Done():
			l.err = ctx.Err()
			return
		}
		l.parts, l.err = LoadParts(ctx, db, opts)
		if l.err != nil {
			if ctx.Err() == nil { // not a shutdown
				opts.Log.Error("gazetteer not loaded: ingest, review and place search will fail", "err", l.err)
			}
			return
		}
		// The build's garbage is several times the gazetteer; hand it back
		// to the OS now rather than over minutes through the scavenger.
		debug.FreeOSMemory()
	}()
	return l
}

// Done is closed when the load has ended, with the Parts or an error.
func (l *Load) Done() <-chan struct{} { return l.done }

// Wait returns the loaded parts, or the load's error, or ctx's error if
// ctx ends first.
func (l *Load) Wait(ctx context.Context) (*Parts, error) {
	if !l.Loaded() { // a select on both would pick at random when both are ready
		select {
		case <-l.done:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	if l.err != nil {
		return nil, l.loadError()
	}
	return l.parts, nil
}

// loadError is the error of a failed load as requests see it: a server
// failure (EINTERNAL, 5xx), whatever the cause's own code (a corrupt
// default gazetteer is EINVALID, which would tell a client that its
// report was at fault), with the cause's message, and wrapping the cause.
// Errors that are not domain errors are told as they are: an operator
// needs "database disk image is malformed", and it holds no secret.
func (l *Load) loadError() error {
	if errors.Is(l.err, context.Canceled) {
		return fmt.Errorf("gazetteer not loaded: %w", l.err) // the server is stopping
	}
	msg := l.err.Error()
	var e *geo.Error
	if errors.As(l.err, &e) {
		msg = e.Message
	}
	return fmt.Errorf("%w: %w", geo.Errorf(geo.EINTERNAL, "gazetteer not loaded: every ingest fails: %s", msg), l.err)
}

// Loaded reports whether the load has ended (with or without an error).
func (l *Load) Loaded() bool {
	select {
	case <-l.done:
		return true
	default:
		return false
	}
}

// Health reports whether ingest can work, for /healthz: nil while the
// load runs (requests wait for it, as they should) and once it has loaded
// places; an error saying why not if the load failed (a corrupt
// gazetteer: every ingest fails) or left no places (ingest finds none).
func (l *Load) Health(context.Context) error {
	if !l.Loaded() {
		return nil
	}
	if l.err != nil {
		return l.loadError()
	}
	if l.parts == nil || l.parts.Gazetteer == nil || l.parts.Gazetteer.Len() == 0 {
		return geo.Errorf(geo.EINTERNAL, "the gazetteer holds no places: ingest finds none")
	}
	return nil
}

// LoadParts imports the default gazetteer into a database without
// places, loads the gazetteer and the place rules into memory, builds the
// pipeline on them and, if asked, ingests the sample reports.
func LoadParts(ctx context.Context, db Store, opts Options) (*Parts, error) {
	log := opts.Log
	if err := importer.EnsureDefault(ctx, db, opts.Assets, log); err != nil {
		return nil, err
	}
	start := time.Now()
	g, err := importer.Load(ctx, db)
	if err != nil {
		return nil, fmt.Errorf("load gazetteer: %w", err)
	}
	log.Info("gazetteer ready", "places", g.Len(), "took", time.Since(start).Round(time.Millisecond))
	rules, err := db.PlaceRules(ctx)
	if err != nil {
		return nil, fmt.Errorf("load place rules: %w", err)
	}
	rs := geoparse.NewRuleSet(g, rules)
	parts := &Parts{
		Gazetteer: g,
		Rules:     rs,
		Pipeline:  &ingest.Pipeline{Parser: rs.Parser(), Rules: rs, Reports: db, Outlets: opts.Outlets},
	}
	if opts.Samples {
		if err := IngestSamples(ctx, db, parts.Pipeline, log); err != nil {
			return nil, err
		}
	}
	return parts, nil
}

// Ingester ingests through the pipeline once the gazetteer is loaded.
type Ingester struct{ Load *Load }

func (w Ingester) Ingest(ctx context.Context, r *geo.Report) (bool, []*geo.Incident, error) {
	parts, err := w.Load.Wait(ctx)
	if err != nil {
		return false, nil, err
	}
	return parts.Pipeline.Ingest(ctx, r)
}

// Reviewer applies corrections once the place rules are loaded, so a
// correction made during the load is never left out of the rules; the
// review queue needs only the database.
type Reviewer struct {
	geo.ReviewService
	Load *Load
}

func (w Reviewer) ApplyCorrection(ctx context.Context, c geo.Correction) (*geo.Incident, error) {
	parts, err := w.Load.Wait(ctx)
	if err != nil {
		return nil, err
	}
	return (&geoparse.Reviewer{ReviewService: w.ReviewService, Rules: parts.Rules}).ApplyCorrection(ctx, c)
}

// searchWait bounds how long a place search waits for the gazetteer:
// GazetteerSearcher has no context, so the wait cannot end with the request.
const searchWait = 30 * time.Second

// Searcher searches the gazetteer once it is loaded; until then, or if it
// failed to load, a search finds nothing.
type Searcher struct{ Load *Load }

func (w Searcher) Search(q, cc string, limit int) []geo.Candidate {
	ctx, cancel := context.WithTimeout(context.Background(), searchWait)
	defer cancel()
	parts, err := w.Load.Wait(ctx)
	if err != nil {
		return []geo.Candidate{}
	}
	return parts.Gazetteer.Search(q, cc, limit)
}

// IngestSamples stores the bundled sample reports when the database has no
// reports yet, so a first `make run` shows a populated map.
func IngestSamples(ctx context.Context, db Store, pipeline *ingest.Pipeline, log interface{ Info(string, ...any) }) error {
	reports, _, err := db.Stats(ctx)
	if err != nil || reports > 0 {
		return err
	}
	outlet := ""
	if b, err := fs.ReadFile(data.Samples, "samples/source"); err == nil {
		outlet = strings.TrimSpace(string(b))
	}
	entries, err := fs.ReadDir(data.Samples, "samples")
	if err != nil {
		return err
	}
	n := 0
	for _, e := range entries {
		name := e.Name()
		if ext := path.Ext(name); ext != ".txt" && ext != ".json" {
			continue
		}
		b, err := fs.ReadFile(data.Samples, "samples/"+name)
		if err != nil {
			return err
		}
		r, err := reportfile.Parse(name, b)
		if err != nil {
			return fmt.Errorf("sample report: %w", err)
		}
		if r.Source == "" {
			r.Source = outlet
		}
		if _, _, err := pipeline.Ingest(ctx, r); err != nil {
			return fmt.Errorf("sample report %s: %w", name, err)
		}
		n++
	}
	log.Info("sample reports ingested", "reports", n)
	return nil
}
