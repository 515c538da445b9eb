package server

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"testing/fstest"
)

// TestHeadAnswersLikeGet: CORS advertises GET and HEAD, and load balancers
// and link checkers send HEAD, so every GET route must answer HEAD with
// the same status and headers and no body, never 405 (issue 20). It goes
// over the wire: only a real server drops a HEAD response's body.
func TestHeadAnswersLikeGet(t *testing.T) {
	s, _ := newTileServer(t, 30)
	s.Static = fstest.MapFS{"index.html": {Data: []byte("<html>map</html>")}, "report.html": {Data: []byte("<html>report</html>")},
		"app.js": {Data: []byte("//js")}}
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)
	for _, tc := range []struct {
		path   string
		status int
	}{
		{"/healthz", 200},
		{"/api/version", 200},
		{"/api/incidents", 200},
		{"/api/incidents?limit=5000", 200},
		{"/api/incidents/1", 200},
		{"/api/incidents/99", 404},
		{"/api/sources", 200},
		{"/api/export?format=csv", 200},
		{"/api/export?format=shp", 400},
		{"/api/clusters?z=6&bbox=30,30,40,40", 200},
		{"/api/nope", 404},
		{"/tiles/incidents.json", 200},
		{"/tiles/incidents/8/154/100.mvt", 200},
		{"/tiles/incidents/8/0/0.mvt", 204},
		{"/tiles/incidents/-0/0/0.mvt", 400},
		{"/map.png?width=200&height=100", 200},
		{"/ogc", 200},
		{"/ogc/collections/incidents/items", 200},
		{"/oembed?url=" + url.QueryEscape(ts.URL+"/embed"), 200},
		{"/", 200},
		{"/embed", 200},
		{"/reports/1", 200},
		{"/app.js", 200},
		{"/missing.js", 404},
	} {
		t.Run(tc.path, func(t *testing.T) {
			get := mustDo(t, "GET", ts.URL+tc.path)
			head := mustDo(t, "HEAD", ts.URL+tc.path)
			if get.status != tc.status {
				t.Fatalf("GET status %d, want %d", get.status, tc.status)
			}
			if head.status != get.status {
				t.Fatalf("HEAD status %d, GET %d", head.status, get.status)
			}
			for _, k := range []string{"Content-Type", "ETag", "Cache-Control", "Access-Control-Allow-Origin", "Content-Security-Policy"} {
				if g, h := get.header.Get(k), head.header.Get(k); g != h {
					t.Errorf("%s: HEAD %q, GET %q", k, h, g)
				}
			}
			if head.bodyLen != 0 {
				t.Errorf("HEAD body of %d bytes", head.bodyLen)
			}
		})
	}
}

type roundTrip struct {
	status  int
	header  http.Header
	bodyLen int
}

func mustDo(t *testing.T, method, url string) roundTrip {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: reading the body: %v", method, url, err)
	}
	return roundTrip{resp.StatusCode, resp.Header, len(b)}
}
