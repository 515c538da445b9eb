package server

import (
	"context"
	"crypto/tls"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"testing/fstest"
	"time"
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

// idTokens is a stored-token checker that can make sessions: tokens have
// ids, and revoking one ends its sessions.
type idTokens struct {
	mockTokens
	ids     map[string]int64
	revoked map[int64]bool
}

var _ TokenSessions = (*idTokens)(nil)

func (m *idTokens) TokenID(ctx context.Context, token string) (int64, bool, error) {
	id, ok := m.ids[token]
	return id, ok && !m.revoked[id], nil
}

func (m *idTokens) TokenActive(ctx context.Context, id int64) (bool, error) {
	for _, i := range m.ids {
		if i == id {
			return !m.revoked[id], nil
		}
	}
	return false, nil
}

const (
	envToken    = "secret-token-0123456789"
	storedToken = "imt_stored-token-abcdefghijklmnop"
	browser     = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
)

// newPrivateServer returns a private test server with the env token, one
// stored token (id 7) and a clock tests can move.
func newPrivateServer(t *testing.T) (*Server, *idTokens, *time.Time) {
	t.Helper()
	s, _, _ := newTestServer(t)
	s.Static = fstest.MapFS{"index.html": {Data: []byte("<html>map</html>")}, "report.html": {Data: []byte("<html>report</html>")}}
	s.Private = true
	s.Token = envToken
	s.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	tokens := &idTokens{mockTokens: mockTokens{tokens: map[string]string{storedToken: "desk"}},
		ids: map[string]int64{storedToken: 7}, revoked: map[int64]bool{}}
	s.Tokens = tokens
	s.SessionKey = []byte("0123456789abcdef0123456789abcdef")
	now := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	s.Now = func() time.Time { return now }
	return s, tokens, &now
}

// mustLogin posts token to /login and returns the session cookie.
func mustLogin(t *testing.T, h http.Handler, token string) *http.Cookie {
	t.Helper()
	rec := do(t, h, "POST", "/login", url.Values{"token": {token}, "next": {"/"}}.Encode(),
		map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Origin": "http://example.com", "Sec-Fetch-Site": "same-origin"})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("POST /login: status %d, want 303: %s", rec.Code, rec.Body)
	}
	for _, c := range rec.Result().Cookies() {
		if c.Name == SessionCookie && c.Value != "" {
			return c
		}
	}
	t.Fatalf("POST /login set no session cookie: %v", rec.Header()["Set-Cookie"])
	return nil
}

func cookieHeader(c *http.Cookie) map[string]string {
	return map[string]string{"Cookie": c.Name + "=" + c.Value, "Accept": browser}
}

// TestPrivateLoginPage checks what a browser without credentials gets
// under --private (issue 20, defect 8): every page, /embed included,
// answers with the login form (401, HTML, not frameable), while API
// clients keep their JSON 401.
func TestPrivateLoginPage(t *testing.T) {
	s, _, _ := newPrivateServer(t)
	h := s.Handler()
	for _, tc := range []struct {
		path, accept string
		wantPage     bool
		wantNext     string
	}{
		{"/", browser, true, "/"},
		{"/?lat=35.9&lon=36.6&z=10", browser, true, "/?lat=35.9&amp;lon=36.6&amp;z=10"},
		{"/embed?from=2020-01-01", browser, true, "/embed?from=2020-01-01"},
		{"/reports/1", browser, true, "/reports/1"},
		{"/api/incidents", browser, true, "/api/incidents"}, // a browser opening the API by hand
		{"/login?next=/reports/1", browser, true, "/reports/1"},
		{"/login?next=//evil.example/", browser, true, `value="/"`},
		{"/api/incidents", "application/json", false, ""},
		{"/api/incidents", "", false, ""},
		{"/tiles/incidents/0/0/0.mvt", "*/*", false, ""},
		{"/app.js", "*/*", false, ""},
	} {
		t.Run(tc.path+" "+tc.accept, func(t *testing.T) {
			hdr := map[string]string{}
			if tc.accept != "" {
				hdr["Accept"] = tc.accept
			}
			rec := do(t, h, "GET", tc.path, "", hdr)
			ct := rec.Header().Get("Content-Type")
			if !tc.wantPage {
				if rec.Code != http.StatusUnauthorized || !strings.HasPrefix(ct, "application/json") {
					t.Fatalf("status %d %s, want a JSON 401: %s", rec.Code, ct, rec.Body)
				}
				return
			}
			wantStatus := http.StatusUnauthorized
			if strings.HasPrefix(tc.path, "/login") {
				wantStatus = http.StatusOK
			}
			body := rec.Body.String()
			if rec.Code != wantStatus || !strings.HasPrefix(ct, "text/html") {
				t.Fatalf("status %d %s, want %d and the login page: %.200s", rec.Code, ct, wantStatus, body)
			}
			for _, want := range []string{`<form method="post" action="/login"`, `name="token"`, `type="password"`, tc.wantNext} {
				if !strings.Contains(body, want) {
					t.Errorf("login page lacks %q: %s", want, body)
				}
			}
			if got := rec.Header().Get("Cache-Control"); got != "no-store" {
				t.Errorf("Cache-Control = %q, want no-store", got)
			}
			csp := rec.Header().Get("Content-Security-Policy")
			if !strings.Contains(csp, "frame-ancestors 'self'") || strings.Contains(csp, "frame-ancestors *") || rec.Header().Get("X-Frame-Options") != "SAMEORIGIN" {
				t.Errorf("the login page may be framed by other sites: CSP %q, X-Frame-Options %q", csp, rec.Header().Get("X-Frame-Options"))
			}
			if strings.Contains(body, "<script") {
				t.Error("the login page has a script")
			}
		})
	}
	t.Run("not private: no login page", func(t *testing.T) {
		s, _, _ := newPrivateServer(t)
		s.Private = false
		h := s.Handler()
		if rec := do(t, h, "GET", "/", "", map[string]string{"Accept": browser}); rec.Code != 200 || rec.Body.String() != "<html>map</html>" {
			t.Errorf("GET /: status %d %q, want the map", rec.Code, rec.Body)
		}
		if rec := do(t, h, "GET", "/login", "", map[string]string{"Accept": browser}); rec.Code != 404 {
			t.Errorf("GET /login: status %d, want 404", rec.Code)
		}
	})
}

// TestPrivateLoginCookie checks the session cookie: its flags, that it is
// not the token, that it opens every read and no write, and what ends it.
func TestPrivateLoginCookie(t *testing.T) {
	t.Run("flags", func(t *testing.T) {
		for _, tc := range []struct {
			name       string
			tls        bool
			forwarded  string
			behind     bool
			wantSecure bool
		}{
			{"plain HTTP", false, "", false, false},
			{"TLS", true, "", false, true},
			{"proxy says https", false, "https", false, true},
			{"configured behind HTTPS", false, "", true, true},
		} {
			t.Run(tc.name, func(t *testing.T) {
				s, _, now := newPrivateServer(t)
				s.BehindHTTPS = tc.behind
				req := httptest.NewRequest("POST", "/login", strings.NewReader(url.Values{"token": {envToken}, "next": {"/embed?z=3"}}.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				if tc.tls {
					req.TLS = &tls.ConnectionState{}
				}
				if tc.forwarded != "" {
					req.Header.Set("X-Forwarded-Proto", tc.forwarded)
				}
				rec := httptest.NewRecorder()
				s.Handler().ServeHTTP(rec, req)
				if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/embed?z=3" {
					t.Fatalf("status %d Location %q, want 303 to /embed?z=3", rec.Code, rec.Header().Get("Location"))
				}
				cs := rec.Result().Cookies()
				if len(cs) != 1 {
					t.Fatalf("cookies %v, want one", rec.Header()["Set-Cookie"])
				}
				c := cs[0]
				if c.Name != SessionCookie || !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Path != "/" || c.Secure != tc.wantSecure {
					t.Errorf("cookie %q: HttpOnly %v SameSite %v Path %q Secure %v, want HttpOnly, Strict, /, Secure %v",
						rec.Header().Get("Set-Cookie"), c.HttpOnly, c.SameSite, c.Path, c.Secure, tc.wantSecure)
				}
				if strings.Contains(c.Value, envToken) || strings.Contains(rec.Header().Get("Set-Cookie"), envToken) {
					t.Errorf("the cookie holds the token: %q", c.Value)
				}
				if want := now.Add(DefaultSessionLifetime); c.MaxAge != int(DefaultSessionLifetime.Seconds()) || !c.Expires.Equal(want) {
					t.Errorf("cookie Max-Age %d Expires %v, want %d and %v", c.MaxAge, c.Expires, int(DefaultSessionLifetime.Seconds()), want)
				}
			})
		}
	})

	t.Run("reads yes, writes no", func(t *testing.T) {
		s, _, _ := newPrivateServer(t)
		h := s.Handler()
		for _, token := range []string{envToken, storedToken} {
			c := mustLogin(t, h, token)
			for _, path := range []string{"/", "/embed", "/reports/1", "/api/incidents", "/api/incidents/1", "/api/sources", "/api/version"} {
				if rec := do(t, h, "GET", path, "", cookieHeader(c)); rec.Code != http.StatusOK {
					t.Errorf("GET %s with the session of %.10s…: status %d, want 200: %.200s", path, token, rec.Code, rec.Body)
				}
			}
			write := cookieHeader(c)
			write["Content-Type"] = "text/plain"
			for _, req := range [][2]string{{"POST", "/api/reports"}, {"DELETE", "/api/reports/1"}, {"POST", "/api/incidents/1/review"}} {
				if rec := do(t, h, req[0], req[1], " date 2020-01-02\nShelling in Idlib.", write); rec.Code != http.StatusUnauthorized {
					t.Errorf("%s %s with only a session: status %d, want 401", req[0], req[1], rec.Code)
				}
			}
			write["Authorization"] = "Bearer " + envToken
			if rec := do(t, h, "POST", "/api/reports", " date 2020-01-02\nShelling in Idlib.", write); rec.Code != http.StatusCreated {
				t.Errorf("POST /api/reports with a session and the token: status %d, want 201: %s", rec.Code, rec.Body)
			}
			rec := do(t, h, "GET", "/api/session", "", cookieHeader(c))
			if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"via":"session"`) || !strings.Contains(rec.Body.String(), `"private":true`) {
				t.Errorf("GET /api/session: %d %s, want via session", rec.Code, rec.Body)
			}
		}
	})

	t.Run("what ends a session", func(t *testing.T) {
		for _, tc := range []struct {
			name  string
			token string
			spoil func(s *Server, tokens *idTokens, now *time.Time, c *http.Cookie)
		}{
			{"expiry", envToken, func(s *Server, _ *idTokens, now *time.Time, _ *http.Cookie) { *now = now.Add(DefaultSessionLifetime) }},
			{"revoking its stored token", storedToken, func(_ *Server, tk *idTokens, _ *time.Time, _ *http.Cookie) { tk.revoked[7] = true }},
			{"changing the env token", envToken, func(s *Server, _ *idTokens, _ *time.Time, _ *http.Cookie) { s.Token = "another-token-0123456789" }},
			{"another key", envToken, func(s *Server, _ *idTokens, _ *time.Time, _ *http.Cookie) {
				s.SessionKey = []byte("another key, another database, 32")
			}},
			{"a changed expiry", envToken, func(_ *Server, _ *idTokens, _ *time.Time, c *http.Cookie) {
				p := strings.Split(c.Value, ".")
				p[2] = p[2][:len(p[2])-1] + "9"
				c.Value = strings.Join(p, ".")
			}},
			{"a changed token id", envToken, func(_ *Server, _ *idTokens, _ *time.Time, c *http.Cookie) {
				c.Value = strings.Replace(c.Value, "v1.0.", "v1.7.", 1)
			}},
			{"a changed signature", envToken, func(_ *Server, _ *idTokens, _ *time.Time, c *http.Cookie) {
				b := []byte(c.Value)
				if b[len(b)-2] == 'A' {
					b[len(b)-2] = 'B'
				} else {
					b[len(b)-2] = 'A'
				}
				c.Value = string(b)
			}},
			{"the token as the cookie", envToken, func(_ *Server, _ *idTokens, _ *time.Time, c *http.Cookie) { c.Value = envToken }},
		} {
			t.Run(tc.name, func(t *testing.T) {
				s, tokens, now := newPrivateServer(t)
				h := s.Handler()
				c := mustLogin(t, h, tc.token)
				if rec := do(t, h, "GET", "/api/incidents", "", cookieHeader(c)); rec.Code != 200 {
					t.Fatalf("before: status %d, want 200", rec.Code)
				}
				tc.spoil(s, tokens, now, c)
				rec := do(t, h, "GET", "/api/incidents", "", map[string]string{"Cookie": c.Name + "=" + c.Value, "Accept": "application/json"})
				if rec.Code != http.StatusUnauthorized {
					t.Errorf("API: status %d, want 401", rec.Code)
				}
				rec = do(t, h, "GET", "/", "", cookieHeader(c))
				if rec.Code != http.StatusUnauthorized || !strings.Contains(rec.Body.String(), "session has ended") {
					t.Errorf("page: status %d, want 401 and the login page saying the session ended: %.300s", rec.Code, rec.Body)
				}
			})
		}
	})

	t.Run("logout", func(t *testing.T) {
		s, _, _ := newPrivateServer(t)
		h := s.Handler()
		c := mustLogin(t, h, envToken)
		rec := do(t, h, "POST", "/logout", "", map[string]string{"Cookie": c.Name + "=" + c.Value, "Origin": "http://example.com"})
		if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/login" {
			t.Fatalf("POST /logout: status %d Location %q, want 303 to /login", rec.Code, rec.Header().Get("Location"))
		}
		cs := rec.Result().Cookies()
		if len(cs) != 1 || cs[0].Name != SessionCookie || cs[0].MaxAge >= 0 || cs[0].Value != "" {
			t.Errorf("POST /logout cookies %v, want the session cookie deleted", rec.Header()["Set-Cookie"])
		}
	})
}

// TestPrivateLoginRefusals checks the login form's own defences: a wrong
// token, a form posted from another site, and a way back that leads off
// the site.
func TestPrivateLoginRefusals(t *testing.T) {
	form := func(token, next string) string { return url.Values{"token": {token}, "next": {next}}.Encode() }
	ct := "application/x-www-form-urlencoded"
	for _, tc := range []struct {
		name         string
		body         string
		header       map[string]string
		wantStatus   int
		wantLocation string
	}{
		{"wrong token", form("imt_guess", "/"), nil, http.StatusUnauthorized, ""},
		{"empty token", form("", "/"), nil, http.StatusUnauthorized, ""},
		{"revoked stored token", form("imt_revoked-token-abcdefghijklmnop", "/"), nil, http.StatusUnauthorized, ""},
		{"another site's form", form(envToken, "/"), map[string]string{"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}, http.StatusForbidden, ""},
		{"another site's Origin", form(envToken, "/"), map[string]string{"Origin": "https://evil.example"}, http.StatusForbidden, ""},
		{"a sibling site's form", form(envToken, "/"), map[string]string{"Sec-Fetch-Site": "same-site"}, http.StatusForbidden, ""},
		{"next to another host", form(envToken, "https://evil.example/"), nil, http.StatusSeeOther, "/"},
		{"next scheme-relative", form(envToken, "//evil.example/x"), nil, http.StatusSeeOther, "/"},
		{"next with a backslash", form(envToken, `/\evil.example`), nil, http.StatusSeeOther, "/"},
		{"next with a tab", form(envToken, "/\t/evil.example"), nil, http.StatusSeeOther, "/"},
		{"next javascript:", form(envToken, "javascript:alert(1)"), nil, http.StatusSeeOther, "/"},
		{"next to /logout", form(envToken, "/logout"), nil, http.StatusSeeOther, "/"},
		{"next a report", form(envToken, "/reports/3?offline=1"), nil, http.StatusSeeOther, "/reports/3?offline=1"},
		{"huge form", form(envToken, "/"+strings.Repeat("x", 20000)), nil, http.StatusBadRequest, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, tokens, _ := newPrivateServer(t)
			tokens.ids["imt_revoked-token-abcdefghijklmnop"] = 8
			tokens.revoked[8] = true
			hdr := map[string]string{"Content-Type": ct}
			for k, v := range tc.header {
				hdr[k] = v
			}
			rec := do(t, s.Handler(), "POST", "/login", tc.body, hdr)
			if rec.Code != tc.wantStatus {
				t.Fatalf("status %d, want %d: %.300s", rec.Code, tc.wantStatus, rec.Body)
			}
			if got := rec.Header().Get("Location"); got != tc.wantLocation {
				t.Errorf("Location %q, want %q", got, tc.wantLocation)
			}
			if loggedIn := len(rec.Result().Cookies()) > 0; loggedIn != (tc.wantStatus == http.StatusSeeOther) {
				t.Errorf("Set-Cookie %v, want a cookie only after a good login", rec.Header()["Set-Cookie"])
			}
		})
	}
}
