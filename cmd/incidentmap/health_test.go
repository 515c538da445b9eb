package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/incidentmap/incidentmap/geo/gazetteer"
)

// TestHealthzReportsABrokenGazetteer is issue 20's case end to end: a
// corrupt default gazetteer (cities500.txt that is not a GeoNames dump)
// makes the gazetteer's load fail and with it every ingest; /healthz said
// ok all the same. It must answer 503 naming the cause.
func TestHealthzReportsABrokenGazetteer(t *testing.T) {
	assets := t.TempDir()
	cities := filepath.Join(assets, filepath.FromSlash(gazetteer.DefaultCitiesPath))
	if err := os.MkdirAll(filepath.Dir(cities), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cities, []byte("this\tis\tnot\ta\tgazetteer\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := DefaultConfig()
	cfg.DB, cfg.Addr, cfg.Token, cfg.Assets = filepath.Join(t.TempDir(), "broken.db"), "127.0.0.1:0", testToken, assets
	srv, a, err := startServer(context.Background(), cfg, io.Discard)
	if err != nil {
		t.Fatalf("start server: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Close(ctx)
		a.Close()
	})
	select {
	case <-a.Geo.Done():
	case <-time.After(30 * time.Second):
		t.Fatal("the gazetteer's load has not ended after 30 s")
	}
	base := "http://" + srv.Addr()

	status, _, err := postReport(context.Background(), base, "Shelling was reported near Homs.")
	if err != nil || status < 500 {
		t.Fatalf("ingest with a broken gazetteer: status %d, err %v; want it to fail (5xx)", status, err)
	}
	resp, err := http.Get(base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]string
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("/healthz while every ingest fails: status %d %v, want 503", resp.StatusCode, body)
	}
	if r := body["reason"]; !strings.Contains(r, "gazetteer") || !strings.Contains(r, "cities500.txt: line 1") {
		t.Errorf("reason %q: want it to name the gazetteer and the bad file and line", r)
	}
}
