package server

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strconv"

	"github.com/incidentmap/incidentmap/geo"
)

// handleOEmbed serves GET /oembed?url=...: the oEmbed "rich" response that
// lets a CMS turn a pasted map link into an embedded map with the same view
// and filters (https://oembed.com, section 2).
func (s *Server) handleOEmbed(w http.ResponseWriter, r *http.Request) error {
	q, err := parseQuery(r)
	if err != nil {
		return err
	}
	for k := range q {
		switch k {
		case "url", "maxwidth", "maxheight", "format":
		default:
			return geo.ParamErrorf(k, "unknown parameter (known: url, maxwidth, maxheight, format)")
		}
	}
	if f := q.Get("format"); f != "" && f != "json" {
		// The spec asks for 501 when a format is not implemented.
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusNotImplemented)
		fmt.Fprintln(w, "format: only json is supported")
		return nil
	}
	raw := q.Get("url")
	if raw == "" {
		return geo.ParamErrorf("url", "required: the map URL to embed")
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return geo.ParamErrorf("url", "%q is not an http(s) URL", truncate(raw, 80))
	}
	if u.Host != r.Host {
		return geo.Errorf(geo.ENOTFOUND, "url: %q is not a map on this server (%s)", truncate(u.Host, 80), r.Host)
	}
	if u.Path != "/" && u.Path != "" && u.Path != "/embed" {
		return geo.Errorf(geo.ENOTFOUND, "url: only the map (/) or /embed can be embedded")
	}
	width, err := parseInt(q, "maxwidth", 800, 100, 4000)
	if err != nil {
		return err
	}
	height, err := parseInt(q, "maxheight", 500, 100, 4000)
	if err != nil {
		return err
	}
	if width > 800 {
		width = 800
	}
	if height > 500 {
		height = 500
	}
	src := baseURL(r) + "/embed"
	if u.RawQuery != "" {
		// Re-encode: only parameters survive, never raw markup.
		src += "?" + u.Query().Encode()
	}
	iframe := `<iframe src="` + html.EscapeString(src) + `" width="` + strconv.Itoa(width) + `" height="` + strconv.Itoa(height) +
		`" title="incidentmap" loading="lazy" style="border:0"></iframe>`
	writeJSON(w, http.StatusOK, map[string]any{
		"version": "1.0", "type": "rich", "provider_name": "incidentmap", "provider_url": baseURL(r) + "/",
		"title": "incidentmap", "html": iframe, "width": width, "height": height,
	})
	return nil
}
