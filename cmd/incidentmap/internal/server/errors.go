package server

import (
	"context"
	"errors"
	"log/slog"
	"net/http"

	"github.com/incidentmap/incidentmap/geo"
)

// statusOf maps domain error codes to HTTP statuses.
var statusOf = map[string]int{
	geo.ECONFLICT:     http.StatusConflict,
	geo.EINVALID:      http.StatusBadRequest,
	geo.ENOTFOUND:     http.StatusNotFound,
	geo.EUNAUTHORIZED: http.StatusUnauthorized,
	geo.EFORBIDDEN:    http.StatusForbidden,
	geo.ETOOLARGE:     http.StatusRequestEntityTooLarge,
	geo.EINTERNAL:     http.StatusInternalServerError,
}

// handlerFunc is an HTTP handler that returns its error instead of writing
// it, so every handler reports failures the same way.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// handle adapts a handlerFunc: domain errors become their status with a JSON
// body {"error": message, "param": name}; anything else is logged and
// answered with a generic 500 so internals never leak to clients.
func (s *Server) handle(h handlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.writeError(w, r, err)
		}
	}
}

func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	if r.Context().Err() != nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)) {
		// The client went away (or the server is shutting down): nobody
		// reads an answer, and it is no server failure to alert on.
		s.logger().Debug("request abandoned", "method", r.Method, "path", r.URL.Path, "err", err)
		return
	}
	var maxErr *http.MaxBytesError
	if errors.As(err, &maxErr) {
		err = geo.Errorf(geo.ETOOLARGE, "request body too large: the limit is %d bytes", maxErr.Limit)
	}
	code := geo.ErrorCode(err)
	status, ok := statusOf[code]
	if !ok {
		status = http.StatusInternalServerError
	}
	if status >= 500 {
		s.logger().Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	body := map[string]string{"error": geo.ErrorMessage(err)}
	var e *geo.Error
	if errors.As(err, &e) && e.Param != "" {
		body["param"] = e.Param
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="incidentmap"`)
	}
	w.Header().Del("ETag")
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, status, body)
}

func (s *Server) logger() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.Default()
}
