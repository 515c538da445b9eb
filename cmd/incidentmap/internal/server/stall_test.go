package server

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/incidentmap/incidentmap/geo"
)

// manyIncidents serves n incidents by keyset paging (as the store does),
// each about 600 bytes of GeoJSON: an export of 20,000 is some 12 MB,
// far more than the kernels buffer for a client that does not read.
func manyIncidents(inc *mockIncidents, n int) {
	inc.FindIncidentsFn = func(ctx context.Context, f geo.IncidentFilter) ([]*geo.Incident, int, error) {
		var out []*geo.Incident
		for id := f.AfterID + 1; id <= int64(n) && len(out) < f.Limit; id++ {
			in := sampleIncidents()[0]
			in.ID = id
			out = append(out, in)
		}
		return out, n, nil
	}
}

// dialStalled connects to addr from the loopback address local with a
// 2 KiB receive buffer, sends GET target and never reads.
func dialStalled(t *testing.T, addr, local, target string) net.Conn {
	t.Helper()
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(local)}, Timeout: 5 * time.Second,
		Control: func(network, address string, c syscall.RawConn) error {
			var serr error
			if err := c.Control(func(fd uintptr) {
				serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 2048)
			}); err != nil {
				return err
			}
			return serr
		}}
	c, err := d.Dial("tcp", addr)
	if err != nil {
		t.Skipf("dial from %s: %v (needs the 127.0.0.0/8 loopback)", local, err)
	}
	t.Cleanup(func() { c.Close() })
	if _, err := fmt.Fprintf(c, "GET %s HTTP/1.1\r\nHost: test\r\n\r\n", target); err != nil {
		t.Fatal(err)
	}
	return c
}

// getFrom GETs url over a connection from the loopback address local.
func getFrom(local, url string, timeout time.Duration) (*http.Response, error) {
	tr := &http.Transport{DialContext: (&net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(local)}}).DialContext}
	defer tr.CloseIdleConnections()
	return (&http.Client{Transport: tr, Timeout: timeout}).Get(url)
}

// TestStalledExportIsDropped: an export whose client stops reading is cut
// once a write has made no progress for StallTimeout, which frees its
// slot for the next export (issue 20); before, it held the slot for the
// 5-minute write timeout. A client that reads slowly but steadily is not
// cut, however long its export takes.
func TestStalledExportIsDropped(t *testing.T) {
	s, inc, _ := newTestServer(t)
	manyIncidents(inc, 20000)
	const stall = 300 * time.Millisecond
	// One export at a time, so the next one needs the stalled one's slot.
	ts := httptest.NewServer(s.limitExpensiveWith(testLimits(s, 8, 1, 1, 5*time.Second, stall))(s.Handler()))
	t.Cleanup(ts.Close)
	addr := ts.Listener.Addr().String()

	dialStalled(t, addr, "127.0.0.2", "/api/export?format=geojson")
	time.Sleep(100 * time.Millisecond) // let it take the slot and fill the buffers
	start := time.Now()
	resp, err := getFrom("127.0.0.3", ts.URL+"/api/export?format=csv", 30*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	n, err := io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	waited := time.Since(start)
	if resp.StatusCode != 200 || err != nil || n < 20000*100 {
		t.Fatalf("second export: status %d, %d bytes, %v; want 200 and the whole CSV", resp.StatusCode, n, err)
	}
	// The second export queued until the stalled one was cut: StallTimeout
	// after its last successful write, well inside the 5 s queue.
	if waited > 4*time.Second {
		t.Errorf("second export answered after %v: the stalled one held its slot", waited)
	}
	t.Logf("second export done %v after the stalled one began (stall timeout %v)", waited.Round(time.Millisecond), stall)

}

// TestSlowReaderIsNotCut: a client that reads slowly but steadily renews
// the stall deadline with every chunk and gets its whole export, however
// long it takes.
func TestSlowReaderIsNotCut(t *testing.T) {
	s, inc, _ := newTestServer(t)
	manyIncidents(inc, 1500) // about 0.9 MB of GeoJSON
	ts := httptest.NewServer(s.limitExpensiveWith(testLimits(s, 8, 1, 1, 5*time.Second, time.Second))(s.Handler()))
	t.Cleanup(ts.Close)
	resp, err := getFrom("127.0.0.4", ts.URL+"/api/export?format=geojson", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	start, total, buf := time.Now(), 0, make([]byte, 32<<10)
	for {
		time.Sleep(100 * time.Millisecond) // ~320 KiB/s, slower than the server writes
		m, err := io.ReadFull(resp.Body, buf)
		total += m
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			break
		}
		if err != nil {
			t.Fatalf("slow reader cut after %d bytes, %v: %v", total, time.Since(start).Round(time.Millisecond), err)
		}
	}
	if total < 1500*400 {
		t.Fatalf("slow reader got %d bytes, want the whole export", total)
	}
	t.Logf("slow reader took %d bytes in %v", total, time.Since(start).Round(time.Millisecond))
}

// TestExportsPerClient: one address may hold MaxExportsPerClient exports;
// the next is refused at once, while other addresses still get theirs.
func TestExportsPerClient(t *testing.T) {
	s, inc, _ := newTestServer(t)
	entered, release := blockingIncidents(inc)
	h := s.limitExpensiveWith(testLimits(s, 8, 4, 2, 5*time.Second, time.Second))(s.Handler())
	exportFrom := func(remote string) *httptest.ResponseRecorder {
		req := httptest.NewRequest("GET", "/api/export?format=csv", nil)
		req.RemoteAddr = remote
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	done := make(chan int, 3)
	run := func(remote string) {
		t.Helper()
		go func() { done <- exportFrom(remote).Code }()
		select {
		case <-entered:
		case <-time.After(2 * time.Second):
			t.Fatalf("export from %s not running", remote)
		}
	}
	run("192.0.2.1:1000")
	run("192.0.2.1:1001")
	start := time.Now()
	rec := exportFrom("192.0.2.1:1002")
	mustBeRefused(t, rec)
	if !strings.Contains(rec.Body.String(), "from your address: at most 2") {
		t.Errorf("body %s: want it to say the address is at its limit", rec.Body)
	}
	if took := time.Since(start); took > time.Second {
		t.Errorf("a client over its limit waited %v, want an answer at once", took)
	}
	run("192.0.2.2:1000") // another address is not held back
	close(release)
	for range 3 {
		if code := <-done; code != 200 {
			t.Errorf("export status %d, want 200", code)
		}
	}
	if rec := exportFrom("192.0.2.1:1003"); rec.Code != 200 {
		t.Errorf("export after the others ended: status %d, want 200", rec.Code)
	}
}

func TestClientKey(t *testing.T) {
	for _, tc := range []struct{ remote, want string }{
		{"192.0.2.1:1234", "192.0.2.1"},
		{"[::ffff:192.0.2.1]:1234", "192.0.2.1"},
		{"[2001:db8:1:2:3:4:5:6]:1234", "2001:db8:1:2::/64"},
		{"[2001:db8:1:2::9]:80", "2001:db8:1:2::/64"},
		{"not an address", "not an address"},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = tc.remote
		if got := clientKey(r); got != tc.want {
			t.Errorf("clientKey(%q) = %q, want %q", tc.remote, got, tc.want)
		}
	}
}
