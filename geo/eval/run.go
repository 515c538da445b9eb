package eval

import (
	"runtime"
	"syscall"
	"time"

	"github.com/incidentmap/incidentmap/geo/geoparse"
)

// Evaluate geoparses every document on one core, then scores the
// predictions. Throughput counts Parse alone: docs_per_s and words_per_s
// use the process's CPU time (user + system) over the parse loop, so a
// busy shared machine does not distort them; the wall-clock rate is
// returned as well.
func Evaluate(p *geoparse.Parser, docs []*Doc, includeAdj bool) (Result, float64) {
	prev := runtime.GOMAXPROCS(1)
	defer runtime.GOMAXPROCS(prev)
	runtime.GC() // start from a clean heap: the gazetteer's garbage is not the parser's
	preds := make([][]Prediction, len(docs))
	cpu0 := cpuTime()
	start := time.Now()
	for i, d := range docs {
		for _, t := range p.Parse(d.Text) {
			if t.Adjectival && !includeAdj {
				continue
			}
			preds[i] = append(preds[i], Prediction{Start: t.Start, End: t.End, Lat: t.Lat, Lon: t.Lon})
		}
	}
	wall := time.Since(start).Seconds()
	cpu := (cpuTime() - cpu0).Seconds()
	var s Scorer
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
