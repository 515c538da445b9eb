package server

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/paulmach/orb/geojson"

	"github.com/incidentmap/incidentmap/geo"
)

// mockReview is a geo.ReviewService with function fields.
type mockReview struct {
	ApplyCorrectionFn func(ctx context.Context, c geo.Correction) (*geo.Incident, error)
	PlaceRulesFn      func(ctx context.Context) ([]geo.PlaceRule, error)
	ReviewQueueFn     func(ctx context.Context, limit int) ([]*geo.Incident, error)
}

var _ geo.ReviewService = (*mockReview)(nil)

func (m *mockReview) ApplyCorrection(ctx context.Context, c geo.Correction) (*geo.Incident, error) {
	return m.ApplyCorrectionFn(ctx, c)
}
func (m *mockReview) PlaceRules(ctx context.Context) ([]geo.PlaceRule, error) {
	return m.PlaceRulesFn(ctx)
}
func (m *mockReview) ReviewQueue(ctx context.Context, limit int) ([]*geo.Incident, error) {
	return m.ReviewQueueFn(ctx, limit)
}

type mockGazetteer struct{ q, cc string }

func (m *mockGazetteer) Search(q, cc string, limit int) []geo.Candidate {
	m.q, m.cc = q, cc
	return []geo.Candidate{{GeonameID: 1, Name: "Tell <b>", Lat: 35.6, Lon: 37.2, CountryCode: "SY"}}
}

// newReviewServer returns a test server whose review service applies
// corrections to incident 1 only, recording the last one.
func newReviewServer(t *testing.T) (*Server, *geo.Correction, *mockGazetteer) {
	t.Helper()
	s, _, _ := newTestServer(t)
	var got geo.Correction
	s.Review = &mockReview{
		ApplyCorrectionFn: func(ctx context.Context, c geo.Correction) (*geo.Incident, error) {
			got = c
			if c.IncidentID != 1 {
				return nil, geo.Errorf(geo.ENOTFOUND, "incident %d not found", c.IncidentID)
			}
			in := sampleIncidents()[0]
			if c.Lat != nil {
				in.Lat, in.Lon, in.Precision = *c.Lat, *c.Lon, 1
			}
			return in, nil
		},
		ReviewQueueFn: func(ctx context.Context, limit int) ([]*geo.Incident, error) {
			return sampleIncidents(), nil
		},
	}
	gz := &mockGazetteer{}
	s.Gazetteer = gz
	return s, &got, gz
}

func TestReviewEndpoint(t *testing.T) {
	auth := map[string]string{"Authorization": "Bearer secret-token-0123456789", "Content-Type": "application/json"}
	tests := []struct {
		name       string
		target     string
		body       string
		header     map[string]string
		wantStatus int
		wantParam  string         // the error's param, for 400s
		want       geo.Correction // the correction passed on, for 200s
	}{
		{name: "no token", target: "/api/incidents/1/review", body: `{"action":"reject"}`, wantStatus: http.StatusUnauthorized},
		{name: "wrong token", target: "/api/incidents/1/review", body: `{"action":"reject"}`,
			header: map[string]string{"Authorization": "Bearer nope"}, wantStatus: http.StatusForbidden},
		{name: "malformed JSON", target: "/api/incidents/1/review", body: `{"action":`, header: auth, wantStatus: http.StatusBadRequest},
		{name: "empty body", target: "/api/incidents/1/review", body: ``, header: auth, wantStatus: http.StatusBadRequest},
		{name: "unknown field", target: "/api/incidents/1/review", body: `{"action":"move","latitude":1}`, header: auth, wantStatus: http.StatusBadRequest},
		{name: "two objects", target: "/api/incidents/1/review", body: `{"action":"reject"}{}`, header: auth, wantStatus: http.StatusBadRequest},
		{name: "lat as string", target: "/api/incidents/1/review", body: `{"action":"move","lat":"35","lon":37}`, header: auth, wantStatus: http.StatusBadRequest},
		{name: "unknown action", target: "/api/incidents/1/review", body: `{"action":"erase"}`, header: auth, wantStatus: http.StatusBadRequest, wantParam: "action"},
		{name: "move without lon", target: "/api/incidents/1/review", body: `{"action":"move","lat":35}`, header: auth, wantStatus: http.StatusBadRequest, wantParam: "lat"},
		{name: "move off the globe", target: "/api/incidents/1/review", body: `{"action":"move","lat":35,"lon":181}`, header: auth, wantStatus: http.StatusBadRequest, wantParam: "lon"},
		{name: "bad role", target: "/api/incidents/1/review", body: `{"action":"role","role":"both"}`, header: auth, wantStatus: http.StatusBadRequest, wantParam: "role"},
		{name: "bad id", target: "/api/incidents/x/review", body: `{"action":"reject"}`, header: auth, wantStatus: http.StatusBadRequest, wantParam: "id"},
		{name: "unknown incident", target: "/api/incidents/99/review", body: `{"action":"reject"}`, header: auth, wantStatus: http.StatusNotFound},
		{name: "move", target: "/api/incidents/1/review", body: `{"action":"move","lat":35.7,"lon":37.1,"by":" Ana "}`, header: auth,
			wantStatus: http.StatusOK, want: geo.Correction{IncidentID: 1, Action: geo.ActionMove, By: "Ana"}},
		{name: "candidate, by defaults to token", target: "/api/incidents/1/review", body: `{"action":"candidate","geonameid":169387,"country":"sy"}`,
			header: auth, wantStatus: http.StatusOK, want: geo.Correction{IncidentID: 1, Action: geo.ActionCandidate, GeonameID: 169387, Country: "SY", By: "token"}},
		{name: "role", target: "/api/incidents/1/review", body: `{"action":"role","role":"mention"}`, header: auth,
			wantStatus: http.StatusOK, want: geo.Correction{IncidentID: 1, Action: geo.ActionRole, Role: geo.RoleMention, By: "token"}},
		{name: "reject", target: "/api/incidents/1/review", body: `{"action":"reject"}`, header: auth,
			wantStatus: http.StatusOK, want: geo.Correction{IncidentID: 1, Action: geo.ActionReject, By: "token"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, got, _ := newReviewServer(t)
			rec := do(t, s.Handler(), http.MethodPost, tt.target, tt.body, tt.header)
			if rec.Code != tt.wantStatus {
				t.Fatalf("status = %d, want %d; body %s", rec.Code, tt.wantStatus, rec.Body)
			}
			if tt.wantStatus != http.StatusOK {
				var e struct{ Error, Param string }
				if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || e.Error == "" {
					t.Errorf("error body = %s (%v), want {\"error\": ...}", rec.Body, err)
				}
				if e.Param != tt.wantParam {
					t.Errorf("param = %q, want %q", e.Param, tt.wantParam)
				}
				return
			}
			got.Lat, got.Lon = nil, nil // compared below through the response
			if *got != tt.want {
				t.Errorf("correction = %+v, want %+v", *got, tt.want)
			}
			if tt.want.Action == geo.ActionReject {
				if !strings.Contains(rec.Body.String(), `"rejected":true`) {
					t.Errorf("reject body = %s, want rejected:true", rec.Body)
				}
				return
			}
			f, err := geojson.UnmarshalFeature(rec.Body.Bytes())
			if err != nil {
				t.Fatalf("not a GeoJSON Feature: %v\n%s", err, rec.Body)
			}
			if tt.want.Action == geo.ActionMove {
				if p := f.Point(); p.Lat() != 35.7 || p.Lon() != 37.1 {
					t.Errorf("point = %v, want the moved one [37.1 35.7]", p)
				}
			}
		})
	}
}

