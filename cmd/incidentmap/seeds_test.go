package main

import (
	"net/url"
	"strings"
	"testing"

	"github.com/incidentmap/incidentmap/geo"
)

// TestSeedsEndToEnd is issue 2's acceptance check: two seed reports ingested
// from the command line with different sources, then queried over HTTP.
func TestSeedsEndToEnd(t *testing.T) {
	seedA := seedPath(t, "000_8d61b3b92a4442ba.txt")
	seedB := seedPath(t, "002_aea83830c4712770.txt")
	db := mustCopyTemplateDB(t)
	nm := "../../node_modules"
	outA := mustRun(t, "ingest", "--db", db, "--assets", nm, "--source", "A", seedA)
	mustRun(t, "ingest", "--db", db, "--assets", nm, "--source", "B", seedB)
	if !strings.Contains(outA, "Idlib") {
		t.Errorf("ingest output does not name Idlib:\n%s", outA)
	}
	// Ingesting the same file again stores nothing new.
	again := mustRun(t, "ingest", "--db", db, "--assets", nm, "--source", "A", seedA)
	if !strings.Contains(again, "already stored") {
		t.Errorf("second ingest of the same file: %s", again)
	}
	base := mustRunServerDB(t, db, false)

	get := func(query string) featureCollection {
		t.Helper()
		var fc featureCollection
		mustGetJSON(t, base+"/api/incidents?"+query, 200, &fc)
		return fc
	}
	near := func(fc featureCollection, lat, lon, km float64, date string) []feature {
		var out []feature
		for _, f := range fc.Features {
			c := f.Geometry.Coordinates
			if geo.HaversineKm(c[1], c[0], lat, lon) <= km && (date == "" || f.Properties["date"] == date) {
				out = append(out, f)
			}
		}
		return out
	}

	all := get("")
	if len(all.Features) == 0 {
		t.Fatal("no incidents")
	}
	if got := near(all, 35.93, 36.63, 25, "2020-01-23"); len(got) == 0 {
		t.Errorf("no Idlib incident within 25 km of 35.93N 36.63E dated 2020-01-23; have %v", all.Features)
	}
	if got := near(all, 35.74, 37.04, 10, "2019-01-23"); len(got) == 0 {
		t.Errorf("no Abu al-Duhur incident within 10 km dated 2019-01-23; have %v", all.Features)
	}
	withMentions := get("role=all")
	if got := near(withMentions, 25.36, 55.39, 300, ""); len(got) > 0 {
		t.Errorf("features near Sharjah: %v", got)
	}
	for _, f := range withMentions.Features {
		for _, k := range []string{"place", "name"} {
			if s, _ := f.Properties[k].(string); strings.Contains(strings.ToLower(s), "turkest") {
				t.Errorf("feature for Turkestan: %v", f)
			}
		}
	}
	for _, f := range get("from=2020-01-01").Features {
		if d := f.Properties["date"].(string); d < "2020-01-01" {
			t.Errorf("from=2020-01-01 kept %s dated %s", f, d)
		}
	}
	onlyB := get("source=B")
	if len(onlyB.Features) == 0 {
		t.Error("source=B returned nothing")
	}
	for _, f := range onlyB.Features {
		if d := f.Properties["date"].(string); !strings.HasPrefix(d, "2019") {
			t.Errorf("source=B kept %s dated %s", f, d)
		}
	}
	box := get("bbox=" + url.QueryEscape("36.9,35.6,37.2,35.9"))
	if len(near(box, 35.74, 37.04, 10, "")) == 0 {
		t.Errorf("bbox around Abu al-Duhur misses it: %v", box.Features)
	}
	if len(near(box, 35.93062, 36.63393, 2, "")) > 0 {
		t.Errorf("bbox around Abu al-Duhur returns Idlib city: %v", box.Features)
	}
	var e map[string]string
	mustGetJSON(t, base+"/api/incidents?from=2020-13-45", 400, &e)
	if !strings.Contains(e["error"], "from") || e["param"] != "from" {
		t.Errorf("bad from: error %q param %q, want both to name from", e["error"], e["param"])
	}
	var src struct {
		Sources []struct {
			Name  string
			Kind  string
			Count int
		}
	}
	mustGetJSON(t, base+"/api/sources", 200, &src)
	seen := map[string]bool{}
	for _, s := range src.Sources {
		if s.Kind == "outlet" {
			seen[s.Name] = s.Count > 0
		}
	}
	if !seen["A"] || !seen["B"] {
		t.Errorf("/api/sources outlets = %+v, want A and B with counts", src.Sources)
	}
}
