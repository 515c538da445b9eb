package store

import (
	"context"
	"database/sql"
	"sync"

	"github.com/incidentmap/incidentmap/geo"
)

// rowCacheBytes is the row cache's budget: about 25,000 incidents, the
// pages of a few dozen 1,000-incident queries, inside issue 8's 400 MB
// peak with the response cache full.
const rowCacheBytes = 24 << 20

// rowCache keeps incidents read for pages, by id, valid for one data
// version. Reading a 1,000-incident page through go-sqlite3 costs about
// 10 ms (most of it handing over values one cgo call at a time), several
// times what the point-cache walk that picks the page costs. Pages are in
// id order, so every query over an area starts with the same few thousand
// incidents: a map panned or zoomed, or queries whose bbox or filters
// differ slightly, ask for mostly the same rows. The response cache only
// helps when the whole request is the same.
//
// Like the response cache, it drops everything when the data version
// advances, so it never serves a row older than the version asked. The
// zero value is ready to use and it is safe for concurrent use.
type rowCache struct {
	mu      sync.RWMutex
	budget  int64 // bytes; 0 means rowCacheBytes, negative disables
	version int64
	size    int64
	items   map[int64]*geo.Incident
}

// lookup returns the cached incidents among ids (read at version v) in
// out, at ids' positions (nil where it has none), and the ids it does not
// hold. The incidents are the cache's own: nobody may modify them.
func (c *rowCache) lookup(v int64, ids []int64, out []*geo.Incident) (missing []int64) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.version != v || c.items == nil {
		return ids
	}
	for i, id := range ids {
		if inc, ok := c.items[id]; ok {
			out[i] = inc
		} else {
			missing = append(missing, id)
		}
	}
	return missing
}

// add caches incidents read at version v, which from then on nobody may
// modify (they are handed out as they are). Incidents read at an older
// version than the newest seen are not kept; a newer version drops
// everything older. Over budget, arbitrary entries go (Go's map order)
// until a quarter of the budget is free: cheaper than an LRU's
// bookkeeping on every hit, and a page's rows are re-read in one query.
func (c *rowCache) add(v int64, incidents []*geo.Incident) {
	c.mu.Lock()
	defer c.mu.Unlock()
	budget := c.limit()
	if budget <= 0 || len(incidents) == 0 {
		return
	}
	if v > c.version {
		c.version, c.size = v, 0
		clear(c.items)
	}
	if v != c.version {
		return
	}
	if c.items == nil {
		c.items = make(map[int64]*geo.Incident, len(incidents))
	}
	for _, inc := range incidents {
		if _, ok := c.items[inc.ID]; ok {
			continue
		}
		c.items[inc.ID] = inc
		c.size += incidentBytes(inc)
	}
	if c.size > budget {
		for id, inc := range c.items {
			delete(c.items, id)
			c.size -= incidentBytes(inc)
			if c.size <= budget*3/4 {
				break
			}
		}
	}
}

// drop empties the cache and reports whether it held anything.
func (c *rowCache) drop() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	held := len(c.items) > 0
	c.items, c.size = nil, 0
	return held
}

func (c *rowCache) limit() int64 {
	if c.budget == 0 {
		return rowCacheBytes
	}
	return c.budget
}

// incidentBytes estimates the memory one cached incident holds.
func incidentBytes(in *geo.Incident) int64 {
	n := 320 + len(in.Source) + len(in.Place) + len(in.Name) + len(in.CountryCode) + len(in.Admin1) +
		len(in.Sentence) + 8*len(in.ReportIDs)
	for _, s := range in.Sources {
		n += 56 + len(s.Name)
	}
	for _, c := range in.Candidates {
		n += 96 + len(c.Name)
	}
	return int64(n)
}

// SetRowCacheBytes sets the row cache's budget; 0 or less turns it off.
// Call it before the first query.
func (db *DB) SetRowCacheBytes(n int64) {
	db.rows.mu.Lock()
	defer db.rows.mu.Unlock()
	db.rows.budget = n
	if n <= 0 {
		db.rows.budget = -1
		db.rows.items, db.rows.size = nil, 0
	}
}

// firstPage reports whether f asks for the first page of its result, the
// only pages whose rows the row cache keeps: maps and repeated queries ask
// for first pages, while a client paging on (an export walks a million
// incidents by after_id) reads each page once, and keeping those rows
// cost the 1M export 80 MB more memory in garbage and churn.
func firstPage(f geo.IncidentFilter) bool { return f.AfterID == 0 && f.Offset == 0 }

// DropRowCache empties the row cache and reports whether it held
// anything; serve calls it when idle, so that an idle server does not keep
// the rows of its last queries.
func (db *DB) DropRowCache() bool { return db.rows.drop() }

// cachedIncidentsByID is incidentsByID with the row cache: the rows it
// holds at version v (the version tx reads at or after) come from it, the
// others are read and added. The incidents returned may be shared with
// other callers: nobody may modify them (geo.IncidentService says so).
// With a nil tx, a read transaction is begun only if some rows are missing.
// keep says whether the rows read are worth keeping (see firstPage).
func (db *DB) cachedIncidentsByID(ctx context.Context, tx *sql.Tx, v int64, ids []int64, keep bool) ([]*geo.Incident, error) {
	incidents := make([]*geo.Incident, len(ids))
	missing := db.rows.lookup(v, ids, incidents)
	if len(missing) == 0 {
		return incidents, nil
	}
	if tx == nil {
		var err error
		if tx, err = db.beginRead(ctx); err != nil {
			return nil, err
		}
		defer tx.Rollback()
	}
	read, err := db.incidentsByID(ctx, tx, missing)
	if err != nil {
		return nil, err
	}
	if keep {
		db.rows.add(v, read)
	}
	// Fill the gaps with the rows read, both in id order; ids no longer
	// stored are in neither and are dropped.
	out := incidents[:0]
	for i, id := range ids {
		switch {
		case incidents[i] != nil:
			out = append(out, incidents[i])
		case len(read) > 0 && read[0].ID == id:
			out = append(out, read[0])
			read = read[1:]
		}
	}
	return out, nil
}
