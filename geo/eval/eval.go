// Package eval scores a geoparser on an annotated corpus exactly as
// ../shared/eval/README.md says, so that figures compare with the published
// ones: it reads the JSON-lines corpora and computes strict and overlap
// precision, recall and F1, accuracy at 161 km, error distances and AUC.
package eval

import (
	"bufio"
	"encoding/json"
	"io"
	"math"
	"sort"
	"strings"

	"github.com/incidentmap/incidentmap/geo"
	"github.com/incidentmap/incidentmap/geo/gazetteer"
)

// Doc is one document of an annotated corpus (one JSON line).
type Doc struct {
	ID          string        `json:"id"`
	Text        string        `json:"text"`
	Toponyms    []GoldToponym `json:"toponyms"`
	IgnoreSpans []Span        `json:"ignore_spans"`
}

// GoldToponym is an annotated toponym; offsets are code points.
type GoldToponym struct {
	Start     int     `json:"start"`
	End       int     `json:"end"`
	Name      string  `json:"name"`
	Lat       float64 `json:"lat"`
	Lon       float64 `json:"lon"`
	GeonameID int64   `json:"geonameid,omitempty"`
	FCode     string  `json:"fcode,omitempty"`
}

// Span is a code-point range of a text.
type Span struct {
	Start int    `json:"start"`
	End   int    `json:"end"`
	Name  string `json:"name,omitempty"`
}

// ReadCorpus reads a JSON-lines corpus and calls fn per document. A line
// that is not valid JSON is an EINVALID error naming the line.
func ReadCorpus(r io.Reader, fn func(*Doc) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		var d Doc
		if err := json.Unmarshal([]byte(line), &d); err != nil {
			return geo.Errorf(geo.EINVALID, "line %d: %v", n, err)
		}
		if err := fn(&d); err != nil {
			return err
		}
	}
	return sc.Err()
}

// Prediction is one predicted toponym to score.
type Prediction struct {
	Start, End int
	Lat, Lon   float64
}

// Result holds the scores of a corpus run. Km figures and AUC are over
// the strict true positives; AUC is lower-is-better.
type Result struct {
	Docs      int `json:"docs"`
	Words     int `json:"words"`
	Gold      int `json:"gold"`
	Predicted int `json:"predicted"` // not counting predictions on ignore spans
	TP        int `json:"tp"`

	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	F1        float64 `json:"f1"`

	OverlapPrecision float64 `json:"overlap_precision"`
	OverlapRecall    float64 `json:"overlap_recall"`
	OverlapF1        float64 `json:"overlap_f1"`

	Acc161    float64 `json:"acc161"`
	MedianKm  float64 `json:"median_km"`
	MeanKm    float64 `json:"mean_km"`
	AUC       float64 `json:"auc"`
	EndToEnd  float64 `json:"end_to_end"`
	Seconds   float64 `json:"seconds"` // geoparsing time only
	DocsPerS  float64 `json:"docs_per_s"`
	WordsPerS float64 `json:"words_per_s"`
}

// Scorer accumulates predictions against gold documents. Not safe for
// concurrent use.
type Scorer struct {
	docs, words, gold, pred, tp    int
	ovPredTP, ovGoldHit, within161 int
	errs                           []float64
}

