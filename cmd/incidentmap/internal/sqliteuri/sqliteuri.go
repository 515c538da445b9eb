// Package sqliteuri turns file paths into SQLite URI filenames
// (https://sqlite.org/uri.html), the form go-sqlite3 needs to pass
// per-connection settings as a query string.
//
// "file:" + path is not such a URI: SQLite ends the path at the first '?'
// or '#' and decodes %HH escapes in it, so a database named data#1.db was
// opened as "data", a new empty file (issue 20). File escapes the path.
package sqliteuri

import (
	"net/url"
	"strings"
)

// File returns the URI of the file at path (absolute, or relative to the
// working directory) with query appended, for sql.Open with go-sqlite3
// or for VACUUM INTO. Every byte of path that a URI could read as syntax
// ('?', '#', '%', spaces, control and non-ASCII bytes, ...) is
// percent-encoded, so SQLite opens exactly the file named path. An
// absolute path gets an empty authority ("file:///tmp/x.db"), so a path
// starting with "//" is not read as a host name.
func File(path string, query url.Values) string {
	var b strings.Builder
	b.WriteString("file:")
	if strings.HasPrefix(path, "/") {
		b.WriteString("//")
	}
	for i, seg := range strings.Split(path, "/") {
		if i > 0 {
			b.WriteByte('/')
		}
		b.WriteString(url.PathEscape(seg))
	}
	if len(query) > 0 {
		b.WriteByte('?')
		b.WriteString(query.Encode())
	}
	return b.String()
}
