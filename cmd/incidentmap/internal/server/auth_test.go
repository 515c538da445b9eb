package server

import (
	"net/http"
	"testing"
)

// TestBearerSchemeIsCaseInsensitive checks that the auth scheme is matched
// without regard to case (RFC 9110 section 11.1; issue 20, defect 9):
// "bearer" from a client library was refused with 401. The token itself
// stays case-sensitive, and other schemes are still no token.
func TestBearerSchemeIsCaseInsensitive(t *testing.T) {
	const env = "secret-token-0123456789"
	const stored = "imt_stored-token-abcdefghijklmnop"
	report := " date 2020-01-02\nShelling in Idlib."
	for _, tc := range []struct {
		name      string
		auth      string
		wantWrite int // POST /api/reports
		wantRead  int // GET /api/incidents under Private
	}{
		{"Bearer", "Bearer " + env, http.StatusCreated, http.StatusOK},
		{"bearer", "bearer " + env, http.StatusCreated, http.StatusOK},
		{"BEARER", "BEARER " + env, http.StatusCreated, http.StatusOK},
		{"bEaReR", "bEaReR " + env, http.StatusCreated, http.StatusOK},
		{"bearer, stored token", "bearer " + stored, http.StatusCreated, http.StatusOK},
		{"two spaces before the token", "Bearer  " + env, http.StatusCreated, http.StatusOK},
		{"token case matters", "bearer " + "SECRET-TOKEN-0123456789", http.StatusForbidden, http.StatusForbidden},
		{"no space after the scheme", "bearer" + env, http.StatusUnauthorized, http.StatusUnauthorized},
		{"scheme only", "bearer", http.StatusUnauthorized, http.StatusUnauthorized},
		{"scheme and space only", "bearer ", http.StatusUnauthorized, http.StatusUnauthorized},
		{"another scheme", "basic " + env, http.StatusUnauthorized, http.StatusUnauthorized},
		{"a longer scheme", "bearers " + env, http.StatusUnauthorized, http.StatusUnauthorized},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, _, _ := newTestServer(t)
			s.Token = env
			s.Tokens = &mockTokens{tokens: map[string]string{stored: "desk"}}
			rec := do(t, s.Handler(), "POST", "/api/reports", report, map[string]string{"Content-Type": "text/plain", "Authorization": tc.auth})
			if rec.Code != tc.wantWrite {
				t.Errorf("POST with Authorization %q: status %d, want %d: %s", tc.auth, rec.Code, tc.wantWrite, rec.Body)
			}
			s.Private = true
			rec = do(t, s.Handler(), "GET", "/api/incidents", "", map[string]string{"Authorization": tc.auth})
			if rec.Code != tc.wantRead {
				t.Errorf("private GET with Authorization %q: status %d, want %d: %s", tc.auth, rec.Code, tc.wantRead, rec.Body)
			}
		})
	}
}
