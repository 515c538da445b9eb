package server

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/incidentmap/incidentmap/geo"
	"github.com/incidentmap/incidentmap/tiles"
)

// PyramidCache keeps pre-clustered pyramids (tiles.Pyramid) of the
// incidents for the current data version, one per role selection, so that
// low-zoom tiles and /api/clusters without filters other than role are
// read instead of computed. A pyramid is built in the background at the
// first request that could use it; until it is ready, requests cluster
// their points as before, with the same result.
//
// The zero value is ready to use; it is safe for concurrent use. Servers
// may share one (the benchmarks do, to measure fresh tiles without
// rebuilding the pyramid per request).
type PyramidCache struct {
	mu       sync.Mutex
	version  int64
	ready    map[roleSet]*tiles.Pyramid
	building map[roleSet]bool
	// Log, when set, receives build timings and failures.
	Log *slog.Logger
}

// roleSet is a role filter reduced to what it selects.
type roleSet struct{ incident, mention bool }

// pointsReadier is implemented by point services that can say when
// reading every point is cheap (the store's in-memory copy). Pyramids are
// built only for them, and only then: reading a million rows from SQL in
// the background would slow every other request for seconds.
type pointsReadier interface {
	PointCacheReady(ctx context.Context) bool
}

// pyramidFilter reports whether f selects by role only, and which roles:
// the filters a pyramid can answer. bbox is allowed when view is true
// (/api/clusters narrows by tiles itself).
func pyramidFilter(f geo.IncidentFilter, view bool) (roleSet, bool) {
	if f.From != nil || f.To != nil || len(f.Sources) > 0 || f.SourceKind != "" || f.MaxPrecision != 0 ||
		f.Disputed != nil || f.NeedsReview != nil || f.ReportID != 0 || (f.BBox != nil && !view) {
		return roleSet{}, false
	}
	if len(f.Roles) == 0 {
		return roleSet{incident: true}, true // no roles: incidents only, as the store reads it
	}
	var rs roleSet
	for _, r := range f.Roles {
		if r == geo.RoleMention {
			rs.mention = true
		} else {
			rs.incident = true
		}
	}
	return rs, true
}

// get returns the pyramid for roles at version v, or nil when it is not
// built yet; it then starts building it unless a build is running or the
// points cannot be read cheaply now.
func (c *PyramidCache) get(ctx context.Context, ps geo.PointService, v int64, rs roleSet) *tiles.Pyramid {
	c.mu.Lock()
	if c.version == v && c.ready[rs] != nil {
		defer c.mu.Unlock()
		return c.ready[rs]
	}
	busy := c.building[rs] || v < c.version
	c.mu.Unlock()
	if busy {
		return nil
	}
	// Asked outside the lock: it may query the database.
	if r, ok := ps.(pointsReadier); !ok || !r.PointCacheReady(ctx) {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.building[rs] {
		return nil
	}
	if c.building == nil {
		c.building = map[roleSet]bool{}
	}
	c.building[rs] = true
	go func() {
		_, _ = c.build(context.Background(), ps, v, rs)
	}()
	return nil
}

// Build builds now the pyramid of the incidents ps selects with roles
// (nil: geo.RoleIncident only) at version v, for warming at start-up or before
// a benchmark.
func (c *PyramidCache) Build(ctx context.Context, ps geo.PointService, v int64, roles []geo.Role) error {
	rs, _ := pyramidFilter(geo.IncidentFilter{Roles: roles}, false)
	_, err := c.build(ctx, ps, v, rs)
	return err
}

func (c *PyramidCache) build(ctx context.Context, ps geo.PointService, v int64, rs roleSet) (*tiles.Pyramid, error) {
	defer func() {
		c.mu.Lock()
		delete(c.building, rs)
		c.mu.Unlock()
	}()
	start := time.Now()
	var roles []geo.Role
	if rs.incident {
		roles = append(roles, geo.RoleIncident)
	}
	if rs.mention {
		roles = append(roles, geo.RoleMention)
	}
	var pts []tiles.Point
	err := ps.EachPoint(ctx, geo.IncidentFilter{Roles: roles}, geo.WorldBound(), func(p geo.PointRow) error {
		pts = append(pts, p)
		return nil
	})
	if err != nil {
		if c.Log != nil {
			c.Log.Warn("cluster pyramid not built", "err", err)
		}
		return nil, err
	}
	p := tiles.BuildPyramid(pts, tiles.PyramidOptions{})
	c.mu.Lock()
	defer c.mu.Unlock()
	if v < c.version {
		return p, nil // a newer version was stored meanwhile
	}
	if v > c.version || c.ready == nil {
		c.version, c.ready = v, map[roleSet]*tiles.Pyramid{}
	}
	c.ready[rs] = p
	if c.Log != nil {
		c.Log.Debug("cluster pyramid built", "version", v, "points", p.Total(), "bytes", p.Bytes(), "took", time.Since(start))
	}
	return p, nil
}

// pyramid returns the pyramid that answers f at the current data version,
// or nil (see PyramidCache).
func (s *Server) pyramid(ctx context.Context, f geo.IncidentFilter, view bool) *tiles.Pyramid {
	rs, ok := pyramidFilter(f, view)
	if !ok || s.Points == nil {
		return nil
	}
	v, ok := s.cacheVersion(ctx)
	if !ok {
		return nil
	}
	c := s.Pyramids
	if c == nil {
		c = &s.pyramids
	}
	return c.get(ctx, s.Points, v, rs)
}

// PointWarmer is the store's side of WarmTiles.
type PointWarmer interface {
	geo.PointService
	WarmPointCache(ctx context.Context) error
	PointCacheReady(ctx context.Context) bool
	DataVersion(ctx context.Context) (int64, error)
}

// WarmTiles loads the tiles' in-memory copy of the incidents now rather
// than at the first tile request, then the cluster pyramid of the default
// view from it; a failure only means tiles come from SQL or are clustered
// per request. Later versions are rebuilt when first asked for. serve runs
// it in the background at start-up.
func (s *Server) WarmTiles(ctx context.Context, st PointWarmer, log *slog.Logger) {
	if err := st.WarmPointCache(ctx); err != nil {
		log.Warn("point cache not loaded", "err", err)
		return
	}
	if !st.PointCacheReady(ctx) {
		return // too few incidents to cache: clustering per request is fast
	}
	start := time.Now()
	v, err := st.DataVersion(ctx)
	if err == nil {
		err = s.Pyramids.Build(ctx, st, v, nil)
	}
	if err != nil {
		log.Warn("cluster pyramid not built", "err", err)
		return
	}
	log.Info("cluster pyramid ready", "took", time.Since(start).Round(time.Millisecond))
}