func TestReviewEndpointWithoutService(t *testing.T) {
	s, _, _ := newTestServer(t)
	rec := do(t, s.Handler(), http.MethodPost, "/api/incidents/1/review", `{"action":"reject"}`,
		map[string]string{"Authorization": "Bearer secret-token-0123456789"})
	if rec.Code != http.StatusForbidden {
		t.Errorf("status = %d, want %d", rec.Code, http.StatusForbidden)
	}
}

func TestReviewQueueEndpoint(t *testing.T) {
	tests := []struct {
		target     string
		wantStatus int
	}{
		{"/api/review", http.StatusOK},
		{"/api/review?limit=10", http.StatusOK},
		{"/api/review?limit=0", http.StatusBadRequest},
		{"/api/review?limit=x", http.StatusBadRequest},
		{"/api/review?limt=10", http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.target, func(t *testing.T) {
			s, _, _ := newReviewServer(t)
			rec := do(t, s.Handler(), http.MethodGet, tt.target, "", nil)
			if rec.Code != tt.wantStatus {
				t.Fatalf("status = %d, want %d; body %s", rec.Code, tt.wantStatus, rec.Body)
			}
			if rec.Code != http.StatusOK {
				return
			}
			fc, err := geojson.UnmarshalFeatureCollection(rec.Body.Bytes())
			if err != nil || len(fc.Features) != 1 {
				t.Fatalf("body = %s (%v), want a FeatureCollection of 1", rec.Body, err)
			}
			if rec.Header().Get("ETag") == "" {
				t.Error("no ETag: the queue is keyed by the data version like every read")
			}
		})
	}
}

func TestGazetteerSearchEndpoint(t *testing.T) {
	tests := []struct {
		target     string
		wantStatus int
		wantQ      string
		wantCC     string
	}{
		{"/api/gazetteer/search?q=Tell+Sample&country=sy", http.StatusOK, "Tell Sample", "SY"},
		{"/api/gazetteer/search?q=Idlib", http.StatusOK, "Idlib", ""},
		{"/api/gazetteer/search", http.StatusBadRequest, "", ""},
		{"/api/gazetteer/search?q=Idlib&country=Syria", http.StatusBadRequest, "", ""},
		{"/api/gazetteer/search?q=Idlib&limit=1000", http.StatusBadRequest, "", ""},
		{"/api/gazetteer/search?q=Idlib&near=1", http.StatusBadRequest, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.target, func(t *testing.T) {
			s, _, gz := newReviewServer(t)
			rec := do(t, s.Handler(), http.MethodGet, tt.target, "", nil)
			if rec.Code != tt.wantStatus {
				t.Fatalf("status = %d, want %d; body %s", rec.Code, tt.wantStatus, rec.Body)
			}
			if rec.Code != http.StatusOK {
				return
			}
			if gz.q != tt.wantQ || gz.cc != tt.wantCC {
				t.Errorf("searched %q in %q, want %q in %q", gz.q, gz.cc, tt.wantQ, tt.wantCC)
			}
			var body struct{ Places []geo.Candidate }
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || len(body.Places) != 1 || body.Places[0].Name != "Tell <b>" {
				t.Errorf("body = %s (%v)", rec.Body, err)
			}
		})
	}
}
