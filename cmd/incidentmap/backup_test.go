package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/incidentmap/incidentmap/cmd/incidentmap/internal/store"
)

// postTextReport POSTs a seed-format report with the given token and
// returns the status.
func postTextReport(tb testing.TB, base, token, text string) int {
	tb.Helper()
	req, _ := http.NewRequest("POST", base+"/api/reports", strings.NewReader(text))
	req.Header.Set("Content-Type", "text/plain")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode
}

// TestBackupWhileServing backs up the database of a running server while a
// writer adds reports, restores the copy (opens it as a database) and
// checks it: intact, every report in it whole, and a backup taken once the
// writes stop has exactly the live counts.
func TestBackupWhileServing(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a server")
	}
	db := mustCopyTemplateDB(t)
	base := mustRunServerDB(t, db, false)
	const writes = 60
	var posted atomic.Int64
	done := make(chan error, 1)
	go func() {
		for i := 0; i < writes; i++ {
			req, _ := http.NewRequest("POST", base+"/api/reports", strings.NewReader(testReportText(8000+i)))
			req.Header.Set("Content-Type", "text/plain")
			req.Header.Set("Authorization", "Bearer "+testToken)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				done <- err
				return
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusCreated {
				done <- fmt.Errorf("POST %d: status %d", i, resp.StatusCode)
				return
			}
			posted.Add(1)
		}
		done <- nil
	}()
	for posted.Load() < writes/4 {
		time.Sleep(5 * time.Millisecond)
	}
	dir := t.TempDir()
	during := filepath.Join(dir, "during.db")
	before := posted.Load()
	out := mustRun(t, "backup", "--db", db, "--out", during)
	if !strings.Contains(out, "integrity ok") {
		t.Errorf("backup output %q: want integrity ok", out)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	after := filepath.Join(dir, "after.db")
	mustRun(t, "backup", "--db", db, "--out", after)

	t.Run("backup during writes is a consistent snapshot", func(t *testing.T) {
		snap := mustReportSummaries(t, during) // integrity check included
		live := mustReportSummaries(t, db)
		if int64(len(snap)) < before {
			t.Errorf("backup has %d reports, but %d were accepted before it started", len(snap), before)
		}
		for h, got := range snap {
			if want, ok := live[h]; !ok || got != want {
				t.Errorf("report %s in the backup: %+v, live: %+v", h[:12], got, want)
			}
		}
		t.Logf("backup taken during writes holds %d of %d reports", len(snap), writes)
	})
	t.Run("backup after writes equals the live database", func(t *testing.T) {
		lr, li := mustStats(t, db)
		br, bi := mustStats(t, after)
		if lr != br || li != bi || lr != writes {
			t.Fatalf("backup: %d reports, %d incidents; live: %d reports, %d incidents (want %d reports)", br, bi, lr, li, writes)
		}
	})
	t.Run("restored copy serves", func(t *testing.T) {
		// Restoring is using the copy as the database.
		rbase := mustRunServerDB(t, after, false)
		var fc featureCollection
		mustGetJSON(t, rbase+"/api/incidents?role=all&limit=10000", 200, &fc)
		_, li := mustStats(t, db)
		if fc.NumberMatched != li {
			t.Fatalf("restored server matches %d incidents, live database has %d", fc.NumberMatched, li)
		}
	})
	t.Run("existing output is refused", func(t *testing.T) {
		var o, e strings.Builder
		err := Run(context.Background(), []string{"backup", "--db", db, "--out", after}, strings.NewReader(""), &o, &e)
		if err == nil || !strings.Contains(err.Error(), "already exists") {
			t.Fatalf("backup over an existing file: %v, want already exists", err)
		}
	})
}

// TestStoredTokens creates a token with the CLI, uses it against the
// running server, revokes it and checks it stops working; the
// INCIDENTMAP_TOKEN path keeps working throughout.
func TestStoredTokens(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a server")
	}
	db := mustCopyTemplateDB(t)
	tok := strings.TrimSpace(mustRun(t, "token", "create", "--db", db, "--name", "field desk"))
	if !strings.HasPrefix(tok, "imt_") || strings.ContainsAny(tok, " \n") {
		t.Fatalf("token create printed %q", tok)
	}
	list := mustRun(t, "token", "list", "--db", db)
	if !strings.Contains(list, `"field desk"`) || strings.Contains(list, tok) {
		t.Fatalf("token list = %q: want the name and never the token", list)
	}
	sdb, err := store.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok, err := sdb.CheckToken(context.Background(), tok); err != nil || !ok {
		t.Fatalf("CheckToken(created token) = %v, %v", ok, err)
	}
	sdb.Close()
	base := mustRunServerDB(t, db, false)
	for _, tc := range []struct {
		name, token string
		i, want     int
	}{
		{"stored token", tok, 1, 201},
		{"env token", testToken, 2, 201},
		{"stored token, one char off", oneCharOff(tok), 3, 403},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := postTextReport(t, base, tc.token, testReportText(9000+tc.i)); got != tc.want {
				t.Fatalf("POST with %s: status %d, want %d", tc.name, got, tc.want)
			}
		})
	}
	mustRun(t, "token", "revoke", "--db", db, "1")
	t.Run("revoked while the server runs", func(t *testing.T) {
		if got := postTextReport(t, base, tok, testReportText(9004)); got != 403 {
			t.Fatalf("POST with a revoked token: status %d, want 403", got)
		}
		if got := postTextReport(t, base, testToken, testReportText(9005)); got != 201 {
			t.Fatalf("POST with the env token after revoking: status %d, want 201", got)
		}
	})
}

// oneCharOff returns tok with its last character changed. Replacing it
// with a fixed letter would give tok back whenever tok already ends in
// that letter (1 in 64 random tokens), so pick one that differs.
func oneCharOff(tok string) string {
	last := byte('A')
	if tok[len(tok)-1] == last {
		last = 'B'
	}
	return tok[:len(tok)-1] + string(last)
}
