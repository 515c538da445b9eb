package ingest

import (
	"fmt"
	"strings"

	"github.com/incidentmap/incidentmap/geo"
)

// Summarize counts incidents and mentions, as the ingest command prints
// them: "3 incidents, 1 mentions".
func Summarize(incidents []*geo.Incident) string {
	var inc, men int
	for _, in := range incidents {
		if in.Role == geo.RoleIncident {
			inc++
		} else {
			men++
		}
	}
	return fmt.Sprintf("%d incidents, %d mentions", inc, men)
}

// DescribePlace says where and when in is, for people reading the ingest
// command's output: name, admin-1 and country, coordinates, precisions,
// and whether it needs review or is disputed.
func DescribePlace(in *geo.Incident) string {
	var b strings.Builder
	name := in.Name
	if name == "" {
		name = "(unresolved)"
	}
	fmt.Fprintf(&b, "%s", name)
	if in.Admin1 != "" || in.CountryCode != "" {
		fmt.Fprintf(&b, " [%s]", strings.Trim(in.Admin1+", "+in.CountryCode, ", "))
	}
	fmt.Fprintf(&b, " %.4f,%.4f precision %d, %s (date precision %d)", in.Lat, in.Lon, in.Precision, in.Date.Format(geo.DateLayout), in.DatePrecision)
	if in.NeedsReview {
		b.WriteString(", needs review")
	}
	if in.Disputed {
		b.WriteString(", disputed")
	}
	return b.String()
}

// SourceOrNone is s, or "no source" when s is empty.
func SourceOrNone(s string) string {
	if s == "" {
		return "no source"
	}
	return s
}
