package server

import (
	"context"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/incidentmap/incidentmap/geo"
)

// mockHistogram is a geo.HistogramService with a function field.
type mockHistogram struct {
	HistogramFn func(ctx context.Context, f geo.IncidentFilter, interval string) ([]geo.Bucket, error)
}

var _ geo.HistogramService = (*mockHistogram)(nil)

func (m *mockHistogram) Histogram(ctx context.Context, f geo.IncidentFilter, interval string) ([]geo.Bucket, error) {
	return m.HistogramFn(ctx, f, interval)
}

func sampleBuckets() []geo.Bucket {
	return []geo.Bucket{{Date: day("2020-01-01"), Count: 3}, {Date: day("2020-02-01"), Count: 1}}
}

// TestAggregateResponses pins the JSON the map reads (static/app.js:
// loadSources, loadHistogram), byte for byte as before issue 20.
func TestAggregateResponses(t *testing.T) {
	s, _, _ := newTestServer(t)
	s.Histogram = &mockHistogram{HistogramFn: func(ctx context.Context, f geo.IncidentFilter, interval string) ([]geo.Bucket, error) {
		return sampleBuckets(), nil
	}}
	h := s.Handler()
	for _, tc := range []struct{ target, want string }{
		{"/api/sources", `{"sources":[{"name":"A","kind":"outlet","count":1}]}` + "\n"},
		{"/api/histogram", `{"buckets":[{"date":"2020-01-01","count":3},{"date":"2020-02-01","count":1}],"interval":"month"}` + "\n"},
		{"/api/histogram?interval=week", `{"buckets":[{"date":"2020-01-01","count":3},{"date":"2020-02-01","count":1}],"interval":"week"}` + "\n"},
	} {
		for _, try := range []string{"first", "second (cached)", "third (cached)"} {
			rec := do(t, h, "GET", tc.target, "", nil)
			if rec.Code != 200 || rec.Body.String() != tc.want {
				t.Errorf("%s, %s: status %d body %q, want 200 %q", tc.target, try, rec.Code, rec.Body, tc.want)
			}
			if ct := rec.Header().Get("Content-Type"); ct != "application/json; charset=utf-8" {
				t.Errorf("%s: Content-Type %q", tc.target, ct)
			}
		}
	}
	if rec := do(t, h, "GET", "/api/sources?soruce=A", "", nil); rec.Code != http.StatusBadRequest {
		t.Errorf("unknown parameter: status %d, want 400", rec.Code)
	}
}

// TestAggregatesAreLimited checks that /api/sources and /api/histogram
// count as expensive requests: with every slot taken they get 429 like
// exports and tiles. Before issue 20 they were never limited, and sixteen
// of them at 1M incidents (13–22 s each in SQL) starved every reader.
func TestAggregatesAreLimited(t *testing.T) {
	s, inc, _ := newTestServer(t)
	s.Histogram = &mockHistogram{HistogramFn: func(ctx context.Context, f geo.IncidentFilter, interval string) ([]geo.Bucket, error) {
		return sampleBuckets(), nil
	}}
	entered, release := blockingIncidents(inc)
	h := s.limitExpensiveWith(testLimits(s, 1, 1, 1, 50*time.Millisecond, time.Second))(s.Handler())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		do(t, h, "GET", "/api/incidents?limit=5000", "", nil)
	}()
	<-entered // the one slot is now taken
	for _, target := range []string{"/api/sources", "/api/histogram?interval=day", "/api/sources?bbox=35,32,42,37&from=2020-01-01"} {
		t.Run(target, func(t *testing.T) { mustBeRefused(t, do(t, h, "GET", target, "", nil)) })
	}
	close(release)
	wg.Wait()
	if rec := do(t, h, "GET", "/api/sources", "", nil); rec.Code != 200 {
		t.Errorf("/api/sources with the slot free: status %d, want 200", rec.Code)
	}
}

