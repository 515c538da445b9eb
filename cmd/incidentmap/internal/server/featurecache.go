package server

import (
	"bytes"

	"github.com/incidentmap/incidentmap/cmd/incidentmap/internal/export"
	"github.com/incidentmap/incidentmap/geo"
	"github.com/incidentmap/incidentmap/geo/vcache"
)

// defaultFeatureCacheBytes is the feature cache's budget: about 20,000
// encoded incidents.
const defaultFeatureCacheBytes = 16 << 20

// featureCache keeps each incident's encoded GeoJSON Feature, by id, for
// one data version (vcache.Map). Encoding was a third of a /api/incidents
// page's cost once the store kept the page's rows in memory (1,000
// features, about 2 ms); pages are in id order, so requests over one area
// that the response cache cannot answer (a box moved a little, other
// dates) share most of their features. The zero value is ready; safe for
// concurrent use.
type featureCache struct {
	vcache.Map[int64, []byte]
	budget int64 // bytes; 0 means defaultFeatureCacheBytes, negative disables
}

// appendCollection appends incidents, read at version, as a
// FeatureCollection (export.FeatureCollection's bytes), taking the
// features it holds and, if keep, keeping the others (callers keep first
// pages only, as the store's row cache does).
func (c *featureCache) appendCollection(b []byte, version int64, incidents []*geo.Incident, matched int, keep bool) []byte {
	budget := c.budget
	if budget == 0 {
		budget = defaultFeatureCacheBytes
	}
	if budget < 0 {
		return export.FeatureCollection(b, incidents, matched)
	}
	ids := make([]int64, len(incidents))
	for i, in := range incidents {
		ids[i] = in.ID
	}
	held := make([][]byte, len(incidents))
	c.Lookup(version, ids, held)
	var fresh []int // offsets in b of the features encoded now: start, end, index
	b = export.FeatureCollectionOf(b, len(incidents), matched, func(b []byte, i int) []byte {
		if held[i] != nil {
			return append(b, held[i]...)
		}
		start := len(b)
		b = export.AppendFeature(b, incidents[i])
		fresh = append(fresh, start, len(b), i)
		return b
	})
	if keep && len(fresh) > 0 {
		freshIDs := make([]int64, 0, len(fresh)/3)
		for k := 0; k < len(fresh); k += 3 {
			freshIDs = append(freshIDs, ids[fresh[k+2]])
		}
		// A copy per feature, not slices of b (reused by the next request)
		// nor one block per page (kept whole while any feature is cached).
		c.Add(version, budget, freshIDs, func(j int) ([]byte, int64) {
			f := bytes.Clone(b[fresh[3*j]:fresh[3*j+1]])
			return f, int64(len(f)) + 48
		})
	}
	return b
}
