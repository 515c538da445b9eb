package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// badRequest is one hostile or malformed request and what it must get.
type badRequest struct {
	name        string
	method      string
	path        string // sent as is (not cleaned), query included
	contentType string
	body        []byte
	header      map[string]string
	want        int    // status
	wantBody    string // substring of the body ("" = any)
}

// badInputRequests is the table docs/security.md summarises.
func badInputRequests() []badRequest {
	report := func(name string, body []byte, ct string, want int, msg string) badRequest {
		return badRequest{name: name, method: "POST", path: "/api/reports", contentType: ct, body: body, want: want, wantBody: msg}
	}
	get := func(name, path string, want int, msg string) badRequest {
		return badRequest{name: name, method: "GET", path: path, want: want, wantBody: msg}
	}
	big := bytes.Repeat([]byte("Shelling near Idlib was reported again. "), 50<<20/40)
	big = append([]byte(" date 2020-01-02\n"), big...)
	reqs := []badRequest{
		report("report invalid UTF-8", []byte(" date 2020-01-02\nShelling in \xff\xfe Idlib"), "text/plain", 400, "not valid UTF-8"),
		report("report binary (PNG)", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), "text/plain", 400, "binary content"),
		report("report empty", nil, "text/plain", 400, "no report date"),
		report("JSON NUL escaped", []byte(`{"text":"Shelling in Idlib.\u0000","published":"2020-01-02"}`), "application/json", 400, "binary content"),
		report("report naming 21,000 places", []byte(" date 2020-01-02\n"+strings.Repeat("Shelling hit Saraqib, Binnish and Ariha. ", 7000)),
			"text/plain", 413, "the limit per report"),
		report("report only a date", []byte(" date 2020-01-02\n"), "text/plain", 400, "no text"),
		report("report 50 MB", big, "text/plain", 413, "request body too large"),
		report("report date 2020-02-30", []byte(" date 2020-02-30\nShelling in Idlib."), "text/plain", 400, "not a calendar date"),
		report("JSON date 2021-04-31", []byte(`{"text":"Shelling in Idlib.","published":"2021-04-31"}`), "application/json", 400, "not a calendar date"),
		report("JSON malformed", []byte(`{"text":"Shelling in Idlib.","published":`), "application/json", 400, "malformed JSON"),
		report("JSON two objects", []byte(`{"text":"a","published":"2020-01-01"}{"text":"b"}`), "application/json", 400, "data after"),
		report("unsupported Content-Type", []byte("x"), "image/png", 400, "unsupported Content-Type"),
		get("from 2020-02-30", "/api/incidents?from=2020-02-30", 400, `"param":"from"`),
		get("to before from", "/api/incidents?from=2021-02-01&to=2021-01-01", 400, `"param":"to"`),
		get("bbox min>max", "/api/incidents?bbox=40,30,35,35", 400, "greater than"),
		get("bbox lon out of range", "/api/incidents?bbox=-200,30,35,35", 400, "within -180..180"),
		get("bbox lat out of range", "/api/incidents?bbox=30,-95,35,35", 400, "within -90..90"),
		get("bbox NaN", "/api/incidents?bbox=NaN,30,35,35", 400, "finite"),
		get("bbox Inf", "/api/incidents?bbox=30,30,%2BInf,35", 400, "finite"),
		get("bbox 3 numbers", "/api/incidents?bbox=30,30,35", 400, "want 4 numbers"),
		get("limit NaN", "/api/incidents?limit=NaN", 400, "not an integer"),
		get("limit too big", "/api/incidents?limit=1000000", 400, "out of range"),
		get("offset negative", "/api/incidents?offset=-1", 400, "out of range"),
		get("unknown parameter", "/api/incidents?soruce=x", 400, `"param":"soruce"`),
		get("unknown export parameter", "/api/export?format=csv&colour=red", 400, `"param":"colour"`),
		get("unknown export format", "/api/export?format=xlsx", 400, ""),
		get("malformed query escape", "/api/incidents?from=%zz", 400, "malformed query"),
		get("incident id not a number", "/api/incidents/abc", 400, "not a positive integer"),
		get("incident id overflow", "/api/incidents/99999999999999999999", 400, "not a positive integer"),
		get("report id negative", "/api/reports/-1", 400, "not a positive integer"),
		get("static traversal", "/../../../../etc/passwd", 404, ""),
		get("static traversal encoded", "/%2e%2e/%2e%2e/%2e%2e/etc/passwd", 404, ""),
		get("static traversal encoded slash", "/..%2f..%2f..%2fgo.mod", 404, ""),
		get("static traversal via vendor", "/vendor/../../go.mod", 404, ""),
		get("tile traversal", "/tiles/incidents/../../../../etc/passwd", 404, ""),
		get("tile traversal encoded", "/tiles/incidents/1/..%2f..%2f/0.mvt", 400, ""),
		get("tile layer traversal", "/tiles/..%2f..%2fetc/0/0/0.mvt", 404, ""),
		get("tile z NaN", "/tiles/incidents/NaN/0/0.mvt", 400, "not an integer"),
		get("tile x out of range", "/tiles/incidents/2/4/0.mvt", 400, "out of range"),
		get("tile z too deep", "/tiles/incidents/40/0/0.mvt", 400, "out of range"),
		get("unknown API path", "/api/../api/nope", 404, ""),
		{name: "header over 64 KB", method: "GET", path: "/api/version", header: map[string]string{"X-Big": strings.Repeat("a", 100<<10)}, want: 431},
		{name: "write without token", method: "DELETE", path: "/api/reports/1", want: 401, wantBody: "needs a token"},
	}
	// SQL metacharacters in every filter: never an error from the
	// database, never more data than asked for.
	for _, p := range []string{"from", "to", "source", "source_kind", "bbox", "limit", "offset", "after",
		"role", "max_precision", "precision", "disputed", "needs_review", "report_id"} {
		for i, v := range []string{`' OR '1'='1`, `1; DROP TABLE reports; --`, `") UNION SELECT * FROM api_tokens --`, "%00'\\"} {
			want := 400
			if p == "source" {
				want = 200 // any string is a valid outlet name: it must match nothing
			}
			reqs = append(reqs, get(fmt.Sprintf("SQL in %s #%d", p, i), "/api/incidents?"+p+"="+url.QueryEscape(v), want, ""))
		}
	}
	return reqs
}

