package merge

import (
	"encoding/json"
	"os"
	"testing"
	"time"

	"github.com/incidentmap/incidentmap/geo"
)

// mergeCase is one pair of incidents from two reports in testdata/merge.
type mergeCase struct {
	Name  string       `json:"name"`
	Same  bool         `json:"same"`
	RoleB geo.Role     `json:"role_b"`
	A     mergeFixture `json:"a"`
	B     mergeFixture `json:"b"`
}

type mergeFixture struct {
	geo.Incident
	DateS string `json:"date"`
}

func (f mergeFixture) incident(tb testing.TB, role geo.Role) *geo.Incident {
	tb.Helper()
	inc := f.Incident
	d, err := time.Parse(geo.DateLayout, f.DateS)
	if err != nil {
		tb.Fatal(err)
	}
	inc.Date, inc.Role = d, role
	return &inc
}

func TestSameEvent(t *testing.T) {
	data, err := os.ReadFile("testdata/merge/pairs.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []mergeCase
	if err := json.Unmarshal(data, &cases); err != nil {
		t.Fatal(err)
	}
	if len(cases) < 10 {
		t.Fatalf("read %d cases", len(cases))
	}
	for _, tc := range cases {
		t.Run(tc.Name, func(t *testing.T) {
			roleB := geo.RoleIncident
			if tc.RoleB != "" {
				roleB = tc.RoleB
			}
			a, b := tc.A.incident(t, geo.RoleIncident), tc.B.incident(t, roleB)
			if got := SameEvent(a, b); got != tc.Same {
				t.Errorf("SameEvent = %v, want %v (similarity %.2f)", got, tc.Same, sentenceSimilarity(a.Sentence, b.Sentence))
			}
			if got := SameEvent(b, a); got != tc.Same {
				t.Errorf("SameEvent(b, a) = %v, want %v: not symmetric", got, tc.Same)
			}
		})
	}
}

func TestSameEventNil(t *testing.T) {
	if SameEvent(nil, &geo.Incident{Role: geo.RoleIncident}) {
		t.Error("SameEvent(nil, x) = true")
	}
}
