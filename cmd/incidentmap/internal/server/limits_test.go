package server

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/incidentmap/incidentmap/geo"
)

// blockingIncidents answers FindIncidents only after release is closed,
// and signals each call on entered: a stand-in for a slow export.
func blockingIncidents(inc *mockIncidents) (entered chan struct{}, release chan struct{}) {
	entered, release = make(chan struct{}, 16), make(chan struct{})
	inc.FindIncidentsFn = func(ctx context.Context, f geo.IncidentFilter) ([]*geo.Incident, int, error) {
		if f.AfterID > 0 {
			return nil, 1, nil // the export's second page: done
		}
		entered <- struct{}{}
		select {
		case <-release:
		case <-ctx.Done():
			return nil, 0, ctx.Err()
		}
		return sampleIncidents(), 1, nil
	}
	return entered, release
}

// testLimits returns budgets for tests: n expensive slots, e exports in
// all, pc per client, a short queue and the given stall timeout.
func testLimits(s *Server, n, e, pc int, wait, stall time.Duration) *limits {
	s.MaxExpensive, s.MaxExports, s.MaxExportsPerClient, s.StallTimeout = n, e, pc, stall
	return s.newLimits(wait)
}

func TestExpensiveRequestsAreLimited(t *testing.T) {
	s, inc, _ := newTestServer(t)
	entered, release := blockingIncidents(inc)
	// One slot and a short queue, around the real router (whose own
	// limits are never reached here).
	h := s.limitExpensiveWith(testLimits(s, 1, 1, 1, 50*time.Millisecond, time.Second))(s.Handler())

	var wg sync.WaitGroup
	var first *httptest.ResponseRecorder
	wg.Add(1)
	go func() {
		defer wg.Done()
		first = do(t, h, "GET", "/api/incidents?limit=5000", "", nil)
	}()
	<-entered // the one slot is now taken

	for _, target := range []string{"/api/incidents?limit=5000", "/tiles/incidents/3/4/3.mvt", "/map.png", "/api/clusters?z=3&bbox=30,30,40,40"} {
		t.Run(target, func(t *testing.T) {
			rec := do(t, h, "GET", target, "", nil)
			mustBeRefused(t, rec)
		})
	}
	t.Run("cheap reads are not limited", func(t *testing.T) {
		rec := do(t, h, "GET", "/api/version", "", nil)
		if rec.Code != 200 {
			t.Fatalf("/api/version while an expensive request runs: status %d, want 200", rec.Code)
		}
	})
	t.Run("exports have their own budget", func(t *testing.T) {
		done := make(chan int, 1)
		go func() { done <- do(t, h, "GET", "/api/export?format=csv", "", nil).Code }()
		select {
		case <-entered: // the export reached the store: not refused
		case code := <-done:
			t.Fatalf("export while the expensive slot is taken: status %d, want it to run", code)
		case <-time.After(2 * time.Second):
			t.Fatal("export still waiting after 2 s while only the expensive slot is taken")
		}
		t.Run("the export budget is full", func(t *testing.T) {
			rec := do(t, h, "GET", "/api/export?format=geojson", "", nil)
			mustBeRefused(t, rec)
		})
		close(release)
		if code := <-done; code != 200 {
			t.Errorf("export: status %d, want 200", code)
		}
	})
	wg.Wait()
	if first.Code != 200 || !strings.Contains(first.Body.String(), "Idlib") {
		t.Fatalf("the request holding the slot: status %d body %q", first.Code, first.Body)
	}
	t.Run("slot freed after the request", func(t *testing.T) {
		inc.FindIncidentsFn = func(ctx context.Context, f geo.IncidentFilter) ([]*geo.Incident, int, error) {
			return nil, 0, nil
		}
		if rec := do(t, h, "GET", "/api/incidents?limit=5000", "", nil); rec.Code != 200 {
			t.Fatalf("status %d, want 200: %s", rec.Code, rec.Body)
		}
		if rec := do(t, h, "GET", "/api/export", "", nil); rec.Code != 200 {
			t.Fatalf("export: status %d, want 200: %s", rec.Code, rec.Body)
		}
	})
}

// mustBeRefused checks a 429 with Retry-After and a JSON message.
func mustBeRefused(t *testing.T, rec *httptest.ResponseRecorder) {
	t.Helper()
	if rec.Code != http.StatusTooManyRequests {
		t.Fatalf("status %d, want 429; body %s", rec.Code, rec.Body)
	}
	if ra := rec.Header().Get("Retry-After"); ra != "1" {
		t.Errorf("Retry-After = %q, want 1", ra)
	}
	var body map[string]string
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || !strings.Contains(body["error"], "retry after") {
		t.Errorf("body %s (%v): want a JSON error saying when to retry", rec.Body, err)
	}
}

func TestExpensiveClassification(t *testing.T) {
	for _, tc := range []struct {
		target           string
		want, wantExport bool
	}{
		{"/api/export?format=csv", false, true}, // a budget of its own
		{"/map.png?bbox=35,32,42,37", true, false},
		{"/tiles/incidents/5/19/12.mvt", true, false},
		{"/api/clusters?z=6&bbox=30,30,40,40", true, false},
		{"/api/sources", true, false},
		{"/api/histogram?interval=day", true, false},
		{"/api/incidents", false, false},
		{"/api/incidents?limit=1000", false, false},
		{"/api/incidents?limit=1001", true, false},
		{"/ogc/collections/incidents/items?limit=5000", true, false},
		{"/api/reports/1", false, false},
		{"/", false, false},
	} {
		t.Run(tc.target, func(t *testing.T) {
			r := httptest.NewRequest("GET", tc.target, nil)
			if got := expensive(r); got != tc.want {
				t.Errorf("expensive(%s) = %v, want %v", tc.target, got, tc.want)
			}
			if got := isExport(r); got != tc.wantExport {
				t.Errorf("isExport(%s) = %v, want %v", tc.target, got, tc.wantExport)
			}
		})
	}
}

