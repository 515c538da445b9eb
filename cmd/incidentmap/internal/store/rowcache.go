package store

import (
	"context"
	"database/sql"
	"sync/atomic"

	"github.com/incidentmap/incidentmap/geo"
	"github.com/incidentmap/incidentmap/geo/vcache"
)

// rowCacheBytes is the row cache's budget: about 25,000 incidents, the
// pages of a few dozen 1,000-incident queries, inside issue 8's 400 MB
// peak with the response cache full.
const rowCacheBytes = 24 << 20

// rowCache keeps incidents read for pages, by id, valid for one data
// version (vcache.Map). Reading a 1,000-incident page through go-sqlite3
// costs about 10 ms (most of it handing over values one cgo call at a
// time), several times what the point-cache walk that picks the page
// costs. Pages are in id order, so every query over an area starts with
// the same few thousand incidents: a map panned or zoomed, or queries
// whose bbox or filters differ slightly, ask for mostly the same rows. The
// response cache only helps when the whole request is the same.
//
// The incidents are handed out as they are: nobody may modify them.
type rowCache struct {
	vcache.Map[int64, *geo.Incident]
	budget atomic.Int64 // bytes; 0 means rowCacheBytes, negative disables
}

func (c *rowCache) limit() int64 {
	if b := c.budget.Load(); b != 0 {
		return b
	}
	return rowCacheBytes
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
func (db *DB) SetRowCacheBytes(n int64) {
	if n <= 0 {
		n = -1
		db.rows.Drop()
	}
	db.rows.budget.Store(n)
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
func (db *DB) DropRowCache() bool { return db.rows.Drop() }

// cachedIncidentsByID is incidentsByID with the row cache: the rows it
// holds at version v (the version tx reads at or after) come from it, the
// others are read and added. The incidents returned may be shared with
// other callers: nobody may modify them (geo.IncidentService says so).
// With a nil tx, a read transaction is begun only if some rows are missing.
// keep says whether the rows read are worth keeping (see firstPage).
func (db *DB) cachedIncidentsByID(ctx context.Context, tx *sql.Tx, v int64, ids []int64, keep bool) ([]*geo.Incident, error) {
	incidents := make([]*geo.Incident, len(ids))
	missing := db.rows.Lookup(v, ids, incidents)
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
		readIDs := make([]int64, len(read))
		for i, in := range read {
			readIDs[i] = in.ID
		}
		db.rows.Add(v, db.rows.limit(), readIDs, func(i int) (*geo.Incident, int64) { return read[i], incidentBytes(read[i]) })
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
