package server

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"

	"github.com/go-chi/chi/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"github.com/incidentmap/incidentmap/geo"
	"github.com/incidentmap/incidentmap/tiles"
)

// registerTileRoutes adds the vector tiles, the offline base map, the
// user's MBTiles base and the static map. Tile coordinates are parsed by
// tiles.ParseTile, whose messages are the 400 bodies.
func (s *Server) registerTileRoutes(r chi.Router) {
	r.Group(func(r chi.Router) {
		r.Use(cors)
		r.Get("/tiles/incidents.json", s.handle(s.handleIncidentTileJSON))
		r.Get("/tiles/incidents/{z}/{x}/{y}", s.handle(s.handleIncidentTile))
		r.Get("/tiles/base/{z}/{x}/{y}", s.handle(s.handleBaseTile))
		r.Get("/tiles/basemap.json", s.handle(s.handleBaseMapTileJSON))
		r.Get("/tiles/basemap/{z}/{x}/{y}", s.handle(s.handleBaseMapTile))
		r.Get("/map.png", s.handle(s.handleStaticMap))
	})
}

// pointPool recycles the point slices tiles are built from: a z4 tile over
// a conflict area can hold most of a million incidents.
var pointPool = sync.Pool{New: func() any { return new([]tiles.Point) }}

// collectPoints appends the points matching f inside bound to *buf.
func collectPoints(ctx context.Context, ps geo.PointService, f geo.IncidentFilter, bound [4]float64, buf *[]tiles.Point) error {
	pts := (*buf)[:0]
	err := ps.EachPoint(ctx, f, bound, func(p geo.PointRow) error {
		pts = append(pts, p)
		return nil
	})
	*buf = pts
	return err
}

// parseTilePath reads {z}/{x}/{y} where y carries the extension ext (and,
// for raster tiles, an optional "@2x" or "@3x"). A wrong extension is a
// 404 (no such resource); bad numbers are a 400 with ParseTile's message.
func parseTilePath(r *http.Request, ext string) (t maptile.Tile, scale int, err error) {
	y, ok := strings.CutSuffix(chi.URLParam(r, "y"), ext)
	if !ok {
		return t, 0, geo.Errorf(geo.ENOTFOUND, "no such tile: want /{z}/{x}/{y}%s", ext)
	}
	scale = 1
	if i := strings.LastIndex(y, "@"); i >= 0 && ext == ".png" {
		switch y[i:] {
		case "@1x":
		case "@2x":
			scale = 2
		case "@3x":
			scale = 3
		default:
			return t, 0, geo.ParamErrorf("scale", "%q is not @2x or @3x", truncate(y[i:], 10))
		}
		y = y[:i]
	}
	t, err = tiles.ParseTile(chi.URLParam(r, "z"), chi.URLParam(r, "x"), y)
	if err != nil {
		msg := err.Error()
		return t, 0, &geo.Error{Code: geo.EINVALID, Message: msg, Param: msg[:1]}
	}
	return t, scale, nil
}

func boundArray(b orb.Bound) [4]float64 {
	return [4]float64{max(b.Min[0], -180), max(b.Min[1], -90), min(b.Max[0], 180), min(b.Max[1], 90)}
}

