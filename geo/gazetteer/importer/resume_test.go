package importer

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/incidentmap/incidentmap/geo"
	"github.com/incidentmap/incidentmap/geo/gazetteer"
)

// stopAfterFirstBatch stands for a server stopped during its first import:
// it ends the import's context once the first batch of places is stored.
type stopAfterFirstBatch struct {
	Store
	stop func()
}

func (s stopAfterFirstBatch) UpsertPlaces(ctx context.Context, ps []*geo.Place) (int, int, error) {
	defer s.stop()
	return s.Store.UpsertPlaces(ctx, ps)
}

// writeTinyAssets writes a default gazetteer of n generated towns and no
// countries, in the npm packages' layout.
func writeTinyAssets(t *testing.T, n int) string {
	t.Helper()
	dir := t.TempDir()
	var b strings.Builder
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "%d\tTown %d\tTown %d\t\t%.4f\t%.4f\tP\tPPL\tSY\t\t01\t\t\t\t%d\t\t300\tAsia/Damascus\t2024-01-01\n",
			100000+i, i, i, 30+float64(i%1000)/100, 35+float64(i/1000)/10, 600+i)
	}
	for path, body := range map[string]string{gazetteer.DefaultCitiesPath: b.String(), gazetteer.DefaultCountriesPath: "[]"} {
		p := filepath.Join(dir, filepath.FromSlash(path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestEnsureDefault_RedoesAnUnfinishedImport checks that a
// default-gazetteer import stopped after its first batch is noticed and
// done again at the next start, not taken for the gazetteer, and that a
// finished one is left alone.
func TestEnsureDefault_RedoesAnUnfinishedImport(t *testing.T) {
	const towns = 12000 // more than two batches
	assets := writeTinyAssets(t, towns)
	db := &fakePlaces{byID: map[int64]*geo.Place{}}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))

	ctx, stop := context.WithCancel(context.Background())
	if err := EnsureDefault(ctx, stopAfterFirstBatch{db, stop}, assets, log); err == nil {
		t.Fatal("the stopped import reported no error")
	}
	partial, _, err := db.CountPlaces(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if partial != Batch {
		t.Fatalf("%d places after the stopped import, want its first batch of %d", partial, Batch)
	}

	if err := EnsureDefault(context.Background(), db, assets, log); err != nil {
		t.Fatal(err)
	}
	full, _, err := db.CountPlaces(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if want := towns + len(gazetteer.RegionPlaces()); full != want {
		t.Fatalf("%d places after the next start, want %d (%d towns and the regions)", full, want, towns)
	}
	if _, unfinished, err := db.Setting(context.Background(), DefaultImportKey); err != nil || unfinished {
		t.Fatalf("import still marked unfinished (err %v)", err)
	}

	// Finished: a start without the assets neither imports nor fails.
	if err := EnsureDefault(context.Background(), db, filepath.Join(t.TempDir(), "none"), log); err != nil {
		t.Fatalf("a finished gazetteer was imported again: %v", err)
	}
}
