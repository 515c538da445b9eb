package server

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/incidentmap/incidentmap/geo"
)

// readyPoints is a mockPoints that says its reads are cheap, so that the
// server may build cluster pyramids from it, and counts its walks.
type readyPoints struct {
	points []geo.PointRow
	walks  atomic.Int64
}

func (m *readyPoints) EachPoint(ctx context.Context, f geo.IncidentFilter, b [4]float64, fn func(geo.PointRow) error) error {
	m.walks.Add(1)
	for _, p := range m.points {
		if p.Lon < b[0] || p.Lon > b[2] || p.Lat < b[1] || p.Lat > b[3] {
			continue
		}
		if !hasRole(f.Roles, p.Role) {
			continue
		}
		if err := fn(p); err != nil {
			return err
		}
	}
	return nil
}

func (m *readyPoints) PointCacheReady(context.Context) bool { return true }

// slowPoints reads like readyPoints but never says it is cheap, so a
// server clusters its points per request.
type slowPoints struct{ r *readyPoints }

func (m slowPoints) EachPoint(ctx context.Context, f geo.IncidentFilter, b [4]float64, fn func(geo.PointRow) error) error {
	return m.r.EachPoint(ctx, f, b, fn)
}

func hasRole(roles []geo.Role, role string) bool {
	if len(roles) == 0 {
		return role == string(geo.RoleIncident)
	}
	for _, r := range roles {
		if string(r) == role {
			return true
		}
	}
	return false
}

// regionPoints are n random incidents and mentions over the Levant, denser
// around Idlib, from a few sources so that dominant sources tie.
func regionPoints(n int) []geo.PointRow {
	rng := rand.New(rand.NewPCG(5, 6))
	sources := []string{"Outlet B", "Outlet A", "Claimant C"}
	pts := make([]geo.PointRow, n)
	for i := range pts {
		p := geo.PointRow{ID: int64(i + 1), Lon: 30 + rng.Float64()*15, Lat: 30 + rng.Float64()*10,
			Precision: int8(1 + rng.IntN(3)), Source: sources[rng.IntN(len(sources))], Role: "incident"}
		if i%2 == 0 {
			p.Lon, p.Lat = 36.6+rng.NormFloat64()*0.3, 35.9+rng.NormFloat64()*0.3
		}
		if i%5 == 0 {
			p.Role = "mention"
		}
		if i%7 != 0 {
			p.Date = int32(16000 + rng.IntN(2000))
		}
		pts[i] = p
	}
	return pts
}

// TestPyramidAnswersLikePoints serves the same tiles and clusters from a
// server clustering points per request and from one reading pre-built
// pyramids: the bodies must be byte for byte the same.
func TestPyramidAnswersLikePoints(t *testing.T) {
	pts := regionPoints(6000)
	plain, _, _ := newTestServer(t)
	plain.Points = slowPoints{&readyPoints{points: pts}}
	fast, _, _ := newTestServer(t)
	rp := &readyPoints{points: pts}
	fast.Points = rp
	fast.Pyramids = &PyramidCache{}
	for _, roles := range [][]geo.Role{nil, {geo.RoleIncident, geo.RoleMention}, {geo.RoleMention}} {
		if err := fast.Pyramids.Build(context.Background(), rp, 42, roles); err != nil {
			t.Fatal(err)
		}
	}
	var targets []string
	for _, role := range []string{"", "?role=all", "?role=mention"} {
		for _, tile := range []string{"0/0/0", "2/2/1", "4/9/6", "6/38/25", "8/154/100", "9/308/200", "9/309/201"} {
			targets = append(targets, "/tiles/incidents/"+tile+".mvt"+role)
		}
		sep := "&"
		if role == "" {
			sep = "?"
		}
		targets = append(targets, "/tiles/incidents/8/154/100.mvt"+role+sep+"from=2015-01-01")
	}
	for _, q := range []string{"z=3&bbox=25,25,50,45", "z=6&cell=64&bbox=30.5,31.6,44.5,39.7",
		"z=8&cell=64&bbox=36,35.5,37.5,36.5&role=all", "z=9&bbox=36.4,35.7,36.9,36.1&role=mention",
		"z=6&cell=64&bbox=30.5,31.6,44.5,39.7&max_precision=1"} {
		targets = append(targets, "/api/clusters?"+q)
	}
	h1, h2 := plain.Handler(), fast.Handler()
	for _, target := range targets {
		t.Run(target, func(t *testing.T) {
			want := do(t, h1, "GET", target, "", nil)
			before := rp.walks.Load()
			got := do(t, h2, "GET", target, "", nil)
			if got.Code != want.Code || got.Body.String() != want.Body.String() {
				t.Errorf("pyramid: status %d, %d bytes; points: status %d, %d bytes; bodies differ",
					got.Code, got.Body.Len(), want.Code, want.Body.Len())
			}
			if want.Code == 200 && got.Body.Len() == 0 {
				t.Error("empty body")
			}
			walked := rp.walks.Load() > before
			filtered := strings.Contains(target, "from=") || strings.Contains(target, "max_precision=")
			if walked != filtered {
				t.Errorf("points walked: %v, want %v (the pyramid answers unfiltered requests)", walked, filtered)
			}
		})
	}
}

// TestPyramidBuiltInBackground checks that a request starts the build and
// a later one reads the pyramid.
func TestPyramidBuiltInBackground(t *testing.T) {
	s, _, _ := newTestServer(t)
	rp := &readyPoints{points: regionPoints(500)}
	s.Points = rp
	h := s.Handler()
	for i := range 200 {
		rec := do(t, h, "GET", fmt.Sprintf("/tiles/incidents/4/9/6.mvt?role=%s", []string{"incident", "all"}[i%2]), "", nil)
		if rec.Code != 200 {
			t.Fatalf("status %d", rec.Code)
		}
		s.pyramids.mu.Lock()
		n := len(s.pyramids.ready)
		s.pyramids.mu.Unlock()
		if n == 2 {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("pyramids not built after 200 requests")
}
