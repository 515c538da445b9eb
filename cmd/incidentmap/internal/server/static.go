package server

import (
	"io/fs"
	"net/http"
	"path"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"
)

// registerStaticRoutes serves the map (/), the report view (/reports/{id})
// and the embed (/embed) from s.Static.
func (s *Server) registerStaticRoutes(r chi.Router) {
	if s.Static == nil {
		return
	}
	files := http.FileServer(http.FS(s.Static))
	page := func(name string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			b, err := fs.ReadFile(s.Static, name)
			if err != nil {
				http.NotFound(w, r)
				return
			}
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Header().Set("Cache-Control", "no-cache")
			_, _ = w.Write(b)
		}
	}
	r.Get("/", page("index.html"))
	r.Get("/embed", page("index.html"))
	r.Get("/reports/{id}", page("report.html"))
	r.Get("/*", func(w http.ResponseWriter, r *http.Request) {
		// path.Clean plus fs.FS's own rules (no "..", no leading "/")
		// keep requests inside the embedded tree.
		p := strings.TrimPrefix(path.Clean(r.URL.Path), "/")
		if p == "" || !fs.ValidPath(p) {
			http.NotFound(w, r)
			return
		}
		if st, err := fs.Stat(s.Static, p); err != nil || st.IsDir() {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=300")
		files.ServeHTTP(w, r)
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
