package gazetteer

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/incidentmap/incidentmap/geo"
)

// failingFile is a file whose reads fail after its first bytes, as a bad
// disk or a vanished network mount does.
type failingFile struct {
	data []byte
	err  error
}

func (f *failingFile) Stat() (fs.FileInfo, error) { return nil, f.err }
func (f *failingFile) Close() error               { return nil }
func (f *failingFile) Read(b []byte) (int, error) {
	if len(f.data) == 0 {
		return 0, f.err
	}
	n := copy(b, f.data)
	f.data = f.data[n:]
	return n, nil
}

// failingFS serves one failingFile at DefaultCitiesPath.
type failingFS struct {
	data []byte
	err  error
}

func (s failingFS) Open(name string) (fs.File, error) {
	if name != DefaultCitiesPath {
		return nil, fs.ErrNotExist
	}
	return &failingFile{data: s.data, err: s.err}, nil
}

// TestReadDefaultPlacesTellsParseFromWriteErrors (issue 20): a full disk
// while the default gazetteer was imported came out as
// "cities500.txt: Internal error." with code invalid, as if the file were
// corrupt. Only a malformed line is geo.EINVALID naming the file; an error of
// the callback (the store) or of reading the file comes out as it is.
func TestReadDefaultPlacesTellsParseFromWriteErrors(t *testing.T) {
	places, err := os.ReadFile(filepath.Join("testdata", "geonames", "places.txt"))
	if err != nil {
		t.Fatal(err)
	}
	diskFull := errors.New("database or disk is full")
	readErr := errors.New("input/output error")
	tests := []struct {
		name     string
		fsys     fs.FS
		fn       func(*geo.Place) error
		wantIs   error  // errors.Is(err, wantIs), when set
		wantCode string // geo.ErrorCode(err)
		wantMsg  string // contained in err.Error()
	}{
		{
			name:     "store fails: disk full issue-20",
			fsys:     fstest.MapFS{DefaultCitiesPath: {Data: places, ModTime: time.Now()}},
			fn:       func(*geo.Place) error { return diskFull },
			wantIs:   diskFull,
			wantCode: geo.EINTERNAL,
			wantMsg:  "database or disk is full",
		},
		{
			name:     "store fails with a domain error",
			fsys:     fstest.MapFS{DefaultCitiesPath: {Data: places}},
			fn:       func(*geo.Place) error { return geo.Errorf(geo.ECONFLICT, "already exists") },
			wantCode: geo.ECONFLICT,
			wantMsg:  "already exists",
		},
		{
			name:     "reading the file fails issue-20",
			fsys:     failingFS{data: places[:100], err: readErr},
			fn:       func(*geo.Place) error { return nil },
			wantIs:   readErr,
			wantCode: geo.EINTERNAL,
			wantMsg:  DefaultCitiesPath + ": input/output error",
		},
		{
			name:     "malformed line is invalid",
			fsys:     fstest.MapFS{DefaultCitiesPath: {Data: []byte("not\ta\tdump\n")}},
			fn:       func(*geo.Place) error { return nil },
			wantCode: geo.EINVALID,
			wantMsg:  DefaultCitiesPath + ": line 1: 3 columns, want 19",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ReadDefaultPlaces(tt.fsys, tt.fn)
			if err == nil {
				t.Fatal("no error")
			}
			if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
				t.Errorf("err = %v, want it to wrap %v", err, tt.wantIs)
			}
			if got := geo.ErrorCode(err); got != tt.wantCode {
				t.Errorf("ErrorCode = %q, want %q (err %v)", got, tt.wantCode, err)
			}
			if !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("err = %q, want it to contain %q", err, tt.wantMsg)
			}
		})
	}
}

var _ io.Reader = (*failingFile)(nil)
