package export

import (
	"bytes"
	"encoding/csv"
	"strconv"
	"strings"
	"testing"
)

// TestAppendCSVFieldNeutralisesFormulas: a spreadsheet starts a formula at
// any cell that begins with = + - @, and a cell begins not only at the
// field's start: a reader set to split on ';' or tabs (common outside
// English locales) starts a cell after each of them, CR and LF start a
// line, and some applications trim leading blanks first. Each such place
// gets an apostrophe before the sign; only a field that is all one plain
// number (a coordinate) is left as it is.
func TestAppendCSVFieldNeutralisesFormulas(t *testing.T) {
	type tc struct {
		name, in, want string
		prev           string // the record before the field, ending in its ','
	}
	tests := []tc{
		{"plain text", "Idlib", "Idlib", ""},
		{"empty", "", "", ""},
		{"formula", "=1+1", "'=1+1", ""},
		{"at formula", "@SUM(A1)", "'@SUM(A1)", ""},
		{"plus formula", "+1+1", "'+1+1", ""},
		{"minus formula", "-2+3", "'-2+3", ""},
		{"negative number kept", "-35.123456", "-35.123456", ""},
		{"positive number kept", "+3", "+3", ""},
		{"dash inside text kept", "north - south", "north - south", ""},
		{"leading tab", "\tx", "'\tx", ""},
		{"leading CR", "\rx", "\"'\rx\"", ""},
		{"after semicolon issue-20", "Levant Monitor; =cmd|' /C calc'!A0", "Levant Monitor; '=cmd|' /C calc'!A0", ""},
		{"after semicolon, no space issue-20", "a;@SUM(A1)", "a;'@SUM(A1)", ""},
		{"after semicolon, minus formula issue-20", "a; -2+3", "a; '-2+3", ""},
		{"after semicolon, plus issue-20", "a;+1+1", "a;'+1+1", ""},
		{"after semicolon, even a number", "a;-2", "a;'-2", ""},
		{"after semicolon, quoted for its quote", `A; =HYPERLINK("http://x")`, `"A; '=HYPERLINK(""http://x"")"`, ""},
		{"after tab issue-20", "a\t=1+1", "a\t'=1+1", ""},
		{"tab first and a formula after it issue-20", "\t=1+1", "'\t'=1+1", ""},
		{"after LF issue-20", "said no\n=1+1", "\"said no\n'=1+1\"", ""},
		{"after CRLF issue-20", "x\r\n+1+1", "\"x\r\n'+1+1\"", ""},
		{"leading blanks issue-20", "  =1+1", "  '=1+1", ""},
		{"blanks after semicolon issue-20", "a;   @x", "a;   '@x", ""},
		{"fullwidth equals", "＝1+1", "'＝1+1", ""},
		{"trailing semicolon", "a;", "a;", ""},
		{"infinity is not a number here", "-Inf", "'-Inf", ""},
		{"number after a plain field", "-3", "-3", "x,"},
		{"number after a field ending in ';' issue-20", "-3", "'-3", "x;,"},
		{"number after a field ending in '; ' issue-20", "-3", "'-3", "x; ,"},
		{"number after a field ending in a tab", "-3", "'-3", "x\t,"},
		{"number after a quoted field ending in ';'", "-3", "-3", `"x;y,z;",`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := string(appendCSVField([]byte(tt.prev), tt.in))
			if want := tt.prev + tt.want; got != want {
				t.Errorf("appendCSVField(%q, %q) = %q, want %q", tt.prev, tt.in, got, want)
			}
		})
	}
}

// TestCSVNoCellStartsAFormula reads the export of hostile fields back with
// ',', ';' and tab as the separator, as a spreadsheet in another locale
// would, and checks that no cell (after leading blanks) starts a formula;
// numbers (-2, +7) stay numbers.
func TestCSVNoCellStartsAFormula(t *testing.T) {
	hostile := []string{"=1+1", "a;=1+1", "b; @x", "c\t-1+1", "d\n+1+1", " =x", "x;-2", "y\n+7"}
	var b []byte
	for i, s := range hostile {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendCSVField(b, s)
	}
	b = append(b, "\r\n"...)
	for _, sep := range []rune{',', ';', '\t'} {
		r := csv.NewReader(bytes.NewReader(b))
		r.Comma, r.LazyQuotes, r.FieldsPerRecord = sep, true, -1
		rows, err := r.ReadAll()
		if err != nil {
			t.Fatalf("separator %q: %v", sep, err)
		}
		for _, row := range rows {
			for _, cell := range row {
				for _, line := range strings.Split(strings.ReplaceAll(cell, "\r", "\n"), "\n") {
					c := strings.TrimLeft(line, " ")
					if _, err := strconv.ParseFloat(c, 64); err == nil {
						continue // a number, not a formula
					}
					if c != "" && strings.ContainsRune("=+-@", rune(c[0])) {
						t.Errorf("separator %q: cell %q starts a formula", sep, line)
					}
				}
			}
		}
	}
}
