package server

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"strings"
	"time"

	"github.com/incidentmap/incidentmap/geo"
)

// contentSecurityPolicy forbids inline scripts, so text from reports can
// never run as code even if it reached the DOM as HTML. Leaflet positions
// its panes with inline styles, hence 'unsafe-inline' for styles only.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data: blob: https://*.tile.openstreetmap.org; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'"

// securityHeaders sets the browser-side protections on every response. Only
// /embed may be framed by other sites; everything else (the review UI
// included) may be framed only by our own pages.
func (s *Server) securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		frame := "frame-ancestors 'self'"
		if r.URL.Path == "/embed" {
			frame = "frame-ancestors *"
		} else {
			h.Set("X-Frame-Options", "SAMEORIGIN")
		}
		h.Set("Content-Security-Policy", contentSecurityPolicy+"; "+frame)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
		next.ServeHTTP(w, r)
	})
}

// cors lets other sites' scripts read the API; writes stay same-origin
// because preflights for them are not answered with an allow.
func cors(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		if r.Method == http.MethodGet || r.Method == http.MethodHead || r.Method == http.MethodOptions {
			h.Set("Access-Control-Allow-Origin", "*")
			h.Set("Access-Control-Expose-Headers", "ETag, Link")
		}
		if r.Method == http.MethodOptions {
			h.Set("Access-Control-Allow-Methods", "GET, HEAD")
			w.WriteHeader(http.StatusNoContent)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// bearerToken returns the request's bearer token and whether it sent one.
// The scheme is case-insensitive (RFC 9110 section 11.1: "bearer" from a
// client library is as good as "Bearer"), and one or more spaces separate
// it from the token (1*SP); the token itself is compared as sent.
func bearerToken(r *http.Request) (string, bool) {
	scheme, rest, found := strings.Cut(r.Header.Get("Authorization"), " ")
	if !found || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	token := strings.TrimLeft(rest, " ")
	return token, token != ""
}

// tokenOK compares the request's bearer token with want in constant time
// (hashing both first so the lengths leak nothing either).
func tokenOK(r *http.Request, want string) (present, ok bool) {
	got, found := bearerToken(r)
	if !found {
		return false, false
	}
	a, b := sha256.Sum256([]byte(got)), sha256.Sum256([]byte(want))
	return true, subtle.ConstantTimeCompare(a[:], b[:]) == 1
}

// requireToken guards write endpoints.
func (s *Server) requireToken(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := s.checkToken(r); err != nil {
			s.writeError(w, r, err)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// checkToken accepts the configured token (s.Token) or a token stored
// hashed in s.Tokens (`incidentmap token create`).
func (s *Server) checkToken(r *http.Request) error {
	if s.Token == "" && s.Tokens == nil {
		return geo.Errorf(geo.EFORBIDDEN, "writes are disabled: start the server with INCIDENTMAP_TOKEN set")
	}
	present, ok := false, false
	if s.Token != "" {
		present, ok = tokenOK(r, s.Token)
	}
	if !ok && s.Tokens != nil {
		if got, found := bearerToken(r); found {
			present = true
			_, valid, err := s.Tokens.CheckToken(r.Context(), got)
			if err != nil {
				return err
			}
			ok = valid
		}
	}
	if !present {
		return geo.Errorf(geo.EUNAUTHORIZED, "this endpoint needs a token: send Authorization: Bearer <token>")
	}
	if !ok {
		return geo.Errorf(geo.EFORBIDDEN, "the token is not valid")
	}
	return nil
}

// requireReadAccess makes every request need credentials when Private is
// set (the health check excepted, for load balancers, and the login and
// logout endpoints, which are the way in and out). API clients send the
// token; browsers send the session cookie the login page gave them, which
// lets them read (GET, HEAD) and nothing more. A browser that has neither
// and asks for a page gets the login page in its place; everything else
// gets the JSON 401 it got before.
func (s *Server) requireReadAccess(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch p := r.URL.Path; {
		case !s.Private, p == "/healthz", p == "/login", p == "/logout":
			next.ServeHTTP(w, r)
			return
		}
		if r.Header.Get("Authorization") != "" {
			if err := s.checkToken(r); err != nil {
				s.writeError(w, r, err)
				return
			}
			next.ServeHTTP(w, withAuth(r, authInfo{via: "token"}))
			return
		}
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			sess, ok, err := s.readSession(r)
			if err != nil {
				s.writeError(w, r, err)
				return
			}
			if ok {
				next.ServeHTTP(w, withAuth(r, authInfo{via: "session", expires: sess.expires}))
				return
			}
			if wantsPage(r) {
				msg := ""
				if _, err := r.Cookie(SessionCookie); err == nil {
					msg = "Your session has ended. Log in again."
					s.setSessionCookie(w, r, "", time.Time{})
				}
				s.serveLogin(w, r, http.StatusUnauthorized, localPath(r.URL.RequestURI()), msg)
				return
			}
		}
		s.writeError(w, r, s.checkToken(r))
	})
}
