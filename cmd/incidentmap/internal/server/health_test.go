package server

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"testing"

	"github.com/incidentmap/incidentmap/geo"
)

// TestHealthzReportsWhatIngestNeeds: /healthz must not say ok while every
// ingest fails (issue 20: a corrupt gazetteer). Server.Health decides; its
// error becomes a 503 with the reason, domain messages as they are and
// anything else without internals.
func TestHealthzReportsWhatIngestNeeds(t *testing.T) {
	tests := []struct {
		name       string
		health     func(context.Context) error
		wantStatus int
		wantBody   map[string]string
	}{
		{"no check", nil, 200, map[string]string{"status": "ok"}},
		{"healthy", func(context.Context) error { return nil }, 200, map[string]string{"status": "ok"}},
		{"gazetteer broken issue-20",
			func(context.Context) error {
				return geo.Errorf(geo.EINTERNAL, "gazetteer not loaded: cities500.txt: line 2: bad coordinates")
			},
			503, map[string]string{"status": "unavailable", "reason": "gazetteer not loaded: cities500.txt: line 2: bad coordinates"}},
		{"non-domain error hides its detail",
			func(context.Context) error { return errors.New("open /secret/path: permission denied") },
			503, map[string]string{"status": "unavailable", "reason": "Internal error."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _, _ := newTestServer(t)
			s.Health = tt.health
			s.Private = true // the health check answers without a token all the same
			h := s.Handler()
			for _, method := range []string{"GET", "HEAD"} {
				rec := do(t, h, method, "/healthz", "", nil)
				if rec.Code != tt.wantStatus {
					t.Fatalf("%s /healthz: status %d, want %d; body %s", method, rec.Code, tt.wantStatus, rec.Body)
				}
				if method == "HEAD" {
					continue
				}
				var got map[string]string
				if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
					t.Fatalf("body %q: %v", rec.Body, err)
				}
				if len(got) != len(tt.wantBody) {
					t.Errorf("body %v, want %v", got, tt.wantBody)
				}
				for k, v := range tt.wantBody {
					if got[k] != v {
						t.Errorf("%s = %q, want %q", k, got[k], v)
					}
				}
				if tt.wantStatus != http.StatusOK && rec.Header().Get("Cache-Control") != "no-store" {
					t.Errorf("Cache-Control = %q, want no-store", rec.Header().Get("Cache-Control"))
				}
			}
		})
	}
}
