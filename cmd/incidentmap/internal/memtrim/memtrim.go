// Package memtrim is the serve command's memory policy: the runtime's soft
// memory limit, and returning an idle server's garbage and caches to the
// OS. It knows the Go runtime, not the server: the caches come as a func.
package memtrim

import (
	"context"
	"log/slog"
	"os"
	"runtime/debug"
	"runtime/metrics"
	"time"
)

// Memory policy of the server. The soft limit keeps the heap, and so the
// peak RSS under load, bounded (issue 8's target: 400 MB at a million
// incidents; 302 MB measured under its load runs). The soft limit cannot
// bound what requests hold live: a burst of 16 maximal /map.png peaked at
// 1.6 GB until renders got a byte budget (server/limits.go), and measured
// 302–339 MB with it (issue 20). The idle trim returns a background
// build's garbage to the OS.
const (
	// defaultMemoryLimit is the Go runtime's soft memory limit, in bytes,
	// unless GOMEMLIMIT sets one: about three times what the server holds
	// at a million incidents (gazetteer 48 MB, tiles' point cache 35 MB).
	defaultMemoryLimit = 256 << 20
	// trimEvery is how often the server checks for memory to return.
	trimEvery = 10 * time.Second
	// idleAllocs is how many bytes the server may allocate in trimEvery
	// and still count as idle.
	idleAllocs = 4 << 20
	// trimMin is how many bytes of garbage and free heap an idle server
	// must hold before returning them is worth a full collection.
	trimMin = 32 << 20
)

// SetLimit sets the runtime's soft memory limit to
// defaultMemoryLimit, or to twice live bytes if that is more, unless the
// GOMEMLIMIT environment variable has set one.
func SetLimit(live uint64, log *slog.Logger) {
	if os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	limit := max(int64(defaultMemoryLimit), 2*int64(live))
	if debug.SetMemoryLimit(limit) != limit {
		log.Debug("memory limit", "MiB", limit>>20, "live_MiB", live>>20)
	}
}

// memSample is what WhenIdle reads from runtime/metrics.
type memSample struct {
	allocs uint64 // bytes allocated since the process started
	spare  uint64 // heap bytes held beyond live objects: garbage, unused, free
}

var memMetrics = []string{
	"/gc/heap/allocs:bytes",
	"/memory/classes/heap/objects:bytes",
	"/gc/heap/live:bytes",
	"/memory/classes/heap/unused:bytes",
	"/memory/classes/heap/free:bytes",
}

func readMemSample() memSample {
	ss := make([]metrics.Sample, len(memMetrics))
	for i, name := range memMetrics {
		ss[i].Name = name
	}
	metrics.Read(ss)
	v := func(i int) uint64 {
		if ss[i].Value.Kind() != metrics.KindUint64 {
			return 0
		}
		return ss[i].Value.Uint64()
	}
	objects, live := v(1), v(2)
	return memSample{allocs: v(0), spare: objects - min(objects, live) + v(3) + v(4)}
}

// LiveHeap returns the bytes of heap objects marked live by the last
// garbage collection.
func LiveHeap() uint64 {
	ss := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(ss)
	if ss[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return ss[0].Value.Uint64()
}

// shouldTrim reports whether the server, sampled at prev and then cur,
// has been idle in between while holding at least trimMin spare bytes.
func shouldTrim(prev, cur memSample) bool {
	return cur.allocs-prev.allocs < idleAllocs && cur.spare >= trimMin
}

// WhenIdle returns the heap's garbage and free memory to the OS
// whenever the server is idle with enough of it, until ctx ends. Builds in
// the background (the gazetteer; the tiles' point cache and cluster
// pyramids, again after every ingest) leave several times their result as
// garbage. An idle server runs no collection to free it, and the runtime's
// scavenger only returns memory beyond the heap goal, twice the live heap,
// so without this the idle RSS would stay at the peak of the last build.
//
// An idle server also drops its caches of responses and rows (dropCaches
// reports whether they held anything): they serve bursts of similar
// requests, and would otherwise keep up to ~90 MB of an idle server's
// memory for requests that may never come.
func WhenIdle(ctx context.Context, log *slog.Logger, dropCaches func() bool) {
	t := time.NewTicker(trimEvery)
	defer t.Stop()
	prev := readMemSample()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		cur := readMemSample()
		if cur.allocs-prev.allocs < idleAllocs && dropCaches() {
			debug.FreeOSMemory()
			log.Debug("idle: caches dropped, heap returned to the OS")
			cur = readMemSample()
		} else if shouldTrim(prev, cur) {
			debug.FreeOSMemory()
			log.Debug("idle: heap returned to the OS", "MiB", cur.spare>>20)
			cur = readMemSample()
		}
		prev = cur
	}
}
