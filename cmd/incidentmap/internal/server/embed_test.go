package server

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
)

func TestOEmbed(t *testing.T) {
	s, _, _ := newTestServer(t)
	h := s.Handler()
	mapURL := "http://example.com/?from=2020-01-01&source=A%22%3E%3Cscript%3E&lat=35.9&lon=36.6&z=9"
	rec := do(t, h, "GET", "/oembed?url="+url.QueryEscape(mapURL)+"&maxwidth=600", "", nil)
	if rec.Code != 200 {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	var got struct {
		Type, HTML    string
		Width, Height int
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if got.Type != "rich" || got.Width != 600 || got.Height != 500 {
		t.Errorf("got %+v", got)
	}
	if !strings.Contains(got.HTML, `src="http://example.com/embed?`) || !strings.Contains(got.HTML, "from=2020-01-01") {
		t.Errorf("iframe does not carry the view: %s", got.HTML)
	}
	if strings.Contains(got.HTML, "<script") {
		t.Errorf("markup from the URL reached the iframe code: %s", got.HTML)
	}
	for _, tc := range []struct {
		name, query string
		status      int
	}{
		{"missing url", "", 400},
		{"other host", "url=" + url.QueryEscape("http://evil.example/"), 404},
		{"not a map page", "url=" + url.QueryEscape("http://example.com/api/incidents"), 404},
		{"javascript url", "url=" + url.QueryEscape("javascript:alert(1)"), 400},
		{"xml format", "url=" + url.QueryEscape("http://example.com/") + "&format=xml", 501},
		{"bad maxwidth", "url=" + url.QueryEscape("http://example.com/") + "&maxwidth=wide", 400},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if rec := do(t, h, "GET", "/oembed?"+tc.query, "", nil); rec.Code != tc.status {
				t.Errorf("status %d, want %d: %s", rec.Code, tc.status, rec.Body)
			}
		})
	}
}
