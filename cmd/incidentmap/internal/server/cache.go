package server

import (
	"container/list"
	"hash/maphash"
	"net/url"
	"sync"
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
// It is a byte-budgeted LRU; the zero value is ready to use and it is safe
// for concurrent use.
type responseCache struct {
	mu      sync.Mutex
	budget  int64 // bytes; 0 means defaultCacheBytes, negative disables
	version int64
	size    int64
	lru     list.List // of *cacheEntry, most recently used first
	items   map[string]*list.Element
	seen    map[uint64]struct{} // hashes of keys missed once at version (admit)
}

// seenMax bounds admit's memory of keys missed once (8 bytes each).
const seenMax = 8192

var seenSeed = maphash.MakeSeed()

type cacheEntry struct {
	key  string
	body []byte
}

// cacheKey normalises a request into a cache key: the path and the
// query parameters in sorted order, so that ?a=1&b=2 and ?b=2&a=1 share
// an entry. The values of a repeated parameter keep their order.
func cacheKey(path string, q url.Values) string {
	return path + "?" + q.Encode()
}

// get returns the body cached for key at version.
func (c *responseCache) get(version int64, key string) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.advance(version)
	if c.version != version || c.items == nil {
		return nil, false
	}
	e, ok := c.items[key]
	if !ok {
		return nil, false
	}
	c.lru.MoveToFront(e)
	return e.Value.(*cacheEntry).body, true
}

// put caches body (which the cache now owns and nobody may modify) for
// key at version. A body computed at an older version than the newest
// seen, or larger than an eighth of the budget, is not kept.
func (c *responseCache) put(version int64, key string, body []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	budget := c.limit()
	c.advance(version)
	if c.version != version || int64(len(body)) > budget/8 {
		return
	}
	if c.items == nil {
		c.items = map[string]*list.Element{}
	}
	if e, ok := c.items[key]; ok {
		old := e.Value.(*cacheEntry)
		c.size += int64(len(body) - len(old.body))
		old.body = body
		c.lru.MoveToFront(e)
	} else {
		c.items[key] = c.lru.PushFront(&cacheEntry{key: key, body: body})
		c.size += int64(len(body) + len(key))
	}
	for c.size > budget {
		e := c.lru.Back()
		ent := e.Value.(*cacheEntry)
		c.lru.Remove(e)
		delete(c.items, ent.key)
		c.size -= int64(len(ent.body) + len(ent.key))
	}
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
	c.advance(version)
	if c.version != version || c.limit() <= 0 {
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

// advance drops everything when version is newer than the cached one.
// The caller holds mu.
func (c *responseCache) advance(version int64) {
	if version > c.version {
		c.version = version
		clear(c.items)
		c.lru.Init()
		c.size = 0
		c.seen = nil
	}
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
	defer c.mu.Unlock()
	held := len(c.items) > 0 || len(c.seen) > 0
	c.items, c.size, c.seen = nil, 0, nil
	c.lru.Init()
	return held
}

// DropCaches empties the response and feature caches and reports whether
// they held anything; serve calls it when idle.
func (s *Server) DropCaches() bool {
	dropped := s.cache.drop()
	return s.features.Drop() || dropped
}
