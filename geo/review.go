package geo

import (
	"context"
	"math"
	"strings"
	"time"
	"unicode"
)

// CorrectionAction is what an analyst did to an incident.
type CorrectionAction string

// Correction actions.
const (
	// ActionMove places the incident at the analyst's point (Lat, Lon).
	ActionMove CorrectionAction = "move"
	// ActionCandidate resolves the incident to a gazetteer place (GeonameID),
	// usually one of its runner-up candidates.
	ActionCandidate CorrectionAction = "candidate"
	// ActionRole changes the incident's role (incident ↔ mention).
	ActionRole CorrectionAction = "role"
	// ActionReject removes a false place: the incident leaves the map.
	ActionReject CorrectionAction = "reject"
)

// Correction is one analyst fix of one incident. The fields used depend
// on Action: Lat and Lon for move, GeonameID for candidate, Role for role.
type Correction struct {
	ID         int64            `json:"id,omitempty"`
	IncidentID int64            `json:"incident_id"`
	Action     CorrectionAction `json:"action"`
	Lat        *float64         `json:"lat,omitempty"`
	Lon        *float64         `json:"lon,omitempty"`
	GeonameID  int64            `json:"geonameid,omitempty"`
	Role       Role             `json:"role,omitempty"`
	// Country scopes the rule a move or candidate fix leaves for future
	// reports (ISO code). "" means the default: the chosen place's country
	// for candidate, the incident's country for move.
	Country string `json:"country,omitempty"`
	// By names the analyst; the HTTP layer fills in "token" when unset.
	By string    `json:"by,omitempty"`
	At time.Time `json:"at"`
}

// maxByLen bounds the analyst name stored with a correction.
const maxByLen = 100

// Validate checks c's fields for its action; EINVALID (with the offending
// field as Param) otherwise. It trims By.
func (c *Correction) Validate() error {
	c.By = strings.TrimSpace(c.By)
	if len([]rune(c.By)) > maxByLen {
		return ParamErrorf("by", "at most %d characters", maxByLen)
	}
	for _, r := range c.By {
		if unicode.IsControl(r) {
			return ParamErrorf("by", "must not contain control characters")
		}
	}
	if c.Country != "" && (len(c.Country) != 2 || strings.ToUpper(c.Country) != c.Country ||
		!unicode.IsLetter(rune(c.Country[0])) || !unicode.IsLetter(rune(c.Country[1]))) {
		return ParamErrorf("country", "%q is not a two-letter ISO country code", c.Country)
	}
	switch c.Action {
	case ActionMove:
		if c.Lat == nil || c.Lon == nil {
			return ParamErrorf("lat", "move needs both lat and lon")
		}
		if lat := *c.Lat; math.IsNaN(lat) || lat < -90 || lat > 90 {
			return ParamErrorf("lat", "must be between -90 and 90")
		}
		if lon := *c.Lon; math.IsNaN(lon) || lon < -180 || lon > 180 {
			return ParamErrorf("lon", "must be between -180 and 180")
		}
	case ActionCandidate:
		if c.GeonameID <= 0 {
			return ParamErrorf("geonameid", "candidate needs a positive geonameid")
		}
	case ActionRole:
		if !c.Role.Valid() {
			return ParamErrorf("role", "%q is not a role (incident or mention)", c.Role)
		}
	case ActionReject:
	default:
		return ParamErrorf("action", "%q is not an action (move, candidate, role or reject)", c.Action)
	}
	return nil
}

// PlaceRule is a correction remembered for future reports: wherever Name
// (compared by StrictKey) appears in a report about CountryCode ("" = any
// country), it resolves to Lat/Lon (and GeonameID/PlaceName when the
// analyst chose a gazetteer place).
type PlaceRule struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"` // as written in the corrected report
	Key         string `json:"key"`  // LooseKey(Name), to find spelling variants
	CountryCode string `json:"country,omitempty"`
	// Admin1 narrows the scope to an admin-1 area. The geoparser's Override
	// has no admin-1 scope yet, so RuleSet does not apply such rules.
	Admin1    string    `json:"admin1,omitempty"`
	Lat       float64   `json:"lat"`
	Lon       float64   `json:"lon"`
	GeonameID int64     `json:"geonameid,omitempty"`
	PlaceName string    `json:"place_name,omitempty"` // the gazetteer's name, when GeonameID is set
	Precision int       `json:"precision"`
	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
}

// ReviewService stores analysts' corrections. Implementations are safe for
// concurrent use.
type ReviewService interface {
	// ApplyCorrection applies c to its incident, records it with c.By and
	// the time, bumps the data version and, for move and candidate, stores
	// (or replaces) the PlaceRule for the incident's place name, all in one
	// transaction. It returns the incident as it now is (for reject: as it
	// was before it was removed). ENOTFOUND for an unknown incident or
	// gazetteer place; EINVALID for a bad correction.
	ApplyCorrection(ctx context.Context, c Correction) (*Incident, error)
	// PlaceRules returns every stored rule, oldest first.
	PlaceRules(ctx context.Context) ([]PlaceRule, error)
	// ReviewQueue returns up to limit incidents and mentions to review:
	// those that need review first, then the lowest confidence.
	ReviewQueue(ctx context.Context, limit int) ([]*Incident, error)
}
