package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
)

func TestGazetteerImportTwiceChangesNoCounts(t *testing.T) {
	db := filepath.Join(t.TempDir(), "g.db")
	file := filepath.Join("..", "..", "geo", "gazetteer", "testdata", "geonames", "places.txt")
	var first, second bytes.Buffer
	if err := Run(context.Background(), []string{"gazetteer", "import", "--quiet", "--db", db, file}, nil, &first, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	if err := Run(context.Background(), []string{"gazetteer", "import", "--quiet", "--db", db, file}, nil, &second, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	last := func(s string) string {
		lines := strings.Split(strings.TrimSpace(s), "\n")
		return lines[len(lines)-1]
	}
	if !strings.Contains(first.String(), "3 read, 3 new, 0 updated") {
		t.Errorf("first import said %q, want 3 new", first.String())
	}
	if !strings.Contains(second.String(), "3 read, 0 new, 3 updated") {
		t.Errorf("second import said %q, want 0 new, 3 updated", second.String())
	}
	if last(first.String()) != last(second.String()) || !strings.HasPrefix(last(first.String()), "gazetteer: 3 places") {
		t.Errorf("counts changed: %q then %q", last(first.String()), last(second.String()))
	}
}
