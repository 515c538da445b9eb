package server

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/incidentmap/incidentmap/geo"
)

// The login page of --private (session.go says what the cookie is). It is
// served in place, with status 401, when a browser without credentials
// asks for a page, and at GET /login. It lives here rather than in static/
// because it is part of the server's auth contract (its form fields, the
// way back to the page asked for) and must work whatever --static-dir
// serves: nothing behind the login, no stylesheet or script, may be needed
// to show it.
var loginPage = template.Must(template.New("login").Parse(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Log in · incidentmap</title>
<link rel="icon" href="data:,">
<style>
body { font: 16px/1.5 system-ui, sans-serif; margin: 0; min-height: 100vh; display: grid; place-items: center; background: #f4f1e8; color: #222; }
main { background: #fff; padding: 1.5rem 2rem; border-radius: 6px; box-shadow: 0 1px 4px rgba(0,0,0,.25); max-width: 26rem; }
h1 { font-size: 1.3rem; margin: 0 0 .5rem; }
label { display: block; font-weight: 600; margin: 1rem 0 .3rem; }
input { width: 100%; box-sizing: border-box; font: inherit; padding: .4rem; }
button { margin-top: 1rem; font: inherit; padding: .4rem 1.2rem; }
.error { color: #b00020; font-weight: 600; }
.hint { color: #555; font-size: .9rem; }
</style>
</head>
<body>
<main>
<h1>incidentmap</h1>
<p>This map is private: log in with an access token to read it.</p>
{{if .Error}}<p class="error" id="login-error" role="alert">{{.Error}}</p>{{end}}
<form method="post" action="/login" id="login-form">
<input type="hidden" name="next" value="{{.Next}}">
<label for="login-token">Token</label>
<input type="password" id="login-token" name="token" autocomplete="current-password" required autofocus>
<button type="submit" id="login-submit">Log in</button>
</form>
<p class="hint">This browser then keeps a session for {{.Hours}} hours. It lets you read the map
and the API; changes (review, reports) still ask for the token. Tokens come from whoever runs
the server (<code>incidentmap token create</code>).</p>
</main>
</body>
</html>
`))

type loginData struct {
	Next, Error string
	Hours       int
}

// maxLoginBody bounds the login form: a token and a path.
const maxLoginBody = 8 << 10

// authInfo says how a request was let in; /api/session reports it.
type authInfo struct {
	via     string // "token", "session" or "" (no credentials checked)
	expires time.Time
}

type authKey struct{}

func withAuth(r *http.Request, a authInfo) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), authKey{}, a))
}

func authFrom(ctx context.Context) authInfo {
	a, _ := ctx.Value(authKey{}).(authInfo)
	return a
}

// registerLoginRoutes adds /login and /logout when the server is private.
func (s *Server) registerLoginRoutes(r chi.Router) {
	if !s.Private {
		return
	}
	r.Get("/login", func(w http.ResponseWriter, r *http.Request) {
		s.serveLogin(w, r, http.StatusOK, localPath(r.URL.Query().Get("next")), "")
	})
	r.Post("/login", s.handleLogin)
	r.Post("/logout", s.handleLogout)
}

// wantsPage reports whether r looks like a browser opening a page: a GET
// or HEAD that accepts HTML and carries no Authorization header. API
// clients (no text/html in Accept, or a token) keep their JSON answers.
func wantsPage(r *http.Request) bool {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return false
	}
	return r.Header.Get("Authorization") == "" && strings.Contains(r.Header.Get("Accept"), "text/html")
}

// serveLogin writes the login page. It may be served at any URL, /embed's
// included, so it resets the framing headers: a token form inside another
// site's frame could be overlaid and the token phished.
func (s *Server) serveLogin(w http.ResponseWriter, r *http.Request, status int, next, msg string) {
	h := w.Header()
	h.Set("Content-Security-Policy", contentSecurityPolicy+"; frame-ancestors 'self'")
	h.Set("X-Frame-Options", "SAMEORIGIN")
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Del("ETag")
	if status == http.StatusUnauthorized {
		h.Set("WWW-Authenticate", `Bearer realm="incidentmap"`)
	}
	w.WriteHeader(status)
	if r.Method == http.MethodHead {
		return
	}
	_ = loginPage.Execute(w, loginData{Next: next, Error: msg, Hours: int(s.sessionLifetime().Hours())})
}

// handleLogin exchanges a token (POSTed from the login form) for a session
// cookie and sends the browser back to the page it asked for.
func (s *Server) handleLogin(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxLoginBody)
	if !sameOrigin(r) {
		// Login CSRF: another site's page must not log a browser into a
		// session of the attacker's choosing.
		s.serveLogin(w, r, http.StatusForbidden, "/", "That login came from another site's page. Log in here instead.")
		return
	}
	if err := r.ParseForm(); err != nil {
		s.serveLogin(w, r, http.StatusBadRequest, "/", "The login form could not be read.")
		return
	}
	next := localPath(r.PostForm.Get("next"))
	id, ok, err := s.tokenIdentity(r.Context(), strings.TrimSpace(r.PostForm.Get("token")))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if !ok {
		s.logger().Warn("login refused: not a valid token", "remote", r.RemoteAddr)
		s.serveLogin(w, r, http.StatusUnauthorized, next, "That token is not valid.")
		return
	}
	value, expires := s.newSessionValue(id)
	s.setSessionCookie(w, r, value, expires)
	s.logger().Info("login", "token_id", id, "remote", r.RemoteAddr, "expires", expires.UTC().Format(time.RFC3339))
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// handleLogout deletes the session cookie. The cookie is the only copy of
// the session, so deleting it ends the session in this browser; a copy
// taken elsewhere lasts until it expires or its token is revoked.
func (s *Server) handleLogout(w http.ResponseWriter, r *http.Request) {
	if !sameOrigin(r) {
		s.writeError(w, r, geo.Errorf(geo.EFORBIDDEN, "logout from another site's page refused"))
		return
	}
	s.setSessionCookie(w, r, "", time.Time{})
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// handleSession serves GET /api/session: whether the server is private and
// how this request was let in, so the map can offer to log out.
func (s *Server) handleSession(w http.ResponseWriter, r *http.Request) error {
	a := authFrom(r.Context())
	out := map[string]any{"private": s.Private, "via": a.via}
	if a.via == "" {
		out["via"] = "none"
	}
	if !a.expires.IsZero() {
		out["expires"] = a.expires.UTC().Format(time.RFC3339)
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, out)
	return nil
}

// tokenIdentity returns which token token is: 0 for the env token, a
// stored token's id, or ok false.
func (s *Server) tokenIdentity(ctx context.Context, token string) (id int64, ok bool, err error) {
	if token == "" {
		return 0, false, nil
	}
	if s.Token != "" {
		a, b := sha256.Sum256([]byte(token)), sha256.Sum256([]byte(s.Token))
		if subtle.ConstantTimeCompare(a[:], b[:]) == 1 {
			return 0, true, nil
		}
	}
	if ts, can := s.Tokens.(TokenSessions); can {
		return ts.TokenID(ctx, token)
	}
	return 0, false, nil
}

// sameOrigin reports whether a form POST came from one of our own pages,
// by the Fetch metadata and Origin headers browsers send with it. A
// request without either (curl, an old browser) is let through: the
// SameSite=Strict cookie already keeps other sites' forms from using a
// session, and these checks only stop them setting or clearing one.
func sameOrigin(r *http.Request) bool {
	switch r.Header.Get("Sec-Fetch-Site") {
	case "", "same-origin", "none":
	default:
		return false
	}
	if o := r.Header.Get("Origin"); o != "" {
		u, err := url.Parse(o)
		if err != nil || u.Host != r.Host {
			return false
		}
	}
	return true
}

// localPath returns next if it is a path on this server, else "/": the
// way back after a login must not lead to another site (an open redirect
// a phishing link could use). Browsers read "//host", "/\host" and paths
// with tabs or newlines in them as other hosts.
func localPath(next string) string {
	if next == "" || next[0] != '/' || strings.HasPrefix(next, "//") || strings.HasPrefix(next, `/\`) ||
		strings.ContainsAny(next, "\r\n\t\\") {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.Path == "/login" || u.Path == "/logout" {
		return "/"
	}
	return next
}
