package server

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/paulmach/orb/geojson"

	"github.com/incidentmap/incidentmap/geo"
)

// mockIncidents is a geo.IncidentService with function fields.
type mockIncidents struct {
	FindIncidentsFn    func(ctx context.Context, f geo.IncidentFilter) ([]*geo.Incident, int, error)
	FindIncidentByIDFn func(ctx context.Context, id int64) (*geo.Incident, error)
	FindSourcesFn      func(ctx context.Context, f geo.IncidentFilter) ([]geo.SourceCount, error)
}

var _ geo.IncidentService = (*mockIncidents)(nil)

func (m *mockIncidents) FindIncidents(ctx context.Context, f geo.IncidentFilter) ([]*geo.Incident, int, error) {
	return m.FindIncidentsFn(ctx, f)
}
func (m *mockIncidents) FindIncidentByID(ctx context.Context, id int64) (*geo.Incident, error) {
	return m.FindIncidentByIDFn(ctx, id)
}
func (m *mockIncidents) FindSources(ctx context.Context, f geo.IncidentFilter) ([]geo.SourceCount, error) {
	return m.FindSourcesFn(ctx, f)
}

type mockVersion struct{ v int64 }

func (m *mockVersion) DataVersion(context.Context) (int64, error) { return m.v, nil }

type mockIngester struct{ got *geo.Report }

func (m *mockIngester) Ingest(ctx context.Context, r *geo.Report) (bool, []*geo.Incident, error) {
	m.got = r
	r.ID = 7
	return true, []*geo.Incident{{ID: 1, ReportID: 7, Place: "Idlib", Role: geo.RoleIncident}}, nil
}

func day(s string) time.Time { t, _ := time.Parse(geo.DateLayout, s); return t }

func sampleIncidents() []*geo.Incident {
	return []*geo.Incident{
		{ID: 1, ReportID: 3, Date: day("2020-01-23"), DatePrecision: 1, ReportDate: day("2020-01-23"), Source: "A",
			Sources: []geo.SourceRef{{Name: "A", Kind: geo.SourceOutlet, ReportID: 3}, {Name: "War monitor", Kind: geo.SourceClaimant, Stance: geo.StanceDenies, ReportID: 3}},
			Place:   "Idlib", Name: "Idlib", GeonameID: 169389, Lat: 35.93062, Lon: 36.63393, Role: geo.RoleIncident, Precision: 1,
			Confidence: 0.9, Disputed: true, Sentence: `An attack <img src=x onerror=alert(1)> "quoted" in Idlib` + "\u2028\x01",
			Candidates: []geo.Candidate{{GeonameID: 169387, Name: "Idlib Governorate", Lat: 35.8, Lon: 36.7}}},
	}
}

func newTestServer(t *testing.T) (*Server, *mockIncidents, *mockIngester) {
	t.Helper()
	inc := &mockIncidents{
		FindIncidentsFn: func(ctx context.Context, f geo.IncidentFilter) ([]*geo.Incident, int, error) {
			return sampleIncidents(), 1, nil
		},
		FindSourcesFn: func(ctx context.Context, f geo.IncidentFilter) ([]geo.SourceCount, error) {
			return []geo.SourceCount{{Name: "A", Kind: geo.SourceOutlet, Count: 1}}, nil
		},
		FindIncidentByIDFn: func(ctx context.Context, id int64) (*geo.Incident, error) {
			if id == 1 {
				return sampleIncidents()[0], nil
			}
			return nil, geo.Errorf(geo.ENOTFOUND, "incident %d not found", id)
		},
	}
	ing := &mockIngester{}
	s := &Server{Incidents: inc, Ingester: ing, Versions: &mockVersion{v: 42}, Token: "secret-token-0123456789",
		Static: fstest.MapFS{"index.html": {Data: []byte("<html>map</html>")}, "app.js": {Data: []byte("//js")}},
		Logger: nil, MaxBodyBytes: 4096}
	return s, inc, ing
}

