package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestServeRefusesAFIFOBasemap (issue 20): `serve --basemap PIPE` hung
// start-up for good (SQLite blocked opening the pipe) and ignored
// SIGTERM. It must fail at once, saying what is wrong with the file.
func TestServeRefusesAFIFOBasemap(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "base.mbtiles")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	t.Cleanup(func() {
		// Unblock an open still waiting on the pipe (the bug).
		if f, err := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
			f.Close()
		}
	})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, []string{"serve", "--db", filepath.Join(dir, "m.db"), "--addr", "127.0.0.1:0",
			"--assets", filepath.Join("..", "..", "node_modules"), "--basemap", fifo}, strings.NewReader(""), io.Discard, io.Discard)
	}()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "--basemap") || !strings.Contains(err.Error(), "is a named pipe (FIFO), not a regular file") {
			t.Errorf("serve --basemap FIFO: %v, want an error naming the flag and saying it is a named pipe", err)
		}
	case <-time.After(10 * time.Second):
		cancel() // what SIGTERM does
		select {
		case err := <-done:
			t.Fatalf("serve --basemap FIFO hung for 10 s, returned only on cancel (%v)", err)
		case <-time.After(5 * time.Second):
			t.Fatal("serve --basemap FIFO hung for 10 s and ignored its context being cancelled")
		}
	}
}
