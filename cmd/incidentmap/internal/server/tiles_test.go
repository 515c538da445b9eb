package server

import (
	"bytes"
	"context"
	"encoding/json"
	"image/png"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb/encoding/mvt"

	"github.com/incidentmap/incidentmap/geo"
	"github.com/incidentmap/incidentmap/tiles"
)

// mockPoints is a geo.PointService over a fixed slice; it honours the
// bound and, to check filters reach it, the role filter.
type mockPoints struct {
	points []geo.PointRow
	got    []geo.IncidentFilter
}

var _ geo.PointService = (*mockPoints)(nil)

func (m *mockPoints) EachPoint(ctx context.Context, f geo.IncidentFilter, b [4]float64, fn func(geo.PointRow) error) error {
	m.got = append(m.got, f)
	for _, p := range m.points {
		if p.Lon < b[0] || p.Lon > b[2] || p.Lat < b[1] || p.Lat > b[3] {
			continue
		}
		if len(f.Roles) == 0 && p.Role != "incident" {
			continue
		}
		if err := fn(p); err != nil {
			return err
		}
	}
	return nil
}

// idlibPoints are n incidents a few km around Idlib plus one mention.
func idlibPoints(n int) []geo.PointRow {
	var pts []geo.PointRow
	for i := range n {
		pts = append(pts, geo.PointRow{ID: int64(i + 1), Lon: 36.6 + float64(i%10)*0.005, Lat: 35.9 + float64(i/10)*0.005,
			Date: 18000 + int32(i), Precision: 1, Source: "Outlet A", Role: "incident"})
	}
	return append(pts, geo.PointRow{ID: 999, Lon: 36.7, Lat: 35.95, Date: 18000, Precision: 2, Source: "Outlet B", Role: "mention"})
}

func newTileServer(t *testing.T, n int) (*Server, *mockPoints) {
	t.Helper()
	s, _, _ := newTestServer(t)
	mp := &mockPoints{points: idlibPoints(n)}
	s.Points = mp
	return s, mp
}

