package geo_test

import (
	"math"
	"testing"
	"time"

	"github.com/incidentmap/incidentmap/geo"
)

func TestValidateBound(t *testing.T) {
	for _, tt := range []struct {
		name string
		b    [4]float64
		want string // error message; "" = valid
	}{
		{"world", [4]float64{-180, -90, 180, 90}, ""},
		{"point", [4]float64{35, 32, 35, 32}, ""},
		{"NaN", [4]float64{math.NaN(), 0, 1, 1}, "NaN is not a finite number"},
		{"Inf", [4]float64{0, 0, math.Inf(1), 1}, "+Inf is not a finite number"},
		{"lon out of range", [4]float64{-181, 0, 0, 1}, "longitudes must be within -180..180"},
		{"lat out of range", [4]float64{0, 0, 1, 91}, "latitudes must be within -90..90"},
		{"lon inverted", [4]float64{10, 0, 5, 1}, "minLon 10 is greater than maxLon 5"},
		{"lat inverted", [4]float64{0, 5, 1, 1}, "minLat 5 is greater than maxLat 1"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := geo.ValidateBound(tt.b)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("ValidateBound(%v) = %v, want nil", tt.b, err)
				}
				return
			}
			if geo.ErrorCode(err) != geo.EINVALID || geo.ErrorMessage(err) != "bbox: "+tt.want {
				t.Fatalf("ValidateBound(%v) = %v, want EINVALID %q", tt.b, err, tt.want)
			}
		})
	}
}

func TestIncidentFilterValidate(t *testing.T) {
	day := func(s string) *time.Time { d, _ := time.Parse(geo.DateLayout, s); return &d }
	if err := (geo.IncidentFilter{From: day("2020-01-01"), To: day("2020-01-01")}).Validate(); err != nil {
		t.Fatalf("same-day range: %v, want nil", err)
	}
	for name, f := range map[string]geo.IncidentFilter{
		"from after to": {From: day("2020-02-01"), To: day("2020-01-01")},
		"bad bbox":      {BBox: &[4]float64{10, 0, 5, 1}},
		"role":          {Roles: []geo.Role{"x"}},
		"negative":      {Limit: -1},
		"sources":       {Sources: make([]string, geo.MaxFilterSources+1)},
	} {
		if err := f.Validate(); geo.ErrorCode(err) != geo.EINVALID {
			t.Errorf("%s: Validate() = %v, want EINVALID", name, err)
		}
	}
}
