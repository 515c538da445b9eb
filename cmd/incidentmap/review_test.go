package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"strings"
	"testing"
)

// TestReviewEndToEnd is the browser review test without a browser: over
// HTTP, a move of seed 002's unresolved "Abu Sharja" is stored, and a
// report ingested afterwards places Abu Sharja on the analyst's point.
func TestReviewEndToEnd(t *testing.T) {
	base := mustRunServer(t, seedPath(t, "002_aea83830c4712770.txt"))
	var queue featureCollection
	mustGetJSON(t, base+"/api/review?limit=100", http.StatusOK, &queue)
	var id int64
	for _, f := range queue.Features {
		if f.Properties["place"] == "Abu Sharja" && f.Properties["needs_review"] == true {
			id = f.ID
			break
		}
	}
	if id == 0 {
		t.Fatal("no unresolved Abu Sharja in the review queue")
	}

	post := func(path, body, token string) (int, []byte) {
		t.Helper()
		req, err := http.NewRequest(http.MethodPost, base+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, b
	}
	review := fmt.Sprintf("/api/incidents/%d/review", id)
	if code, _ := post(review, `{"action":"move","lat":35.7,"lon":37.1}`, ""); code != http.StatusUnauthorized {
		t.Errorf("move without a token: status %d, want 401", code)
	}
	if code, b := post(review, `{"action":"move","lat":35.7,"lon":37.1,"by":"e2e"}`, testToken); code != http.StatusOK {
		t.Fatalf("move: status %d, body %s", code, b)
	}
	var got feature
	mustGetJSON(t, fmt.Sprintf("%s/api/incidents/%d", base, id), http.StatusOK, &got)
	if c := got.Geometry.Coordinates; c != [2]float64{37.1, 35.7} || got.Properties["needs_review"] == true {
		t.Errorf("after the move: %v needs_review=%v, want [37.1 35.7] reviewed", c, got.Properties["needs_review"])
	}

	// Written for this test.
	report := `{"title":"A later report","published":"2019-02-03","source":"E2E Wire",
		"text":"Mortar rounds landed near Abu Sharja in Idlib province on Sunday, residents said."}`
	code, b := post("/api/reports", report, testToken)
	if code != http.StatusCreated {
		t.Fatalf("POST /api/reports: status %d, body %s", code, b)
	}
	var rep struct {
		Places []struct {
			Place, Role string
			Lat, Lon    float64
			NeedsReview bool `json:"needs_review"`
		}
	}
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, p := range rep.Places {
		if p.Place != "Abu Sharja" {
			continue
		}
		found = true
		if math.Abs(p.Lat-35.7) > 1e-9 || math.Abs(p.Lon-37.1) > 1e-9 || p.NeedsReview {
			t.Errorf("new report's Abu Sharja at %v, %v (needs_review %v), want 35.7, 37.1 reviewed", p.Lat, p.Lon, p.NeedsReview)
		}
	}
	if !found {
		t.Errorf("no Abu Sharja in the new report's places: %s", b)
	}
}
