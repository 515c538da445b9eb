package tiles

import (
	"time"

	"github.com/incidentmap/incidentmap/geo"
)

// Point is one incident as the tile encoders need it: geo.PointRow, the
// store's row, under the name the encoders use (one type, so the server
// hands rows over without converting them).
type Point = geo.PointRow

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
