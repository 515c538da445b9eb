package main

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/incidentmap/incidentmap/cmd/incidentmap/internal/store"
	"github.com/incidentmap/incidentmap/geo"
)

// pwn is markup that creates elements of class "pwn" if anything parses it
// as HTML: a refresh that navigates the tab away (issue 20: this one got
// through the server clusters' tooltip; CSP does not stop it), an image
// and an SVG whose handlers CSP blocks, and a quote-breaking "> for
// attribute contexts. static/test/xss.test.mjs fails on any element of
// class pwn, any navigation away from the page and any dialog.
const pwn = `<meta class=pwn http-equiv="refresh" content="0;url=about:blank">` +
	`<img class=pwn src=x onerror=alert(1)>"><svg class=pwn onload=alert(2)><script class=pwn>alert(3)</script>`

// Where the hostile incidents lie: a stack at Baku and a lone incident in
// the Kazakh steppe, both outside the area the generator fills, so every
// server cluster there is theirs and the lone one stays a single marker.
const (
	hostileStackLat, hostileStackLon = 40.40, 49.87
	hostileLoneLat, hostileLoneLon   = 48.00, 68.00
	hostileStack                     = 12
)

// hostileNames are the outlet, claimant, place, gazetteer names and
// report title the hostile data set uses; xss.test.mjs finds them by the
// "Hostile" prefix each carries.
var hostileNames = struct{ Outlet, Claimant, Place, Name, Admin1, Candidate, Title, URL string }{
	Outlet:    "Hostile Outlet " + pwn,
	Claimant:  "Hostile Claimant " + pwn,
	Place:     "Hostile Place " + pwn,
	Name:      "Hostile Name " + pwn,
	Admin1:    "Hostile Region " + pwn,
	Candidate: "Hostile Candidate " + pwn,
	Title:     "Hostile Title " + pwn,
	URL:       "javascript:alert(document.domain)//" + pwn,
}

// mustLoadHostile stores, through the bulk loader (so place and source
// names can be anything, as a gazetteer import or an alias file could make
// them), hostileStack incidents at one point and one lone incident, every
// text field carrying pwn. They need review, with no gazetteer id and a
// low confidence, so they head the review queue.
func mustLoadHostile(t *testing.T, path string) {
	t.Helper()
	db, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	n := hostileNames
	report := func(i int, lat, lon float64) store.BulkReport {
		day := time.Date(2020, time.Month(1+i%12), 1+i, 0, 0, 0, 0, time.UTC)
		sentence := fmt.Sprintf("%s says %s shelled %s on day %d.", n.Claimant, n.Outlet, n.Place, i)
		start := strings.Index(sentence, n.Place)
		in := &geo.Incident{
			Date: day, DatePrecision: 1, Place: n.Place, Name: n.Name, CountryCode: "XX", Admin1: n.Admin1,
			Lat: lat, Lon: lon, Role: geo.RoleIncident, Precision: geo.PrecisionExact, Confidence: 0.01,
			NeedsReview: true, Sentence: sentence,
			Start: len([]rune(sentence[:start])), End: len([]rune(sentence[:start])) + len([]rune(n.Place)),
			Sources: []geo.SourceRef{{Name: n.Claimant, Kind: geo.SourceClaimant, Stance: geo.StanceClaims}},
			Candidates: []geo.Candidate{{GeonameID: 1, Name: n.Candidate, Lat: lat + 0.1, Lon: lon, CountryCode: "XX",
				Admin1: n.Admin1, FeatureCode: "PPL", Population: 10, Score: 0.5}},
		}
		r := &geo.Report{Title: n.Title, Text: sentence + " " + pwn, Published: day, Source: n.Outlet, URL: n.URL, Ingested: day}
		r.Hash = geo.ReportHash(r.Text)
		return store.BulkReport{Report: r, Incidents: []*geo.Incident{in}}
	}
	reports := []store.BulkReport{report(hostileStack, hostileLoneLat, hostileLoneLon)}
	for i := range hostileStack {
		reports = append(reports, report(i, hostileStackLat, hostileStackLon))
	}
	if _, err := db.BulkLoad(context.Background(), slices.Values(reports), store.BulkOptions{}); err != nil {
		t.Fatalf("load the hostile reports: %v", err)
	}
}

// TestBrowserHostileText drives every view of the map over hostile text
// (static/test/xss.test.mjs): 6,000 generated incidents put the public map
// and /embed in server-cluster mode, a source filter puts them in the
// browser's own clusters, and the hostile outlet, claimant, place, report
// title, text and URL reach tooltips, popups, the cluster list, legends,
// the source list, the embed dialog, the review panel and the report view.
// Nothing may become an element, navigate the page or open a dialog.
func TestBrowserHostileText(t *testing.T) {
	root := filepath.Join("..", "..")
	node := mustHaveBrowser(t, root)
	db := mustCopyTemplateDB(t)
	mustRun(t, "generate", "--db", db, "--incidents", "6000", "--seed", "3")
	mustLoadHostile(t, db)
	base := mustRunServerDB(t, db, false)
	// The write API's path too: markup in a title, a source and the text
	// around a real place, geoparsed as any report is.
	mustPostReport(t, base, hostileReport)
	t.Setenv("INCIDENTMAP_TEST_TOKEN", testToken) // the review panel's token, inherited by node
	runBrowserScript(t, node, root, "xss.test.mjs", base)
}