// TestAggregatesCoalesce checks that identical /api/sources and
// /api/histogram requests at one data version are counted once: those
// arriving while the count runs wait for it (singleflight keyed by data
// version and query), later ones are answered from the response cache,
// and parameters the count ignores do not make another one. A new data
// version counts again.
func TestAggregatesCoalesce(t *testing.T) {
	s, inc, _ := newTestServer(t)
	var sourceCalls, histCalls atomic.Int32
	entered, release := make(chan struct{}, 2), make(chan struct{})
	block := func(ctx context.Context) error {
		select {
		case entered <- struct{}{}:
		default: // a further count: only the first of each is awaited
		}
		select {
		case <-release:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	inc.FindSourcesFn = func(ctx context.Context, f geo.IncidentFilter) ([]geo.SourceCount, error) {
		sourceCalls.Add(1)
		if err := block(ctx); err != nil {
			return nil, err
		}
		return []geo.SourceCount{{Name: "A", Kind: geo.SourceOutlet, Count: 1}}, nil
	}
	s.Histogram = &mockHistogram{HistogramFn: func(ctx context.Context, f geo.IncidentFilter, interval string) ([]geo.Bucket, error) {
		histCalls.Add(1)
		if err := block(ctx); err != nil {
			return nil, err
		}
		return sampleBuckets(), nil
	}}
	h := s.Handler()
	// Within the limiter's DefaultMaxExpensive slots: the clients wait on
	// the shared count, not on the limiter.
	const clients = DefaultMaxExpensive / 2
	targets := []string{"/api/sources?role=incident", "/api/histogram?interval=month&role=incident"}
	bodies := make([][]string, len(targets))
	var wg sync.WaitGroup
	for i, target := range targets {
		bodies[i] = make([]string, clients)
		for c := range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ctx, cancel := context.WithCancel(context.Background())
				if c == 0 {
					// The first client leaves while the count runs: the
					// others still get it.
					ctx, cancel = context.WithTimeout(context.Background(), 50*time.Millisecond)
				}
				defer cancel()
				req, _ := http.NewRequestWithContext(ctx, "GET", target, nil)
				rec := &recorder{header: http.Header{}}
				h.ServeHTTP(rec, req)
				if c != 0 {
					bodies[i][c] = rec.body
				}
			}()
		}
	}
	<-entered
	<-entered
	time.Sleep(200 * time.Millisecond) // every client is waiting on the count
	close(release)
	wg.Wait()
	if n := sourceCalls.Load(); n != 1 {
		t.Errorf("%d concurrent /api/sources requests made %d counts, want 1", clients, n)
	}
	if n := histCalls.Load(); n != 1 {
		t.Errorf("%d concurrent /api/histogram requests made %d counts, want 1", clients, n)
	}
	for i, target := range targets {
		for c := 1; c < clients; c++ {
			if bodies[i][c] == "" || bodies[i][c] != bodies[i][1] {
				t.Errorf("%s client %d: body %q, want the shared %q", target, c, bodies[i][c], bodies[i][1])
			}
		}
	}
	// Later requests, and ones that differ only in parameters the counts
	// ignore, are answered without counting again.
	for _, target := range []string{"/api/sources?role=incident", "/api/sources?role=incident&source=B&source_kind=outlet&limit=5",
		"/api/histogram?role=incident", "/api/histogram?interval=month&role=incident&limit=7&after=3"} {
		if rec := do(t, h, "GET", target, "", nil); rec.Code != 200 {
			t.Errorf("%s: status %d", target, rec.Code)
		}
	}
	if s, h := sourceCalls.Load(), histCalls.Load(); s != 1 || h != 1 {
		t.Errorf("after repeats: %d source counts and %d histogram counts, want 1 and 1", s, h)
	}
	// A write: the next request counts again.
	s.Versions.(*mockVersion).v++
	if rec := do(t, h, "GET", "/api/sources?role=incident", "", nil); rec.Code != 200 || sourceCalls.Load() != 2 {
		t.Errorf("at a new version: status %d, %d counts, want 200 and 2", rec.Code, sourceCalls.Load())
	}
}

// recorder is a minimal http.ResponseWriter safe to read after ServeHTTP
// returns in another goroutine.
type recorder struct {
	header http.Header
	status int
	body   string
}

func (r *recorder) Header() http.Header { return r.header }
func (r *recorder) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
}
func (r *recorder) Write(b []byte) (int, error) {
	r.WriteHeader(http.StatusOK)
	r.body += string(b)
	return len(b), nil
}
