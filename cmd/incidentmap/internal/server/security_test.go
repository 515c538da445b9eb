package server

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"testing/fstest"
)

func TestSecurityHeaders(t *testing.T) {
	s, _, _ := newTestServer(t)
	s.Static = fstest.MapFS{"index.html": {Data: []byte("<html>map</html>")}, "report.html": {Data: []byte("<html>report</html>")}}
	h := s.Handler()
	for _, tc := range []struct {
		path       string
		frameable  bool // may other sites frame it?
		wantStatus int
	}{
		{"/", false, 200},
		{"/embed", true, 200},
		{"/reports/1", false, 200},
		{"/api/incidents", false, 200},
		{"/api/incidents/1", false, 200},
		{"/api/nope", false, 404},
		{"/../../etc/passwd", false, 404},
	} {
		t.Run(tc.path, func(t *testing.T) {
			rec := do(t, h, "GET", tc.path, "", nil)
			if tc.wantStatus != 0 && rec.Code != tc.wantStatus {
				t.Fatalf("status %d, want %d", rec.Code, tc.wantStatus)
			}
			hd := rec.Header()
			csp := hd.Get("Content-Security-Policy")
			scriptSrc := ""
			for _, d := range strings.Split(csp, ";") {
				if d = strings.TrimSpace(d); strings.HasPrefix(d, "script-src") {
					scriptSrc = d
				}
			}
			if scriptSrc != "script-src 'self'" {
				t.Errorf("CSP script-src = %q, want only 'self' (no unsafe-inline, no eval): %s", scriptSrc, csp)
			}
			for _, want := range []string{"object-src 'none'", "base-uri 'none'", "default-src 'self'"} {
				if !strings.Contains(csp, want) {
					t.Errorf("CSP lacks %q: %s", want, csp)
				}
			}
			if got := hd.Get("X-Content-Type-Options"); got != "nosniff" {
				t.Errorf("X-Content-Type-Options = %q", got)
			}
			if got := hd.Get("Referrer-Policy"); got != "strict-origin-when-cross-origin" {
				t.Errorf("Referrer-Policy = %q", got)
			}
			xfo := hd.Get("X-Frame-Options")
			if tc.frameable {
				if !strings.Contains(csp, "frame-ancestors *") || xfo != "" {
					t.Errorf("/embed must be frameable by any site: CSP %q, X-Frame-Options %q", csp, xfo)
				}
			} else if !strings.Contains(csp, "frame-ancestors 'self'") || xfo != "SAMEORIGIN" {
				t.Errorf("must be frameable only by our own pages: CSP %q, X-Frame-Options %q", csp, xfo)
			}
		})
	}
}

func TestCORSAllowsReadsOnly(t *testing.T) {
	s, _, _ := newTestServer(t)
	h := s.Handler()
	t.Run("simple GET", func(t *testing.T) {
		rec := do(t, h, "GET", "/api/incidents", "", map[string]string{"Origin": "https://elsewhere.example"})
		if got := rec.Header().Get("Access-Control-Allow-Origin"); got != "*" {
			t.Fatalf("Access-Control-Allow-Origin = %q, want *", got)
		}
	})
	for _, method := range []string{"POST", "DELETE", "PUT", "PATCH"} {
		t.Run("preflight "+method, func(t *testing.T) {
			rec := do(t, h, "OPTIONS", "/api/reports", "", map[string]string{
				"Origin":                         "https://elsewhere.example",
				"Access-Control-Request-Method":  method,
				"Access-Control-Request-Headers": "authorization, content-type",
			})
			allow := rec.Header().Get("Access-Control-Allow-Methods")
			if strings.Contains(allow, method) {
				t.Errorf("preflight for %s allowed: Access-Control-Allow-Methods %q", method, allow)
			}
			if got := rec.Header().Get("Access-Control-Allow-Headers"); strings.Contains(strings.ToLower(got), "authorization") {
				t.Errorf("preflight allows the Authorization header: %q", got)
			}
			if rec.Header().Get("Access-Control-Allow-Credentials") != "" {
				t.Error("credentials allowed cross-origin")
			}
		})
	}
	t.Run("POST from another origin gets no CORS allow", func(t *testing.T) {
		rec := do(t, h, "POST", "/api/reports", " date 2020-01-02\nShelling in Idlib.", map[string]string{"Origin": "https://elsewhere.example"})
		if got := rec.Header().Get("Access-Control-Allow-Origin"); got != "" {
			t.Errorf("a POST response is readable cross-origin: Access-Control-Allow-Origin %q", got)
		}
	})
}

// mockTokens is a stored-token checker with a fixed set of tokens.
type mockTokens struct {
	tokens map[string]string // token → name
	err    error
}

func (m *mockTokens) CheckToken(ctx context.Context, token string) (string, bool, error) {
	if m.err != nil {
		return "", false, m.err
	}
	name, ok := m.tokens[token]
	return name, ok, nil
}

func TestWriteTokens(t *testing.T) {
	const env = "secret-token-0123456789"
	const stored = "imt_stored-token-abcdefghijklmnop"
	report := " date 2020-01-02\nShelling in Idlib."
	for _, tc := range []struct {
		name       string
		envToken   string
		tokens     *mockTokens
		auth       string
		wantStatus int
	}{
		{"env token", env, nil, "Bearer " + env, 201},
		{"env token, stored tokens too", env, &mockTokens{tokens: map[string]string{stored: "desk"}}, "Bearer " + env, 201},
		{"stored token", "", &mockTokens{tokens: map[string]string{stored: "desk"}}, "Bearer " + stored, 201},
		{"stored token with env token set", env, &mockTokens{tokens: map[string]string{stored: "desk"}}, "Bearer " + stored, 201},
		{"unknown token", env, &mockTokens{tokens: map[string]string{stored: "desk"}}, "Bearer imt_guess", 403},
		{"no token", env, &mockTokens{tokens: map[string]string{stored: "desk"}}, "", 401},
		{"basic auth is not a bearer token", env, nil, "Basic " + env, 401},
		{"token store failing", "", &mockTokens{err: errors.New("disk on fire")}, "Bearer " + stored, 500},
		{"writes disabled", "", nil, "Bearer " + env, 403},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, _, _ := newTestServer(t)
			s.Token = tc.envToken
			if tc.tokens != nil {
				s.Tokens = tc.tokens
			}
			hdr := map[string]string{"Content-Type": "text/plain"}
			if tc.auth != "" {
				hdr["Authorization"] = tc.auth
			}
			rec := do(t, s.Handler(), "POST", "/api/reports", report, hdr)
			if rec.Code != tc.wantStatus {
				t.Fatalf("status %d, want %d: %s", rec.Code, tc.wantStatus, rec.Body)
			}
			if rec.Code == 500 && strings.Contains(rec.Body.String(), "disk") {
				t.Errorf("internal error leaked to the client: %s", rec.Body)
			}
			if rec.Code == http.StatusUnauthorized && rec.Header().Get("WWW-Authenticate") == "" {
				t.Error("401 without WWW-Authenticate")
			}
		})
	}
}
