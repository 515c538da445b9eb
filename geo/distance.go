package geo

import "math"

// EarthRadiusKm is the mean Earth radius (IUGG R1), the one radius every
// great-circle distance in incidentmap uses.
const EarthRadiusKm = 6371.0088

// HaversineKm returns the great-circle distance in km between two points
// given in degrees.
func HaversineKm(lat1, lon1, lat2, lon2 float64) float64 {
	rad := math.Pi / 180
	dlat := (lat2 - lat1) * rad
	dlon := (lon2 - lon1) * rad
	a := math.Sin(dlat/2)*math.Sin(dlat/2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dlon/2)*math.Sin(dlon/2)
	return 2 * EarthRadiusKm * math.Asin(math.Min(1, math.Sqrt(a)))
}
