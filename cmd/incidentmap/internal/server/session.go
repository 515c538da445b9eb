package server

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/incidentmap/incidentmap/geo"
)

// Browser sessions for --private (issue 20, defect 8). A browser cannot
// send a bearer token when it navigates, so the login page (login.go)
// exchanges a token for a session cookie. The cookie is not the token: it
// names which token it came from (a stored token's id, or 0 for the env
// token), when it expires, and an HMAC-SHA256 over both under a key kept
// in the database (Server.SessionKey). A stolen cookie therefore never
// reveals a token, expires on its own, and dies with its token: revoking a
// stored token ends its sessions at once, and changing INCIDENTMAP_TOKEN
// ends the env token's.
//
// The cookie grants reads only (GET and HEAD). Writes still need the
// Authorization header, which a page of another site cannot make a
// browser send, so the cookie opens no door to cross-site request forgery.

// SessionCookie is the name of the session cookie.
const SessionCookie = "incidentmap_session"

// DefaultSessionLifetime is how long a session lasts when
// Server.SessionLifetime is zero: a working day and then some, so an
// analyst logs in once a day.
const DefaultSessionLifetime = 12 * time.Hour

// sessionVersion prefixes the cookie, so a later format can tell old
// cookies apart and refuse them.
const sessionVersion = "v1"

// TokenSessions is implemented by a Server.Tokens that can make sessions
// for stored tokens: it names a token by its id, and says whether an id
// is still unrevoked (checked on every request a session makes).
type TokenSessions interface {
	// TokenID returns the id of token if it is a stored, unrevoked token.
	TokenID(ctx context.Context, token string) (id int64, ok bool, err error)
	// TokenActive reports whether token id exists and is not revoked.
	TokenActive(ctx context.Context, id int64) (bool, error)
}

// session is a verified session cookie.
type session struct {
	tokenID int64 // 0: the env token
	expires time.Time
}

func (s *Server) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Server) sessionLifetime() time.Duration {
	if s.SessionLifetime > 0 {
		return s.SessionLifetime
	}
	return DefaultSessionLifetime
}

// sessionKey returns SessionKey, or a random key made once for this
// Server when none is set (its sessions then end with the process).
func (s *Server) sessionKey() []byte {
	if len(s.SessionKey) > 0 {
		return s.SessionKey
	}
	s.keyOnce.Do(func() {
		s.randomKey = make([]byte, 32)
		_, _ = rand.Read(s.randomKey) // crypto/rand.Read never fails (Go 1.24+)
	})
	return s.randomKey
}

// sessionMAC signs a session. The env token's sessions also sign a hash
// of the env token, so changing it ends them.
func (s *Server) sessionMAC(tokenID int64, expires int64) []byte {
	m := hmac.New(sha256.New, s.sessionKey())
	m.Write([]byte("incidentmap session " + sessionVersion + "\x00" +
		strconv.FormatInt(tokenID, 10) + "\x00" + strconv.FormatInt(expires, 10) + "\x00"))
	if tokenID == 0 {
		sum := sha256.Sum256([]byte(s.Token))
		m.Write([]byte(hex.EncodeToString(sum[:])))
	}
	return m.Sum(nil)
}

// newSessionValue returns the cookie value of a session for tokenID.
func (s *Server) newSessionValue(tokenID int64) (value string, expires time.Time) {
	expires = s.now().Add(s.sessionLifetime()).Truncate(time.Second)
	exp := expires.Unix()
	mac := s.sessionMAC(tokenID, exp)
	return sessionVersion + "." + strconv.FormatInt(tokenID, 10) + "." + strconv.FormatInt(exp, 10) + "." +
		base64.RawURLEncoding.EncodeToString(mac), expires
}

// readSession returns the request's session if its cookie is well formed,
// signed with this server's key, unexpired, and its token still valid.
// err is set only when the token store fails.
func (s *Server) readSession(r *http.Request) (sess session, ok bool, err error) {
	c, err := r.Cookie(SessionCookie)
	if err != nil {
		return session{}, false, nil
	}
	parts := strings.Split(c.Value, ".")
	if len(parts) != 4 || parts[0] != sessionVersion {
		return session{}, false, nil
	}
	id, err1 := strconv.ParseInt(parts[1], 10, 64)
	exp, err2 := strconv.ParseInt(parts[2], 10, 64)
	mac, err3 := base64.RawURLEncoding.DecodeString(parts[3])
	if err1 != nil || err2 != nil || err3 != nil || id < 0 {
		return session{}, false, nil
	}
	if !hmac.Equal(mac, s.sessionMAC(id, exp)) {
		return session{}, false, nil
	}
	expires := time.Unix(exp, 0)
	if !s.now().Before(expires) {
		return session{}, false, nil
	}
	if id == 0 {
		return session{tokenID: 0, expires: expires}, s.Token != "", nil
	}
	ts, can := s.Tokens.(TokenSessions)
	if !can {
		return session{}, false, nil
	}
	active, err := ts.TokenActive(r.Context(), id)
	if err != nil || !active {
		return session{}, false, err
	}
	return session{tokenID: id, expires: expires}, true, nil
}

// secureRequest reports whether the browser reached us over HTTPS: TLS
// here, a proxy that says so (X-Forwarded-Proto, as baseURL trusts it), or
// Server.BehindHTTPS. A client forging the header only gets a cookie its
// browser will not send back over plain HTTP.
func (s *Server) secureRequest(r *http.Request) bool {
	return s.BehindHTTPS || r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")
}

// setSessionCookie sets the session cookie: HttpOnly (no script reads
// it), SameSite=Strict (no other site's page makes the browser send it,
// in a link, a form or a frame), Secure whenever the browser came over
// HTTPS, for the whole site.
func (s *Server) setSessionCookie(w http.ResponseWriter, r *http.Request, value string, expires time.Time) {
	c := &http.Cookie{
		Name: SessionCookie, Value: value, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode,
		Secure: s.secureRequest(r),
	}
	if value == "" {
		c.MaxAge = -1 // delete it
	} else {
		c.Expires = expires
		c.MaxAge = int(expires.Sub(s.now()).Seconds())
	}
	http.SetCookie(w, c)
}

// sessionKeySetting names the setting holding the key that signs browser
// sessions (this file), hex-encoded.
const sessionKeySetting = "session_key"

// LoadSessionKey returns the database's session key, making it on first
// use. It is kept in the database so sessions outlive a restart and
// belong to this database; a copy of the database (a backup) holds it
// too, like the token hashes. A session ends when its token is revoked
// (or, for the env token, changed), so the key never needs rotating to
// lock a browser out.
func LoadSessionKey(ctx context.Context, db geo.SettingService) ([]byte, error) {
	fresh := make([]byte, 32)
	_, _ = rand.Read(fresh) // crypto/rand.Read never fails (Go 1.24+)
	v, err := db.SettingOrInit(ctx, sessionKeySetting, hex.EncodeToString(fresh))
	if err != nil {
		return nil, fmt.Errorf("session key: %w", err)
	}
	key, err := hex.DecodeString(v)
	if err != nil || len(key) < 32 {
		return nil, fmt.Errorf("session key: the %q setting is not 32 hex-encoded bytes", sessionKeySetting)
	}
	return key, nil
}
