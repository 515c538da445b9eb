package server

import (
	"hash/maphash"
	"net/url"
	"sync"

	"github.com/incidentmap/incidentmap/geo/vcache"
)

// defaultCacheBytes is the response cache's budget when
// Server.ResponseCacheBytes is zero: about a hundred 1,000-incident pages,
// well inside the memory target of issue 8 (400 MB under load).
const defaultCacheBytes = 64 << 20

// responseCache keeps encoded responses of read endpoints, keyed by the
// data version and the normalised request, so that an unchanged query
// (a map re-rendered, a dashboard polled, many viewers of one embed) is a
// copy of bytes instead of a database query and an encoding. Every write
// bumps the data version, and the first lookup at a new version drops
// everything cached at older ones, so a cached response is never stale.
//
// The bodies live in a vcache.Map, the one byte-budgeted cache type of
// the project (over budget it drops arbitrary entries, not the least
// recently used); this type adds the admission rule. The zero value is
// ready to use and it is safe for concurrent use.
type responseCache struct {
	budget  int64 // bytes; 0 means defaultCacheBytes, negative disables
	entries vcache.Map[string, []byte]

	mu          sync.Mutex
	seenVersion int64
	seen        map[uint64]struct{} // hashes of keys missed once at seenVersion (admit)
}

// seenMax bounds admit's memory of keys missed once (8 bytes each).
const seenMax = 8192

var seenSeed = maphash.MakeSeed()

// cacheKey normalises a request into a cache key: the path and the
// query parameters in sorted order, so that ?a=1&b=2 and ?b=2&a=1 share
// an entry. The values of a repeated parameter keep their order.
func cacheKey(path string, q url.Values) string {
	return path + "?" + q.Encode()
}

// get returns the body cached for key at version.
func (c *responseCache) get(version int64, key string) ([]byte, bool) {
	return c.entries.Get(version, key)
}

// put caches body (which the cache now owns and nobody may modify) for
// key at version. A body computed at an older version than the newest
// seen, or larger than an eighth of the budget, is not kept.
func (c *responseCache) put(version int64, key string, body []byte) {
	budget := c.limit()
	if int64(len(body)) > budget/8 {
		return
	}
	c.entries.Put(version, budget, key, body, int64(len(body)+len(key)))
}

// admit reports whether a response for key, a miss at version, is worth
// caching: only when the same key missed before. A response asked for
// once (a map view passing by, a box moved by a pixel) would otherwise
// take a copy of up to a megabyte per request and push out the responses
// that are asked for again; under a stream of distinct 1,000-incident
// pages those copies were 40% of the bytes the server allocated.
func (c *responseCache) admit(version int64, key string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if version > c.seenVersion {
		c.seenVersion, c.seen = version, nil
	}
	if c.seenVersion != version || c.limit() <= 0 {
		return false
	}
	h := maphash.String(seenSeed, key)
	if _, ok := c.seen[h]; ok {
		delete(c.seen, h)
		return true
	}
	if c.seen == nil || len(c.seen) >= seenMax {
		c.seen = make(map[uint64]struct{}, 256)
	}
	c.seen[h] = struct{}{}
	return false
}

func (c *responseCache) limit() int64 {
	if c.budget == 0 {
		return defaultCacheBytes
	}
	return c.budget
}

// enabled reports whether responses may be cached at all.
func (c *responseCache) enabled() bool { return c.limit() > 0 }

// drop empties the cache and reports whether it held anything.
func (c *responseCache) drop() bool {
	c.mu.Lock()
	held := len(c.seen) > 0
	c.seen = nil
	c.mu.Unlock()
	return c.entries.Drop() || held
}

// DropCaches empties the response and feature caches and reports whether
// they held anything; serve calls it when idle.
func (s *Server) DropCaches() bool {
	dropped := s.cache.drop()
	return s.features.Drop() || dropped
}
