package main

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"math"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"

	"github.com/incidentmap/incidentmap/cmd/incidentmap/internal/staticmap"
	"github.com/incidentmap/incidentmap/cmd/incidentmap/internal/store"
	"github.com/incidentmap/incidentmap/tiles"
)

// mustGetBytes fetches url and returns the status and body.
func mustGetBytes(tb testing.TB, url string) (int, http.Header, []byte) {
	tb.Helper()
	resp, err := http.Get(url)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return resp.StatusCode, resp.Header, body
}

// nearEdge reports whether p lies within the R*Tree's float32 rounding
// (and the tile's half-open edges) of b's border, where the GeoJSON bbox
// query and the tile may legitimately disagree.
func nearEdge(p orb.Point, b orb.Bound) bool {
	const eps = 1e-5
	return math.Abs(p[0]-b.Min[0]) < eps || math.Abs(p[0]-b.Max[0]) < eps ||
		math.Abs(p[1]-b.Min[1]) < eps || math.Abs(p[1]-b.Max[1]) < eps
}

// TestTilesMatchGeoJSON is issue 7's first check on the real server with
// generated incidents: a decoded tile holds exactly the incidents the
// filtered GeoJSON query returns for the tile's bounds (as single features
// at z >= 10, as clusters whose counts add up below).
func TestTilesMatchGeoJSON(t *testing.T) {
	if testing.Short() {
		t.Skip("generates a database")
	}
	db := mustCopyTemplateDB(t)
	mustRun(t, "generate", "--db", db, "--assets", filepath.Join("..", "..", "node_modules"), "--incidents", "4000", "--seed", "7")
	base := mustRunServerDB(t, db, false)
	idlib := orb.Point{36.63, 35.93}
	for _, tc := range []struct {
		name   string
		t      maptile.Tile
		filter string
	}{
		{"z4 clustered", maptile.At(idlib, 4), ""},
		{"z4 clustered, filtered", maptile.At(idlib, 4), "from=2015-01-01&to=2018-12-31&role=all"},
		{"z8 clustered", maptile.At(idlib, 8), "max_precision=2"},
		{"z11 single incidents", maptile.At(idlib, 11), "role=all"},
		{"z12 single incidents", maptile.At(orb.Point{37.16, 36.20}, 12), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := tc.t.Bound()
			q, _ := url.ParseQuery(tc.filter)
			q.Set("bbox", fmt.Sprintf("%.10f,%.10f,%.10f,%.10f", b.Min[0], b.Min[1], b.Max[0], b.Max[1]))
			q.Set("limit", "10000")
			var fc featureCollection
			mustGetJSON(t, base+"/api/incidents?"+q.Encode(), 200, &fc)
			if fc.NumberMatched > len(fc.Features) {
				t.Fatalf("tile holds %d incidents, more than one page", fc.NumberMatched)
			}
			want := map[int64]orb.Point{}
			for _, f := range fc.Features {
				want[f.ID] = orb.Point(f.Geometry.Coordinates)
			}

			target := fmt.Sprintf("%s/tiles/incidents/%d/%d/%d.mvt?%s", base, tc.t.Z, tc.t.X, tc.t.Y, tc.filter)
			status, _, body := mustGetBytes(t, target)
			if len(want) == 0 {
				if status != http.StatusNoContent {
					t.Errorf("empty tile: status %d, want 204", status)
				}
				t.Fatal("the case selects no incident; it tests nothing")
			}
			if status != 200 {
				t.Fatalf("GET %s: status %d: %s", target, status, body)
			}
			layers, err := mvt.Unmarshal(body)
			if err != nil {
				t.Fatal(err)
			}
			layers.ProjectToWGS84(tc.t)
			count, clusters := 0, 0
			var got []int64
			for _, f := range layers[0].Features {
				if n, ok := f.Properties["point_count"].(float64); ok {
					count += int(n)
					clusters++
					continue
				}
				count++
				got = append(got, int64(f.Properties["id"].(float64)))
			}
			clustered := tc.t.Z < tiles.DefaultClusterMaxZoom
			if clustered && clusters == 0 {
				t.Errorf("z%d tile has no clusters", tc.t.Z)
			}
			// Incidents on the tile's edge may fall either side.
			slack := 0
			for _, p := range want {
				if nearEdge(p, b) {
					slack++
				}
			}
			if d := count - len(want); d > 0 || -d > slack {
				t.Errorf("tile stands for %d incidents, GeoJSON query returns %d (%d on the edge)", count, len(want), slack)
			}
			if clustered {
				return
			}
			for _, id := range got {
				if _, ok := want[id]; !ok {
					t.Errorf("tile has incident %d, which the GeoJSON query does not return", id)
				}
			}
			for id, p := range want {
				if !slices.Contains(got, id) && !nearEdge(p, b) {
					t.Errorf("tile lacks incident %d at %v", id, p)
				}
			}
			t.Logf("%s: %d incidents, %d features", tc.name, len(want), len(layers[0].Features))
		})
	}
}

