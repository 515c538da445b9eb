package server

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestWriteErrorLogging checks that a failure is logged as an error, but
// a request its client abandoned is not.
func TestWriteErrorLogging(t *testing.T) {
	for _, tc := range []struct {
		name      string
		err       error
		cancel    bool
		wantError bool
		wantCode  int
	}{
		{"internal failure", errors.New("disk on fire"), false, true, 500},
		{"client left", fmt.Errorf("query: %w", context.Canceled), true, false, 0},
		{"canceled error but the client is still there", context.Canceled, false, true, 500},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var logs bytes.Buffer
			s := &Server{Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if tc.cancel {
				cancel()
			}
			r := httptest.NewRequest("GET", "/api/incidents", nil).WithContext(ctx)
			w := httptest.NewRecorder()
			s.handle(func(http.ResponseWriter, *http.Request) error { return tc.err })(w, r)
			if got := strings.Contains(logs.String(), "level=ERROR"); got != tc.wantError {
				t.Errorf("logged an ERROR = %v, want %v: %s", got, tc.wantError, logs.String())
			}
			if tc.wantCode != 0 && w.Code != tc.wantCode {
				t.Errorf("status %d, want %d", w.Code, tc.wantCode)
			}
		})
	}
}
