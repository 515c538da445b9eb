package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// needTool returns the path of a command-line tool, skipping the test when
// it is missing (failing under CI, where make test installs it).
func needTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s not installed: make test installs it", name)
		}
		t.Skipf("%s not installed", name)
	}
	return p
}

func runTool(t *testing.T, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), "GDAL_HTTP_TIMEOUT=30", "CPL_DEBUG=OFF")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

var featureCountRe = regexp.MustCompile(`Feature Count: (\d+)`)

func featureCount(t *testing.T, ogrinfo string) int {
	t.Helper()
	m := featureCountRe.FindStringSubmatch(ogrinfo)
	if m == nil {
		t.Fatalf("no feature count in ogrinfo output:\n%s", ogrinfo)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

func matched(t *testing.T, url string) int {
	t.Helper()
	var fc featureCollection
	mustGetJSON(t, url, 200, &fc)
	return fc.NumberMatched
}

// TestOGCWithGDAL opens our OGC API and exports in GDAL, a real GIS client.
func TestOGCWithGDAL(t *testing.T) {
	ogrinfo := needTool(t, "ogrinfo")
	ogr2ogr := needTool(t, "ogr2ogr")
	base := mustRunServer(t)
	total := matched(t, base+"/api/incidents?limit=1")
	if total < 5 {
		t.Fatalf("only %d incidents in the samples", total)
	}

	out := runTool(t, ogrinfo, "-ro", "-al", "-so", "OAPIF:"+base+"/ogc", "incidents")
	if got := featureCount(t, out); got != total {
		t.Errorf("ogrinfo OAPIF incidents: %d features, want %d\n%s", got, total, out)
	}

	// A datetime-filtered subset copied to a GeoPackage.
	want2020 := matched(t, base+"/api/incidents?from=2020-01-01&to=2020-12-31&limit=1")
	if want2020 == 0 || want2020 == total {
		t.Fatalf("2020 holds %d of %d incidents: the filter would prove nothing", want2020, total)
	}
	gpkg := filepath.Join(t.TempDir(), "subset.gpkg")
	runTool(t, ogr2ogr, "-f", "GPKG", gpkg,
		"OAPIF:"+base+"/ogc/collections/incidents?datetime=2020-01-01T00:00:00Z/2020-12-31T23:59:59Z")
	if got := featureCount(t, runTool(t, ogrinfo, "-ro", "-al", "-so", gpkg)); got != want2020 {
		t.Errorf("GeoPackage of 2020: %d features, want %d", got, want2020)
	}

	// Each export format opens with the right count.
	for _, format := range []string{"geojson", "csv", "kml"} {
		t.Run("export "+format, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "incidents."+format)
			mustDownload(t, base+"/api/export?format="+format, path)
			args := []string{"-ro", "-al", "-so"}
			if format == "csv" {
				args = append(args, "-oo", "X_POSSIBLE_NAMES=longitude", "-oo", "Y_POSSIBLE_NAMES=latitude")
			}
			if got := featureCount(t, runTool(t, ogrinfo, append(args, path)...)); got != total {
				t.Errorf("%s export: %d features, want %d", format, got, total)
			}
		})
	}
}

func mustDownload(t *testing.T, url, path string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("GET %s: %d %s", url, resp.StatusCode, b)
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := io.Copy(f, resp.Body); err != nil {
		t.Fatal(err)
	}
}

// TestOGCPaging follows next links through every item: each incident
// exactly once.
func TestOGCPaging(t *testing.T) {
	base := mustRunServer(t)
	total := matched(t, base+"/api/incidents?limit=1")
	seen := map[float64]int{}
	url := base + "/ogc/collections/incidents/items?limit=3"
	pages := 0
	for url != "" {
		var page struct {
			NumberMatched, NumberReturned int
			Features                      []struct{ ID float64 }
			Links                         []struct{ Href, Rel string }
		}
		mustGetJSON(t, url, 200, &page)
		if page.NumberMatched != total || page.NumberReturned != len(page.Features) {
			t.Fatalf("page %d: numberMatched %d numberReturned %d, want %d and %d", pages, page.NumberMatched, page.NumberReturned, total, len(page.Features))
		}
		for _, f := range page.Features {
			seen[f.ID]++
		}
		url = ""
		for _, l := range page.Links {
			if l.Rel == "next" {
				url = l.Href
			}
		}
		if pages++; pages > total {
			t.Fatal("paging does not end")
		}
	}
	if len(seen) != total {
		t.Errorf("paged %d distinct incidents, want %d", len(seen), total)
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("incident %v seen %d times", id, n)
		}
	}
}

// TestWriteAPI: a token is needed; a posted report's incidents appear, the
// ETag changes, and /api/changes lists the write.
func TestWriteAPI(t *testing.T) {
	base := mustRunServer(t)
	report := `{"title":"Test","text":"Shelling struck the outskirts of Saraqib on Monday, residents said.","published":"2021-03-01","source":"Write Test"}`
	post := func(token string) *http.Response {
		req, _ := http.NewRequest("POST", base+"/api/reports", strings.NewReader(report))
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	if resp := post(""); resp.StatusCode != 401 {
		t.Fatalf("without token: %d, want 401", resp.StatusCode)
	}
	etagBefore := headOf(t, base+"/api/incidents", "ETag")
	var version struct{ Version int64 }
	mustGetJSON(t, base+"/api/version", 200, &version)

	resp := post(testToken)
	defer resp.Body.Close()
	var created struct {
		ID      int64
		Created bool
		Places  []map[string]any
	}
	if err := json.NewDecoder(resp.Body).Decode(&created); err != nil || resp.StatusCode != 201 || !created.Created {
		t.Fatalf("with token: status %d err %v %+v", resp.StatusCode, err, created)
	}
	var fc featureCollection
	mustGetJSON(t, base+"/api/incidents?source=Write+Test", 200, &fc)
	if len(fc.Features) == 0 {
		t.Fatal("posted report's incidents are not in /api/incidents")
	}
	if after := headOf(t, base+"/api/incidents", "ETag"); after == etagBefore || after == "" {
		t.Errorf("ETag unchanged after a write: %q", after)
	}
	var changes struct {
		Changes []struct {
			Kind        string
			ReportID    int64   `json:"report_id"`
			IncidentIDs []int64 `json:"incident_ids"`
		}
	}
	mustGetJSON(t, fmt.Sprintf("%s/api/changes?since=%d", base, version.Version), 200, &changes)
	if len(changes.Changes) != 1 || changes.Changes[0].ReportID != created.ID || len(changes.Changes[0].IncidentIDs) == 0 {
		t.Errorf("/api/changes since %d = %+v, want the new report %d with its incidents", version.Version, changes.Changes, created.ID)
	}
	// Delete needs the token and removes the incidents.
	req, _ := http.NewRequest("DELETE", fmt.Sprintf("%s/api/reports/%d", base, created.ID), nil)
	if r, _ := http.DefaultClient.Do(req); r.StatusCode != 401 {
		t.Errorf("delete without token: %d", r.StatusCode)
	}
	req.Header.Set("Authorization", "Bearer "+testToken)
	if r, err := http.DefaultClient.Do(req); err != nil || r.StatusCode != 204 {
		t.Fatalf("delete: %v %v", r.StatusCode, err)
	}
	mustGetJSON(t, base+"/api/incidents?source=Write+Test", 200, &fc)
	if len(fc.Features) != 0 {
		t.Errorf("deleted report's incidents remain: %v", fc.Features)
	}
}

func headOf(t *testing.T, url, header string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.Header.Get(header)
}
