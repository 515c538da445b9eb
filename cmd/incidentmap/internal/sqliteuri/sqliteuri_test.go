package sqliteuri

import (
	"net/url"
	"testing"
)

func TestFile(t *testing.T) {
	mode := url.Values{"mode": {"ro"}}
	for _, tc := range []struct {
		path  string
		query url.Values
		want  string
	}{
		{"data.db", nil, "file:data.db"},
		{"/tmp/data.db", mode, "file:///tmp/data.db?mode=ro"},
		{"data#1.db", mode, "file:data%231.db?mode=ro"},
		{"what?.db", nil, "file:what%3F.db"},
		{"100%.db", nil, "file:100%25.db"},
		{"/a b/c&d=e.db", nil, "file:///a%20b/c&d=e.db"},
		{"ü.db", nil, "file:%C3%BC.db"},
		{"//host/x.db", nil, "file:////host/x.db"},
		{"file:x.db", nil, "file:file:x.db"},
	} {
		if got := File(tc.path, tc.query); got != tc.want {
			t.Errorf("File(%q, %v) = %q, want %q", tc.path, tc.query, got, tc.want)
		}
	}
}
