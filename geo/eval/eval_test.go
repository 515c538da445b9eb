package eval

import (
	"math"
	"strings"
	"testing"

	"github.com/incidentmap/incidentmap/geo"
)

func TestScorer(t *testing.T) {
	doc := &Doc{
		ID:   "d1",
		Text: "Idlib and Hama were shelled near Main Street in Aleppo.",
		Toponyms: []GoldToponym{
			{Start: 0, End: 5, Lat: 35.93, Lon: 36.63},   // Idlib
			{Start: 10, End: 14, Lat: 35.13, Lon: 36.75}, // Hama
			{Start: 48, End: 54, Lat: 36.20, Lon: 37.16}, // Aleppo
		},
		IgnoreSpans: []Span{{Start: 33, End: 44}},
	}
	preds := []Prediction{
		{Start: 0, End: 5, Lat: 35.93, Lon: 36.63},   // exact, 0 km
		{Start: 10, End: 14, Lat: 25.36, Lon: 55.39}, // right span, far away
		{Start: 33, End: 37},                         // on an ignore span: not counted
		{Start: 48, End: 51},                         // overlaps Aleppo only
		{Start: 20, End: 26},                         // "shelled": false positive
	}
	var s Scorer
	s.Add(doc, preds)
	r := s.Result(2)
	near := func(got, want float64) bool { return math.Abs(got-want) < 1e-9 }
	if r.Predicted != 4 || r.TP != 2 {
		t.Fatalf("Predicted=%d TP=%d, want 4 and 2", r.Predicted, r.TP)
	}
	if !near(r.Precision, 0.5) || !near(r.Recall, 2.0/3) || !near(r.F1, 2*0.5*(2.0/3)/(0.5+2.0/3)) {
		t.Errorf("strict P/R/F1 = %v/%v/%v", r.Precision, r.Recall, r.F1)
	}
	if !near(r.OverlapPrecision, 0.75) || !near(r.OverlapRecall, 1) {
		t.Errorf("overlap P/R = %v/%v, want 0.75/1", r.OverlapPrecision, r.OverlapRecall)
	}
	if !near(r.Acc161, 0.5) || !near(r.EndToEnd, 1.0/3) {
		t.Errorf("Acc161=%v EndToEnd=%v, want 0.5 and 1/3", r.Acc161, r.EndToEnd)
	}
	far := geo.HaversineKm(35.13, 36.75, 25.36, 55.39)
	if !near(r.MeanKm, far/2) || !near(r.MedianKm, far/2) {
		t.Errorf("mean/median km = %v/%v, want %v", r.MeanKm, r.MedianKm, far/2)
	}
	wantAUC := (0 + math.Log(1+far)/math.Log(20039)) / 2
	if !near(r.AUC, wantAUC) {
		t.Errorf("AUC=%v, want %v", r.AUC, wantAUC)
	}
	if r.DocsPerS != 0.5 || r.Words != 10 {
		t.Errorf("DocsPerS=%v Words=%d, want 0.5 and 10", r.DocsPerS, r.Words)
	}
}

func TestReadCorpus(t *testing.T) {
	in := `{"id": "a", "text": "Café in Paris", "toponyms": [{"start": 8, "end": 13, "name": "Paris", "lat": 48.85, "lon": 2.35}]}` + "\n\n" +
		`{"id": "b", "text": "x"}` + "\n" + `{not json}`
	var ids []string
	err := ReadCorpus(strings.NewReader(in), func(d *Doc) error { ids = append(ids, d.ID); return nil })
	if len(ids) != 2 || geo.ErrorCode(err) != geo.EINVALID || !strings.Contains(geo.ErrorMessage(err), "line 4") {
		t.Errorf("ids=%v err=%v, want [a b] then EINVALID on line 4", ids, err)
	}
}
