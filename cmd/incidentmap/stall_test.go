package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/incidentmap/incidentmap/cmd/incidentmap/internal/generate"
	"github.com/incidentmap/incidentmap/cmd/incidentmap/internal/server"
	"github.com/incidentmap/incidentmap/cmd/incidentmap/internal/store"
)

// mustGeneratedDB returns a database in a temp dir holding n synthetic
// incidents from the generator (`incidentmap generate`), bulk-loaded.
func mustGeneratedDB(tb testing.TB, n int) *store.DB {
	tb.Helper()
	db, err := store.Open(filepath.Join(tb.TempDir(), "generated.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	st, err := db.BulkLoad(context.Background(), generate.New(1, nil).Reports(n), store.BulkOptions{})
	if err != nil || st.Incidents != n {
		tb.Fatalf("bulk load: %d incidents, %v; want %d", st.Incidents, err, n)
	}
	return db
}

// stalledClient opens a connection to addr from the loopback address
// local with a tiny receive buffer, sends one GET for target and never
// reads: once the few kilobytes the kernels buffer are full, the server's
// writes block. Each client has its own address, as distinct users have.
func stalledClient(tb testing.TB, addr, local, target string) *net.TCPConn {
	tb.Helper()
	d := net.Dialer{
		LocalAddr: &net.TCPAddr{IP: net.ParseIP(local)},
		Timeout:   5 * time.Second,
		// Before connect, so the window the client announces is small.
		Control: func(network, address string, c syscall.RawConn) error {
			var serr error
			err := c.Control(func(fd uintptr) {
				serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 2048)
			})
			if err != nil {
				return err
			}
			return serr
		},
	}
	c, err := d.Dial("tcp", addr)
	if err != nil {
		tb.Skipf("dial from %s: %v (needs the 127.0.0.0/8 loopback)", local, err)
	}
	tb.Cleanup(func() { c.Close() })
	if _, err := fmt.Fprintf(c, "GET %s HTTP/1.1\r\nHost: test\r\n\r\n", target); err != nil {
		tb.Fatal(err)
	}
	return c.(*net.TCPConn)
}

// received reports whether bytes wait in c's receive queue, without
// reading them (MSG_PEEK): the server has started answering.
func received(c *net.TCPConn) bool {
	rc, err := c.SyscallConn()
	if err != nil {
		return false
	}
	n := 0
	_ = rc.Read(func(fd uintptr) bool {
		buf := make([]byte, 1)
		n, _, _ = syscall.Recvfrom(int(fd), buf, syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
		return true // never wait
	})
	return n > 0
}

// TestStalledClientsDoNotStarveTheMap is issue 20's "eight idle clients
// take the map down". Eight clients, each from its own address, open a
// stream (an export, or a 10,000-feature page) on a server holding 6,000
// incidents and never read it. While they hang on, over three rounds in
// 3 s, the map's requests — vector tiles, server-side clusters, a default
// and a large page of incidents — must keep answering 200 within 1 s. Before the fix
// every stalled stream held one of the 8 expensive-request slots for up to
// the 5-minute write timeout, and tiles and clusters waited 5 s for a
// slot, then got 429.
func TestStalledClientsDoNotStarveTheMap(t *testing.T) {
	if testing.Short() {
		t.Skip("holds stalled connections for seconds")
	}
	start := time.Now()
	db := mustGeneratedDB(t, 6000)
	t.Logf("6,000 incidents generated and loaded in %v", time.Since(start).Round(time.Millisecond))
	for _, tc := range []struct{ name, target string }{
		{"stalled exports", "/api/export?format=geojson"},
		{"stalled large pages", "/api/incidents?limit=10000"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			srv := &server.Server{Incidents: db, Reports: db, Versions: db, Changes: db, Histogram: db, Points: db,
				Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
			ts := httptest.NewServer(srv.Handler())
			// Registered before the clients, so it runs after their
			// Cleanup has closed them: Close waits for active connections.
			t.Cleanup(ts.Close)
			addr := ts.Listener.Addr().String()

			var clients []*net.TCPConn
			for i := range 8 {
				clients = append(clients, stalledClient(t, addr, fmt.Sprintf("127.0.0.%d", i+2), tc.target))
			}
			// Every client has its answer under way (or, where a budget
			// queued it, its refusal) once its buffer holds data; the
			// probes start then, so they do not compete with the stalled
			// requests' own work for the CPU.
			deadline := time.Now().Add(15 * time.Second)
			for {
				n := 0
				for _, c := range clients {
					if received(c) {
						n++
					}
				}
				if n == len(clients) {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("only %d of 8 stalled clients received anything in 15 s", n)
				}
				time.Sleep(20 * time.Millisecond)
			}
			t.Logf("8 stalled clients answered or refused after %v", time.Since(start).Round(time.Millisecond))

			client := &http.Client{Timeout: 10 * time.Second}
			probes := []string{
				"/tiles/incidents/4/9/6.mvt",
				"/tiles/incidents/6/39/25.mvt",
				"/api/clusters?z=6&cell=64&bbox=30.5,31.6,44.5,39.7",
				"/api/incidents",
				"/api/incidents?limit=2000&bbox=35,32,42,37", // a large page: limited like tiles
			}
			var worst time.Duration
			var times []time.Duration
			for round := range 3 {
				// One at a time: each is timed on its own, not queued
				// behind the others on a machine with two cores.
				for _, p := range probes {
					// A distinct query per round: answers are cached by
					// data version, and the probe must do the work.
					url := fmt.Sprintf("%s%s%sfrom=2011-01-0%d", ts.URL, p, sep(p), round+1)
					t0 := time.Now()
					resp, err := client.Get(url)
					took := time.Since(t0)
					if err != nil {
						t.Errorf("round %d GET %s: %v", round, p, err)
						continue
					}
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != http.StatusOK || took > time.Second {
						t.Errorf("round %d GET %s with 8 stalled clients: status %d in %v, want 200 within 1 s",
							round, p, resp.StatusCode, took.Round(time.Millisecond))
					}
					took = time.Since(t0)
					worst = max(worst, took)
					times = append(times, took)
				}
				if round < 2 {
					// Later rounds, still before StallTimeout (10 s) cuts
					// the stalled streams.
					time.Sleep(1500 * time.Millisecond)
				}
			}
			slices.Sort(times)
			t.Logf("map requests while 8 clients stalled: median %v, slowest %v",
				times[len(times)/2].Round(time.Millisecond), worst.Round(time.Millisecond))
		})
	}
}

func sep(u string) string {
	for _, c := range u {
		if c == '?' {
			return "&"
		}
	}
	return "?"
}
