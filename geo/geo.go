// Package geo is incidentmap's vocabulary: reports, gazetteer places, the
// incidents found in reports and the filter that selects them, the sources
// and claims attached to incidents, analysts' corrections, the domain
// errors with their codes, the service interfaces a store implements, and
// the one great-circle distance (HaversineKm). It imports only the standard
// library and does no file or network I/O.
//
// The work is done in its subpackages: gazetteer (places by name, and the
// readers of the gazetteer's files), geoparse (the places a text names),
// attribute (event dates, who claims what, outlet names), merge (when two
// incidents are one event), ingest (reports to stored incidents),
// reportfile (the report file formats) and eval (scoring the geoparser).
package geo

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"
)

// DateLayout is the layout of every calendar date incidentmap reads or
// writes (event dates, report dates, filter bounds).
const DateLayout = "2006-01-02"

// Role says why a place is named in a report.
type Role string

const (
	// RoleIncident is a place where something the report describes happened.
	RoleIncident Role = "incident"
	// RoleMention is a place named for context: a metonym ("Moscow said"),
	// a demonym, a meeting place, or a place word inside an organisation's name.
	RoleMention Role = "mention"
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return r == RoleIncident || r == RoleMention }

// Geographic precision codes, as ACLED's geo_precision.
const (
	PrecisionExact    = 1 // the place itself
	PrecisionNear     = 2 // near a place, or part of a region
	PrecisionProvince = 3 // only the province (admin-1) is known
)

// Date precision codes, as ACLED's time_precision.
const (
	DatePrecisionDay   = 1
	DatePrecisionWeek  = 2
	DatePrecisionMonth = 3
)

// Report is one news report as ingested.
type Report struct {
	ID        int64     `json:"id"`
	Title     string    `json:"title,omitempty"`
	Text      string    `json:"text"`
	Published time.Time `json:"-"`                // the report date, UTC midnight
	Source    string    `json:"source,omitempty"` // the outlet (publisher), normalised
	URL       string    `json:"url,omitempty"`
	Hash      string    `json:"hash"` // hex SHA-256 of the normalised text; unique
	Ingested  time.Time `json:"ingested"`
}

// ReportHash returns the hex SHA-256 of text with runs of white space
// collapsed to one space and the ends trimmed, so the same report
// re-ingested with trivial spacing changes is a duplicate. Title, date and
// source do not count: the same text is the same report.
func ReportHash(text string) string {
	sum := sha256.Sum256([]byte(strings.Join(strings.Fields(text), " ")))
	return hex.EncodeToString(sum[:])
}

// Place is a gazetteer entry (a GeoNames row, a country, or an admin area).
type Place struct {
	GeonameID    int64    `json:"geonameid"`
	Name         string   `json:"name"`
	ASCIIName    string   `json:"asciiname,omitempty"`
	AltNames     []string `json:"alternatenames,omitempty"`
	Lat          float64  `json:"lat"`
	Lon          float64  `json:"lon"`
	FeatureClass string   `json:"fclass,omitempty"` // GeoNames feature class: A, P, ...
	FeatureCode  string   `json:"fcode,omitempty"`  // GeoNames feature code: PPLA, ADM1, PCLI, ...
	CountryCode  string   `json:"country,omitempty"`
	Admin1Code   string   `json:"admin1,omitempty"`
	Admin2Code   string   `json:"admin2,omitempty"`
	Population   int64    `json:"population,omitempty"`
}

// Candidate is one gazetteer entry considered for a toponym, kept so an
// analyst can review the choice.
type Candidate struct {
	GeonameID   int64   `json:"geonameid"`
	Name        string  `json:"name"`
	Lat         float64 `json:"lat"`
	Lon         float64 `json:"lon"`
	CountryCode string  `json:"country,omitempty"`
	Admin1      string  `json:"admin1,omitempty"` // admin-1 name where known
	FeatureCode string  `json:"fcode,omitempty"`
	Population  int64   `json:"population,omitempty"`
	Score       float64 `json:"score"`
}

// Stance is what a claimant says about an incident.
type Stance string

const (
	StanceClaims Stance = "claims"
	StanceDenies Stance = "denies"
)

// SourceKind distinguishes who published a report from who the text quotes.
type SourceKind string

const (
	SourceOutlet   SourceKind = "outlet"   // the publisher of a report
	SourceClaimant SourceKind = "claimant" // who the text attributes an incident to
)

// Valid reports whether k is a known source kind.
func (k SourceKind) Valid() bool { return k == SourceOutlet || k == SourceClaimant }

// Claim is an attribution found in a sentence: who says (or denies) it.
type Claim struct {
	Claimant string `json:"claimant"` // canonical name, e.g. "Russian Ministry of Defense"
	Stance   Stance `json:"stance"`
	Text     string `json:"text,omitempty"` // the words that named the claimant
}

// SourceRef is one source attached to an incident: an outlet that reported
// it, or a claimant quoted about it.
type SourceRef struct {
	Name     string     `json:"name"`
	Kind     SourceKind `json:"kind"`
	Stance   Stance     `json:"stance,omitempty"` // claimants only
	ReportID int64      `json:"report_id"`
}

// Incident is a place where something a report describes happened (or, with
// RoleMention, a place it names for context), ready to map.
type Incident struct {
	ID            int64       `json:"id"`
	ReportID      int64       `json:"report_id"` // the first report that named it
	ReportIDs     []int64     `json:"report_ids,omitempty"`
	Date          time.Time   `json:"-"` // event date, UTC midnight
	DatePrecision int         `json:"date_precision"`
	ReportDate    time.Time   `json:"-"`
	Source        string      `json:"source"` // outlet of the first report
	Sources       []SourceRef `json:"sources,omitempty"`
	Place         string      `json:"place"` // as written in the text
	Name          string      `json:"name"`  // the gazetteer's name
	GeonameID     int64       `json:"geonameid"`
	CountryCode   string      `json:"country,omitempty"`
	Admin1        string      `json:"admin1,omitempty"`
	Lat           float64     `json:"lat"`
	Lon           float64     `json:"lon"`
	Role          Role        `json:"role"`
	Precision     int         `json:"precision"`
	Confidence    float64     `json:"confidence"`
	NeedsReview   bool        `json:"needs_review"`
	Disputed      bool        `json:"disputed"`
	Sentence      string      `json:"sentence"`
	Start         int         `json:"start"` // code-point offsets of Place in the report text
	End           int         `json:"end"`
	Candidates    []Candidate `json:"candidates,omitempty"`
}

// IncidentFilter selects incidents. Zero values mean "no constraint".
type IncidentFilter struct {
	From, To     *time.Time  // event date range, inclusive
	Sources      []string    // outlet or claimant names (any of)
	SourceKind   SourceKind  // narrows Sources to one kind; "" = both
	BBox         *[4]float64 // minLon, minLat, maxLon, maxLat
	Roles        []Role      // any of; nil or empty = RoleIncident only
	MaxPrecision int         // 0 = any
	Disputed     *bool
	NeedsReview  *bool
	ReportID     int64
	AfterID      int64 // keyset paging: only ids greater than this
	Limit        int   // 0 = store default
	Offset       int
}

// SourceCount is one row of /api/sources.
type SourceCount struct {
	Name  string     `json:"name"`
	Kind  SourceKind `json:"kind"`
	Count int        `json:"count"` // incidents
}
