package server

import (
	"context"
	"fmt"
	"net/url"
	"testing"

	"github.com/incidentmap/incidentmap/geo"
)

func TestResponseCache(t *testing.T) {
	t.Run("hit at the same version, miss after a write", func(t *testing.T) {
		var c responseCache
		c.put(3, "k", []byte("v3"))
		if got, ok := c.get(3, "k"); !ok || string(got) != "v3" {
			t.Fatalf("get(3) = %q, %v, want v3, true", got, ok)
		}
		if _, ok := c.get(4, "k"); ok {
			t.Fatal("get(4) hit a body cached at version 3")
		}
		if _, ok := c.get(3, "k"); ok {
			t.Fatal("get(3) hit after version 4 was seen: old entries must be dropped")
		}
	})
	t.Run("drop empties it, and it still works after", func(t *testing.T) {
		var c responseCache
		if c.drop() {
			t.Fatal("an empty cache says it held something")
		}
		c.put(3, "k", []byte("v3"))
		if _, size := c.entries.Len(); !c.drop() || size == 0 {
			t.Fatalf("drop: held %d bytes before, want some, and drop to say so", size)
		}
		if n, _ := c.entries.Len(); n != 0 {
			t.Fatalf("drop: %d entries after", n)
		}
		if _, ok := c.get(3, "k"); ok {
			t.Fatal("a body survived drop")
		}
		c.put(3, "k", []byte("again"))
		if got, ok := c.get(3, "k"); !ok || string(got) != "again" {
			t.Fatalf("after drop: get = %q, %v", got, ok)
		}
	})
	t.Run("admit: a key is worth caching from its second miss", func(t *testing.T) {
		var c responseCache
		if c.admit(1, "a") {
			t.Fatal("admitted on the first miss")
		}
		if c.admit(1, "b") {
			t.Fatal("another key admitted on its first miss")
		}
		if !c.admit(1, "a") {
			t.Fatal("not admitted on the second miss")
		}
		if c.admit(2, "b") {
			t.Fatal("a miss seen at version 1 admitted at version 2")
		}
		for i := range seenMax + 10 { // the memory of misses stays bounded
			c.admit(2, fmt.Sprint(i))
		}
		if len(c.seen) > seenMax {
			t.Fatalf("%d misses remembered, at most %d", len(c.seen), seenMax)
		}
		if (&responseCache{budget: -1}).admit(1, "a") {
			t.Fatal("a disabled cache admitted")
		}
	})
	t.Run("a body computed at an older version is not kept", func(t *testing.T) {
		var c responseCache
		c.get(5, "other")
		c.put(4, "k", []byte("old"))
		if _, ok := c.get(5, "k"); ok {
			t.Fatal("get(5) returned a body computed at version 4")
		}
	})
	t.Run("byte budget bounds what it holds", func(t *testing.T) {
		c := responseCache{budget: 800}
		body := make([]byte, 99) // +1 byte of key: 100 per entry
		for i := range 8 {
			c.put(1, fmt.Sprint(i), body)
		}
		if n, size := c.entries.Len(); n != 8 || size != 800 {
			t.Fatalf("8 entries of 100 bytes in a budget of 800: %d entries, %d bytes", n, size)
		}
		c.put(1, "8", body)
		if _, ok := c.get(1, "8"); !ok {
			t.Error("the entry just put was evicted")
		}
		if n, size := c.entries.Len(); size > 800 || n > 8 {
			t.Errorf("%d entries, %d bytes, want within the budget of 800", n, size)
		}
	})
	t.Run("oversized bodies and a disabled cache keep nothing", func(t *testing.T) {
		c := responseCache{budget: 800}
		c.put(1, "big", make([]byte, 101))
		if _, ok := c.get(1, "big"); ok {
			t.Error("kept a body over an eighth of the budget")
		}
		off := responseCache{budget: -1}
		if off.enabled() {
			t.Error("negative budget: enabled() = true, want false")
		}
	})
}

func TestCacheKeyNormalisesOrder(t *testing.T) {
	a, _ := url.ParseQuery("bbox=1,2,3,4&limit=10&source=a&source=b")
	b, _ := url.ParseQuery("limit=10&source=a&bbox=1,2,3,4&source=b")
	if cacheKey("/api/incidents", a) != cacheKey("/api/incidents", b) {
		t.Errorf("keys differ for the same parameters in another order: %q vs %q",
			cacheKey("/api/incidents", a), cacheKey("/api/incidents", b))
	}
}

func TestIncidentListCachedByVersion(t *testing.T) {
	s, inc, _ := newTestServer(t)
	h := s.Handler()
	calls := 0
	find := inc.FindIncidentsFn
	inc.FindIncidentsFn = func(ctx context.Context, f geo.IncidentFilter) ([]*geo.Incident, int, error) {
		calls++
		return find(ctx, f)
	}
	// Cached from its second miss on (admit): the third asking is a hit.
	first := do(t, h, "GET", "/api/incidents?limit=5&bbox=30,30,40,40", "", nil)
	second := do(t, h, "GET", "/api/incidents?limit=5&bbox=30,30,40,40", "", nil)
	again := do(t, h, "GET", "/api/incidents?bbox=30,30,40,40&limit=5", "", nil)
	if calls != 2 {
		t.Errorf("FindIncidents called %d times for one query asked three times, want 2", calls)
	}
	if first.Header().Get("X-Cache") != "miss" || second.Header().Get("X-Cache") != "miss" || again.Header().Get("X-Cache") != "hit" {
		t.Errorf("X-Cache = %q, %q then %q, want miss, miss then hit", first.Header().Get("X-Cache"),
			second.Header().Get("X-Cache"), again.Header().Get("X-Cache"))
	}
	if again.Body.String() != first.Body.String() || again.Header().Get("Content-Type") != first.Header().Get("Content-Type") {
		t.Error("cached response differs from the first one")
	}
	s.Versions.(*mockVersion).v++
	if rec := do(t, h, "GET", "/api/incidents?limit=5&bbox=30,30,40,40", "", nil); rec.Header().Get("X-Cache") != "miss" || calls != 3 {
		t.Errorf("after a write: X-Cache %q, calls %d, want miss and a new query", rec.Header().Get("X-Cache"), calls)
	}
	if rec := do(t, h, "GET", "/api/incidents?limit=5&bbox=30,30,40,40&soruce=x", "", nil); rec.Code != 400 {
		t.Errorf("bad parameter on a cached query: status %d, want 400 (validation runs before the cache)", rec.Code)
	}
}
