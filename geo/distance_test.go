package geo

import "testing"

func TestHaversineKm(t *testing.T) {
	// Damascus to Aleppo is about 310 km.
	if d := HaversineKm(33.51, 36.29, 36.20, 37.16); d < 300 || d > 320 {
		t.Errorf("Damascus-Aleppo = %.0f km, want ~310", d)
	}
}
