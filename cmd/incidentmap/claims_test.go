package main

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/incidentmap/incidentmap/geo"
)

type sourceJSON struct {
	Name   string `json:"name"`
	Kind   string `json:"kind"`
	Stance string `json:"stance"`
}

func sourcesOf(f feature) []sourceJSON {
	var out []sourceJSON
	list, _ := f.Properties["sources"].([]any)
	for _, x := range list {
		m := x.(map[string]any)
		out = append(out, sourceJSON{Name: m["name"].(string), Kind: m["kind"].(string), Stance: m["stance"].(string)})
	}
	return out
}

func hasSource(f feature, name, kind, stance string) bool {
	for _, s := range sourcesOf(f) {
		if s.Name == name && s.Kind == kind && s.Stance == stance {
			return true
		}
	}
	return false
}

// TestSeedClaimsAndDates is issue 4's acceptance check on the seeds.
func TestSeedClaimsAndDates(t *testing.T) {
	seed0 := seedPath(t, "000_8d61b3b92a4442ba.txt")
	seed2 := seedPath(t, "002_aea83830c4712770.txt")
	db := mustCopyTemplateDB(t)
	mustRun(t, "ingest", "--db", db, "--assets", "../../node_modules", "--source", "A", seed0)
	mustRun(t, "ingest", "--db", db, "--assets", "../../node_modules", "--source", "B", seed2)
	base := mustRunServerDB(t, db, false)

	var a featureCollection
	mustGetJSON(t, base+"/api/incidents?source=A&source_kind=outlet", 200, &a)
	var thursday, wednesday *feature
	for i, f := range a.Features {
		c := f.Geometry.Coordinates
		if geo.HaversineKm(c[1], c[0], 35.93, 36.63) > 25 {
			continue
		}
		switch f.Properties["date"] {
		case "2020-01-23":
			thursday = &a.Features[i]
		case "2020-01-22":
			wednesday = &a.Features[i]
		}
	}
	if thursday == nil || wednesday == nil {
		t.Fatalf("want Idlib incidents dated 2020-01-23 and 2020-01-22, have %v", a.Features)
	}
	if thursday.Properties["date_precision"] != 1.0 || thursday.Properties["disputed"] != true {
		t.Errorf("Thursday attack: date_precision %v disputed %v, want 1 and true", thursday.Properties["date_precision"], thursday.Properties["disputed"])
	}
	for _, want := range []sourceJSON{
		{"Syrian state media", "claimant", "claims"}, {"Russian Ministry of Defense", "claimant", "claims"},
		{"National Liberation Front", "claimant", "denies"}, {"Syrian Observatory", "claimant", "denies"},
		{"A", "outlet", ""},
	} {
		if !hasSource(*thursday, want.Name, want.Kind, want.Stance) {
			t.Errorf("Thursday attack lacks %+v; has %+v", want, sourcesOf(*thursday))
		}
	}

	var b featureCollection
	mustGetJSON(t, base+"/api/incidents?source=B", 200, &b)
	var duhur *feature
	for i, f := range b.Features {
		c := f.Geometry.Coordinates
		if geo.HaversineKm(c[1], c[0], 35.74, 37.04) < 10 && f.Properties["place"] == "Abu al-Duhur" {
			duhur = &b.Features[i]
		}
	}
	if duhur == nil {
		t.Fatalf("no Abu al-Duhur incident from B: %v", b.Features)
	}
	if duhur.Properties["date"] != "2019-01-23" || duhur.Properties["date_precision"] != 2.0 {
		t.Errorf("Abu al-Duhur: date %v precision %v, want 2019-01-23 and 2", duhur.Properties["date"], duhur.Properties["date_precision"])
	}
	if !hasSource(*duhur, "Russian Ministry of Defense", "claimant", "claims") {
		t.Errorf("Abu al-Duhur claimants: %+v, want the Russian military (Ministry of Defense)", sourcesOf(*duhur))
	}

	// Filters over claimants and disputes.
	var claimed featureCollection
	mustGetJSON(t, base+"/api/incidents?source_kind=claimant&source="+url.QueryEscape("Syrian Observatory"), 200, &claimed)
	if len(claimed.Features) == 0 {
		t.Error("source=Syrian Observatory&source_kind=claimant finds nothing")
	}
	var undisputed featureCollection
	mustGetJSON(t, base+"/api/incidents?disputed=false&source=A", 200, &undisputed)
	for _, f := range undisputed.Features {
		if f.Properties["disputed"] != false {
			t.Errorf("disputed=false returned %v", f)
		}
	}
	var src struct{ Sources []sourceJSON }
	mustGetJSON(t, base+"/api/sources", 200, &src)
	kinds := map[string]bool{}
	for _, s := range src.Sources {
		kinds[s.Kind] = true
	}
	if !kinds["outlet"] || !kinds["claimant"] {
		t.Errorf("/api/sources kinds = %v, want outlets and claimants", kinds)
	}
}

