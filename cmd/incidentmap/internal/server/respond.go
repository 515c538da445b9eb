package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
)

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	_ = enc.Encode(v) // the client may be gone; nothing useful to do
}

// checkETag sets an ETag derived from the data version and the request URL
// and reports whether the client's copy is current (then a 304 was sent).
// Every write bumps the version, so a cached response is never stale.
func (s *Server) checkETag(ctx context.Context, w http.ResponseWriter, r *http.Request) (bool, error) {
	if s.Versions == nil {
		w.Header().Set("Cache-Control", "no-cache")
		return false, nil
	}
	v, err := s.Versions.DataVersion(ctx)
	if err != nil {
		return false, err
	}
	sum := sha256.Sum256([]byte(r.URL.RawQuery + "\x00" + r.URL.Path))
	etag := `"v` + strconv.FormatInt(v, 10) + "-" + hex.EncodeToString(sum[:8]) + `"`
	w.Header().Set("ETag", etag)
	// Caches may keep responses but must revalidate: a revalidation is a
	// cheap 304 while the data version is unchanged.
	w.Header().Set("Cache-Control", "public, max-age=0, must-revalidate")
	for _, tag := range strings.Split(r.Header.Get("If-None-Match"), ",") {
		tag = strings.TrimPrefix(strings.TrimSpace(tag), "W/")
		if tag == etag || tag == "*" {
			w.WriteHeader(http.StatusNotModified)
			return true, nil
		}
	}
	return false, nil
}
