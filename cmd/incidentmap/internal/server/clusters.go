package server

import (
	"encoding/json"
	"net/http"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"github.com/incidentmap/incidentmap/geo"
	"github.com/incidentmap/incidentmap/tiles"
)

// maxClusterTiles bounds the tiles one /api/clusters request covers: a
// 4K screen at one zoom is about 16 by 9 tiles.
const maxClusterTiles = 256

// clusterJSON is one cluster of /api/clusters.
type clusterJSON struct {
	Lon     float64 `json:"lon"`
	Lat     float64 `json:"lat"`
	Count   int     `json:"count"`
	Source  string  `json:"source"`
	DateMin string  `json:"date_min,omitempty"`
	DateMax string  `json:"date_max,omitempty"`
}

// pointJSON is one unclustered incident of /api/clusters.
type pointJSON struct {
	ID        int64   `json:"id"`
	Lon       float64 `json:"lon"`
	Lat       float64 `json:"lat"`
	Date      string  `json:"date,omitempty"`
	Source    string  `json:"source"`
	Role      string  `json:"role"`
	Precision int     `json:"precision"`
	Disputed  bool    `json:"disputed"`
}

// handleClusters serves GET /api/clusters?z=Z&bbox=...[&cell=64][&cluster_zoom=N]&filters: the
// incidents in bbox as the incident tiles of zoom z would show them, as
// JSON for a map that draws no vector tiles. Each tile of the grid is
// clustered on its own (tiles.ClusterTile, or its pre-clustered
// tiles.Pyramid), so clusters stay put while the map pans; the whole tiles
// covering bbox are shown, and in_view counts their incidents. matched
// counts every incident under the filters (bbox aside), so the map can
// choose between clusters and full GeoJSON. Tiles below cluster_zoom
// (default tiles.DefaultClusterMaxZoom) are always clustered; from it on, a
// tile with at most tiles.DefaultClusterMaxPoint incidents lists them all.
func (s *Server) handleClusters(w http.ResponseWriter, r *http.Request) error {
	q, err := parseQuery(r)
	if err != nil {
		return err
	}
	if err := checkParams(q, "z", "cell", "cluster_zoom"); err != nil {
		return err
	}
	if !q.Has("z") {
		return geo.ParamErrorf("z", "required: the map's zoom level")
	}
	z, err := parseInt(q, "z", 0, 0, tiles.MaxZoom)
	if err != nil {
		return err
	}
	// cell is the clustering grid in pixels (tiles.ClusterOptions.CellSize):
	// a map drawing DOM markers asks for 64 to keep them few.
	cell, err := parseInt(q, "cell", tiles.DefaultCellSize, 4, tiles.TileSize)
	if err != nil {
		return err
	}
	// A map drawing DOM markers asks for clusters at every zoom: thousands
	// of single markers (a z10 view over Idlib at 100k incidents lists
	// 4,900) cost the browser a second to lay out.
	clusterZoom, err := parseInt(q, "cluster_zoom", tiles.DefaultClusterMaxZoom, 0, tiles.MaxZoom+1)
	if err != nil {
		return err
	}
	f, err := parseFilter(q)
	if err != nil {
		return err
	}
	view := geo.WorldBound()
	if f.BBox != nil {
		view = *f.BBox
	}
	// The tiles of zoom z covering the view; a bound on the antimeridian
	// or a pole is clamped by maptile.At.
	nw := maptile.At(orb.Point{view[0], view[3]}, maptile.Zoom(z))
	se := maptile.At(orb.Point{view[2], view[1]}, maptile.Zoom(z))
	if n := (int(se.X) - int(nw.X) + 1) * (int(se.Y) - int(nw.Y) + 1); n > maxClusterTiles {
		return geo.ParamErrorf("bbox", "covers %d tiles at z %d; at most %d (zoom in or shrink the box)", n, z, maxClusterTiles)
	}
	if s.Points == nil {
		return geo.Errorf(geo.ENOTFOUND, "this server has no clusters")
	}
	if done, err := s.checkETag(r.Context(), w, r); err != nil || done {
		return err
	}
	key := cacheKey(r.URL.Path, q)
	v, cacheable := s.cacheVersion(r.Context())
	if body, ok := s.cache.get(v, key); cacheable && ok {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		_, _ = w.Write(body)
		return nil
	}

	var (
		clusters = []clusterJSON{}
		points   = []pointJSON{}
		matched  int
		inView   int
		done     bool
	)
	add := func(c tiles.TileContent) {
		inView += c.Count()
		for _, cl := range c.Clusters {
			cj := clusterJSON{Lon: cl.Lon, Lat: cl.Lat, Count: cl.Count, Source: cl.Source}
			if cl.DateMin != 0 {
				cj.DateMin, cj.DateMax = tiles.DaysToDate(cl.DateMin), tiles.DaysToDate(cl.DateMax)
			}
			clusters = append(clusters, cj)
		}
		for _, p := range c.Points {
			pj := pointJSON{ID: p.ID, Lon: p.Lon, Lat: p.Lat, Source: p.Source, Role: p.Role,
				Precision: int(p.Precision), Disputed: p.Disputed}
			if p.Date != 0 {
				pj.Date = tiles.DaysToDate(p.Date)
			}
			points = append(points, pj)
		}
	}
	opts := tiles.ClusterOptions{CellSize: cell, MaxZoom: clusterZoom}
	if clusterZoom == 0 {
		opts.MaxZoom = -1 // ClusterOptions' "never by zoom"
	}
	// With no filter but role, the pre-clustered pyramid answers each
	// tile; otherwise one walk over every incident matching the filters
	// counts them all and keeps those in the tiles covering the view.
	// Both show whole tiles, so clusters near the view's edges do not
	// change as the map pans.
	if pyr := s.pyramid(r.Context(), f, true); pyr != nil {
		contents := make([]tiles.TileContent, 0, 16)
		for y := nw.Y; y <= se.Y && contents != nil; y++ {
			for x := nw.X; x <= se.X; x++ {
				c, ok := pyr.Tile(maptile.New(x, y, maptile.Zoom(z)), opts)
				if !ok {
					contents = nil
					break
				}
				contents = append(contents, c)
			}
		}
		if contents != nil {
			matched, done = pyr.Total(), true
			for _, c := range contents {
				add(c)
			}
		}
	}
	if !done {
		buf := pointPool.Get().(*[]tiles.Point)
		defer pointPool.Put(buf)
		pts := (*buf)[:0]
		all := f
		all.BBox = nil
		cover := tiles.TileBound(nw, 0).Union(tiles.TileBound(se, 0))
		err = s.Points.EachPoint(r.Context(), all, geo.WorldBound(), func(p geo.PointRow) error {
			matched++
			if p.Lon >= cover.Min[0] && p.Lon <= cover.Max[0] && p.Lat >= cover.Min[1] && p.Lat <= cover.Max[1] {
				pts = append(pts, p)
			}
			return nil
		})
		*buf = pts
		if err != nil {
			return err
		}
		for y := nw.Y; y <= se.Y; y++ {
			for x := nw.X; x <= se.X; x++ {
				add(tiles.ClusterTile(maptile.New(x, y, maptile.Zoom(z)), *buf, opts))
			}
		}
	}
	body, err := json.Marshal(map[string]any{
		"z": z, "matched": matched, "in_view": inView, "clusters": clusters, "points": points,
	})
	if err != nil {
		return err
	}
	body = append(body, '\n')
	if cacheable && s.cache.admit(v, key) {
		s.cache.put(v, key, body)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_, _ = w.Write(body)
	return nil
}