// TestSameEventMerges: two outlets report one event in different words;
// the map shows one incident listing both reports and both outlets.
func TestSameEventMerges(t *testing.T) {
	db := mustCopyTemplateDB(t)
	mustRun(t, "ingest", "--db", db, "--assets", "../../node_modules", "testdata/merge")
	base := mustRunServerDB(t, db, false)
	var fc featureCollection
	mustGetJSON(t, base+"/api/incidents", 200, &fc)
	var saraqib []feature
	for _, f := range fc.Features {
		c := f.Geometry.Coordinates
		if geo.HaversineKm(c[1], c[0], 35.86, 36.80) < 10 {
			saraqib = append(saraqib, f)
		}
	}
	if len(saraqib) != 1 {
		t.Fatalf("%d Saraqib incidents, want one merged: %v", len(saraqib), saraqib)
	}
	f := saraqib[0]
	if ids, _ := f.Properties["report_ids"].([]any); len(ids) != 2 {
		t.Errorf("report_ids = %v, want both reports", f.Properties["report_ids"])
	}
	if !hasSource(f, "Outlet One", "outlet", "") || !hasSource(f, "Outlet Two", "outlet", "") {
		t.Errorf("sources = %+v, want both outlets", sourcesOf(f))
	}
	// Re-ingesting creates nothing new.
	mustRun(t, "ingest", "--db", db, "--assets", "../../node_modules", "testdata/merge")
	var again featureCollection
	mustGetJSON(t, base+"/api/incidents", 200, &again)
	if len(again.Features) != len(fc.Features) {
		t.Errorf("re-ingest changed the incident count: %d → %d", len(fc.Features), len(again.Features))
	}
}

// TestOutletAliases: "rt.com" and "Russia Today" are one outlet when an
// alias file says so.
func TestOutletAliases(t *testing.T) {
	dir := t.TempDir()
	aliases := dir + "/outlets.txt"
	mustWriteFile(t, aliases, "# our outlets\nRT = rt.com, Russia Today\n")
	mustWriteFile(t, dir+"/one.json", `{"text":"Shelling hit Saraqib on Monday, residents said.","published":"2022-03-08","source":"rt.com"}`)
	mustWriteFile(t, dir+"/two.json", `{"text":"A car bomb exploded in Azaz on Tuesday, police said.","published":"2022-04-12","source":"Russia  Today"}`)
	db := mustCopyTemplateDB(t)
	mustRun(t, "ingest", "--db", db, "--assets", "../../node_modules", "--outlet-aliases", aliases, dir+"/one.json", dir+"/two.json")
	base := mustRunServerDB(t, db, false)
	var src struct {
		Sources []struct {
			Name, Kind string
			Count      int
		}
	}
	mustGetJSON(t, base+"/api/sources", 200, &src)
	outlets := map[string]int{}
	for _, s := range src.Sources {
		if s.Kind == "outlet" {
			outlets[s.Name] = s.Count
		}
	}
	if len(outlets) != 1 || outlets["RT"] < 2 {
		t.Errorf("outlets = %v, want only RT with both reports' incidents", outlets)
	}
	var e strings.Builder
	if err := Run(context.Background(), []string{"ingest", "--db", db, "--outlet-aliases", dir + "/missing.txt", dir}, strings.NewReader(""), &e, &e); err == nil || !strings.Contains(err.Error(), "outlet-aliases") {
		t.Errorf("missing alias file: err %v, want one naming --outlet-aliases", err)
	}
}

func mustWriteFile(tb testing.TB, path, content string) {
	tb.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		tb.Fatal(err)
	}
}

// TestPrivateWithStoredToken: --private works with tokens made by
// `incidentmap token create` alone; reads without one get 401.
func TestPrivateWithStoredToken(t *testing.T) {
	db := mustCopyTemplateDB(t)
	out := mustRun(t, "token", "create", "--db", db, "--name", "reader")
	token := ""
	for _, f := range strings.Fields(out) {
		if len(f) >= 32 && !strings.ContainsAny(f, ":/") {
			token = f
		}
	}
	if token == "" {
		t.Fatalf("no token in %q", out)
	}
	cfg := DefaultConfig()
	cfg.DB, cfg.Addr, cfg.Private = db, "127.0.0.1:0", true
	cfg.Assets = "../../node_modules"
	if err := cfg.Validate(); err != nil {
		t.Fatalf("--private with stored tokens only: %v", err)
	}
	srv, a, err := startServer(context.Background(), cfg, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	defer srv.Close(context.Background())
	base := "http://" + srv.Addr()
	mustGetJSON(t, base+"/api/incidents", 401, nil)
	req, _ := http.NewRequest("GET", base+"/api/incidents", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("read with a stored token: %d, want 200", resp.StatusCode)
	}
}
