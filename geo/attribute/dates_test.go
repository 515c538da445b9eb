package attribute

import (
	"bufio"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/incidentmap/incidentmap/geo"
)

// TestEventDate reads testdata/dates/cases.tsv: sentence, report date,
// wanted date ("none" for no cue) and precision.
func TestEventDate(t *testing.T) {
	f, err := os.Open("testdata/dates/cases.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		col := strings.Split(line, "\t")
		if len(col) != 4 {
			t.Fatalf("bad case line %q", line)
		}
		n++
		t.Run(col[0], func(t *testing.T) {
			rd := mustDate(t, col[1])
			got, p, ok := EventDate(col[0], rd)
			if col[2] == "none" {
				if ok {
					t.Fatalf("EventDate = %s p%d, want no date cue", got.Format(geo.DateLayout), p)
				}
				return
			}
			wantP, _ := strconv.Atoi(col[3])
			if !ok || !got.Equal(mustDate(t, col[2])) || p != wantP {
				t.Errorf("EventDate = %s p%d ok=%v, want %s p%d", got.Format(geo.DateLayout), p, ok, col[2], wantP)
			}
		})
	}
	if n < 20 {
		t.Fatalf("read %d cases, want at least 20", n)
	}
}

func TestEventDateIgnoresClock(t *testing.T) {
	rd := time.Date(2020, 1, 23, 23, 30, 0, 0, time.FixedZone("X", 3*3600))
	got, p, ok := EventDate("Rebels attacked on Wednesday.", rd)
	if want := mustDate(t, "2020-01-22"); !ok || !got.Equal(want) || p != geo.DatePrecisionDay {
		t.Errorf("EventDate = %v p%d, want %v p1", got, p, want)
	}
}

func mustDate(tb testing.TB, s string) time.Time {
	tb.Helper()
	d, err := time.Parse(geo.DateLayout, s)
	if err != nil {
		tb.Fatal(err)
	}
	return d
}

// TestDateCueGuards shows that the cheap pre-checks of dateCues never drop a
// cue: every sentence of the test corpus gets the same cues with the
// checks as with every pattern run.
func TestDateCueGuards(t *testing.T) {
	rd := mustDate(t, "2019-03-06")
	for _, s := range guardCorpus(t) {
		got, want := dateCuesGuarded(s, rd, true), dateCuesGuarded(s, rd, false)
		if !slices.Equal(got, want) {
			t.Errorf("dateCues(%q) = %v, want (every pattern run) %v", s, got, want)
		}
	}
}

func FuzzDateCueGuards(f *testing.F) {
	for _, s := range guardSentences {
		f.Add(s)
	}
	rd := time.Date(2019, 3, 6, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		got, want := dateCuesGuarded(s, rd, true), dateCuesGuarded(s, rd, false)
		if !slices.Equal(got, want) {
			t.Errorf("dateCues(%q) = %v, want (every pattern run) %v", s, got, want)
		}
	})
}

func BenchmarkAttributeReport(b *testing.B) {
	sentences := guardSentences
	incident := make([]bool, len(sentences))
	for i := range incident {
		incident[i] = i%2 == 0
	}
	rd := time.Date(2019, 3, 6, 0, 0, 0, 0, time.UTC)
	for b.Loop() {
		Report(sentences, rd, incident)
	}
}
