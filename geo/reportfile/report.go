// Package reportfile reads news reports in incidentmap's input formats:
// one report from its bytes (Parse), or every report in a list of files and
// directories (Read). Report input meets the file system here, not in geo.
//
// The text format is the seed format: a first line " date YYYY-MM-DD"
// (leading space and a colon after "date" optional), then the text. Page
// debris left by scraping is dropped: leading "advertisement"-like words on
// the date line, a date-line remainder of at most three words without
// sentence punctuation ("Getty Images"), and any line made only of debris
// words ("Advertisement", "Share", "Read more"). Anything else on the date
// line is the start of the text (" date 2019-01-23 Hundreds of ...").
//
// The JSON format is an object {"title","text","published","source","url"}
// with published as YYYY-MM-DD or RFC 3339; an RFC 3339 time is read as the
// calendar date in its own offset. Other fields are ignored.
package reportfile

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/incidentmap/incidentmap/geo"
	"github.com/incidentmap/incidentmap/geo/attribute"
)

// MaxSize is the largest report Read and Parse accept, in
// bytes. News reports are a few kilobytes; anything this big is a mistake
// (a dump, a binary) and would only slow the geoparser.
const MaxSize = 10 << 20

var (
	dateLineRe  = regexp.MustCompile(`^\s*(?i:date)\s*:?\s*(\S+)[ \t]*(.*)$`)
	dateRe      = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	blankRunsRe = regexp.MustCompile(`\n{3,}`)
)

// debrisLead may open the date line before the text; debrisWords make up
// lines that are wholly debris. Both are read-only.
var (
	debrisLead = map[string]bool{
		"advertisement": true, "advertisements": true, "advert": true, "ad": true, "ads": true, "sponsored": true,
	}
	debrisWords = map[string]bool{
		"advertisement": true, "advertisements": true, "advert": true, "ad": true, "ads": true,
		"sponsored": true, "content": true, "share": true, "this": true, "article": true, "print": true,
		"email": true, "e-mail": true, "comments": true, "comment": true, "subscribe": true, "read": true,
		"more": true, "related": true, "video": true, "photo": true, "watch": true, "listen": true,
		"skip": true, "close": true, "menu": true, "tweet": true, "facebook": true, "twitter": true,
	}
)

// Parse reads one report in the text (seed) or JSON format; JSON is
// recognised by a ".json" name or a leading '{'. name identifies the input
// in error messages. Errors are *geo.Error with Code EINVALID (ETOOLARGE
// above MaxSize) and a message that starts with name: no usable date, an
// impossible date (2020-02-30), binary content, invalid UTF-8, malformed
// JSON, or no text. Source is cleaned with attribute.CleanOutlet (aliases are
// the caller's); Hash is geo.ReportHash(Text). ID and Ingested are left zero.
func Parse(name string, data []byte) (*geo.Report, error) {
	if len(data) > MaxSize {
		return nil, &geo.Error{Code: geo.ETOOLARGE, Param: name, Message: message(name, "report is larger than %d MB", MaxSize>>20)}
	}
	if bytes.IndexByte(data, 0) >= 0 {
		return nil, invalid(name, "binary content (NUL bytes): a report must be text or JSON")
	}
	if !utf8.Valid(data) {
		return nil, invalid(name, "not valid UTF-8 text")
	}
	s := strings.TrimPrefix(string(data), "\uFEFF")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var r *geo.Report
	var err error
	if strings.EqualFold(filepath.Ext(name), ".json") || strings.HasPrefix(strings.TrimSpace(s), "{") {
		r, err = parseJSON(name, s)
	} else {
		r, err = parseText(name, s)
	}
	if err != nil {
		return nil, err
	}
	r.Text = cleanText(r.Text)
	if r.Text == "" {
		return nil, invalid(name, "the report has no text")
	}
	r.Title = strings.Join(strings.Fields(r.Title), " ")
	r.Source = attribute.CleanOutlet(r.Source)
	r.URL = strings.TrimSpace(r.URL)
	r.Hash = geo.ReportHash(r.Text)
	return r, nil
}

func parseText(name, s string) (*geo.Report, error) {
	s = strings.TrimLeft(s, "\n")
	first, rest, _ := strings.Cut(s, "\n")
	m := dateLineRe.FindStringSubmatch(first)
	if m == nil || !dateRe.MatchString(m[1]) {
		return nil, invalid(name, "no report date: the first line must be ' date YYYY-MM-DD'")
	}
	d, err := time.Parse(geo.DateLayout, m[1])
	if err != nil {
		return nil, invalid(name, "invalid report date %q: not a calendar date", m[1])
	}
	lead := strings.Fields(m[2])
	for len(lead) > 0 && debrisLead[strings.ToLower(strings.Trim(lead[0], ".:|-"))] {
		lead = lead[1:]
	}
	if len(lead) <= 3 && !strings.ContainsAny(strings.Join(lead, " "), ".!?") {
		lead = nil // "Getty Images", "Share": not the start of the text
	}
	text := rest
	if len(lead) > 0 {
		text = strings.Join(lead, " ") + "\n" + rest
	}
	return &geo.Report{Text: text, Published: d}, nil
}

