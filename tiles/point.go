package tiles

import "time"

// Point is one incident as the tile encoders need it. The server fills it
// from the store; it is kept small (64 bytes) so that a million of them fit
// in memory and cluster fast. Strings for Source and Role are best shared
// (interned) by the caller, since many points repeat the same few values.
type Point struct {
	ID        int64
	Lon, Lat  float64
	Date      int32 // event date as days since 1970-01-01 (UTC); 0 when unknown
	Precision int8  // geographic precision code, 1 (exact) to 3 (province)
	Disputed  bool
	Source    string
	Role      string
}

// DaysToDate formats a day count since 1970-01-01 as "2006-01-02".
func DaysToDate(days int32) string {
	return epochDay(days).Format("2006-01-02")
}

// DateDays returns the day number of t's calendar date (in t's location),
// as Point.Date wants it.
func DateDays(t time.Time) int32 {
	y, m, d := t.Date()
	return int32(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}