// Add scores the predictions for one document.
func (s *Scorer) Add(d *Doc, preds []Prediction) {
	s.docs++
	s.words += len(strings.Fields(d.Text))
	s.gold += len(d.Toponyms)
	overlaps := func(a, b, c, e int) bool { return a < e && c < b }
	goldHit := make([]bool, len(d.Toponyms))
	for _, p := range preds {
		strict, overlap := -1, false
		for i, g := range d.Toponyms {
			if g.Start == p.Start && g.End == p.End {
				strict = i
			}
			if overlaps(p.Start, p.End, g.Start, g.End) {
				overlap = true
				goldHit[i] = true
			}
		}
		if strict < 0 && !overlap {
			ignored := false
			for _, ig := range d.IgnoreSpans {
				if overlaps(p.Start, p.End, ig.Start, ig.End) {
					ignored = true
					break
				}
			}
			if ignored {
				continue // neither a true nor a false positive
			}
		}
		s.pred++
		if overlap {
			s.ovPredTP++
		}
		if strict >= 0 {
			s.tp++
			g := d.Toponyms[strict]
			e := geo.HaversineKm(p.Lat, p.Lon, g.Lat, g.Lon)
			s.errs = append(s.errs, e)
			if e <= 161 {
				s.within161++
			}
		}
	}
	for _, h := range goldHit {
		if h {
			s.ovGoldHit++
		}
	}
}

// Result returns the scores; seconds is the time spent geoparsing.
func (s *Scorer) Result(seconds float64) Result {
	r := Result{Docs: s.docs, Words: s.words, Gold: s.gold, Predicted: s.pred, TP: s.tp, Seconds: seconds}
	r.Precision, r.Recall, r.F1 = prf(s.tp, s.pred, s.tp, s.gold)
	r.OverlapPrecision, r.OverlapRecall, r.OverlapF1 = prf(s.ovPredTP, s.pred, s.ovGoldHit, s.gold)
	if n := len(s.errs); n > 0 {
		r.Acc161 = float64(s.within161) / float64(n)
		sorted := append([]float64(nil), s.errs...)
		sort.Float64s(sorted)
		if n%2 == 1 {
			r.MedianKm = sorted[n/2]
		} else {
			r.MedianKm = (sorted[n/2-1] + sorted[n/2]) / 2
		}
		sum := 0.0
		for _, e := range sorted {
			sum += e
		}
		r.MeanKm = sum / float64(n)
		r.AUC = auc(sorted)
	}
	if s.gold > 0 {
		r.EndToEnd = float64(s.within161) / float64(s.gold)
	}
	if seconds > 0 {
		r.DocsPerS = float64(s.docs) / seconds
		r.WordsPerS = float64(s.words) / seconds
	}
	return r
}

func prf(tpP, pred, tpR, gold int) (p, r, f float64) {
	if pred > 0 {
		p = float64(tpP) / float64(pred)
	}
	if gold > 0 {
		r = float64(tpR) / float64(gold)
	}
	if p+r > 0 {
		f = 2 * p * r / (p + r)
	}
	return p, r, f
}

// auc is Gritta et al.'s area under the curve of the sorted normalised log
// errors ln(1+km)/ln(20039), by the trapezoid rule over unit steps and
// divided by the width (n-1): 0 is perfect, 1 is the antipode every time.
func auc(sorted []float64) float64 {
	n := len(sorted)
	norm := math.Log(20039)
	ys := make([]float64, n)
	for i, e := range sorted {
		ys[i] = math.Log(1+e) / norm
	}
	if n == 1 {
		return ys[0]
	}
	area := 0.0
	for i := 1; i < n; i++ {
		area += (ys[i-1] + ys[i]) / 2
	}
	return area / float64(n-1)
}

// CorpusAnnotatesAdjectives reports whether a corpus's annotators marked
// adjectival forms ("Russian") as toponyms, judged from its gold spans: LGL
// does, GeoVirus does not. The scorer (never the parser) uses it to decide
// whether the parser's adjectival toponyms are part of the task.
func CorpusAnnotatesAdjectives(g *gazetteer.Gazetteer, docs []*Doc) bool {
	for _, d := range docs {
		rs := []rune(d.Text)
		for _, t := range d.Toponyms {
			if t.Start >= 0 && t.End <= len(rs) && t.Start < t.End {
				if w := string(rs[t.Start:t.End]); g.Demonym(w) != nil && !g.HasKey(gazetteer.StrictKey(w)) {
					return true
				}
			}
		}
	}
	return false
}
