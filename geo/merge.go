package geo

// SameEvent reports whether two incidents from different reports describe
// the same event, so that the store keeps one incident listing both.
// (First version: same place, same day; the sources/dates work refines it.)
func SameEvent(a, b *Incident) bool {
	if a.Role != RoleIncident || b.Role != RoleIncident {
		return false
	}
	samePlace := a.GeonameID != 0 && a.GeonameID == b.GeonameID
	return samePlace && a.Date.Equal(b.Date)
}
