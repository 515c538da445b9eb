package main

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/incidentmap/incidentmap/cmd/incidentmap/internal/store"
	"github.com/incidentmap/incidentmap/geo/reportfile"
)

// syrianTowns are real places the default gazetteer knows, used to write
// test reports; the pairs in writeTestReports vary which ones a report
// names, so reports produce different numbers of incidents and merges.
var syrianTowns = []string{
	"Saraqib", "Maarat al-Numan", "Ariha", "Jisr al-Shughur", "Khan Shaykhun", "Idlib", "Aleppo",
	"Homs", "Hama", "Daraa", "Raqqa", "Deir ez-Zor", "Manbij", "Afrin", "Azaz", "Douma", "Latakia",
	"Tartus", "Qamishli", "Palmyra", "Kafr Nabl", "Binnish", "Atarib", "Talbiseh",
}

// writeTestReports writes n short seed-format reports into dir and
// returns their paths in the order ingest reads them. Every text is
// unique (a report number), so none is a duplicate of another.
func writeTestReports(tb testing.TB, dir string, n int) []string {
	tb.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.Fatal(err)
	}
	var paths []string
	for i := 0; i < n; i++ {
		text := testReportText(i)
		p := filepath.Join(dir, fmt.Sprintf("report-%04d.txt", i))
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			tb.Fatal(err)
		}
		paths = append(paths, p)
	}
	return paths
}

// testReportText returns the i-th test report in the seed format.
func testReportText(i int) string {
	verbs := []string{"Shelling hit", "An air strike struck a market in", "Clashes broke out near", "Residents fled"}
	a := syrianTowns[i%len(syrianTowns)]
	b := syrianTowns[(i*7+3)%len(syrianTowns)]
	var text strings.Builder
	fmt.Fprintf(&text, " date 2021-%02d-%02d\n", 1+i%12, 1+i%28)
	fmt.Fprintf(&text, "%s %s on Tuesday, local volunteers said in dispatch %d.", verbs[i%len(verbs)], a, i)
	if i%3 != 0 {
		fmt.Fprintf(&text, " Later the fighting spread to %s, where several homes were damaged.", b)
	}
	if i%5 == 0 {
		fmt.Fprintf(&text, " Aid groups in %s said they could not reach the area.", syrianTowns[(i+11)%len(syrianTowns)])
	}
	return text.String() + "\n"
}