func do(t *testing.T, h http.Handler, method, target, body string, header map[string]string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	for k, v := range header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestIncidentListIsValidGeoJSON(t *testing.T) {
	s, _, _ := newTestServer(t)
	rec := do(t, s.Handler(), "GET", "/api/incidents", "", nil)
	if rec.Code != 200 {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/geo+json" {
		t.Errorf("Content-Type = %q", ct)
	}
	fc, err := geojson.UnmarshalFeatureCollection(rec.Body.Bytes())
	if err != nil {
		t.Fatalf("not GeoJSON: %v\n%s", err, rec.Body)
	}
	if len(fc.Features) != 1 {
		t.Fatalf("features = %d, want 1", len(fc.Features))
	}
	f := fc.Features[0]
	if p := f.Point(); p.Lon() != 36.63393 || p.Lat() != 35.93062 {
		t.Errorf("point = %v, want lon first", p)
	}
	want := sampleIncidents()[0]
	if got := f.Properties.MustString("sentence"); got != want.Sentence {
		t.Errorf("sentence round trip = %q, want %q", got, want.Sentence)
	}
	for _, k := range []string{"id", "report_id", "date", "report_date", "source", "place", "name", "geonameid", "role", "precision", "sentence", "sources", "disputed", "date_precision"} {
		if _, ok := f.Properties[k]; !ok {
			t.Errorf("property %q missing", k)
		}
	}
	if strings.Contains(rec.Body.String(), "<img") {
		t.Error("raw < in JSON: strings must escape <, > and &")
	}
}

func TestFilterErrorsNameTheParameter(t *testing.T) {
	s, _, _ := newTestServer(t)
	for _, tc := range []struct{ name, query, param string }{
		{"month 13", "from=2020-13-45", "from"},
		{"feb 30", "to=2020-02-30", "to"},
		{"to before from", "from=2020-02-01&to=2020-01-01", "to"},
		{"bbox 3 numbers", "bbox=1,2,3", "bbox"},
		{"bbox min>max", "bbox=10,0,5,1", "bbox"},
		{"bbox NaN", "bbox=NaN,0,5,1", "bbox"},
		{"bbox Inf", "bbox=0,0,Inf,1", "bbox"},
		{"bbox out of range", "bbox=-200,0,5,1", "bbox"},
		{"limit 0", "limit=0", "limit"},
		{"limit huge", "limit=1000000", "limit"},
		{"limit text", "limit=ten", "limit"},
		{"role", "role=victim", "role"},
		{"precision", "max_precision=9", "max_precision"},
		{"disputed", "disputed=maybe", "disputed"},
		{"source kind", "source_kind=blog", "source_kind"},
		{"raw semicolon", "limit=1;DROP%20TABLE%20incidents", "query"},
		{"sql in limit", "limit=1%3BDROP%20TABLE%20incidents", "limit"},
		{"bad escape", "source=%zz", "query"},
		{"unknown", "soruce=A", "soruce"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := do(t, s.Handler(), "GET", "/api/incidents?"+tc.query, "", nil)
			if rec.Code != 400 {
				t.Fatalf("status %d, want 400: %s", rec.Code, rec.Body)
			}
			var body map[string]string
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
				t.Fatal(err)
			}
			if body["param"] != tc.param || !strings.HasPrefix(body["error"], tc.param+":") {
				t.Errorf("body = %v, want param %q named in the error", body, tc.param)
			}
		})
	}
}

