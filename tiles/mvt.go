package tiles

import (
	"fmt"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/maptile"
)

// IncidentLayer is the name of the vector tile layer holding incidents and
// their clusters.
const IncidentLayer = "incidents"

// ContentTypeMVT is the media type of a Mapbox Vector Tile.
const ContentTypeMVT = "application/vnd.mapbox-vector-tile"

// EncodeOptions tunes EncodeIncidentTile.
type EncodeOptions struct {
	Layer   string         // layer name; "" means IncidentLayer
	Cluster ClusterOptions // when and how to cluster
	// Buffer, in pixels at 256 per tile, also encodes unclustered points
	// that lie this close outside the tile, so that markers drawn across a
	// tile edge are not cut. Clusters never use it. 0 encodes the tile only.
	Buffer float64
}

// EncodeIncidentTile encodes the points that fall in tile t as a Mapbox
// Vector Tile with one layer (uncompressed; leave gzip to the transport).
// Points outside the tile (and its buffer) are ignored, so the caller may
// pass what a bounding-box query returned.
//
// Each single incident is a point feature whose ID is the incident's id, with
// properties id, date ("2006-01-02", absent when unknown), source, role,
// precision and disputed. Each cluster is a point feature with properties
// cluster=true, point_count, source (the dominant source), date_min and
// date_max. An empty tile gives (nil, nil), so a server can answer 204.
func EncodeIncidentTile(t maptile.Tile, points []Point, opts EncodeOptions) ([]byte, error) {
	content := ClusterTile(t, points, opts.Cluster)
	if !content.Clustered && opts.Buffer > 0 {
		content.Points = bufferedPoints(t, points, opts.Buffer)
	}
	return EncodeContent(t, content, opts.Layer)
}

// EncodeContent encodes already clustered content (see ClusterTile) as a
// vector tile; layer "" means IncidentLayer. Empty content gives (nil, nil).
func EncodeContent(t maptile.Tile, content TileContent, layer string) ([]byte, error) {
	if layer == "" {
		layer = IncidentLayer
	}
	fc := geojson.NewFeatureCollection()
	fc.Features = make([]*geojson.Feature, 0, len(content.Clusters)+len(content.Points))
	for _, c := range content.Clusters {
		props := geojson.Properties{
			"cluster":     true,
			"point_count": c.Count,
			"source":      c.Source,
		}
		if c.DateMin != 0 {
			props["date_min"] = DaysToDate(c.DateMin)
			props["date_max"] = DaysToDate(c.DateMax)
		}
		fc.Features = append(fc.Features, &geojson.Feature{
			Type:       "Feature",
			Geometry:   orb.Point{c.Lon, c.Lat},
			Properties: props,
		})
	}
	for i := range content.Points {
		p := &content.Points[i]
		props := geojson.Properties{
			"id":        p.ID,
			"source":    p.Source,
			"role":      p.Role,
			"precision": int(p.Precision),
			"disputed":  p.Disputed,
		}
		if p.Date != 0 {
			props["date"] = DaysToDate(p.Date)
		}
		fc.Features = append(fc.Features, &geojson.Feature{
			Type:       "Feature",
			ID:         p.ID,
			Geometry:   orb.Point{p.Lon, p.Lat},
			Properties: props,
		})
	}
	// The features are built fresh above, so projecting them in place
	// (as orb's pipeline does) cannot touch the caller's data.
	l := mvt.NewLayer(layer, fc)
	l.ProjectToTile(t)
	l.Clip(mvt.MapboxGLDefaultExtentBound)
	l.RemoveEmpty(1, 1)
	if len(l.Features) == 0 {
		return nil, nil
	}
	b, err := mvt.Marshal(mvt.Layers{l})
	if err != nil {
		return nil, fmt.Errorf("encode tile %d/%d/%d: %w", t.Z, t.X, t.Y, err)
	}
	return b, nil
}

func bufferedPoints(t maptile.Tile, points []Point, buffer float64) []Point {
	b := TileBound(t, buffer)
	var out []Point
	for _, p := range points {
		if p.Lon >= b.Min[0] && p.Lon <= b.Max[0] && p.Lat >= b.Min[1] && p.Lat <= b.Max[1] {
			out = append(out, p)
		}
	}
	return out
}

func epochDay(days int32) time.Time {
	return time.Unix(int64(days)*86400, 0).UTC()
}

// TileJSONOptions describes a vector tile source for TileJSON.
type TileJSONOptions struct {
	Name        string
	TilesURL    string    // URL template, e.g. "http://host/tiles/incidents/{z}/{x}/{y}.mvt?source=x"
	MinZoom     int       // 0 by default
	MaxZoom     int       // 0 means MaxZoom
	Bounds      orb.Bound // zero means the whole Mercator world
	Attribution string
	Layer       string // "" means IncidentLayer
}

// TileJSON builds a TileJSON 3.0.0 document for the incident tiles, ready to
// be encoded as JSON.
func TileJSON(opts TileJSONOptions) map[string]any {
	maxZ := opts.MaxZoom
	if maxZ == 0 {
		maxZ = MaxZoom
	}
	layer := opts.Layer
	if layer == "" {
		layer = IncidentLayer
	}
	b := opts.Bounds
	if b.IsZero() {
		b = orb.Bound{Min: orb.Point{-180, -MaxLat}, Max: orb.Point{180, MaxLat}}
	}
	c := b.Center()
	doc := map[string]any{
		"tilejson": "3.0.0",
		"scheme":   "xyz",
		"tiles":    []string{opts.TilesURL},
		"minzoom":  opts.MinZoom,
		"maxzoom":  maxZ,
		"bounds":   []float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]},
		"center":   []float64{c[0], c[1], float64(opts.MinZoom)},
		"vector_layers": []map[string]any{{
			"id":      layer,
			"minzoom": opts.MinZoom,
			"maxzoom": maxZ,
			"fields": map[string]string{
				"id":          "Number",
				"date":        "String",
				"source":      "String",
				"role":        "String",
				"precision":   "Number",
				"disputed":    "Boolean",
				"cluster":     "Boolean",
				"point_count": "Number",
				"date_min":    "String",
				"date_max":    "String",
			},
		}},
	}
	if opts.Name != "" {
		doc["name"] = opts.Name
	}
	if opts.Attribution != "" {
		doc["attribution"] = opts.Attribution
	}
	return doc
}
