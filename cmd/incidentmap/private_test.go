package main

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// browserAccept is the Accept header Chromium sends when it opens a page.
const browserAccept = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"

// startPrivateServer serves db with --private and the env token testToken,
// with the bundled samples if samples is set, and returns its base URL and
// a function that stops it (also run at the end of the test).
func startPrivateServer(t *testing.T, db string, samples bool) (base string, stop func()) {
	t.Helper()
	cfg := DefaultConfig()
	cfg.DB, cfg.Addr, cfg.Token, cfg.Private, cfg.Samples = db, "127.0.0.1:0", testToken, true, samples
	cfg.Assets = filepath.Join("..", "..", "node_modules")
	srv, a, err := startServer(context.Background(), cfg, io.Discard)
	if err != nil {
		t.Fatalf("start server: %v", err)
	}
	if _, err := a.Geo.Wait(context.Background()); err != nil {
		t.Fatalf("load gazetteer: %v", err)
	}
	stopped := false
	stop = func() {
		if stopped {
			return
		}
		stopped = true
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Close(ctx)
		a.Close()
	}
	t.Cleanup(stop)
	return "http://" + srv.Addr(), stop
}

// noRedirects is a client that shows redirects instead of following them.
var noRedirects = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func privateDo(t *testing.T, method, target, body string, header map[string]string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, target, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := noRedirects.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// privateLogin posts token to the login form and returns the session
// cookie as a Cookie header value.
func privateLogin(t *testing.T, base, token string) string {
	t.Helper()
	resp, body := privateDo(t, "POST", base+"/login", url.Values{"token": {token}, "next": {"/?z=3"}}.Encode(),
		map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Origin": base})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/?z=3" {
		t.Fatalf("POST /login: status %d Location %q, want 303 to /?z=3: %.300s", resp.StatusCode, resp.Header.Get("Location"), body)
	}
	for _, c := range resp.Cookies() {
		if c.Value != "" {
			if strings.Contains(c.Value, token) {
				t.Fatalf("the session cookie holds the token: %s", c.Value)
			}
			return c.Name + "=" + c.Value
		}
	}
	t.Fatalf("POST /login set no cookie: %v", resp.Header["Set-Cookie"])
	return ""
}

// TestPrivateSessionsEndToEnd runs --private on a real database (issue
// 20, defect 8): a browser opening the map gets the login page instead of
// a JSON 401; the env token and a stored token each log in; the session
// reads the map and the API but cannot write; revoking the stored token
// with the CLI ends its session while the server runs; the env token's
// session outlives a restart (the key is kept in the database); API
// clients still get JSON 401s, and "bearer" in lower case is a token.
func TestPrivateSessionsEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a server")
	}
	db := mustCopyTemplateDB(t)
	stored := strings.TrimSpace(mustRun(t, "token", "create", "--db", db, "--name", "field desk"))
	base, stop := startPrivateServer(t, db, false)

	resp, body := privateDo(t, "GET", base+"/", "", map[string]string{"Accept": browserAccept})
	if resp.StatusCode != http.StatusUnauthorized || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") ||
		!strings.Contains(body, `action="/login"`) {
		t.Fatalf("a browser opening the private map: status %d %s, want 401 and the login page: %.300s",
			resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	if resp, body := privateDo(t, "GET", base+"/api/incidents", "", nil); resp.StatusCode != http.StatusUnauthorized ||
		!strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("an API client without a token: status %d %s, want a JSON 401: %.200s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	if resp, _ := privateDo(t, "GET", base+"/api/incidents", "", map[string]string{"Authorization": "bearer " + testToken}); resp.StatusCode != http.StatusOK {
		t.Fatalf("an API client sending \"bearer\": status %d, want 200", resp.StatusCode)
	}

	envSession := privateLogin(t, base, testToken)
	storedSession := privateLogin(t, base, stored)
	for name, cookie := range map[string]string{"env token": envSession, "stored token": storedSession} {
		t.Run("a session of the "+name+" reads", func(t *testing.T) {
			for _, path := range []string{"/", "/embed", "/api/incidents", "/api/sources", "/app.js", "/tiles/base/0/0/0.png"} {
				if resp, body := privateDo(t, "GET", base+path, "", map[string]string{"Cookie": cookie, "Accept": browserAccept}); resp.StatusCode != http.StatusOK {
					t.Errorf("GET %s: status %d, want 200: %.200s", path, resp.StatusCode, body)
				}
			}
			resp, body := privateDo(t, "POST", base+"/api/reports", " date 2021-03-09\nShelling hit Saraqib on Monday.",
				map[string]string{"Cookie": cookie, "Content-Type": "text/plain", "Origin": base})
			if resp.StatusCode != http.StatusUnauthorized {
				t.Errorf("POST /api/reports with only the session: status %d, want 401: %s", resp.StatusCode, body)
			}
		})
	}

	mustRun(t, "token", "revoke", "--db", db, "1")
	if resp, _ := privateDo(t, "GET", base+"/api/incidents", "", map[string]string{"Cookie": storedSession}); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("the revoked token's session: status %d, want 401", resp.StatusCode)
	}
	if resp, _ := privateDo(t, "GET", base+"/api/incidents", "", map[string]string{"Cookie": envSession}); resp.StatusCode != http.StatusOK {
		t.Errorf("the env token's session after revoking another token: status %d, want 200", resp.StatusCode)
	}

	stop()
	base, _ = startPrivateServer(t, db, false)
	if resp, body := privateDo(t, "GET", base+"/api/incidents", "", map[string]string{"Cookie": envSession}); resp.StatusCode != http.StatusOK {
		t.Errorf("the env token's session after a restart: status %d, want 200: %.200s", resp.StatusCode, body)
	}
	resp, _ = privateDo(t, "POST", base+"/logout", "", map[string]string{"Cookie": envSession, "Origin": base})
	if resp.StatusCode != http.StatusSeeOther || len(resp.Cookies()) != 1 || resp.Cookies()[0].MaxAge >= 0 {
		t.Errorf("POST /logout: status %d, cookies %v; want 303 deleting the session cookie", resp.StatusCode, resp.Header["Set-Cookie"])
	}
}

// TestBrowserPrivateLogin drives --private's login in headless Chromium
// (static/test/private.test.mjs): the map answers with the login page, a
// wrong token is refused, the right one opens the map (data, base tiles,
// /embed, the report view) through an HttpOnly SameSite=Strict cookie that
// cannot write, and logging out locks the map again.
func TestBrowserPrivateLogin(t *testing.T) {
	root := filepath.Join("..", "..")
	node := mustHaveBrowser(t, root)
	base, _ := startPrivateServer(t, mustCopyTemplateDB(t), true)
	t.Setenv("INCIDENTMAP_TEST_TOKEN", testToken) // inherited by the node process
	runBrowserScript(t, node, root, "private.test.mjs", base)
}