func TestFilterPassedToService(t *testing.T) {
	s, inc, _ := newTestServer(t)
	var got geo.IncidentFilter
	inc.FindIncidentsFn = func(ctx context.Context, f geo.IncidentFilter) ([]*geo.Incident, int, error) {
		got = f
		return nil, 0, nil
	}
	rec := do(t, s.Handler(), "GET", "/api/incidents?from=2020-01-01&to=2020-12-31&source=A&source=B%27%3B--&bbox=36,35,37,36&role=all&max_precision=2&disputed=true&limit=5", "", nil)
	if rec.Code != 200 {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	if got.From == nil || got.From.Format(geo.DateLayout) != "2020-01-01" || got.To.Format(geo.DateLayout) != "2020-12-31" {
		t.Errorf("dates = %v %v", got.From, got.To)
	}
	if len(got.Sources) != 2 || got.Sources[1] != "B';--" {
		t.Errorf("sources = %q", got.Sources)
	}
	if got.BBox == nil || *got.BBox != [4]float64{36, 35, 37, 36} {
		t.Errorf("bbox = %v", got.BBox)
	}
	if len(got.Roles) != 2 || got.MaxPrecision != 2 || got.Disputed == nil || !*got.Disputed || got.Limit != 5 {
		t.Errorf("filter = %+v", got)
	}
	if !strings.Contains(rec.Body.String(), `"features":[]`) {
		t.Errorf("empty result should have an empty features array: %s", rec.Body)
	}
}

func TestETag(t *testing.T) {
	s, _, _ := newTestServer(t)
	h := s.Handler()
	rec := do(t, h, "GET", "/api/incidents?from=2020-01-01", "", nil)
	etag := rec.Header().Get("ETag")
	if etag == "" || rec.Header().Get("Cache-Control") == "" {
		t.Fatalf("ETag %q, Cache-Control %q", etag, rec.Header().Get("Cache-Control"))
	}
	if rec := do(t, h, "GET", "/api/incidents?from=2020-01-01", "", map[string]string{"If-None-Match": etag}); rec.Code != 304 {
		t.Errorf("revalidation status %d, want 304", rec.Code)
	}
	if other := do(t, h, "GET", "/api/incidents?from=2020-01-02", "", nil).Header().Get("ETag"); other == etag {
		t.Error("different filters share an ETag")
	}
	s.Versions.(*mockVersion).v++
	if rec := do(t, h, "GET", "/api/incidents?from=2020-01-01", "", map[string]string{"If-None-Match": etag}); rec.Code != 200 {
		t.Errorf("after a write the old ETag still matches: status %d", rec.Code)
	}
}

func TestWritesNeedToken(t *testing.T) {
	s, _, ing := newTestServer(t)
	h := s.Handler()
	report := `{"text":"Shelling hit Idlib.","published":"2020-01-23","source":"A"}`
	json := map[string]string{"Content-Type": "application/json"}
	if rec := do(t, h, "POST", "/api/reports", report, json); rec.Code != 401 || !strings.Contains(rec.Body.String(), "token") {
		t.Errorf("no token: status %d %s, want 401 naming the token", rec.Code, rec.Body)
	}
	bad := map[string]string{"Content-Type": "application/json", "Authorization": "Bearer wrong"}
	if rec := do(t, h, "POST", "/api/reports", report, bad); rec.Code != 403 {
		t.Errorf("wrong token: status %d, want 403", rec.Code)
	}
	good := map[string]string{"Content-Type": "application/json", "Authorization": "Bearer secret-token-0123456789"}
	rec := do(t, h, "POST", "/api/reports", report, good)
	if rec.Code != 201 || ing.got == nil || ing.got.Source != "A" {
		t.Fatalf("with token: status %d %s", rec.Code, rec.Body)
	}
	if rec := do(t, h, "POST", "/api/reports", strings.Repeat("x", 5000), good); rec.Code != 413 {
		t.Errorf("huge body: status %d, want 413", rec.Code)
	}
	if rec := do(t, h, "POST", "/api/reports", "{bad json", good); rec.Code != 400 {
		t.Errorf("malformed JSON: status %d, want 400", rec.Code)
	}
	if rec := do(t, h, "POST", "/api/reports", "\xff\xfe date 2020-01-01\n\nx", map[string]string{"Content-Type": "text/plain", "Authorization": "Bearer secret-token-0123456789"}); rec.Code != 400 {
		t.Errorf("invalid UTF-8: status %d, want 400", rec.Code)
	}
	if rec := do(t, h, "OPTIONS", "/api/reports", "", map[string]string{"Origin": "https://other.example", "Access-Control-Request-Method": "POST"}); strings.Contains(rec.Header().Get("Access-Control-Allow-Methods"), "POST") {
		t.Error("CORS preflight allows POST")
	}
}

func TestSecurityHeadersAndStatic(t *testing.T) {
	s, _, _ := newTestServer(t)
	h := s.Handler()
	rec := do(t, h, "GET", "/", "", nil)
	csp := rec.Header().Get("Content-Security-Policy")
	if rec.Code != 200 || !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "script-src 'self' 'unsafe-inline'") {
		t.Errorf("/: status %d CSP %q", rec.Code, csp)
	}
	if rec.Header().Get("X-Content-Type-Options") != "nosniff" || rec.Header().Get("X-Frame-Options") != "SAMEORIGIN" {
		t.Errorf("headers = %v", rec.Header())
	}
	if rec := do(t, h, "GET", "/embed", "", nil); rec.Header().Get("X-Frame-Options") != "" || !strings.Contains(rec.Header().Get("Content-Security-Policy"), "frame-ancestors *") {
		t.Errorf("/embed must be frameable: %v", rec.Header())
	}
	for _, p := range []string{"/../go.mod", "/%2e%2e/go.mod", "/vendor/../../etc/passwd", "/nope.js"} {
		if rec := do(t, h, "GET", p, "", nil); rec.Code != 404 {
			t.Errorf("GET %s: status %d, want 404", p, rec.Code)
		}
	}
	if rec := do(t, h, "GET", "/app.js", "", nil); rec.Code != 200 || rec.Body.String() != "//js" {
		t.Errorf("/app.js: %d %q", rec.Code, rec.Body)
	}
}

func TestRoundTripOverHTTP(t *testing.T) {
	s, _, _ := newTestServer(t)
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	resp, err := http.Get(ts.URL + "/api/incidents/1")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	f, err := geojson.UnmarshalFeature(b)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("status %d err %v body %s", resp.StatusCode, err, b)
	}
	if f.Properties.MustString("place") != "Idlib" {
		t.Errorf("place = %v", f.Properties["place"])
	}
	resp2, err := http.Get(ts.URL + "/api/incidents/99")
	if err != nil {
		t.Fatal(err)
	}
	resp2.Body.Close()
	if resp2.StatusCode != 404 {
		t.Errorf("missing incident: %d, want 404", resp2.StatusCode)
	}
}
