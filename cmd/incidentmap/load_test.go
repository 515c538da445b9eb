package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// loadReaderURLs are the reads a map and its API clients make: varied
// filters on /api/incidents, the sources list, single reports, and
// (when the route exists) vector tiles.
func loadReaderURLs(tiles bool) []string {
	u := []string{
		"/api/incidents",
		"/api/incidents?bbox=35.5,35,37.5,36.5",
		"/api/incidents?bbox=36,35.5,37,36.5&from=2021-03-01&to=2021-09-30",
		"/api/incidents?role=all&limit=200",
		"/api/incidents?from=2021-01-01&to=2021-01-31",
		"/api/incidents?needs_review=false&max_precision=2&limit=50",
		"/api/incidents?source_kind=outlet&limit=100&offset=20",
		"/api/sources?bbox=35,32,42,37",
		"/api/version",
		"/api/reports/1",
	}
	if tiles {
		u = append(u, "/tiles/incidents/6/39/25.mvt", "/tiles/incidents/8/154/101.mvt", "/tiles/incidents/4/9/6.mvt")
	}
	return u
}

// TestConcurrentReadsDuringWrites is the load test: readers hammer the
// real server while one writer POSTs reports. No request may fail with a
// 5xx or mention a locked database, and every report the server accepted
// must be there at the end. It logs the figures docs/security.md quotes.
func TestConcurrentReadsDuringWrites(t *testing.T) {
	if testing.Short() {
		t.Skip("load test")
	}
	const (
		readers = 8
		writes  = 150
	)
	base := mustRunServerDB(t, mustCopyTemplateDB(t), false)
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: readers + 1}}

	// Tiles are another helper's route; include them when it is there.
	resp, err := client.Get(base + "/tiles/incidents/0/0/0.mvt")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	tiles := resp.StatusCode != http.StatusNotFound
	if !tiles {
		t.Log("no /tiles route (404): load test without tiles")
	}
	urls := loadReaderURLs(tiles)

	var (
		mu        sync.Mutex
		latencies []time.Duration
		failures  []string
		requests  atomic.Int64
		refused   atomic.Int64 // 429 from the expensive-request limit
	)
	fail := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		if len(failures) < 20 {
			failures = append(failures, fmt.Sprintf(format, args...))
		}
	}
	ctx, stop := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for r := 0; r < readers; r++ {
		wg.Add(1)
		go func(r int) {
			defer wg.Done()
			var mine []time.Duration
			for i := r; ctx.Err() == nil; i++ {
				u := base + urls[i%len(urls)]
				start := time.Now()
				resp, err := client.Get(u)
				if err != nil {
					fail("GET %s: %v", u, err)
					continue
				}
				body, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				d := time.Since(start)
				requests.Add(1)
				switch {
				case err != nil:
					fail("GET %s: reading body: %v", u, err)
				case resp.StatusCode >= 500:
					fail("GET %s: status %d: %s", u, resp.StatusCode, truncateBody(body))
				case strings.Contains(strings.ToLower(string(body)), "locked"), strings.Contains(strings.ToLower(string(body)), "busy"):
					fail("GET %s: status %d mentions a lock: %s", u, resp.StatusCode, truncateBody(body))
				case resp.StatusCode == http.StatusTooManyRequests:
					refused.Add(1)
				case resp.StatusCode != 200 && resp.StatusCode != 204 && resp.StatusCode != 304 && !(resp.StatusCode == 404 && strings.Contains(u, "/api/reports/")):
					fail("GET %s: status %d: %s", u, resp.StatusCode, truncateBody(body))
				}
				mine = append(mine, d)
			}
			mu.Lock()
			latencies = append(latencies, mine...)
			mu.Unlock()
		}(r)
	}

	// The writer: one report after another, as an ingest client would.
	type acceptedReport struct {
		text   string
		places int
	}
	accepted := map[int64]acceptedReport{}
	writeStart := time.Now()
	for i := 0; i < writes; i++ {
		text := testReportText(5000 + i)
		req, _ := http.NewRequest("POST", base+"/api/reports", strings.NewReader(text))
		req.Header.Set("Authorization", "Bearer "+testToken)
		req.Header.Set("Content-Type", "text/plain")
		resp, err := client.Do(req)
		if err != nil {
			fail("POST report %d: %v", i, err)
			continue
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusCreated {
			fail("POST report %d: status %d: %s", i, resp.StatusCode, truncateBody(body))
			continue
		}
		var out struct {
			ID     int64             `json:"id"`
			Text   string            `json:"text"`
			Places []json.RawMessage `json:"places"`
		}
		if err := json.Unmarshal(body, &out); err != nil || out.ID == 0 {
			fail("POST report %d: no id in %s", i, truncateBody(body))
			continue
		}
		accepted[out.ID] = acceptedReport{out.Text, len(out.Places)}
	}
	writeTime := time.Since(writeStart)
	stop()
	wg.Wait()

	// Every accepted report is there, whole.
	for id, want := range accepted {
		var got struct {
			Text   string            `json:"text"`
			Places []json.RawMessage `json:"places"`
		}
		mustGetJSON(t, fmt.Sprintf("%s/api/reports/%d", base, id), 200, &got)
		if got.Text != want.text || len(got.Places) != want.places {
			t.Errorf("report %d: text %q with %d places after the load; accepted as %q with %d", id, got.Text, len(got.Places), want.text, want.places)
		}
	}
	var fc featureCollection
	mustGetJSON(t, base+"/api/incidents?role=all&limit=10000", 200, &fc)

	for _, f := range failures {
		t.Error(f)
	}
	if len(accepted) != writes {
		t.Errorf("%d of %d reports accepted", len(accepted), writes)
	}
	if len(latencies) < readers {
		t.Fatalf("only %d reads completed", len(latencies))
	}
	slices.Sort(latencies)
	pct := func(p float64) time.Duration {
		return latencies[int(float64(len(latencies)-1)*p)].Round(100 * time.Microsecond)
	}
	t.Logf("load: %d reports ingested in %v (%.1f/s) by 1 writer; %d readers made %d requests (%.0f/s); %d errors, %d refused with 429; read latency p50 %v p90 %v p99 %v max %v; %d incidents served at the end (tiles: %v)",
		len(accepted), writeTime.Round(time.Millisecond), float64(len(accepted))/writeTime.Seconds(), readers, requests.Load(),
		float64(requests.Load())/writeTime.Seconds(), len(failures), refused.Load(), pct(0.5), pct(0.9), pct(0.99), latencies[len(latencies)-1].Round(time.Millisecond),
		fc.NumberMatched, tiles)
}

func truncateBody(b []byte) string {
	if len(b) > 300 {
		return string(b[:300]) + "…"
	}
	return string(b)
}
