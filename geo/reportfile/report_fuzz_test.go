package reportfile

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/incidentmap/incidentmap/geo"
	"github.com/incidentmap/incidentmap/geo/internal/geotest"
)

// FuzzParseReport feeds arbitrary bytes to ParseReport, as both a text and
// a JSON file name. Whatever the input, it must not panic, and it either
// returns a usable report or a domain error that names the input.
// Seeds: f.Add below and testdata/fuzz/FuzzParseReport.
func FuzzParseReport(f *testing.F) {
	for _, s := range []string{
		" date 2020-01-23\nShelling hit Saraqib on Tuesday.",
		"date: 2021-06-01 Advertisement Getty Images\nClashes near Daraa.",
		`{"title":"t","text":"Strikes on Idlib","published":"2020-02-03T23:30:00-05:00","source":"X"}`,
		`{"text":"x","published":"2020-02-30"}`,
		" date 2020-02-30\nno such day",
		"\uFEFF date 2019-12-31\r\nA\r\n\r\n\r\nB",
		"",
		"\x00\x01binary",
		"\xff\xfe not utf-8",
		`{"text":"a"} {"text":"b"}`,
	} {
		f.Add("report.txt", []byte(s))
	}
	// Real articles, in both report formats (issue 20).
	for _, text := range geotest.EvalTexts(f) {
		f.Add("report.txt", []byte(" date 2020-03-01\n"+text))
		js, _ := json.Marshal(map[string]string{"text": text, "published": "2020-03-01", "source": "Evaluation corpus"})
		f.Add("report.json", js)
	}
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		if name == "" {
			name = "in.txt"
		}
		r, err := Parse(name, data)
		if err != nil {
			var e *geo.Error
			if !errors.As(err, &e) {
				t.Fatalf("error %T %v is not a *geo.Error", err, err)
			}
			if e.Code != geo.EINVALID && e.Code != geo.ETOOLARGE {
				t.Fatalf("error code %q, want invalid or too_large: %v", e.Code, err)
			}
			if !strings.HasPrefix(e.Message, name+": ") {
				t.Fatalf("message %q does not start with the input name %q", e.Message, name)
			}
			if r != nil {
				t.Fatal("both a report and an error")
			}
			return
		}
		switch {
		case r.Text == "":
			t.Fatal("report with no text")
		case !utf8.ValidString(r.Text) || !utf8.ValidString(r.Title) || !utf8.ValidString(r.Source):
			t.Fatalf("invalid UTF-8 in the parsed report: %+v", r)
		case strings.ContainsRune(r.Text, 0):
			t.Fatal("NUL in the text")
		case r.Published.IsZero():
			t.Fatal("report without a date")
		case r.Hash != geo.ReportHash(r.Text):
			t.Fatal("Hash is not ReportHash(Text)")
		case r.Text != strings.TrimSpace(r.Text):
			t.Fatalf("text not trimmed: %q", r.Text)
		case r.ID != 0 || !r.Ingested.IsZero():
			t.Fatal("ID or Ingested set by the parser")
		}
		if got := r.Published.Format(geo.DateLayout); len(got) != 10 {
			t.Fatalf("published %q is not a calendar date", got)
		}
	})
}
