package server

import (
	"bytes"
	"sync"

	"github.com/incidentmap/incidentmap/cmd/incidentmap/internal/export"
	"github.com/incidentmap/incidentmap/geo"
)

// defaultFeatureCacheBytes is the feature cache's budget: about 20,000
// encoded incidents.
const defaultFeatureCacheBytes = 16 << 20

// featureCache keeps each incident's encoded GeoJSON Feature, by id, for
// one data version. Encoding was a third of a /api/incidents page's cost
// once the store kept the page's rows in memory (1,000 features, about
// 2 ms); pages are in id order, so requests over one area that the
// response cache cannot answer (a box moved a little, other dates) share
// most of their features. Like the response cache it drops everything
// when the version advances. The zero value is ready; safe for concurrent
// use.
type featureCache struct {
	mu      sync.RWMutex
	budget  int64 // bytes; 0 means defaultFeatureCacheBytes, negative disables
	version int64
	size    int64
	items   map[int64][]byte
}

// appendCollection appends incidents, read at version, as a
// FeatureCollection (export.FeatureCollection's bytes), taking the
// features it holds and, if keep, keeping the others (callers keep first
// pages only, as the store's row cache does).
func (c *featureCache) appendCollection(b []byte, version int64, incidents []*geo.Incident, matched int, keep bool) []byte {
	if c.limit() <= 0 {
		return export.FeatureCollection(b, incidents, matched)
	}
	held := make([][]byte, len(incidents))
	c.mu.RLock()
	if c.version == version {
		for i, in := range incidents {
			held[i] = c.items[in.ID]
		}
	}
	c.mu.RUnlock()
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
		c.add(version, b, fresh, incidents)
	}
	return b
}

// add keeps the features encoded into b at fresh's offsets. Features
// encoded at an older version than the newest seen are not kept; a newer
// version drops the older ones. Over budget, arbitrary entries go until a
// quarter of the budget is free.
func (c *featureCache) add(version int64, b []byte, fresh []int, incidents []*geo.Incident) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if version > c.version {
		c.version, c.size = version, 0
		clear(c.items)
	}
	if version != c.version {
		return
	}
	if c.items == nil {
		c.items = make(map[int64][]byte, len(fresh)/3)
	}
	// A copy per feature, not one block per page: a block would stay
	// whole while any of its features is cached.
	for k := 0; k < len(fresh); k += 3 {
		id := incidents[fresh[k+2]].ID
		if _, ok := c.items[id]; ok {
			continue
		}
		f := bytes.Clone(b[fresh[k]:fresh[k+1]])
		c.items[id] = f
		c.size += int64(len(f)) + 48
	}
	if budget := c.limit(); c.size > budget {
		for id, f := range c.items {
			delete(c.items, id)
			c.size -= int64(len(f)) + 48
			if c.size <= budget*3/4 {
				break
			}
		}
	}
}

// drop empties the cache and reports whether it held anything.
func (c *featureCache) drop() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	held := len(c.items) > 0
	c.items, c.size = nil, 0
	return held
}

func (c *featureCache) limit() int64 {
	if c.budget == 0 {
		return defaultFeatureCacheBytes
	}
	return c.budget
}