// mustOpen starts s on a loopback port and closes it at the end.
func mustOpen(t *testing.T, s *Server) string {
	t.Helper()
	if err := s.Open("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		s.Close(ctx)
	})
	return s.Addr()
}

func TestGracefulShutdownFinishesInFlightRequests(t *testing.T) {
	s, inc, _ := newTestServer(t)
	entered, release := blockingIncidents(inc)
	addr := mustOpen(t, s)

	type result struct {
		status int
		body   string
		err    error
	}
	done := make(chan result, 1)
	go func() {
		resp, err := http.Get("http://" + addr + "/api/export?format=geojson")
		if err != nil {
			done <- result{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		done <- result{resp.StatusCode, string(b), err}
	}()
	<-entered

	closed := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		closed <- s.Close(ctx)
	}()
	// Shutdown closes the listener first: new connections are refused
	// while the export is still running.
	deadline := time.Now().Add(5 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err != nil {
			break
		}
		c.Close()
		if time.Now().After(deadline) {
			t.Fatal("the listener still accepts connections 5 s after Close")
		}
		time.Sleep(20 * time.Millisecond)
	}
	select {
	case err := <-closed:
		t.Fatalf("Close returned (%v) before the in-flight export finished", err)
	default:
	}
	close(release)
	r := <-done
	if r.err != nil || r.status != 200 {
		t.Fatalf("in-flight export: status %d err %v", r.status, r.err)
	}
	var fc struct {
		Type     string            `json:"type"`
		Features []json.RawMessage `json:"features"`
	}
	if err := json.Unmarshal([]byte(r.body), &fc); err != nil || fc.Type != "FeatureCollection" || len(fc.Features) != 1 {
		t.Fatalf("in-flight export body incomplete (%v): %q", err, r.body)
	}
	if err := <-closed; err != nil {
		t.Fatalf("Close: %v", err)
	}
}

// TestSlowHeadersAreCut is a slowloris client: it opens a connection and
// sends header lines one every second, never finishing. The server's
// ReadHeaderTimeout (10 s) must cut it off; without it the connection
// (and a goroutine) would be held for as long as the client liked.
func TestSlowHeadersAreCut(t *testing.T) {
	if testing.Short() {
		t.Skip("takes 10 s")
	}
	t.Parallel()
	s, _, _ := newTestServer(t)
	addr := mustOpen(t, s)
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	start := time.Now()
	if _, err := io.WriteString(c, "GET /api/version HTTP/1.1\r\nHost: x\r\n"); err != nil {
		t.Fatal(err)
	}
	cut := make(chan time.Duration, 1)
	go func() {
		// Reads return when the server closes the connection.
		_, _ = io.Copy(io.Discard, bufio.NewReader(c))
		cut <- time.Since(start)
	}()
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for i := 0; ; i++ {
		select {
		case d := <-cut:
			if d < 9*time.Second {
				t.Fatalf("connection cut after %v: before the 10 s header timeout", d)
			}
			t.Logf("slow-header connection cut after %v", d.Round(100*time.Millisecond))
			return
		case <-tick.C:
			if time.Since(start) > 20*time.Second {
				t.Fatal("a client sending headers slowly held the connection for 20 s")
			}
			// Writes may fail once the server has closed: that is the point.
			_, _ = io.WriteString(c, "X-Slow-"+string(rune('a'+i%26))+": 1\r\n")
		}
	}
}

func TestBodyLimitOverTheWire(t *testing.T) {
	s, _, _ := newTestServer(t) // MaxBodyBytes 4096
	addr := mustOpen(t, s)
	body := strings.NewReader(" date 2020-01-02\n" + strings.Repeat("Shelling near Idlib. ", 1000))
	req, _ := http.NewRequest("POST", "http://"+addr+"/api/reports", body)
	req.Header.Set("Authorization", "Bearer secret-token-0123456789")
	req.Header.Set("Content-Type", "text/plain")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(string(b), "4096 bytes") {
		t.Fatalf("status %d body %s: want 413 naming the limit", resp.StatusCode, b)
	}
}

// TestDefaultLimitFitsABrowser: a browser opens six connections to a host,
// so one map loading tiles and large pages must never be refused.
func TestDefaultLimitFitsABrowser(t *testing.T) {
	s, inc, _ := newTestServer(t)
	entered, release := blockingIncidents(inc)
	h := s.Handler()
	var wg sync.WaitGroup
	codes := make(chan int, 6)
	for i := 0; i < 6; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes <- do(t, h, "GET", "/api/incidents?limit=5000", "", nil).Code
		}()
	}
	for i := 0; i < 6; i++ {
		select {
		case <-entered:
		case <-time.After(2 * time.Second):
			close(release)
			t.Fatalf("only %d of 6 concurrent expensive requests running under the default limit", i)
		}
	}
	close(release)
	wg.Wait()
	close(codes)
	for c := range codes {
		if c != 200 {
			t.Errorf("status %d, want 200", c)
		}
	}
}
