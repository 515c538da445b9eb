package mbtiles

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// mustMkfifo makes a named pipe and, when the test ends, opens it for
// writing once so that an open still blocked on it returns.
func mustMkfifo(tb testing.TB) string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "base.mbtiles")
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		tb.Skipf("mkfifo: %v", err)
	}
	tb.Cleanup(func() {
		if f, err := os.OpenFile(path, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
			f.Close()
		}
	})
	return path
}

// TestOpenRefusesWhatIsNotAFile (issue 20): `serve --basemap` on a named
// pipe hung start-up for good, SQLite blocked opening it, and SIGTERM did
// nothing. A path that is not a regular file is refused at once, before
// anything opens it, with a message saying what it is.
func TestOpenRefusesWhatIsNotAFile(t *testing.T) {
	tests := []struct {
		name, path, want string
	}{
		{"named pipe issue-20", mustMkfifo(t), "is a named pipe (FIFO), not a regular file"},
		{"directory", t.TempDir(), "is a directory, not a regular file"},
		{"character device", "/dev/null", "is a device, not a regular file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			done := make(chan error, 1)
			go func() {
				r, err := Open(tt.path)
				if err == nil {
					r.Close()
				}
				done <- err
			}()
			select {
			case err := <-done:
				if err == nil || !strings.Contains(err.Error(), tt.want) {
					t.Errorf("Open(%s) = %v, want an error saying it %s", tt.path, err, tt.want)
				}
			case <-time.After(2 * time.Second):
				t.Fatalf("Open(%s) still blocked after 2 s", tt.path)
			}
		})
	}
}

// TestOpenHonoursContext: should an open block all the same (the path
// swapped for a pipe after the check), it gives up when ctx ends, so that
// a signal still stops the server's start-up.
func TestOpenHonoursContext(t *testing.T) {
	fifo := mustMkfifo(t)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := open(ctx, fifo) // past the regular-file check, as after a swap
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("open(blocking pipe) = %v, want the context's deadline", err)
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("open gave up after %v, want about 200 ms", took)
	}
}
