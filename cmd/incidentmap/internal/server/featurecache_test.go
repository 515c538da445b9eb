package server

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"github.com/incidentmap/incidentmap/cmd/incidentmap/internal/export"
	"github.com/incidentmap/incidentmap/geo"
)

func testIncidents(ids ...int64) []*geo.Incident {
	var out []*geo.Incident
	for _, id := range ids {
		out = append(out, &geo.Incident{ID: id, Place: fmt.Sprintf("Place %d <b>", id), Lat: 35 + float64(id)/100, Lon: 36,
			Date: time.Date(2020, 1, int(id%28)+1, 0, 0, 0, 0, time.UTC), Role: geo.RoleIncident, Sentence: "A sentence."})
	}
	return out
}

// TestFeatureCache_SameBytes checks that collections built from cached
// features, fresh ones and a mix are byte for byte what
// export.FeatureCollection writes, and that a new data version is not
// answered with the old version's features.
func TestFeatureCache_SameBytes(t *testing.T) {
	var c featureCache
	for _, step := range []struct {
		name    string
		version int64
		ids     []int64
		held    int // features the cache should hold after the step
	}{
		{"all fresh", 1, []int64{1, 2, 3}, 3},
		{"all cached", 1, []int64{1, 2, 3}, 3},
		{"mixed", 1, []int64{2, 4, 5}, 5},
		{"empty", 1, nil, 5},
		{"new version", 2, []int64{1, 2}, 2},
		{"older version not kept", 1, []int64{7}, 2},
		{"a later page not kept", 2, []int64{8, 9}, 2},
	} {
		t.Run(step.name, func(t *testing.T) {
			incs := testIncidents(step.ids...)
			if step.version == 2 {
				incs[0].Place = "Moved by a review" // what version 2 changed
			}
			got := c.appendCollection([]byte("prefix"), step.version, incs, 42, step.name != "a later page not kept")
			want := export.FeatureCollection([]byte("prefix"), incs, 42)
			if !bytes.Equal(got, want) {
				t.Fatalf("got\n%s\nwant\n%s", got, want)
			}
			if n, _ := c.Len(); n != step.held {
				t.Errorf("cache holds %d features, want %d", n, step.held)
			}
		})
	}
}

func TestFeatureCache_BudgetAndDrop(t *testing.T) {
	one := int64(len(export.AppendFeature(nil, testIncidents(1)[0]))) + 48
	c := featureCache{budget: 10 * one}
	var ids []int64
	for id := range int64(50) {
		ids = append(ids, id+1)
	}
	c.appendCollection(nil, 1, testIncidents(ids...), 50, true)
	if n, size := c.Len(); size > c.budget || n == 0 || n >= 50 {
		t.Fatalf("%d features, %d bytes, budget %d", n, size, c.budget)
	}
	if !c.Drop() {
		t.Error("Drop said it held nothing")
	}
	if n, size := c.Len(); n != 0 || size != 0 {
		t.Error("Drop left features behind")
	}
	off := featureCache{budget: -1}
	if got, want := off.appendCollection(nil, 1, testIncidents(1), 1, true), export.FeatureCollection(nil, testIncidents(1), 1); !bytes.Equal(got, want) {
		t.Error("a disabled cache changed the output")
	}
	if n, _ := off.Len(); n != 0 {
		t.Error("a disabled cache kept features")
	}
}
