package main

import (
	"context"
	"fmt"
	"io"
	"iter"
	"log/slog"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/incidentmap/incidentmap/cmd/incidentmap/internal/store"
	"github.com/incidentmap/incidentmap/geo"
	"github.com/incidentmap/incidentmap/geo/gazetteer"
)

func runGenerate(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := newFlagSet("generate", "--db PATH --incidents N [--seed S] | --report-texts N --out DIR [--seed S]",
		"Fill a database with N synthetic incidents for benchmarks: 80% clustered around real towns of Syria\n"+
			"and its neighbours, 20% spread over the Middle East, dated 2011-2024, from 40 invented outlets with a\n"+
			"Zipf distribution, about five per synthetic report. The same seed gives the same data.\n"+
			"With --report-texts, write N synthetic seed-format report files to DIR instead (ingest benchmarks).", stderr)
	dbPath := fs.String("db", "incidentmap.db", "SQLite database `path` (created if missing)")
	n := fs.Int("incidents", 0, "how many incidents to generate")
	seed := fs.Uint64("seed", 1, "random `seed`")
	batch := fs.Int("batch", 20_000, "incidents per transaction (without --offline)")
	offline := fs.Bool("offline", false, "load in one transaction that drops the incident indexes and rebuilds them at the end\n"+
		"(all or nothing; only for a database nobody is serving)")
	texts := fs.Int("report-texts", 0, "write this many report text files to --out instead")
	out := fs.String("out", "", "`dir` for --report-texts")
	assets := fs.String("assets", defaultAssetsDir(), "`dir` holding the npm datasets (default gazetteer)")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the load to `file`")
	if err := fs.Parse(args); err != nil {
		return err
	}
	switch {
	case fs.NArg() > 0:
		return fmt.Errorf("generate: unexpected arguments %q", fs.Args())
	case *texts > 0:
		if *out == "" {
			return fmt.Errorf("generate: --report-texts needs --out DIR")
		}
		return writeReportTexts(*out, *texts, *seed)
	case *n < 0:
		fs.Usage()
		return fmt.Errorf("generate: --incidents must not be negative")
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	a, err := openApp(ctx, *dbPath, *assets, log)
	if err != nil {
		return err
	}
	defer a.Close()
	if *n == 0 {
		return nil // the database and its gazetteer only
	}
	g := newGenerator(*seed, a.Gazetteer)
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	start := time.Now()
	st, err := a.DB.BulkLoad(ctx, g.reports(*n), store.BulkOptions{BatchIncidents: *batch, Offline: *offline})
	took := time.Since(start)
	if err != nil {
		return fmt.Errorf("generate: after %d incidents: %w", st.Incidents, err)
	}
	fmt.Fprintf(stdout, "generated %d incidents in %d reports in %s (%.0f incidents/s)\n",
		st.Incidents, st.Reports, took.Round(time.Millisecond), float64(st.Incidents)/took.Seconds())
	return nil
}

// generator makes the synthetic incidents of one seed.
type generator struct {
	rng     *rand.Rand
	seed    uint64
	towns   townPicker
	outlets []string
	zipf    *rand.Zipf
	ids     []int64  // per genTowns: geonameid from the gazetteer, or 0
	names   []string // per genTowns: the gazetteer's name, or ours
	days    []int    // cumulative weights per year, 2011..2024
}

// yearWeights shapes the dates: the conflict years with the most reports
// weigh most.
var yearWeights = []int{3, 8, 10, 10, 10, 10, 8, 7, 8, 6, 4, 3, 3, 3} // 2011..2024

func newGenerator(seed uint64, gz *gazetteer.Gazetteer) *generator {
	rng := rand.New(rand.NewPCG(seed, 0x1dcb))
	g := &generator{rng: rng, seed: seed, towns: newTownPicker(), outlets: genOutlets()}
	// s=1.1 gives the top outlet about a fifth of all incidents and the
	// last few a fraction of a percent each.
	g.zipf = rand.NewZipf(rng, 1.1, 1, uint64(len(g.outlets)-1))
	for _, t := range genTowns {
		id, name := int64(0), t.name
		if gz != nil {
			for _, m := range gz.Lookup(t.name) {
				if m.Place.CountryCode == t.country && math.Abs(m.Place.Lat-t.lat) < 0.2 && math.Abs(m.Place.Lon-t.lon) < 0.2 {
					id, name = m.Place.GeonameID, m.Place.Name
					break
				}
			}
		}
		g.ids, g.names = append(g.ids, id), append(g.names, name)
	}
	total := 0
	for _, w := range yearWeights {
		total += w
		g.days = append(g.days, total)
	}
	return g
}

// day draws an event date between 2011-01-01 and 2024-12-31.
func (g *generator) day() time.Time {
	x := g.rng.IntN(g.days[len(g.days)-1])
	y := 0
	for g.days[y] <= x {
		y++
	}
	start := time.Date(2011+y, 1, 1, 0, 0, 0, 0, time.UTC)
	return start.AddDate(0, 0, g.rng.IntN(365))
}

// reports yields synthetic reports holding n incidents in all.
func (g *generator) reports(n int) iter.Seq[store.BulkReport] {
	return func(yield func(store.BulkReport) bool) {
		for i := 0; n > 0; i++ {
			k := min(1+g.rng.IntN(9), n) // five on average
			n -= k
			if !yield(g.report(i, k)) {
				return
			}
		}
	}
}

// report makes report number i with k incidents.
func (g *generator) report(i, k int) store.BulkReport {
	published := g.day()
	outlet := g.outlets[g.zipf.Uint64()]
	incidents := make([]*geo.Incident, k)
	var text strings.Builder
	for j := range incidents {
		in := g.incident(published)
		incidents[j] = in
		text.WriteString(in.Sentence)
		text.WriteByte(' ')
	}
	fmt.Fprintf(&text, "Reference %d-%d.", g.seed, i)
	r := &geo.Report{
		Title:     fmt.Sprintf("Synthetic report %d", i),
		Text:      text.String(),
		Published: published,
		Source:    outlet,
		Ingested:  published.Add(36 * time.Hour),
	}
	r.Hash = geo.ReportHash(r.Text)
	return store.BulkReport{Report: r, Incidents: incidents}
}

// incident makes one incident reported on published.
func (g *generator) incident(published time.Time) *geo.Incident {
	rng := g.rng
	in := &geo.Incident{
		Date:       published.AddDate(0, 0, -rng.IntN(3)),
		Role:       geo.RoleIncident,
		Precision:  geo.PrecisionExact,
		Confidence: 0.5 + rng.Float64()/2,
	}
	var ti int
	if rng.IntN(5) > 0 {
		ti = g.towns.index(rng)
		t := &genTowns[ti]
		// Half the events in the town itself, half in its surroundings.
		sd := 0.02
		if rng.IntN(2) == 0 {
			sd = 0.1
		}
		in.Lat, in.Lon = t.lat+rng.NormFloat64()*sd, t.lon+rng.NormFloat64()*sd
	} else {
		in.Lat, in.Lon = 29+rng.Float64()*13, 30+rng.Float64()*18
		ti = nearestTown(in.Lat, in.Lon)
		in.Precision = geo.PrecisionNear
	}
	t := &genTowns[ti]
	in.Place, in.Name, in.GeonameID = t.name, g.names[ti], g.ids[ti]
	in.CountryCode, in.Admin1 = t.country, t.admin1
	switch x := rng.IntN(10); {
	case x == 0:
		in.Role = geo.RoleMention
	case x == 1 && in.Precision == geo.PrecisionExact:
		in.Precision = geo.PrecisionProvince
	}
	in.NeedsReview = rng.IntN(20) == 0
	s := genSentence(rng, t.name, in.Date)
	in.Sentence = s.text
	in.Start = strings.Index(s.text, t.name)
	in.End = in.Start + len([]rune(t.name))
	stance := geo.StanceClaims
	if s.denies {
		stance = geo.StanceDenies
	}
	in.Sources = []geo.SourceRef{{Name: s.claimant, Kind: geo.SourceClaimant, Stance: stance}}
	return in
}

// nearestTown returns the index in genTowns of the town closest to a point.
func nearestTown(lat, lon float64) int {
	best, bestD := 0, math.Inf(1)
	for i, t := range genTowns {
		dx := (t.lon - lon) * math.Cos(lat*math.Pi/180)
		if d := dx*dx + (t.lat-lat)*(t.lat-lat); d < bestD {
			best, bestD = i, d
		}
	}
	return best
}

// writeReportTexts writes n synthetic reports in the seed text format to
// dir, named gen-NNNNNN.txt, with outlet names in a "source" file as the
// ingest command reads them.
func writeReportTexts(dir string, n int, seed uint64) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	g := newGenerator(seed, nil)
	for i := range n {
		text := genReportText(g.rng, g.towns, g.day(), i)
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("gen-%06d.txt", i)), []byte(text), 0o644); err != nil {
			return err
		}
	}
	return os.WriteFile(filepath.Join(dir, "source"), []byte(g.outlets[0]+"\n"), 0o644)
}
