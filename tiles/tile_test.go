package tiles

import (
	"testing"
	"time"

	"github.com/paulmach/orb/maptile"
)

func TestParseTile(t *testing.T) {
	tests := []struct {
		name    string
		z, x, y string
		want    maptile.Tile
		wantErr string
	}{
		{name: "world tile", z: "0", x: "0", y: "0", want: maptile.New(0, 0, 0)},
		{name: "idlib z8", z: "8", x: "154", y: "101", want: maptile.New(154, 101, 8)},
		{name: "deepest zoom", z: "22", x: "4194303", y: "0", want: maptile.New(4194303, 0, 22)},
		{name: "z too deep", z: "23", x: "0", y: "0", wantErr: "z 23 out of range 0..22"},
		{name: "negative z", z: "-1", x: "0", y: "0", wantErr: "z -1 out of range 0..22"},
		{name: "z not a number", z: "abc", x: "0", y: "0", wantErr: `z "abc" is not an integer`},
		{name: "z empty", z: "", x: "0", y: "0", wantErr: `z "" is not an integer`},
		{name: "z with plus sign", z: "+2", x: "0", y: "0", wantErr: `z "+2" is not an integer`},
		{name: "z overflows int64", z: "99999999999999999999", x: "0", y: "0", wantErr: "z 99999999999999999999 out of range"},
		{name: "x past the edge", z: "2", x: "5", y: "0", wantErr: "x 5 out of range 0..3 at z 2"},
		{name: "x equal to 2^z", z: "2", x: "4", y: "0", wantErr: "x 4 out of range 0..3 at z 2"},
		{name: "neg row(y) not allowed", z: "2", x: "1", y: "-1", wantErr: "y -1 out of range 0..3 at z 2"},
		{name: "y not a number", z: "2", x: "1", y: "abc", wantErr: `y "abc" is not an integer`},
		{name: "y with extension left on", z: "2", x: "1", y: "1.mvt", wantErr: `y "1.mvt" is not an integer`},
		{name: "x float", z: "3", x: "1.5", y: "1", wantErr: `x "1.5" is not an integer`},
		// Issue 20: one tile must have one URL, or caches and ETags split.
		{name: "negative zero z issue-20", z: "-0", x: "0", y: "0", wantErr: `z "-0" is not a canonical integer (want "0")`},
		{name: "double zero x issue-20", z: "1", x: "00", y: "0", wantErr: `x "00" is not a canonical integer (want "0")`},
		{name: "leading zero y issue-20", z: "3", x: "1", y: "07", wantErr: `y "07" is not a canonical integer (want "7")`},
		{name: "negative zero y issue-20", z: "3", x: "1", y: "-0", wantErr: `y "-0" is not a canonical integer (want "0")`},
		{name: "leading zero negative", z: "-01", x: "0", y: "0", wantErr: `z "-01" is not a canonical integer (want "-1")`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseTile(tt.z, tt.x, tt.y)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("ParseTile(%q, %q, %q) error = %v, want %q", tt.z, tt.x, tt.y, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseTile(%q, %q, %q) error = %v", tt.z, tt.x, tt.y, err)
			}
			if got != tt.want {
				t.Errorf("ParseTile(%q, %q, %q) = %v, want %v", tt.z, tt.x, tt.y, got, tt.want)
			}
		})
	}
}

func TestTileBound(t *testing.T) {
	tl := maptile.New(154, 101, 8)
	b := TileBound(tl, 0)
	if b != tl.Bound() {
		t.Fatalf("TileBound(t, 0) = %v, want maptile's %v", b, tl.Bound())
	}
	if bb := TileBound(tl, 16); !bb.Contains(b.Min) || !bb.Contains(b.Max) || bb.Left() >= b.Left() {
		t.Errorf("TileBound(t, 16) = %v does not grow %v", bb, b)
	}
}

func TestDateDays(t *testing.T) {
	d := DateDays(time.Date(2016, 3, 2, 23, 0, 0, 0, time.UTC))
	if got := DaysToDate(d); got != "2016-03-02" {
		t.Errorf("DaysToDate(DateDays(2016-03-02)) = %s", got)
	}
	if DateDays(time.Unix(0, 0).UTC()) != 0 {
		t.Errorf("DateDays(epoch) != 0")
	}
}
