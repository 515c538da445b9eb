// Package generate makes synthetic data for benchmarks: incidents around
// real towns of Syria and its neighbours, ready for store.DB.BulkLoad, and
// report texts in the seed format for the ingest benchmarks. The same seed
// gives the same data.
package generate

import (
	"fmt"
	"iter"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/incidentmap/incidentmap/cmd/incidentmap/internal/store"
	"github.com/incidentmap/incidentmap/geo"
	"github.com/incidentmap/incidentmap/geo/gazetteer"
)

// Generator makes the synthetic incidents of one seed. It is not safe
// for concurrent use.
type Generator struct {
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

// New returns the generator of seed. With gz, incidents carry the
// geonameid and name of the gazetteer's town; without, ids are 0.
func New(seed uint64, gz *gazetteer.Gazetteer) *Generator {
	rng := rand.New(rand.NewPCG(seed, 0x1dcb))
	g := &Generator{rng: rng, seed: seed, towns: newTownPicker(), outlets: genOutlets()}
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
func (g *Generator) day() time.Time {
	x := g.rng.IntN(g.days[len(g.days)-1])
	y := 0
	for g.days[y] <= x {
		y++
	}
	start := time.Date(2011+y, 1, 1, 0, 0, 0, 0, time.UTC)
	return start.AddDate(0, 0, g.rng.IntN(365))
}

// Reports yields synthetic reports holding n incidents in all.
func (g *Generator) Reports(n int) iter.Seq[store.BulkReport] {
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
func (g *Generator) report(i, k int) store.BulkReport {
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
func (g *Generator) incident(published time.Time) *geo.Incident {
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

// WriteReportTexts writes n synthetic reports in the seed text format to
// dir, named gen-NNNNNN.txt, with outlet names in a "source" file as the
// ingest command reads them.
func WriteReportTexts(dir string, n int, seed uint64) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	g := New(seed, nil)
	for i := range n {
		text := genReportText(g.rng, g.towns, g.day(), i)
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("gen-%06d.txt", i)), []byte(text), 0o644); err != nil {
			return err
		}
	}
	return os.WriteFile(filepath.Join(dir, "source"), []byte(g.outlets[0]+"\n"), 0o644)
}