// mustBuildBinary builds incidentmap into a temp dir: the crash test needs
// a process it can SIGKILL.
func mustBuildBinary(tb testing.TB) string {
	tb.Helper()
	bin := filepath.Join(tb.TempDir(), "incidentmap")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, "go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		tb.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// reportSummary is what a stored report amounts to: how many incidents
// and mentions support it and which places they are.
type reportSummary struct {
	Incidents int
	Places    string // sorted geonameids and roles
}

// mustReportSummaries opens dbPath, checks its integrity and returns each
// stored report's summary keyed by its text hash. Report ids must run
// 1..n without gaps: a report is one transaction, and a transaction that
// never committed leaves no row behind.
func mustReportSummaries(tb testing.TB, dbPath string) map[string]reportSummary {
	tb.Helper()
	ctx := context.Background()
	db, err := store.Open(dbPath)
	if err != nil {
		tb.Fatalf("open %s after the crash: %v", dbPath, err)
	}
	defer db.Close()
	if err := db.IntegrityCheck(ctx); err != nil {
		tb.Fatal(err)
	}
	n, _, err := db.Stats(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	out := make(map[string]reportSummary, n)
	for id := int64(1); id <= int64(n); id++ {
		r, incidents, err := db.FindReportByID(ctx, id)
		if err != nil {
			tb.Fatalf("report %d of %d: %v", id, n, err)
		}
		if _, dup := out[r.Hash]; dup {
			tb.Fatalf("report %d is stored twice (hash %s)", id, r.Hash[:12])
		}
		var places []string
		for _, in := range incidents {
			places = append(places, fmt.Sprintf("%d/%s", in.GeonameID, in.Role))
		}
		slices.Sort(places)
		out[r.Hash] = reportSummary{len(incidents), strings.Join(places, " ")}
	}
	return out
}

var storedLine = regexp.MustCompile(`: report \d+ \(`)

// TestIngestSurvivesSIGKILL kills `incidentmap ingest` in the middle of a
// large run, then checks that the database is intact, that every report
// is either fully stored (the same incidents as a clean ingest of that
// file gives) or absent, and that running the ingest again completes the
// set without duplicates.
func TestIngestSurvivesSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and ingests hundreds of reports")
	}
	// Enough reports that three kills, each after another eighth of them
	// and a few milliseconds, leave some unstored even at full ingest speed
	// (250-500 reports/s, so 10-30 more can be stored before the kill lands).
	const total = 600
	bin := mustBuildBinary(t)
	dir := filepath.Join(t.TempDir(), "reports")
	paths := writeTestReports(t, dir, total)
	assets := filepath.Join("..", "..", "node_modules")
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()

	// The reference: the same files ingested without interruption.
	cleanDB := mustCopyTemplateDB(t)
	if out, err := exec.CommandContext(ctx, bin, "ingest", "--db", cleanDB, "--assets", assets, dir).CombinedOutput(); err != nil {
		t.Fatalf("clean ingest: %v\n%s", err, tail(out))
	}
	clean := mustReportSummaries(t, cleanDB)
	if len(clean) != total {
		t.Fatalf("clean ingest stored %d reports, want %d", len(clean), total)
	}
	hashes := make([]string, len(paths)) // in ingest order
	for i, p := range paths {
		b, _ := os.ReadFile(p)
		r, err := reportfile.Parse(p, b)
		if err != nil {
			t.Fatal(err)
		}
		hashes[i] = r.Hash
	}

	// The crashes: three times, start the ingest on the same database and
	// SIGKILL it a random few milliseconds after another eighth of the
	// reports are reported stored, so the kill lands anywhere: in the
	// geoparser, inside a transaction, or in the commit.
	crashDB := mustCopyTemplateDB(t)
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 9))
	var after map[string]reportSummary
	for round := 1; round <= 3; round++ {
		delay := time.Duration(rng.IntN(15000)) * time.Microsecond
		seen := mustKillIngestMidway(t, bin, crashDB, assets, dir, total/8, delay)
		prev := len(after)
		after = mustReportSummaries(t, crashDB) // integrity check included
		if len(after) >= total {
			t.Fatalf("round %d: all %d reports stored: the kill came too late to test anything", round, len(after))
		}
		if len(after) < prev+seen {
			t.Fatalf("round %d: %d reports stored, but %d+%d were reported stored: committed reports lost", round, len(after), prev, seen)
		}
		// What survived is exactly a prefix of the run, each report whole.
		for i, h := range hashes {
			got, ok := after[h]
			if !ok {
				for _, h2 := range hashes[i:] {
					if _, later := after[h2]; later {
						t.Fatalf("report %s missing but a later one is stored", paths[i])
					}
				}
				break
			}
			if want := clean[h]; got != want {
				t.Errorf("%s after the crash: %d incidents [%s], clean ingest: %d [%s]",
					filepath.Base(paths[i]), got.Incidents, got.Places, want.Incidents, want.Places)
			}
		}
		t.Logf("round %d: killed %v after the %dth new report was reported stored; %d of %d stored, each whole",
			round, delay, seen, len(after), total)
	}

	// The restart completes the set.
	out, err := exec.CommandContext(ctx, bin, "ingest", "--db", crashDB, "--assets", assets, dir).CombinedOutput()
	if err != nil {
		t.Fatalf("re-run ingest: %v\n%s", err, tail(out))
	}
	wantLine := fmt.Sprintf("%d stored, %d already stored, 0 failed", total-len(after), len(after))
	if !strings.Contains(string(out), wantLine) {
		t.Errorf("re-run summary: want %q in\n%s", wantLine, tail(out))
	}
	final := mustReportSummaries(t, crashDB)
	if len(final) != total {
		t.Fatalf("after the re-run %d reports, want %d", len(final), total)
	}
	for h, want := range clean {
		if got := final[h]; got != want {
			t.Errorf("report %s after crash and re-run: %+v, clean: %+v", h[:12], got, want)
		}
	}
	_, cleanIncidents := mustStats(t, cleanDB)
	_, finalIncidents := mustStats(t, crashDB)
	if finalIncidents != cleanIncidents {
		t.Errorf("incidents after crash and re-run = %d, clean ingest = %d (duplicates or losses)", finalIncidents, cleanIncidents)
	}
}

// mustKillIngestMidway starts `incidentmap ingest` on dbPath, waits until
// it has reported n more reports stored, waits delay, and SIGKILLs it
// (no deferred Close, no rollback, no checkpoint). It returns how many
// reports the process reported stored.
func mustKillIngestMidway(tb testing.TB, bin, dbPath, assets, dir string, n int, delay time.Duration) int {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "ingest", "--db", dbPath, "--assets", assets, dir)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	var seen atomic.Int64
	reached := make(chan struct{})
	drained := make(chan struct{})
	go func() {
		// Keep draining after the target, so the process never blocks on
		// a full pipe while we wait out the delay.
		defer close(drained)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if storedLine.MatchString(sc.Text()) && seen.Add(1) == int64(n) {
				close(reached)
			}
		}
	}()
	select {
	case <-reached:
	case <-drained:
		_ = cmd.Wait()
		tb.Fatalf("ingest ended after %d stored reports, before the kill", seen.Load())
	}
	time.Sleep(delay)
	if err := cmd.Process.Kill(); err != nil {
		tb.Fatal(err)
	}
	<-drained
	_ = cmd.Wait()
	return int(seen.Load())
}

func mustStats(tb testing.TB, dbPath string) (reports, incidents int) {
	tb.Helper()
	db, err := store.Open(dbPath)
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	reports, incidents, err = db.Stats(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	return reports, incidents
}

// tail returns the last lines of a command's output for a failure message.
func tail(b []byte) string {
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) > 20 {
		lines = lines[len(lines)-20:]
	}
	return strings.Join(lines, "\n")
}