func parseJSON(name, s string) (*geo.Report, error) {
	var in struct {
		Title     string `json:"title"`
		Text      string `json:"text"`
		Published string `json:"published"`
		Source    string `json:"source"`
		URL       string `json:"url"`
	}
	dec := json.NewDecoder(strings.NewReader(s))
	if err := dec.Decode(&in); err != nil {
		return nil, invalid(name, "malformed JSON: %v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, invalid(name, "malformed JSON: data after the report object")
	}
	// JSON can spell a NUL as \u0000, which the byte check of Parse
	// does not see; the promise is the same: no NUL anywhere in a report.
	for _, f := range []struct{ field, value string }{
		{"title", in.Title}, {"text", in.Text}, {"published", in.Published}, {"source", in.Source}, {"url", in.URL},
	} {
		if strings.IndexByte(f.value, 0) >= 0 {
			return nil, invalid(name, "binary content (a NUL character, \\u0000, in the JSON field %q): a report must be text", f.field)
		}
	}
	p := strings.TrimSpace(in.Published)
	if p == "" {
		return nil, invalid(name, "no report date: the JSON field \"published\" must be YYYY-MM-DD or RFC 3339")
	}
	var d time.Time
	if dateRe.MatchString(p) {
		t, err := time.Parse(geo.DateLayout, p)
		if err != nil {
			return nil, invalid(name, "invalid report date %q: not a calendar date", p)
		}
		d = t
	} else {
		t, err := time.Parse(time.RFC3339, p)
		if err != nil {
			return nil, invalid(name, "invalid report date %q: want YYYY-MM-DD or RFC 3339", p)
		}
		y, mo, day := t.Date() // the date where it was published
		d = time.Date(y, mo, day, 0, 0, 0, 0, time.UTC)
	}
	return &geo.Report{Title: in.Title, Text: in.Text, Published: d, Source: in.Source, URL: in.URL}, nil
}

// cleanText drops debris lines and trailing spaces, keeps paragraph
// breaks (at most one blank line) and trims the ends.
func cleanText(s string) string {
	lines := strings.Split(s, "\n")
	out := lines[:0]
	for _, l := range lines {
		l = strings.TrimRight(l, " \t\r")
		if isDebrisLine(l) {
			continue
		}
		out = append(out, l)
	}
	return strings.TrimSpace(blankRunsRe.ReplaceAllString(strings.Join(out, "\n"), "\n\n"))
}

func isDebrisLine(l string) bool {
	f := strings.Fields(strings.ToLower(l))
	if len(f) == 0 {
		return false
	}
	for _, w := range f {
		if !debrisWords[strings.Trim(w, ".:|-»›>")] {
			return false
		}
	}
	return true
}

func message(name, format string, args ...any) string {
	return name + ": " + fmt.Sprintf(format, args...)
}

func invalid(name, format string, args ...any) *geo.Error {
	return &geo.Error{Code: geo.EINVALID, Param: name, Message: message(name, format, args...)}
}

// Read reads the reports in paths and calls fn for each, in order:
// a file is read whatever its extension; a directory is walked recursively
// in lexical order, reading *.txt and *.json files and skipping other files
// and hidden files and directories (names starting with "."). A report that
// cannot be read or parsed is passed to fn with a nil *Report and its
// error, so a caller can report it and go on; if fn returns an error,
// Read stops and returns it.
//
// Per-directory default outlet: a file named "source" or ".source" in a
// directory holds an outlet name on its first non-blank line ('#' lines are
// comments). Reports in that directory, and below it unless a deeper
// directory has its own, get that Source when they carry none themselves.
func Read(paths []string, fn func(path string, r *geo.Report, err error) error) error {
	for _, root := range paths {
		info, err := os.Stat(root)
		if err != nil {
			if err := fn(root, nil, openError(root, err)); err != nil {
				return err
			}
			continue
		}
		if !info.IsDir() {
			src, serr := dirSource(filepath.Dir(root), "")
			if serr != nil {
				src = ""
			}
			if err := readOne(root, src, fn); err != nil {
				return err
			}
			continue
		}
		sources := map[string]string{}
		err = filepath.WalkDir(root, func(path string, d fs.DirEntry, werr error) error {
			if werr != nil {
				return fn(path, nil, openError(path, werr))
			}
			if path != root && strings.HasPrefix(d.Name(), ".") {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if d.IsDir() {
				src, serr := dirSource(path, sources[filepath.Dir(path)])
				sources[path] = src
				if serr != nil {
					return fn(path, nil, serr)
				}
				return nil
			}
			switch strings.ToLower(filepath.Ext(path)) {
			case ".txt", ".json":
				return readOne(path, sources[filepath.Dir(path)], fn)
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// readOne reads and parses one file, applying the directory's outlet.
func readOne(path, dirSource string, fn func(string, *geo.Report, error) error) error {
	f, err := os.Open(path)
	if err != nil {
		return fn(path, nil, openError(path, err))
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxSize+1))
	if err != nil {
		return fn(path, nil, openError(path, err))
	}
	r, err := Parse(path, data)
	if err != nil {
		return fn(path, nil, err)
	}
	if r.Source == "" {
		r.Source = attribute.CleanOutlet(dirSource)
	}
	return fn(path, r, nil)
}

// dirSource returns the outlet named by dir's "source" or ".source" file,
// or inherited when there is none.
func dirSource(dir, inherited string) (string, error) {
	for _, n := range []string{"source", ".source"} {
		p := filepath.Join(dir, n)
		f, err := os.Open(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		} else if err != nil {
			return inherited, openError(p, err)
		}
		data, err := io.ReadAll(io.LimitReader(f, 4096))
		f.Close()
		if err != nil {
			return inherited, openError(p, err)
		}
		for _, l := range strings.Split(string(data), "\n") {
			if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
				return attribute.CleanOutlet(l), nil
			}
		}
	}
	return inherited, nil
}

// openError turns a file system error into a domain error naming the path.
func openError(path string, err error) *geo.Error {
	code, msg := geo.EINVALID, err.Error()
	var pe *fs.PathError
	if errors.As(err, &pe) {
		msg = pe.Err.Error()
	}
	if errors.Is(err, fs.ErrNotExist) {
		code = geo.ENOTFOUND
	}
	return &geo.Error{Code: code, Param: path, Message: path + ": " + msg}
}
