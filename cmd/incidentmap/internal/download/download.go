// Package download fetches a URL into a temporary file. It is the only
// network client of the commands, kept out of geo/ (which knows no HTTP)
// and out of server (which serves, not fetches).
package download

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path"
)

// ToTemp fetches url into a temporary file and returns its name; the
// caller removes it. progress, if set, wraps the writer (size -1 when the
// server gives no length), e.g. with a progress bar.
func ToTemp(ctx context.Context, url string, progress func(w io.Writer, size int64) io.Writer) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return "", err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("download: %s", resp.Status)
	}
	f, err := os.CreateTemp("", "incidentmap-*-"+path.Base(url))
	if err != nil {
		return "", err
	}
	var w io.Writer = f
	if progress != nil {
		w = progress(f, resp.ContentLength)
	}
	if _, err := io.Copy(w, resp.Body); err != nil {
		f.Close()
		os.Remove(f.Name())
		return "", err
	}
	return f.Name(), f.Close()
}
