package geoparse

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/incidentmap/incidentmap/geo"
	"github.com/incidentmap/incidentmap/geo/internal/geotest"
)

// TestParseContextStopsWhenCancelled: a client that leaves must not keep
// a core busy (issue 20). Parsing a long report stops within a second of
// its context ending, with the context's error.
func TestParseContextStopsWhenCancelled(t *testing.T) {
	p := NewParser(geotest.DefaultGazetteer(t))
	// Just under MaxReportPlaces places: some 100 ms of work on a fast
	// machine, far more than the 20 ms before the cancel.
	text := strings.Repeat("Shelling hit Saraqib, Binnish and Ariha. ", MaxReportPlaces/3-1)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := p.ParseContext(ctx, text)
		done <- err
	}()
	time.Sleep(20 * time.Millisecond)
	cancel()
	cancelled := time.Now()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("ParseContext after cancel: %v, want context.Canceled", err)
		}
	case <-time.After(time.Second):
		t.Fatalf("ParseContext still running %v after its context was cancelled", time.Since(cancelled))
	}

	// An already-ended context stops before any work.
	if _, err := p.ParseContext(ctx, text); !errors.Is(err, context.Canceled) {
		t.Errorf("ParseContext with a cancelled context: %v, want context.Canceled", err)
	}
}

// TestParseContextRefusesTooManyPlaces: the work per report is capped, with
// an error that names the limit.
func TestParseContextRefusesTooManyPlaces(t *testing.T) {
	p := NewParser(geotest.FuzzGazetteer())
	text := strings.Repeat("Shelling hit Saraqib, Idlib and Homs. ", MaxReportPlaces/3+1)
	_, err := p.ParseContext(context.Background(), text)
	if geo.ErrorCode(err) != geo.ETOOLARGE || !strings.Contains(geo.ErrorMessage(err), "the limit per report") {
		t.Fatalf("ParseContext of %d places: %v, want too_large naming the limit", MaxReportPlaces+3, err)
	}
	// Parse (trusted input: evaluation, the CLI) has no cap.
	if got := len(p.Parse(text)); got <= MaxReportPlaces {
		t.Errorf("Parse found %d places, want all %d", got, MaxReportPlaces+3)
	}
	ok := strings.Repeat("Shelling hit Saraqib, Idlib and Homs. ", 10)
	if tops, err := p.ParseContext(context.Background(), ok); err != nil || len(tops) != 30 {
		t.Errorf("ParseContext of 30 places: %d places, %v", len(tops), err)
	}
}