// handleIncidentTile serves GET /tiles/incidents/{z}/{x}/{y}.mvt with the
// filters of /api/incidents: the incidents inside the tile, clustered at
// low zooms and where dense (tiles.ClusterOptions); 204 for an empty tile.
func (s *Server) handleIncidentTile(w http.ResponseWriter, r *http.Request) error {
	t, _, err := parseTilePath(r, ".mvt")
	if err != nil {
		return err
	}
	q, err := parseQuery(r)
	if err != nil {
		return err
	}
	if err := checkParams(q); err != nil {
		return err
	}
	f, err := parseFilter(q)
	if err != nil {
		return err
	}
	if s.Points == nil {
		return geo.Errorf(geo.ENOTFOUND, "this server has no incident tiles")
	}
	if done, err := s.checkETag(r.Context(), w, r); err != nil || done {
		return err
	}
	// Many viewers ask for the same few low-zoom tiles, the costliest
	// ones: encoded tiles are kept by data version (an empty tile as an
	// empty body).
	key := cacheKey(r.URL.Path, q)
	v, cacheable := s.cacheVersion(r.Context())
	data, hit := s.cache.get(v, key)
	if !cacheable || !hit {
		data, err = s.encodeIncidentTile(r.Context(), t, f)
		if err != nil {
			return err
		}
		if cacheable && s.cache.admit(v, key) {
			s.cache.put(v, key, append([]byte{}, data...))
		}
	}
	if r.Context().Err() != nil {
		return nil // the client left; nobody to answer
	}
	if len(data) == 0 {
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	w.Header().Set("Content-Type", tiles.ContentTypeMVT)
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	_, _ = w.Write(data)
	return nil
}

// encodeIncidentTile builds tile t for filter f: read from the cluster
// pyramid when one answers (role filter only, a zoom clustered by zoom),
// else by clustering the tile's points.
func (s *Server) encodeIncidentTile(ctx context.Context, t maptile.Tile, f geo.IncidentFilter) ([]byte, error) {
	if int(t.Z) < tiles.DefaultClusterMaxZoom {
		if p := s.pyramid(ctx, f, false); p != nil {
			if c, ok := p.Tile(t, tiles.ClusterOptions{}); ok {
				return tiles.EncodeContent(t, c, "")
			}
		}
	}
	buf := pointPool.Get().(*[]tiles.Point)
	defer pointPool.Put(buf)
	if err := collectPoints(ctx, s.Points, f, boundArray(tiles.TileBound(t, 0)), buf); err != nil {
		return nil, err
	}
	return tiles.EncodeIncidentTile(t, *buf, tiles.EncodeOptions{})
}

// cacheVersion returns the data version that keys s.cache; ok is false
// when the server has no versions (nothing may be cached then).
func (s *Server) cacheVersion(ctx context.Context) (v int64, ok bool) {
	if s.Versions == nil {
		return 0, false
	}
	v, err := s.Versions.DataVersion(ctx)
	return v, err == nil
}

// requestBase returns the scheme and host the client used, for absolute
// URLs in TileJSON.
func requestBase(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// handleIncidentTileJSON serves GET /tiles/incidents.json: a TileJSON
// document whose tile URL carries the request's filters.
func (s *Server) handleIncidentTileJSON(w http.ResponseWriter, r *http.Request) error {
	q, err := parseQuery(r)
	if err != nil {
		return err
	}
	if err := checkParams(q); err != nil {
		return err
	}
	if _, err := parseFilter(q); err != nil {
		return err
	}
	u := requestBase(r) + "/tiles/incidents/{z}/{x}/{y}.mvt"
	if enc := q.Encode(); enc != "" {
		u += "?" + enc
	}
	w.Header().Set("Cache-Control", "no-cache")
	writeJSON(w, http.StatusOK, tiles.TileJSON(tiles.TileJSONOptions{
		Name:        "incidentmap incidents",
		TilesURL:    u,
		MaxZoom:     16,
		Attribution: "incidentmap",
	}))
	return nil
}

// handleBaseTile serves GET /tiles/base/{z}/{x}/{y}.png (also {y}@2x.png
// or ?scale=2): the offline base map drawn from Natural Earth.
func (s *Server) handleBaseTile(w http.ResponseWriter, r *http.Request) error {
	t, scale, err := parseTilePath(r, ".png")
	if err != nil {
		return err
	}
	q, err := parseQuery(r)
	if err != nil {
		return err
	}
	for name := range q {
		if name != "scale" {
			return geo.ParamErrorf(name, "unknown parameter (known: scale)")
		}
	}
	if q.Has("scale") {
		if scale, err = parseInt(q, "scale", 1, 1, 3); err != nil {
			return err
		}
	}
	bm := s.baseMap(r.Context())
	if bm == nil {
		return geo.Errorf(geo.ENOTFOUND, "this server has no offline base map (world-atlas not found)")
	}
	png, err := bm.RenderTile(r.Context(), t, scale)
	if err != nil {
		return err
	}
	// The base map never changes while the server runs.
	w.Header().Set("Cache-Control", "public, max-age=86400")
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Content-Length", strconv.Itoa(len(png)))
	_, _ = w.Write(png)
	return nil
}

// handleBaseMapTileJSON serves GET /tiles/basemap.json, describing the
// --basemap file; 204 when there is none (not 404: the map probes it on
// every load, and browsers log a 404 as an error).
func (s *Server) handleBaseMapTileJSON(w http.ResponseWriter, r *http.Request) error {
	if s.BaseTiles == nil {
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	meta := s.BaseTiles.Metadata()
	ext := meta["format"]
	doc := map[string]any{
		"tilejson": "3.0.0",
		"scheme":   "xyz",
		"tiles":    []string{requestBase(r) + "/tiles/basemap/{z}/{x}/{y}." + url.PathEscape(ext)},
		"format":   ext,
	}
	for _, k := range []string{"name", "attribution", "description"} {
		if v := meta[k]; v != "" {
			doc[k] = v
		}
	}
	for _, k := range []string{"minzoom", "maxzoom"} {
		if n, err := strconv.Atoi(meta[k]); err == nil {
			doc[k] = n
		}
	}
	w.Header().Set("Cache-Control", "no-cache")
	writeJSON(w, http.StatusOK, doc)
	return nil
}

// handleBaseMapTile serves GET /tiles/basemap/{z}/{x}/{y}[.ext] from the
// --basemap MBTiles file: a missing tile is 204 for vector tiles (an empty
// area) and 404 for raster ones.
func (s *Server) handleBaseMapTile(w http.ResponseWriter, r *http.Request) error {
	if s.BaseTiles == nil {
		return geo.Errorf(geo.ENOTFOUND, "this server has no --basemap")
	}
	y := chi.URLParam(r, "y")
	if i := strings.IndexByte(y, '.'); i >= 0 {
		y = y[:i]
	}
	t, err := tiles.ParseTile(chi.URLParam(r, "z"), chi.URLParam(r, "x"), y)
	if err != nil {
		msg := err.Error()
		return &geo.Error{Code: geo.EINVALID, Message: msg, Param: msg[:1]}
	}
	data, ct, err := s.BaseTiles.Tile(r.Context(), int(t.Z), int(t.X), int(t.Y))
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "public, max-age=3600")
	if data == nil {
		if tiles.FormatContentType(s.BaseTiles.Metadata()["format"]) == tiles.ContentTypeMVT {
			w.WriteHeader(http.StatusNoContent)
			return nil
		}
		return geo.Errorf(geo.ENOTFOUND, "tile %d/%d/%d is not in the base map", t.Z, t.X, t.Y)
	}
	// Vector tiles in MBTiles are usually stored gzipped; say so rather
	// than unzip, as every client accepts gzip.
	if bytes.HasPrefix(data, []byte{0x1f, 0x8b}) {
		w.Header().Set("Content-Encoding", "gzip")
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	_, _ = w.Write(data)
	return nil
}
