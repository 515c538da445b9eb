package gazetteer_test

import (
	"testing"

	"github.com/incidentmap/incidentmap/geo/internal/geotest"
)

func TestGazetteerSearch(t *testing.T) {
	g := geotest.DefaultGazetteer(t)
	tests := []struct {
		q, cc    string
		limit    int
		wantName string // the first result's name ("" = no result)
		wantCC   string
	}{
		{q: "Idlib", cc: "SY", limit: 5, wantName: "Idlib", wantCC: "SY"},
		{q: "idlib", cc: "", limit: 5, wantName: "Idlib", wantCC: "SY"},
		{q: "Idlib", cc: "FR", limit: 5},
		{q: "Saraqib", cc: "SY", limit: 5, wantName: "Sarāqib", wantCC: "SY"}, // diacritics folded
		{q: "Saraq", cc: "SY", limit: 5, wantName: "Sarāqib", wantCC: "SY"},   // prefix
		{q: "Sa", cc: "SY", limit: 5},                                         // too short for a prefix
		{q: "  ", cc: "", limit: 5},
		{q: "Idlib", cc: "", limit: 0},
	}
	for _, tt := range tests {
		t.Run(tt.q+"/"+tt.cc, func(t *testing.T) {
			got := g.Search(tt.q, tt.cc, tt.limit)
			if got == nil {
				t.Fatal("nil result, want an empty slice (it is JSON-encoded)")
			}
			if len(got) > tt.limit {
				t.Errorf("%d results, want at most %d", len(got), tt.limit)
			}
			if tt.wantName == "" {
				if len(got) != 0 {
					t.Errorf("results = %+v, want none", got)
				}
				return
			}
			if len(got) == 0 || got[0].Name != tt.wantName || got[0].CountryCode != tt.wantCC {
				t.Errorf("results = %+v, want %s (%s) first", got, tt.wantName, tt.wantCC)
			}
			for _, c := range got {
				if tt.cc != "" && c.CountryCode != tt.cc {
					t.Errorf("result %+v outside country %s", c, tt.cc)
				}
			}
		})
	}
}
