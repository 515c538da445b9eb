package spatial

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// MinPoints is the table size from which an Index is worth its memory
// (about 40 bytes per incident); smaller tables are fast in SQL.
const MinPoints = 20_000

// Index holds the current Snapshot and decides when it is (re)built: in
// the background when the data version moves on, one build at a time.
// Until a snapshot at the version asked is ready, callers answer from
// their database, so a reader never sees data older than the version it
// asked at.
type Index struct {
	// Load reads a snapshot at the current data version, consistent with
	// the version it carries, or nil when the table holds fewer than
	// minPoints incidents. Set it before the Index is used.
	Load func(ctx context.Context, minPoints int) (*Snapshot, error)

	mu       sync.Mutex
	cur      *Snapshot
	building bool
	// built is closed when the build running (building) ends; nil when
	// none runs, or when a test holds building without a build.
	built chan struct{}
	// smallAt is the last version at which the table was too small to
	// index, so that every query on a small table does not re-count it.
	smallAt int64
	// failedAt is the last version whose build failed, so that readers
	// waiting for a snapshot (Await) stop waiting.
	failedAt int64
}

// Current returns the current snapshot, at whatever version; nil if none.
func (x *Index) Current() *Snapshot {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.cur
}

// At returns the snapshot if it is at version v.
func (x *Index) At(v int64) *Snapshot {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.cur != nil && x.cur.version == v {
		return x.cur
	}
	return nil
}

// Refresh starts a background rebuild unless one is running.
//
// It returns a channel closed when the build running (or just started)
// ends, or nil when there is none: the copy is at v or newer, the table is
// too small at v, or a test holds the Index.
func (x *Index) Refresh(v int64) <-chan struct{} {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.building {
		return x.built
	}
	if (x.cur != nil && x.cur.version >= v) || x.smallAt == v {
		return nil
	}
	built := x.begin()
	go func() {
		start := time.Now()
		s, err := x.Load(context.Background(), MinPoints)
		x.mu.Lock()
		defer x.mu.Unlock()
		x.end(built, s, err, v)
		if err != nil {
			slog.Warn("point cache: load failed; tiles are read from SQL", "err", err)
			return
		}
		if s != nil {
			slog.Debug("point cache loaded", "version", s.version, "points", len(s.recs), "took", time.Since(start))
		}
	}()
	return built
}

// Warm builds the snapshot now, at the data version that version reads
// before the load, unless a build is running (it is then left to finish).
// While it loads, Refresh starts no second build.
func (x *Index) Warm(ctx context.Context, version func(context.Context) (int64, error)) error {
	x.mu.Lock()
	if x.building {
		x.mu.Unlock()
		return nil
	}
	built := x.begin()
	x.mu.Unlock()
	v, err := version(ctx)
	var s *Snapshot
	if err == nil {
		s, err = x.Load(ctx, MinPoints)
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	x.end(built, s, err, v)
	return err
}

// Await returns the snapshot to count from at data version v: the current
// one when it is at v or newer, else the one that a build (running, or
// started now) yields, waited for. nil means answer from the database:
// the table is too small to index, the build failed, or no build gives a
// snapshot at v.
func (x *Index) Await(ctx context.Context, v int64) (*Snapshot, error) {
	// The first wait may be for a build begun before v was published; the
	// second is for one begun after it, which reads v or newer.
	for range 3 {
		x.mu.Lock()
		cur, small := x.cur, x.smallAt == v
		x.mu.Unlock()
		switch {
		case cur != nil && cur.version >= v:
			return cur, nil
		case small:
			return nil, nil
		}
		built := x.Refresh(v)
		if built == nil {
			continue // built meanwhile, or a test holds the Index
		}
		select {
		case <-built:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		x.mu.Lock()
		failed := x.failedAt == v
		x.mu.Unlock()
		if failed {
			return nil, nil // logged by Refresh; the database may still answer
		}
	}
	return nil, nil
}

// begin marks a build as running and returns the channel end closes.
// The caller holds mu.
func (x *Index) begin() chan struct{} {
	x.building = true
	x.built = make(chan struct{})
	return x.built
}

// end publishes the result of the build begun with built, asked at
// version v: s becomes current if it is newer; nil s means the table was
// too small at v. The caller holds mu.
func (x *Index) end(built chan struct{}, s *Snapshot, err error, v int64) {
	x.building = false
	if x.built == built {
		x.built = nil
	}
	defer close(built)
	switch {
	case err != nil:
		x.failedAt = v
	case s == nil:
		x.smallAt = v // too few incidents to be worth indexing
	case x.cur == nil || s.version > x.cur.version:
		x.cur = s
	}
}

// Hold makes s current (nil: none) and keeps builds from replacing it
// until release is called; for tests and benchmarks.
func (x *Index) Hold(s *Snapshot) (release func()) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.cur, x.building = s, true
	return func() {
		x.mu.Lock()
		defer x.mu.Unlock()
		x.building = false
	}
}

// Publish makes s current, whatever its version; for tests.
func (x *Index) Publish(s *Snapshot) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.cur = s
}
