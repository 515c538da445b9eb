package main

import (
	"context"
	"io"
	"io/fs"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/incidentmap/incidentmap/static"
)

// hostileReport is a report whose text, title and source carry markup and
// script. The browser test checks the map and the report view show it as
// text and that no script runs.
const hostileReport = `{"title": "Markup test <img src=x onerror=alert(1)> in the title",
 "published": "2021-03-09",
 "source": "Markup <b>Test</b> Wire",
 "text": "Shelling damaged houses in Saraqib on Monday, and a post shared there read <img src=x onerror=alert(1)> next to <script>alert(2)</script> in plain sight. Residents said the market stayed closed."}`

// browserScriptTimeout bounds one Playwright script; each normally takes
// 5-15 s on a quiet machine.
const browserScriptTimeout = 2 * time.Minute

// mustHaveBrowser skips (or, under CI, fails) when the headless browser
// set-up is missing: node, playwright-core, Chromium or the vendored
// front-end libraries; browser tests are skipped in -short mode too.
func mustHaveBrowser(t *testing.T, root string) (node string) {
	t.Helper()
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	var missing []string
	node, err := exec.LookPath("node")
	if err != nil {
		missing = append(missing, "node")
	}
	if _, err := os.Stat(filepath.Join(root, "node_modules", "playwright-core", "package.json")); err != nil {
		missing = append(missing, "node_modules/playwright-core (npm ci)")
	}
	chromium := os.Getenv("CHROMIUM")
	if chromium == "" {
		chromium = "/usr/bin/chromium"
	}
	if _, err := os.Stat(chromium); err != nil {
		missing = append(missing, chromium+" (apt-get install chromium)")
	}
	if _, err := fs.Stat(static.FS, "vendor/leaflet/leaflet.js"); err != nil {
		missing = append(missing, "static/vendor (make assets, then rebuild)")
	}
	if len(missing) > 0 {
		msg := "browser test needs: " + strings.Join(missing, ", ")
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return node
}

// TestBrowser drives the real server's map in headless Chromium with the
// Playwright scripts in static/test: markers match the API, the date range,
// sources and histogram re-query, the URL state survives a reload, popups
// and the report view open, and no request leaves 127.0.0.1. Hostile text
// in every view is TestBrowserHostileText's.
func TestBrowser(t *testing.T) {
	root := filepath.Join("..", "..")
	node := mustHaveBrowser(t, root)

	// The hostile report goes in through the write API: mustRunServer
	// ingests the bundled samples only into an empty database, and the map
	// test needs them. It keeps markup in a source name on the map the
	// map test checks.
	base := mustRunServer(t)
	mustPostReport(t, base, hostileReport)
	runBrowserScript(t, node, root, "map.test.mjs", base)
}

// TestBrowserServerClusters drives the map in server-cluster mode
// (static/test/clusters.test.mjs): 6,000 generated incidents, more than
// the page loads as GeoJSON, and three reports of one place from a test
// wire, months apart so they stay three incidents at one point.
func TestBrowserServerClusters(t *testing.T) {
	root := filepath.Join("..", "..")
	node := mustHaveBrowser(t, root)
	db := mustCopyTemplateDB(t)
	mustRun(t, "generate", "--db", db, "--incidents", "6000", "--seed", "3")
	base := mustRunServerDB(t, db, false)
	for day, what := range map[string]string{"2021-02-02": "the vegetable market", "2021-06-08": "a bakery", "2021-10-12": "the main road"} {
		mustPostReport(t, base, `{"published": "`+day+`", "source": "Stacked Test Wire",
			"text": "Artillery fire struck `+what+` in Saraqib early on Tuesday, a local council member said."}`)
	}
	runBrowserScript(t, node, root, "clusters.test.mjs", base)
}

// mustPostReport stores a JSON report through POST /api/reports.
func mustPostReport(t *testing.T, base, report string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, base+"/api/reports", strings.NewReader(report))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+testToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("POST /api/reports: status %d, want %d; body %s", resp.StatusCode, http.StatusCreated, body)
	}
}

// runBrowserScript runs static/test/<script> against base and fails the
// test with the script's output if it exits non-zero.
func runBrowserScript(t *testing.T, node, root, script, base string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), browserScriptTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, filepath.Join("static", "test", script), base)
	cmd.Dir = root
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		t.Fatalf("%s timed out after %v:\n%s", script, browserScriptTimeout, out)
	}
	if err != nil {
		t.Fatalf("%s: %v\n%s", script, err, out)
	}
	t.Logf("%s:\n%s", script, out)
}

// TestBrowserReview drives the review panel (static/test/review.test.mjs):
// with seed report 002 stored, an analyst fixes the unresolved "Abu
// Sharja" by clicking the map; the marker moves and stays after a reload,
// and a report ingested afterwards places Abu Sharja on the same point.
func TestBrowserReview(t *testing.T) {
	root := filepath.Join("..", "..")
	node := mustHaveBrowser(t, root)
	base := mustRunServer(t, seedPath(t, "002_aea83830c4712770.txt"))
	t.Setenv("INCIDENTMAP_TEST_TOKEN", testToken) // inherited by the node process
	runBrowserScript(t, node, root, "review.test.mjs", base)
}