// TestBadInputEndToEnd sends every bad input to the real server: each gets
// its clear 4xx, none a 5xx, none leaks a file, and afterwards the
// database is intact and holds exactly what it held before.
func TestBadInputEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a server")
	}
	db := mustCopyTemplateDB(t)
	base := mustRunServerDB(t, db, false)
	for i := 0; i < 3; i++ {
		if got := postTextReport(t, base, testToken, testReportText(7000+i)); got != 201 {
			t.Fatalf("seed report %d: status %d", i, got)
		}
	}
	before := mustReportSummaries(t, db)
	_, incidentsBefore := mustStats(t, db)
	u, _ := url.Parse(base)

	for _, tc := range badInputRequests() {
		t.Run(tc.name, func(t *testing.T) {
			req, err := http.NewRequest(tc.method, base, bytes.NewReader(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			// Opaque sends the path byte for byte: no client-side cleaning.
			req.URL = &url.URL{Scheme: "http", Host: u.Host, Opaque: tc.path}
			if tc.method == "POST" {
				req.Header.Set("Authorization", "Bearer "+testToken)
				req.Header.Set("Content-Type", tc.contentType)
			}
			for k, v := range tc.header {
				req.Header.Set(k, v)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatalf("%s %s: %v", tc.method, tc.path, err)
			}
			body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
			resp.Body.Close()
			if resp.StatusCode != tc.want {
				t.Fatalf("%s %s: status %d, want %d; body %s", tc.method, tc.path, resp.StatusCode, tc.want, truncateBody(body))
			}
			if tc.wantBody != "" && !strings.Contains(string(body), tc.wantBody) {
				t.Errorf("body %s: want %q", truncateBody(body), tc.wantBody)
			}
			for _, leak := range []string{"root:x:", "module github.com", "api_tokens", "sqlite", "SQL logic"} {
				if strings.Contains(string(body), leak) && !strings.Contains(tc.path, "api_tokens") {
					t.Errorf("body leaks %q: %s", leak, truncateBody(body))
				}
			}
			if resp.StatusCode == 200 && strings.HasPrefix(tc.path, "/api/incidents?") {
				var fc featureCollection
				if err := json.Unmarshal(body, &fc); err != nil || fc.NumberMatched != 0 {
					t.Errorf("filter matched %d incidents (%v): a metacharacter widened the query", fc.NumberMatched, err)
				}
			}
		})
	}
	t.Run("database intact afterwards", func(t *testing.T) {
		after := mustReportSummaries(t, db) // runs the integrity check
		_, incidentsAfter := mustStats(t, db)
		if len(after) != len(before) || incidentsAfter != incidentsBefore {
			t.Fatalf("after the bad inputs: %d reports, %d incidents; before: %d, %d", len(after), incidentsAfter, len(before), incidentsBefore)
		}
		for h, want := range before {
			if after[h] != want {
				t.Errorf("report %s changed: %+v → %+v", h[:12], want, after[h])
			}
		}
	})
}

// TestIngestBadFiles runs the ingest command over a directory of bad
// files with one good report last: each bad file gets an error line
// naming it, the good one is still stored, and the command fails overall.
func TestIngestBadFiles(t *testing.T) {
	if testing.Short() {
		t.Skip("opens the default gazetteer")
	}
	dir := t.TempDir()
	files := map[string][]byte{
		"a-invalid-utf8.txt": []byte(" date 2020-01-02\nShelling in \xff Idlib"),
		"b-binary.txt":       {0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0},
		"c-empty.txt":        {},
		"d-feb30.txt":        []byte(" date 2020-02-30\nShelling in Idlib."),
		"e-bad.json":         []byte(`{"text": "Shelling in Idlib", "published": 2020}`),
		"f-no-date.txt":      []byte("Shelling in Idlib, no date line."),
		"g-huge.txt":         append([]byte(" date 2020-01-02\n"), bytes.Repeat([]byte("Idlib. "), 50<<20/7)...),
		"z-good.txt":         []byte(testReportText(1)),
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	db := mustCopyTemplateDB(t)
	var out, errb strings.Builder
	err := Run(context.Background(), []string{"ingest", "--db", db, "--assets", filepath.Join("..", "..", "node_modules"), dir},
		strings.NewReader(""), &out, &errb)
	if err == nil || !strings.Contains(err.Error(), "7 report(s) could not be ingested") {
		t.Fatalf("ingest error = %v, want 7 report(s) could not be ingested\n%s", err, out.String())
	}
	for name, want := range map[string]string{
		"a-invalid-utf8.txt": "not valid UTF-8", "b-binary.txt": "binary content", "c-empty.txt": "no report date",
		"d-feb30.txt": "not a calendar date", "e-bad.json": "malformed JSON", "f-no-date.txt": "no report date",
		"g-huge.txt": "larger than 10 MB",
	} {
		line := ""
		for _, l := range strings.Split(out.String(), "\n") {
			if strings.Contains(l, name+": error: ") {
				line = l
			}
		}
		if !strings.Contains(line, want) {
			t.Errorf("%s: error line %q, want one naming the file and saying %q", name, line, want)
		}
	}
	if !strings.Contains(out.String(), "1 stored, 0 already stored, 7 failed") {
		t.Errorf("summary missing or wrong:\n%s", out.String())
	}
	if r, _ := mustStats(t, db); r != 1 {
		t.Errorf("%d reports stored, want the good one only", r)
	}
}
