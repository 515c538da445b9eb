package download

import (
	"context"
	"fmt"
	"io"
	"os"
	"path"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/incidentmap/incidentmap/geo"
	"github.com/incidentmap/incidentmap/geo/gazetteer/importer"
)

// Import imports one gazetteer file or URL (downloaded first) into
// places, with progress bars on progress unless quiet, and prints one
// line of counts to out.
func Import(ctx context.Context, places geo.PlaceService, src string, quiet bool, progress, out io.Writer) error {
	local := src
	if strings.HasPrefix(src, "https://") || strings.HasPrefix(src, "http://") {
		var wrap func(io.Writer, int64) io.Writer
		if !quiet {
			wrap = func(w io.Writer, size int64) io.Writer {
				bar := newBar(size, "downloading "+path.Base(src), progress)
				return io.MultiWriter(w, bar)
			}
		}
		tmp, err := ToTemp(ctx, src, wrap)
		if err != nil {
			return err
		}
		defer os.Remove(tmp)
		local = tmp
	}
	var wrap func(io.Reader, string, int64) io.Reader
	var bar *progressbar.ProgressBar
	if !quiet {
		wrap = func(r io.Reader, name string, size int64) io.Reader {
			if name == local {
				name = src
			}
			bar = newBar(size, "importing "+path.Base(name), progress)
			return io.TeeReader(r, bar)
		}
	}
	start := time.Now()
	st, err := importer.ImportFile(ctx, places, local, wrap)
	if bar != nil {
		bar.Close()
	}
	if err != nil {
		return err
	}
	name := st.Name
	if name == local {
		name = src
	}
	fmt.Fprintf(out, "%s (%s): %d read, %d new, %d updated in %s\n", path.Base(name), st.Kind, st.Read,
		st.Inserted, st.Updated, time.Since(start).Round(time.Millisecond))
	return nil
}

// newBar returns a byte-counting progress bar writing to w (size -1: unknown).
func newBar(size int64, desc string, w io.Writer) *progressbar.ProgressBar {
	return progressbar.NewOptions64(size,
		progressbar.OptionSetDescription(desc),
		progressbar.OptionSetWriter(w),
		progressbar.OptionShowBytes(true),
		progressbar.OptionSetWidth(30),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionShowCount(),
		progressbar.OptionOnCompletion(func() { fmt.Fprint(w, "\n") }),
		progressbar.OptionSpinnerType(14),
		progressbar.OptionFullWidth(),
		progressbar.OptionSetRenderBlankState(true),
	)
}
