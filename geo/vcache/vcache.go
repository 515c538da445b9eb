// Package vcache is the project's one byte-budgeted cache type: a map of
// values by key, valid for one data version and bounded by the bytes its
// values hold. The store's row cache, the server's feature and response
// caches and the base map's tile cache (always at version 0) are all one.
// A value read at a version is only ever returned for that version, and
// the first value added at a newer version drops everything older, so
// nothing cached is ever stale.
//
// Over budget, arbitrary entries go (Go's map order) until a quarter of
// the budget is free: cheaper than an LRU's bookkeeping on every hit, and
// what these caches hold (the rows of first pages) is cheap to read again.
package vcache

import "sync"

// Map holds values by key (an incident id, a request) for one data
// version. The zero value is ready to use; it is safe for concurrent use.
type Map[K comparable, V any] struct {
	mu      sync.RWMutex
	version int64
	size    int64
	items   map[K]entry[V]
}

type entry[V any] struct {
	v    V
	size int64
}

// Lookup sets out[i] to the value held for ids[i] at version and returns
// the ids it does not hold; out must have room for len(ids) values.
func (m *Map[K, V]) Lookup(version int64, ids []K, out []V) (missing []K) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if m.version != version || m.items == nil {
		return ids
	}
	for i, id := range ids {
		if e, ok := m.items[id]; ok {
			out[i] = e.v
		} else {
			missing = append(missing, id)
		}
	}
	return missing
}

// Add keeps, for each of ids not yet held, the value and size that value
// returns for its index, all read at version, within budget bytes in all.
// Values read at an older version than the newest seen are not kept.
func (m *Map[K, V]) Add(version, budget int64, ids []K, value func(i int) (V, int64)) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if budget <= 0 || len(ids) == 0 {
		return
	}
	if !m.at(version) {
		return
	}
	if m.items == nil {
		m.items = make(map[K]entry[V], len(ids))
	}
	for i, id := range ids {
		if _, ok := m.items[id]; ok {
			continue
		}
		v, size := value(i)
		m.items[id] = entry[V]{v, size}
		m.size += size
	}
	m.trim(budget)
}

// Get returns the value held for key at version. Asking at a newer
// version than the map's drops everything it holds.
func (m *Map[K, V]) Get(version int64, key K) (V, bool) {
	m.mu.RLock()
	e, ok := m.items[key]
	mv := m.version
	m.mu.RUnlock()
	if version > mv {
		m.mu.Lock()
		m.at(version)
		m.mu.Unlock()
	}
	if mv != version || !ok {
		var zero V
		return zero, false
	}
	return e.v, true
}

// Put keeps v, of size bytes, for key at version (replacing what key
// held), within budget bytes in all. A value read at an older version than
// the newest seen is not kept.
func (m *Map[K, V]) Put(version, budget int64, key K, v V, size int64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if budget <= 0 || size > budget || !m.at(version) {
		return
	}
	if m.items == nil {
		m.items = map[K]entry[V]{}
	}
	if old, ok := m.items[key]; ok {
		m.size -= old.size
	}
	m.items[key] = entry[V]{v, size}
	m.size += size
	if m.size > budget {
		// Make room among the others: the value just put is the one
		// about to be asked for again.
		delete(m.items, key)
		m.size -= size
		m.trim(budget - size)
		m.items[key] = entry[V]{v, size}
		m.size += size
	}
}

// at moves the map on to version when it is newer, dropping everything,
// and reports whether the map is at version. The caller holds mu.
func (m *Map[K, V]) at(version int64) bool {
	if version > m.version {
		m.version, m.size = version, 0
		clear(m.items)
	}
	return version == m.version
}

// trim drops entries until the map is within budget. The caller holds mu.
func (m *Map[K, V]) trim(budget int64) {
	if m.size > budget {
		for id, e := range m.items {
			delete(m.items, id)
			m.size -= e.size
			if m.size <= budget*3/4 {
				break
			}
		}
	}
}

// Drop empties the map and reports whether it held anything.
func (m *Map[K, V]) Drop() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	held := len(m.items) > 0
	m.items, m.size = nil, 0
	return held
}

// Len returns how many values the map holds, and their bytes.
func (m *Map[K, V]) Len() (n int, bytes int64) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return len(m.items), m.size
}
