package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
)

// TestIngestEvalCorpora ingests every document of the two evaluation
// corpora (real local and wire news, ../shared/eval) as JSON reports. Real
// text found a panic the fuzzers had not (issue 20): the whole batch must
// complete with every report stored and none failed.
func TestIngestEvalCorpora(t *testing.T) {
	db := mustCopyTemplateDB(t)
	for _, corpus := range []struct {
		file string
		docs int
	}{
		{"lgl.jsonl", 588},
		{"geovirus.jsonl", 229},
	} {
		t.Run(corpus.file, func(t *testing.T) {
			dir := t.TempDir()
			n := writeEvalReports(t, filepath.Join("..", "..", "..", "shared", "eval", corpus.file), dir)
			if n != corpus.docs {
				t.Fatalf("%s holds %d documents, want %d", corpus.file, n, corpus.docs)
			}
			var out bytes.Buffer
			err := runIngest(context.Background(), []string{"--db", db, "--assets", filepath.Join("..", "..", "node_modules"), dir},
				nil, &out, io.Discard)
			if err != nil {
				t.Fatalf("ingest: %v\n%s", err, tail(out.Bytes()))
			}
			m := regexp.MustCompile(`(\d+) stored, (\d+) already stored, (\d+) failed`).FindStringSubmatch(out.String())
			if m == nil {
				t.Fatalf("no summary line in:\n%s", tail(out.Bytes()))
			}
			stored, _ := strconv.Atoi(m[1])
			dup, _ := strconv.Atoi(m[2])
			if m[3] != "0" || stored+dup != n || stored < n*9/10 {
				t.Errorf("ingest of %d documents: %s", n, m[0])
			}
		})
	}
}

// writeEvalReports writes each document of a corpus file as one JSON
// report in dir and returns how many it wrote. Under CI a missing corpus
// is a failure, elsewhere a skip.
func writeEvalReports(t *testing.T, corpus, dir string) int {
	t.Helper()
	f, err := os.Open(corpus)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("evaluation corpus missing: %v", err)
		}
		t.Skipf("evaluation corpus missing: %v", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 16<<20)
	n := 0
	for sc.Scan() {
		var doc struct{ ID, Text string }
		if err := json.Unmarshal(sc.Bytes(), &doc); err != nil {
			t.Fatalf("%s line %d: %v", corpus, n+1, err)
		}
		rep, err := json.Marshal(map[string]string{
			"title": doc.ID, "text": doc.Text, "published": "2020-03-01", "source": "Evaluation corpus",
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%04d.json", n)), rep, 0o644); err != nil {
			t.Fatal(err)
		}
		n++
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return n
}
