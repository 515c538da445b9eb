// Package staticmap turns the parameters of a static map (GET /map.png's
// query, or the render command's flags, which take the same values) into
// the options of tiles.RenderMap. It knows url.Values, not HTTP.
package staticmap

import (
	"context"
	"fmt"
	"image/color"
	"math"
	"net/url"
	"strconv"

	"github.com/paulmach/orb"

	"github.com/incidentmap/incidentmap/geo"
	"github.com/incidentmap/incidentmap/geo/filterquery"
	"github.com/incidentmap/incidentmap/tiles"
)

// Params are the parameters /map.png takes besides the filters.
var Params = []string{"lat", "lon", "zoom", "width", "height", "scale"}

// Marker colours of static maps, the same as the web map's ROLE_COLOURS
// (common.js).
func incidentColour() color.RGBA { return color.RGBA{0xc6, 0x28, 0x28, 0xff} }
func mentionColour() color.RGBA  { return color.RGBA{0x15, 0x65, 0xc0, 0xff} }

// Options turns /map.png's query (the incident filters; bbox, or
// lat, lon and zoom, or neither to fit the incidents; width and height in
// CSS pixels up to tiles.MaxStaticSize; scale 1 to 3) into the options of
// tiles.RenderMap, with the matching incidents read from points and base
// as the base map (nil: sea colour only). The render command calls it with
// its flags, the server with the request's query. Errors are EINVALID naming the parameter.
func Options(ctx context.Context, points geo.PointService, base *tiles.BaseMap, q url.Values) (tiles.StaticMapOptions, error) {
	var o tiles.StaticMapOptions
	if err := filterquery.CheckParams(q, Params...); err != nil {
		return o, err
	}
	f, err := filterquery.ParseFilter(q)
	if err != nil {
		return o, err
	}
	if o.Width, err = filterquery.ParseInt(q, "width", 800, 1, tiles.MaxStaticSize); err != nil {
		return o, err
	}
	if o.Height, err = filterquery.ParseInt(q, "height", 600, 1, tiles.MaxStaticSize); err != nil {
		return o, err
	}
	if o.Scale, err = filterquery.ParseInt(q, "scale", 1, 1, 3); err != nil {
		return o, err
	}
	if px := o.Width * o.Height * o.Scale * o.Scale; px > tiles.MaxStaticPixels {
		return o, geo.ParamErrorf("scale", "%dx%d at scale %d is %d pixels; at most %d", o.Width, o.Height, o.Scale, px, tiles.MaxStaticPixels)
	}
	o.Base = base
	bound := geo.WorldBound()
	switch n := countSet(q, "lat", "lon", "zoom"); {
	case n == 3:
		if f.BBox != nil {
			return o, geo.ParamErrorf("bbox", "give either bbox or lat, lon and zoom")
		}
		lat, err1 := parseFloat(q, "lat", -85, 85)
		lon, err2 := parseFloat(q, "lon", -180, 180)
		zoom, err3 := parseFloat(q, "zoom", 0, tiles.MaxZoom)
		for _, err := range []error{err1, err2, err3} {
			if err != nil {
				return o, err
			}
		}
		o.Center, o.Zoom = orb.Point{lon, lat}, zoom
		bound = viewBound(o)
	case n > 0:
		return o, geo.ParamErrorf("zoom", "lat, lon and zoom go together")
	case f.BBox != nil:
		b := *f.BBox
		o.BBox = orb.Bound{Min: orb.Point{b[0], b[1]}, Max: orb.Point{b[2], b[3]}}
	}
	err = points.EachPoint(ctx, f, bound, func(p geo.PointRow) error {
		o.Points = append(o.Points, p)
		return nil
	})
	if err != nil {
		return o, err
	}
	if o.BBox.IsZero() && o.Zoom == 0 && o.Center == (orb.Point{}) {
		if b, err := tiles.FitPoints(o.Points); err == nil {
			o.BBox = b.Pad(0.01) // a single incident still gets an area around it
		} else {
			o.Center, o.Zoom = orb.Point{20, 25}, 1
		}
	}
	mentions, incidents := 0, 0
	for _, p := range o.Points {
		if p.Role == string(geo.RoleMention) {
			mentions++
		} else {
			incidents++
		}
	}
	o.Color = func(p tiles.Point) color.RGBA {
		if p.Role == string(geo.RoleMention) {
			return mentionColour()
		}
		return incidentColour()
	}
	o.Legend = []tiles.LegendEntry{{Label: fmt.Sprintf("incident (%d)", incidents), Color: incidentColour()}}
	if mentions > 0 {
		o.Legend = append(o.Legend, tiles.LegendEntry{Label: fmt.Sprintf("place mentioned (%d)", mentions), Color: mentionColour()})
	}
	return o, nil
}

func countSet(q url.Values, names ...string) int {
	n := 0
	for _, name := range names {
		if q.Has(name) {
			n++
		}
	}
	return n
}

func parseFloat(q url.Values, name string, lo, hi float64) (float64, error) {
	v, err := strconv.ParseFloat(q.Get(name), 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, geo.ParamErrorf(name, "%q is not a number", filterquery.Truncate(q.Get(name), 40))
	}
	if v < lo || v > hi {
		return 0, geo.ParamErrorf(name, "%g is out of range %g..%g", v, lo, hi)
	}
	return v, nil
}

// viewBound returns the lon/lat bound a centre/zoom static map shows, plus
// a margin for markers cut by the edge.
func viewBound(o tiles.StaticMapOptions) [4]float64 {
	world := tiles.TileSize * math.Exp2(o.Zoom) // CSS pixels
	cx := tiles.WorldX(o.Center[0]) * world
	cy := tiles.WorldY(o.Center[1]) * world
	const margin = 24
	hw, hh := float64(o.Width)/2+margin, float64(o.Height)/2+margin
	lon := func(x float64) float64 { return math.Max(-180, math.Min(180, tiles.WorldLon(x/world))) }
	lat := func(y float64) float64 { return tiles.WorldLat(math.Max(0, math.Min(world, y)) / world) }
	return [4]float64{lon(cx - hw), lat(cy + hh), lon(cx + hw), lat(cy - hh)}
}