// markerRed reports whether c is the red fill of an incident marker; the
// base map has no red (sea, land, borders and labels are blue, beige,
// grey).
func markerRed(c color.Color) bool {
	r, g, b, _ := c.RGBA()
	return r>>8 > 150 && g>>8 < 90 && b>>8 < 90
}

// TestStaticMapOfSeeds is issue 7's fourth check: /map.png for the seeds'
// incidents at 1200x800 scale 2 is a PNG of 2400x1600 pixels with a marker
// drawn where each incident projects.
func TestStaticMapOfSeeds(t *testing.T) {
	seeds := []string{seedPath(t, "000_8d61b3b92a4442ba.txt"), seedPath(t, "002_aea83830c4712770.txt")}
	dbPath := mustCopyTemplateDB(t)
	base := mustRunServerDB(t, dbPath, false, seeds...)
	q := url.Values{"width": {"1200"}, "height": {"800"}, "scale": {"2"}}
	status, h, body := mustGetBytes(t, base+"/map.png?"+q.Encode())
	if status != 200 || h.Get("Content-Type") != "image/png" {
		t.Fatalf("GET /map.png: status %d, %s: %s", status, h.Get("Content-Type"), body)
	}
	img, err := png.Decode(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if img.Bounds() != image.Rect(0, 0, 2400, 1600) {
		t.Fatalf("image is %v, want 2400x1600", img.Bounds())
	}

	// The same options the server used, read from the same database.
	db, err := store.Open(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	opts, err := staticmap.Options(context.Background(), db, nil, q)
	if err != nil {
		t.Fatal(err)
	}
	if len(opts.Points) < 2 {
		t.Fatalf("seeds gave %d incidents; the test needs several", len(opts.Points))
	}
	// Points alone in their 32 px cell are drawn as single markers
	// centred on their projection; grouped ones as a circle near the
	// group's mean, within a cell or two.
	cell := map[[2]int]int{}
	px := make([][2]float64, len(opts.Points))
	for i, p := range opts.Points {
		x, y := opts.Project(p.Lon, p.Lat)
		px[i] = [2]float64{x, y}
		if x < 0 || y < 0 || x >= 2400 || y >= 1600 {
			t.Errorf("incident %d at %v projects outside the image (%.0f, %.0f)", p.ID, p, x, y)
			continue
		}
		cell[[2]int{int(x / 64), int(y / 64)}]++
	}
	for i, p := range opts.Points {
		x, y := px[i][0], px[i][1]
		radius := 3.0
		if cell[[2]int{int(x / 64), int(y / 64)}] > 1 {
			radius = 96
		}
		if !markerNear(img, x, y, radius) {
			t.Errorf("no marker within %.0f px of incident %d (%.4f, %.4f) at pixel (%.0f, %.0f)", radius, p.ID, p.Lon, p.Lat, x, y)
		}
	}
	// Far from every incident there is no red: the check above can fail.
	far := 0
	for y := 20.0; y < 1600; y += 80 {
		for x := 20.0; x < 2400; x += 80 {
			if slices.ContainsFunc(px, func(p [2]float64) bool { return math.Hypot(p[0]-x, p[1]-y) < 250 }) {
				continue
			}
			far++
			if markerNear(img, x, y, 3) {
				t.Errorf("red pixel at (%.0f, %.0f), far from every incident", x, y)
			}
		}
	}
	if far == 0 {
		t.Error("no pixel far from the incidents to check")
	}
}

// markerNear reports whether a marker-red pixel lies within r of (x, y).
func markerNear(img image.Image, x, y, r float64) bool {
	for dy := -r; dy <= r; dy++ {
		for dx := -r; dx <= r; dx++ {
			pt := image.Pt(int(x+dx), int(y+dy))
			if dx*dx+dy*dy <= r*r && pt.In(img.Bounds()) && markerRed(img.At(pt.X, pt.Y)) {
				return true
			}
		}
	}
	return false
}