func TestIncidentTileStatus(t *testing.T) {
	s, mp := newTileServer(t, 30)
	h := s.Handler()
	idlib8 := "/tiles/incidents/8/154/100.mvt" // the z8 tile holding Idlib
	for _, tc := range []struct {
		name, target string
		status       int
		errMsg       string // exact "error" of the JSON body, if any
	}{
		{"z beyond MaxZoom", "/tiles/incidents/23/0/0.mvt", 400, "z 23 out of range 0..22"},
		{"x beyond the zoom's range", "/tiles/incidents/2/4/0.mvt", 400, "x 4 out of range 0..3 at z 2"},
		{"y not a number", "/tiles/incidents/2/1/abc.mvt", 400, `y "abc" is not an integer`},
		{"negative y", "/tiles/incidents/2/1/-1.mvt", 400, "y -1 out of range 0..3 at z 2"},
		{"negative zero z issue-20", "/tiles/incidents/-0/0/0.mvt", 400, `z "-0" is not a canonical integer (want "0")`},
		{"double zero x issue-20", "/tiles/incidents/1/00/0.mvt", 400, `x "00" is not a canonical integer (want "0")`},
		{"leading zero base tile issue-20", "/tiles/base/2/1/01.png", 400, `y "01" is not a canonical integer (want "1")`},
		{"wrong extension", "/tiles/incidents/2/1/1.png", 404, ""},
		{"misspelt filter", idlib8 + "?soruce=x", 400, ""},
		{"empty tile", "/tiles/incidents/8/0/0.mvt", 204, ""},
		{"tile with incidents", idlib8, 200, ""},
		{"tile with incidents and mentions", idlib8 + "?role=all", 200, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := do(t, h, "GET", tc.target, "", nil)
			if rec.Code != tc.status {
				t.Fatalf("GET %s: status %d, want %d; body %s", tc.target, rec.Code, tc.status, rec.Body)
			}
			if tc.errMsg != "" {
				var body map[string]string
				if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || body["error"] != tc.errMsg {
					t.Errorf("error = %q, want %q", body["error"], tc.errMsg)
				}
			}
			if tc.status == 204 && rec.Body.Len() != 0 {
				t.Errorf("204 with a %d-byte body", rec.Body.Len())
			}
		})
	}

	rec := do(t, h, "GET", idlib8+"?role=all", "", nil)
	if ct := rec.Header().Get("Content-Type"); ct != tiles.ContentTypeMVT {
		t.Errorf("Content-Type = %q, want %q", ct, tiles.ContentTypeMVT)
	}
	layers, err := mvt.Unmarshal(rec.Body.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if len(layers) != 1 || layers[0].Name != tiles.IncidentLayer {
		t.Fatalf("layers = %v, want one %q", layers, tiles.IncidentLayer)
	}
	// z8 is clustered (below DefaultClusterMaxZoom): counts add up to 31.
	total := 0
	for _, f := range layers[0].Features {
		if n, ok := f.Properties["point_count"].(float64); ok {
			total += int(n)
		} else {
			total++
		}
	}
	if total != 31 {
		t.Errorf("tile stands for %d incidents, want 31", total)
	}
	if last := mp.got[len(mp.got)-1]; len(last.Roles) != 2 {
		t.Errorf("role=all reached the store as %v", last.Roles)
	}

	t.Run("ETag", func(t *testing.T) {
		first := do(t, h, "GET", idlib8, "", nil)
		etag := first.Header().Get("ETag")
		if etag == "" || !strings.Contains(etag, "v42") {
			t.Fatalf("ETag = %q, want one carrying data version 42", etag)
		}
		again := do(t, h, "GET", idlib8, "", map[string]string{"If-None-Match": etag})
		if again.Code != 304 {
			t.Errorf("revalidation: status %d, want 304", again.Code)
		}
		other := do(t, h, "GET", idlib8+"?role=all", "", nil)
		if other.Header().Get("ETag") == etag {
			t.Error("different filters share an ETag")
		}
	})
}

