package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/incidentmap/incidentmap/geo"
)

// mustStartHeld starts the server on a copy of the template database with
// the gazetteer's load held until the returned release is called.
func mustStartHeld(t *testing.T) (base string, a *app, release func()) {
	t.Helper()
	cfg := DefaultConfig()
	cfg.DB, cfg.Addr, cfg.Token = mustCopyTemplateDB(t), "127.0.0.1:0", testToken
	cfg.Assets = filepath.Join("..", "..", "node_modules")
	hold := make(chan struct{})
	srv, a, err := startServerHolding(context.Background(), cfg, io.Discard, hold)
	if err != nil {
		t.Fatalf("start server: %v", err)
	}
	released := false
	release = func() {
		if !released {
			released = true
			close(hold)
		}
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Close(ctx)
		a.Close()
	})
	return "http://" + srv.Addr(), a, release
}

// postReport posts a JSON report with the test token and returns the
// status and the decoded body.
func postReport(ctx context.Context, base, text string) (int, map[string]any, error) {
	body, _ := json.Marshal(map[string]string{"title": "startup test", "text": text,
		"published": "2024-05-06", "source": "Startup Test Wire"})
	req, err := http.NewRequestWithContext(ctx, "POST", base+"/api/reports", bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+testToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	var v map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&v); err != nil {
		return resp.StatusCode, nil, err
	}
	return resp.StatusCode, v, nil
}

// Issue 8: the read API answers while the gazetteer is still loading, and
// a report posted meanwhile waits for it and is then geoparsed as usual.
func TestServeReadsBeforeGazetteerLoads(t *testing.T) {
	base, a, release := mustStartHeld(t)

	for _, path := range []string{"/healthz", "/api/incidents?limit=1", "/api/version", "/"} {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatalf("GET %s before the gazetteer: %v", path, err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s before the gazetteer: status %d, want 200", path, resp.StatusCode)
		}
	}
	if a.Geo.Loaded() {
		t.Fatal("gazetteer loaded while held: the test proves nothing")
	}

	type result struct {
		status int
		body   map[string]any
		err    error
	}
	done := make(chan result, 1)
	go func() {
		text := "Artillery fire struck the outskirts of Aleppo on Tuesday, and two people were hurt in Idlib the same night, residents told reporters."
		status, body, err := postReport(context.Background(), base, text)
		done <- result{status, body, err}
	}()
	select {
	case r := <-done:
		t.Fatalf("ingest answered (%d, %v) before the gazetteer loaded", r.status, r.err)
	case <-time.After(300 * time.Millisecond):
	}

	release()
	var r result
	select {
	case r = <-done:
	case <-time.After(2 * time.Minute):
		t.Fatal("ingest still waiting two minutes after the gazetteer's load began")
	}
	if r.err != nil || r.status != http.StatusCreated {
		t.Fatalf("ingest posted during the load: status %d, err %v, want 201", r.status, r.err)
	}
	var names []string
	places, _ := r.body["places"].([]any)
	for _, p := range places {
		if m, ok := p.(map[string]any); ok {
			names = append(names, m["name"].(string))
		}
	}
	if got := strings.Join(names, ","); !strings.Contains(got, "Aleppo") || !strings.Contains(got, "Idlib") {
		t.Errorf("ingest places=%q, want Aleppo and Idlib geoparsed", got)
	}
	if !a.Geo.Loaded() {
		t.Error("ingest answered but the gazetteer is not loaded")
	}
	var fc struct {
		NumberMatched int `json:"numberMatched"`
	}
	mustGetJSON(t, base+"/api/incidents?source=Startup%20Test%20Wire", http.StatusOK, &fc)
	if fc.NumberMatched < 2 {
		t.Errorf("incidents of the posted report: %d, want at least 2", fc.NumberMatched)
	}
	var found struct{ Places []geo.Candidate }
	mustGetJSON(t, base+"/api/gazetteer/search?q=Aleppo", http.StatusOK, &found)
	if len(found.Places) == 0 || found.Places[0].Name != "Aleppo" {
		t.Errorf("gazetteer search after the load: %+v, want Aleppo first", found)
	}
}

// A request that gives up while the gazetteer loads gets its context's
// error, and closing the app while the load is held neither hangs nor
// leaks the loader.
func TestServeIngestCancelledWhileLoading(t *testing.T) {
	base, a, _ := mustStartHeld(t)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, _, err := postReport(ctx, base, "Shelling was reported near Homs.")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("post with a 200 ms deadline during the load: err %v, want DeadlineExceeded", err)
	}
	closed := make(chan error, 1)
	go func() { closed <- a.Close() }()
	select {
	case <-closed:
	case <-time.After(10 * time.Second):
		t.Fatal("Close hangs while the gazetteer's load is held")
	}
	if _, err := a.Geo.Wait(context.Background()); !errors.Is(err, context.Canceled) {
		t.Errorf("wait after Close: %v, want the load cancelled", err)
	}
}
