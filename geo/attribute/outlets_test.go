package attribute

import (
	"strings"
	"testing"

	"github.com/incidentmap/incidentmap/geo"
)

func TestCleanOutlet(t *testing.T) {
	tests := []struct{ in, want string }{
		{"  Russia   Today ", "Russia Today"},
		{"https://www.RT.com/news/123", "rt.com"},
		{"http://example.org:8080/", "example.org"},
		{"www.bbc.co.uk", "bbc.co.uk"},
		{"rt.com", "rt.com"},
		{"RT", "RT"},
		{"St. Louis Post", "St. Louis Post"},
		{"v1.2", "v1.2"},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := CleanOutlet(tt.in); got != tt.want {
				t.Errorf("CleanOutlet(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestOutletAliases(t *testing.T) {
	a, err := ParseOutletAliases(strings.NewReader("# aliases\n\nRT = rt.com, Russia Today, https://www.rt.com/\nReuters = reuters.com\n"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ in, want string }{
		{"RT", "RT"}, {"rt", "RT"}, {"rt.com", "RT"}, {"https://rt.com/x", "RT"},
		{"russia  today", "RT"}, {"Reuters", "Reuters"}, {"www.reuters.com", "Reuters"},
		{"AFP", "AFP"}, {" Al  Jazeera ", "Al Jazeera"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := a.Canonical(tt.in); got != tt.want {
				t.Errorf("Canonical(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
	var none *OutletAliases
	if got := none.Canonical("https://rt.com"); got != "rt.com" || none.Len() != 0 {
		t.Errorf("nil Canonical = %q", got)
	}
}

func TestParseOutletAliasesErrors(t *testing.T) {
	tests := []struct{ name, in, msg string }{
		{"no equals", "RT rt.com\n", "line 1: want 'Name = alias, alias'"},
		{"empty name", "\n = rt.com\n", "line 2: empty outlet name"},
		{"alias of two", "RT = rt.com\nRussia Today = RT.com\n", `line 2: "RT.com" is already an alias of "RT"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseOutletAliases(strings.NewReader(tt.in))
			if geo.ErrorCode(err) != geo.EINVALID || !strings.Contains(geo.ErrorMessage(err), tt.msg) {
				t.Errorf("err = %v, want EINVALID containing %q", err, tt.msg)
			}
		})
	}
}