func TestIncidentTileJSON(t *testing.T) {
	s, _ := newTileServer(t, 3)
	rec := do(t, s.Handler(), "GET", "/tiles/incidents.json?source=Outlet+A&from=2020-01-01", "", nil)
	if rec.Code != 200 {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	var doc struct {
		TileJSON string   `json:"tilejson"`
		Tiles    []string `json:"tiles"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	want := "http://example.com/tiles/incidents/{z}/{x}/{y}.mvt?from=2020-01-01&source=Outlet+A"
	if doc.TileJSON != "3.0.0" || len(doc.Tiles) != 1 || doc.Tiles[0] != want {
		t.Errorf("tilejson %q tiles %q, want 3.0.0 and [%q]", doc.TileJSON, doc.Tiles, want)
	}
	if rec := do(t, s.Handler(), "GET", "/tiles/incidents.json?from=yesterday", "", nil); rec.Code != 400 {
		t.Errorf("bad filter: status %d, want 400", rec.Code)
	}
}

func TestClustersAddUp(t *testing.T) {
	s, _ := newTileServer(t, 200)
	h := s.Handler()
	for _, tc := range []struct {
		z, bbox, extra string
		clustered      bool // whether every tile is clustered
	}{
		{"3", "35,35,38,37", "", true}, {"8", "35,35,38,37", "", true},
		{"12", "36.5,35.8,36.8,36.1", "", false}, {"14", "36.59,35.89,36.71,36.0", "", false},
		// The map asks for clusters at every zoom.
		{"12", "36.5,35.8,36.8,36.1", "&cluster_zoom=19", true},
		{"8", "35,35,38,37", "&cluster_zoom=0", false},
	} {
		t.Run("z"+tc.z+tc.extra, func(t *testing.T) {
			rec := do(t, h, "GET", "/api/clusters?z="+tc.z+"&bbox="+tc.bbox+"&role=all"+tc.extra, "", nil)
			if rec.Code != 200 {
				t.Fatalf("status %d: %s", rec.Code, rec.Body)
			}
			var got struct {
				Matched  int `json:"matched"`
				InView   int `json:"in_view"`
				Clusters []struct{ Count int }
				Points   []struct{ ID int64 }
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
				t.Fatal(err)
			}
			sum := len(got.Points)
			for _, c := range got.Clusters {
				if c.Count < 2 {
					t.Errorf("cluster of %d", c.Count)
				}
				sum += c.Count
			}
			if sum != 201 || got.InView != 201 {
				t.Errorf("clusters and points add up to %d (in_view %d), want 201", sum, got.InView)
			}
			// Clustered, a tile holds at most one marker per 64-px cell
			// (cell defaults to 64 here); listed, every incident is one.
			if markers := len(got.Clusters) + len(got.Points); tc.clustered && (len(got.Clusters) == 0 || markers >= 201) {
				t.Errorf("%d clusters, %d markers: want it clustered", len(got.Clusters), markers)
			} else if !tc.clustered && len(got.Clusters) > 0 {
				t.Errorf("%d clusters: want every incident listed", len(got.Clusters))
			}
		})
	}
	for _, target := range []string{"/api/clusters?bbox=35,35,38,37", "/api/clusters?z=23", "/api/clusters?z=12&bbox=-180,-85,180,85",
		"/api/clusters?z=3&bbox=35,35,38,37&cluster_zoom=-1", "/api/clusters?z=3&bbox=35,35,38,37&cluster_zoom=x"} {
		if rec := do(t, h, "GET", target, "", nil); rec.Code != 400 {
			t.Errorf("GET %s: status %d, want 400", target, rec.Code)
		}
	}
}

func TestStaticMapLimits(t *testing.T) {
	s, _ := newTileServer(t, 5)
	h := s.Handler()
	for _, tc := range []struct {
		query  string
		status int
		param  string
	}{
		{"width=2049", 400, "width"},
		{"height=5000", 400, "height"},
		{"scale=4", 400, "scale"},
		{"width=2048&height=2048&scale=3", 400, "scale"},
		{"lat=35&lon=36", 400, "zoom"},
		{"lat=35&lon=36&zoom=6&bbox=1,1,2,2", 400, "bbox"},
		{"width=300&height=200", 200, ""},
		{"width=300&height=200&lat=35.9&lon=36.6&zoom=9&scale=2", 200, ""},
	} {
		t.Run(tc.query, func(t *testing.T) {
			rec := do(t, h, "GET", "/map.png?"+tc.query, "", nil)
			if rec.Code != tc.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, tc.status, rec.Body)
			}
			if tc.param != "" {
				var body map[string]string
				_ = json.Unmarshal(rec.Body.Bytes(), &body)
				if body["param"] != tc.param {
					t.Errorf("param = %q, want %q (%s)", body["param"], tc.param, body["error"])
				}
				return
			}
			img, err := png.Decode(bytes.NewReader(rec.Body.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(tc.query, "scale=2") && img.Bounds().Dx() != 300 {
				t.Errorf("width %d, want 300", img.Bounds().Dx())
			}
		})
	}
}

// fakeTiles is a tiles.TileSource holding one vector tile, gzipped.
type fakeTiles struct{}

func (fakeTiles) Tile(ctx context.Context, z, x, y int) ([]byte, string, error) {
	if z == 1 && x == 1 && y == 0 {
		return []byte{0x1f, 0x8b, 8, 0}, tiles.ContentTypeMVT, nil
	}
	return nil, "", nil
}
func (fakeTiles) Metadata() map[string]string {
	return map[string]string{"format": "pbf", "name": "Region"}
}

func TestBaseTiles(t *testing.T) {
	s, _ := newTileServer(t, 1)
	h := s.Handler()
	if rec := do(t, h, "GET", "/tiles/base/0/0/0.png", "", nil); rec.Code != 404 {
		t.Errorf("no base map: status %d, want 404", rec.Code)
	}
	if rec := do(t, h, "GET", "/tiles/basemap.json", "", nil); rec.Code != 204 {
		t.Errorf("no --basemap: status %d, want 204", rec.Code)
	}

	s.BaseTiles = fakeTiles{}
	h = s.Handler()
	rec := do(t, h, "GET", "/tiles/basemap/1/1/0.pbf", "", nil)
	if rec.Code != 200 || rec.Header().Get("Content-Encoding") != "gzip" || rec.Header().Get("Content-Type") != tiles.ContentTypeMVT {
		t.Errorf("stored tile: status %d, headers %v", rec.Code, rec.Header())
	}
	if rec := do(t, h, "GET", "/tiles/basemap/1/0/0.pbf", "", nil); rec.Code != 204 {
		t.Errorf("missing vector tile: status %d, want 204", rec.Code)
	}
	if rec := do(t, h, "GET", "/tiles/basemap/1/2/0.pbf", "", nil); rec.Code != 400 {
		t.Errorf("bad x: status %d, want 400", rec.Code)
	}

	dir := "../../../../node_modules/world-atlas"
	if _, err := os.Stat(dir); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("world-atlas missing: %v", err)
		}
		t.Skipf("world-atlas missing: %v", err)
	}
	bm, err := tiles.LoadBaseMap(os.DirFS(dir), tiles.BaseMapOptions{})
	if err != nil {
		t.Fatal(err)
	}
	s.BaseMap = bm
	h = s.Handler()
	for _, tc := range []struct {
		target string
		size   int
	}{
		{"/tiles/base/2/2/1.png", 256},
		{"/tiles/base/2/2/1@2x.png", 512},
		{"/tiles/base/2/2/1.png?scale=3", 768},
	} {
		rec := do(t, h, "GET", tc.target, "", nil)
		if rec.Code != 200 || rec.Header().Get("Content-Type") != "image/png" {
			t.Fatalf("GET %s: status %d %s", tc.target, rec.Code, rec.Body)
		}
		img, err := png.Decode(rec.Body)
		if err != nil || img.Bounds().Dx() != tc.size {
			t.Errorf("GET %s: %v, size %v, want %d", tc.target, err, img.Bounds(), tc.size)
		}
	}
	for _, target := range []string{"/tiles/base/2/2/1@4x.png", "/tiles/base/2/2/1.png?scale=5", "/tiles/base/2/9/1.png"} {
		if rec := do(t, h, "GET", target, "", nil); rec.Code != 400 {
			t.Errorf("GET %s: status %d, want 400", target, rec.Code)
		}
	}
}

// TestBaseMapLoadedInBackground checks that a base-map tile asked for
// while the base map still loads waits for it, and that without one the
// answer is 404.
func TestBaseMapLoadedInBackground(t *testing.T) {
	dir := "../../../../node_modules/world-atlas"
	if _, err := os.Stat(dir); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("world-atlas missing: %v", err)
		}
		t.Skipf("world-atlas missing: %v", err)
	}
	release := make(chan struct{})
	s, _, _ := newTestServer(t)
	s.LoadBaseMapInBackground(func() *tiles.BaseMap {
		<-release
		bm, err := tiles.LoadBaseMap(os.DirFS(dir), tiles.BaseMapOptions{})
		if err != nil {
			t.Error(err)
		}
		return bm
	})
	h := s.Handler()
	got := make(chan int, 1)
	go func() { got <- do(t, h, "GET", "/tiles/base/2/2/1.png", "", nil).Code }()
	select {
	case code := <-got:
		t.Fatalf("answered %d before the base map was loaded", code)
	case <-time.After(50 * time.Millisecond):
	}
	close(release)
	if code := <-got; code != 200 {
		t.Fatalf("status %d once loaded, want 200", code)
	}

	none, _, _ := newTestServer(t)
	none.LoadBaseMapInBackground(func() *tiles.BaseMap { return nil })
	if code := do(t, none.Handler(), "GET", "/tiles/base/2/2/1.png", "", nil).Code; code != 404 {
		t.Errorf("no base map: status %d, want 404", code)
	}
}
