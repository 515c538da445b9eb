package geoload

import (
	"context"
	"errors"
	"testing"

	"github.com/incidentmap/incidentmap/geo"
	"github.com/incidentmap/incidentmap/geo/gazetteer"
)

func TestGeoLoadWait(t *testing.T) {
	loadErr := errors.New("disk on fire")
	parts := &Parts{}
	tests := []struct {
		name    string
		done    bool
		parts   *Parts
		err     error
		ctxDone bool
		want    *Parts
		wantErr error
	}{
		{name: "loaded", done: true, parts: parts, want: parts},
		{name: "load failed", done: true, err: loadErr, wantErr: loadErr},
		{name: "still loading, request gone", ctxDone: true, wantErr: context.Canceled},
		{name: "loaded beats a cancelled context", done: true, parts: parts, ctxDone: true, want: parts},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := &Load{done: make(chan struct{}), parts: tt.parts, err: tt.err}
			if tt.done {
				close(l.done)
			}
			ctx, cancel := context.WithCancel(context.Background())
			if tt.ctxDone {
				cancel()
			}
			defer cancel()
			got, err := l.Wait(ctx)
			if got != tt.want || !errors.Is(err, tt.wantErr) || (tt.wantErr == nil) != (err == nil) {
				t.Errorf("Wait=(%p, %v), want (%p, %v)", got, err, tt.want, tt.wantErr)
			}
			if l.Loaded() != tt.done {
				t.Errorf("Loaded()=%v, want %v", l.Loaded(), tt.done)
			}
		})
	}
}

func TestGeoLoadHealth(t *testing.T) {
	b := gazetteer.NewBuilder(1)
	b.Add(&geo.Place{GeonameID: 1, Name: "Idlib", Lat: 35.9, Lon: 36.6, CountryCode: "SY", FeatureClass: "P"})
	full, empty := b.Build(), gazetteer.NewBuilder(0).Build()
	tests := []struct {
		name    string
		done    bool
		parts   *Parts
		err     error
		wantErr string // "" for healthy
	}{
		{name: "still loading: requests wait for it", done: false},
		{name: "loaded", done: true, parts: &Parts{Gazetteer: full}},
		{name: "load failed", done: true, err: geo.Errorf(geo.EINVALID, "cities500.txt: line 3: bad coordinates"),
			wantErr: "gazetteer not loaded: every ingest fails: cities500.txt: line 3: bad coordinates"},
		{name: "load failed, not a domain error", done: true, err: errors.New("database disk image is malformed"),
			wantErr: "gazetteer not loaded: every ingest fails: database disk image is malformed"},
		{name: "no places", done: true, parts: &Parts{Gazetteer: empty},
			wantErr: "the gazetteer holds no places: ingest finds none"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := &Load{done: make(chan struct{}), parts: tt.parts, err: tt.err}
			if tt.done {
				close(l.done)
			}
			err := l.Health(context.Background())
			if got := geo.ErrorMessage(err); got != tt.wantErr {
				t.Errorf("Health() = %q (%v), want %q", got, err, tt.wantErr)
			}
		})
	}
}
