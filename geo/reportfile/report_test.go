package reportfile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/incidentmap/incidentmap/geo"
)

func TestParseReport(t *testing.T) {
	tests := []struct {
		file      string
		published string
		text      string // prefix of the text
		notText   string // must not be in the text
		source    string
		title     string
	}{
		{file: "debris.txt", published: "2021-05-04", text: "Shelling hit the grain silo", notText: "dvertisement"},
		{file: "textonline.txt", published: "2021-05-04", text: "Shelling hit the grain silo in Saraqib on Monday, the Syrian army said.\n\nFirefighters"},
		{file: "report.json", published: "2021-05-04", text: "Shelling hit", source: "example-news.com", title: "Silo hit"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			r := mustParseFile(t, filepath.Join("testdata", "reports", tt.file))
			if got := r.Published.Format(geo.DateLayout); got != tt.published {
				t.Errorf("Published = %s, want %s", got, tt.published)
			}
			if !strings.HasPrefix(r.Text, tt.text) {
				t.Errorf("Text = %q, want prefix %q", r.Text, tt.text)
			}
			if tt.notText != "" && strings.Contains(r.Text, tt.notText) {
				t.Errorf("Text = %q, must not contain %q", r.Text, tt.notText)
			}
			if r.Source != tt.source || r.Title != tt.title {
				t.Errorf("Source, Title = %q, %q, want %q, %q", r.Source, r.Title, tt.source, tt.title)
			}
			if r.Hash != geo.ReportHash(r.Text) || len(r.Hash) != 64 {
				t.Errorf("Hash = %q", r.Hash)
			}
		})
	}
}

func TestParseReportErrors(t *testing.T) {
	tests := []struct {
		name string
		data string
		code string
		msg  string // substring of the message
	}{
		{"nodate.txt", "", geo.EINVALID, "nodate.txt: no report date: the first line must be ' date YYYY-MM-DD'"},
		{"baddate.txt", "", geo.EINVALID, `baddate.txt: invalid report date "2020-02-30"`},
		{"empty.txt", "", geo.EINVALID, "empty.txt: the report has no text"},
		{"broken.json", "", geo.EINVALID, "broken.json: malformed JSON"},
		{"nul.txt", " date 2021-05-04\nab\x00cd", geo.EINVALID, "nul.txt: binary content"},
		{"nul-text.json", `{"text": "ab\u0000cd", "published": "2021-05-04"}`, geo.EINVALID, `nul-text.json: binary content (a NUL character, \u0000, in the JSON field "text")`},
		{"nul-source.json", `{"text": "x", "source": "\u0000", "published": "2021-05-04"}`, geo.EINVALID, `in the JSON field "source"`},
		{"nul-title.json", `{"title": "a\u0000", "text": "x", "published": "2021-05-04"}`, geo.EINVALID, `in the JSON field "title"`},
		{"latin1.txt", " date 2021-05-04\ncaf\xe9", geo.EINVALID, "latin1.txt: not valid UTF-8"},
		{"nopublished.json", `{"text": "x"}`, geo.EINVALID, `nopublished.json: no report date: the JSON field "published"`},
		{"badpublished.json", `{"text": "x", "published": "May 4"}`, geo.EINVALID, `invalid report date "May 4"`},
		{"trailing.json", `{"text": "x", "published": "2021-05-04"} {}`, geo.EINVALID, "data after the report object"},
		{"words.txt", " date yesterday\nx", geo.EINVALID, "no report date"},
		{"big.txt", " date 2021-05-04\n" + strings.Repeat("x", MaxSize), geo.ETOOLARGE, "big.txt: report is larger than 10 MB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := []byte(tt.data)
			if tt.data == "" {
				var err error
				if data, err = os.ReadFile(filepath.Join("testdata", "reports", tt.name)); err != nil {
					t.Fatal(err)
				}
			}
			_, err := Parse(tt.name, data)
			if geo.ErrorCode(err) != tt.code || !strings.Contains(geo.ErrorMessage(err), tt.msg) {
				t.Errorf("err = %v, want %s containing %q", err, tt.code, tt.msg)
			}
		})
	}
}

func TestReportHashIgnoresSpacing(t *testing.T) {
	a := mustParse(t, " date 2021-05-04\nRockets hit  the depot.\n\nTwo died.\n")
	b := mustParse(t, "\n date: 2021-05-04\r\nRockets hit the depot.   \r\nTwo  died.")
	c := mustParse(t, " date 2021-05-04\nRockets hit the depot. Three died.")
	if a.Hash != b.Hash {
		t.Errorf("hashes differ for spacing changes: %s %s", a.Hash, b.Hash)
	}
	if a.Hash == c.Hash {
		t.Error("hashes equal for different texts")
	}
}

func mustParse(tb testing.TB, s string) *geo.Report {
	tb.Helper()
	r, err := Parse("test.txt", []byte(s))
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

func TestReadReports(t *testing.T) {
	type seen struct{ path, source, err string }
	var got []seen
	err := Read([]string{"testdata/reports/dir", "testdata/reports/missing.txt"}, func(path string, r *geo.Report, err error) error {
		s := seen{path: filepath.ToSlash(path)}
		if err != nil {
			s.err = geo.ErrorCode(err)
		} else {
			s.source = r.Source
		}
		got = append(got, s)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []seen{
		{path: "testdata/reports/dir/a.txt", source: "Example Wire"},
		{path: "testdata/reports/dir/b.json", source: "Other Outlet"},
		{path: "testdata/reports/dir/sub/c.txt", source: "Sub Agency"},
		{path: "testdata/reports/dir/z_badutf8.txt", err: geo.EINVALID},
		{path: "testdata/reports/missing.txt", err: geo.ENOTFOUND},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d reports %v, want %v", len(got), got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("report %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestReadReportsStopsOnCallbackError(t *testing.T) {
	stop := geo.Errorf(geo.EINTERNAL, "stop")
	n := 0
	err := Read([]string{"testdata/reports/dir"}, func(string, *geo.Report, error) error {
		n++
		return stop
	})
	if err != stop || n != 1 {
		t.Errorf("err = %v after %d calls, want the callback's error after 1", err, n)
	}
}

func TestReadReportsSizeCap(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "huge.txt")
	if err := os.WriteFile(path, []byte(" date 2021-05-04\n"+strings.Repeat("a ", MaxSize/2+1)), 0o644); err != nil {
		t.Fatal(err)
	}
	var code string
	if err := Read([]string{dir}, func(_ string, _ *geo.Report, err error) error {
		code = geo.ErrorCode(err)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if code != geo.ETOOLARGE {
		t.Errorf("code = %q, want %q", code, geo.ETOOLARGE)
	}
}

// mustParseFile reads and parses a report file.
func mustParseFile(tb testing.TB, path string) *geo.Report {
	tb.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	r, err := Parse(path, data)
	if err != nil {
		tb.Fatal(err)
	}
	return r
}
