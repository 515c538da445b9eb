package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/mattn/go-sqlite3"

	"github.com/incidentmap/incidentmap/geo"
)

// mustFillUp caps db's file at the pages it holds now (PRAGMA
// max_page_count on the one write connection), so that the next write
// needing a new page fails as on a full disk, with SQLITE_FULL.
func mustFillUp(tb testing.TB, db *DB) {
	tb.Helper()
	ctx := context.Background()
	var pages int
	if err := db.wdb.QueryRowContext(ctx, `PRAGMA page_count`).Scan(&pages); err != nil {
		tb.Fatal(err)
	}
	var max int
	if err := db.wdb.QueryRowContext(ctx, fmt.Sprintf(`PRAGMA max_page_count = %d`, pages)).Scan(&max); err != nil {
		tb.Fatal(err)
	}
	if max != pages {
		tb.Fatalf("max_page_count = %d, want %d", max, pages)
	}
}

// TestDiskFullIsReportedAsSuch (issue 20): a full disk during an import or
// an ingest came out as the generic "Internal error." (and, through the
// default gazetteer's reader, as "cities500.txt: invalid"). The store
// must say "disk full", as a server failure, keeping the SQLite error.
func TestDiskFullIsReportedAsSuch(t *testing.T) {
	places := make([]*geo.Place, 2000)
	for i := range places {
		places[i] = &geo.Place{GeonameID: int64(i + 1), Name: fmt.Sprintf("Place %d with a longish name", i),
			ASCIIName: fmt.Sprintf("Place %d", i), Lat: 35, Lon: 36, CountryCode: "SY", FeatureClass: "P", FeatureCode: "PPL"}
	}
	tests := []struct {
		name  string
		write func(ctx context.Context, db *DB) error
	}{
		{"places import", func(ctx context.Context, db *DB) error {
			_, _, err := db.UpsertPlaces(ctx, places)
			return err
		}},
		{"report ingest", func(ctx context.Context, db *DB) error {
			r := newReport("Wire", "2020-01-02", strings.Repeat("Shelling near Idlib. ", 5000))
			_, err := db.CreateReport(ctx, r, []*geo.Incident{{Place: "Idlib", Name: "Idlib", Lat: 35.9, Lon: 36.6,
				Role: geo.RoleIncident, Date: day("2020-01-02"), Precision: 1, Sentence: strings.Repeat("x", 20000)}})
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := MustOpenDB(t)
			mustFillUp(t, db)
			err := tt.write(context.Background(), db)
			if err == nil {
				t.Fatal("write succeeded past max_page_count")
			}
			if got := geo.ErrorCode(err); got != geo.EINTERNAL {
				t.Errorf("ErrorCode = %q, want %q", got, geo.EINTERNAL)
			}
			if msg := geo.ErrorMessage(err); !strings.HasPrefix(msg, "disk full") {
				t.Errorf("ErrorMessage = %q, want it to say disk full", msg)
			}
			var se sqlite3.Error
			if !errors.As(err, &se) || se.Code != sqlite3.ErrFull {
				t.Errorf("err = %v, want it to wrap SQLITE_FULL", err)
			}
		})
	}
}
