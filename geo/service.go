package geo

import (
	"context"
	"time"
)

// IncidentService reads incidents. Implementations are safe for concurrent use.
type IncidentService interface {
	// FindIncidents returns the incidents matching f ordered by id, and how
	// many match in all (ignoring Limit/Offset/AfterID). EINVALID for a bad filter.
	// The incidents may be shared with a cache and other callers: callers
	// must not modify them.
	FindIncidents(ctx context.Context, f IncidentFilter) ([]*Incident, int, error)
	// FindIncidentByID returns one incident with its sources. ENOTFOUND if absent.
	FindIncidentByID(ctx context.Context, id int64) (*Incident, error)
	// FindSources counts incidents per outlet and per claimant under f
	// (f.Sources and f.SourceKind are ignored), most incidents first.
	FindSources(ctx context.Context, f IncidentFilter) ([]SourceCount, error)
}

// ReportService stores and reads reports. Implementations are safe for concurrent use.
type ReportService interface {
	// CreateReport stores r and its incidents in one transaction, setting
	// r.ID and each incident's ID. An incident that is the same event as a
	// stored one (see SameEvent) is merged into it instead of stored again.
	// If a report with r.Hash exists, nothing changes: r.ID is set to the
	// existing report's id and created is false.
	CreateReport(ctx context.Context, r *Report, incidents []*Incident) (created bool, err error)
	// FindReportByID returns a report and the incidents and mentions found
	// in it. ENOTFOUND if absent.
	FindReportByID(ctx context.Context, id int64) (*Report, []*Incident, error)
	// DeleteReport removes a report; incidents that no other report supports
	// go with it. ENOTFOUND if absent.
	DeleteReport(ctx context.Context, id int64) error
}

// NewReport is a report and the incidents found in it, for
// BulkReportService.CreateReports.
type NewReport struct {
	Report    *Report
	Incidents []*Incident
}

// CreateResult is what CreateReports did with one report: Err is nil when
// it was stored (Created) or already stored (not Created; Report.ID is
// the stored one), else why it was not stored.
type CreateResult struct {
	Created bool
	Err     error
}

// BulkReportService stores many reports in one transaction, for the batch
// ingest (geo/ingest.Batch).
type BulkReportService interface {
	// CreateReports stores reports as ReportService.CreateReport does, in
	// order, in one transaction; out[i] says what became of reports[i]. A
	// report that fails is rolled back alone and the others are kept; a
	// later report sees the earlier ones (duplicates, merges). When ctx is
	// cancelled the reports not yet begun get ctx's error and those
	// already stored are committed. err is non-nil, and nothing of the
	// batch is stored, only when the transaction itself fails.
	CreateReports(ctx context.Context, reports []NewReport) (out []CreateResult, err error)
}

// PlaceService persists the gazetteer.
type PlaceService interface {
	// UpsertPlaces inserts places, replacing any with the same GeonameID
	// (so a re-import updates instead of duplicating).
	UpsertPlaces(ctx context.Context, places []*Place) (inserted, updated int, err error)
	// EachPlace calls fn for every stored place, in no particular order.
	EachPlace(ctx context.Context, fn func(*Place) error) error
	// CountPlaces returns how many places and alternate names are stored.
	CountPlaces(ctx context.Context) (places, names int, err error)
}

// Change is one entry of the change log: every write bumps the data
// version and records what it touched, so clients can sync incrementally.
type Change struct {
	Version     int64     `json:"version"`
	Kind        string    `json:"kind"` // report_created, report_deleted, incident_reviewed
	ReportID    int64     `json:"report_id,omitempty"`
	IncidentIDs []int64   `json:"incident_ids"`
	At          time.Time `json:"at"`
}

// ChangeService reads the data version and the change log.
type ChangeService interface {
	// DataVersion returns the current data version (0 for an empty store).
	DataVersion(ctx context.Context) (int64, error)
	// Changes returns up to limit changes with Version > since, oldest first.
	Changes(ctx context.Context, since int64, limit int) ([]Change, error)
}

// Bucket is one bar of a histogram of incidents over time.
type Bucket struct {
	Date  time.Time // first day of the bucket
	Count int
}

// HistogramService counts incidents over time.
type HistogramService interface {
	// Histogram counts incidents matching f per "day", "week" (from Monday)
	// or "month", oldest first. EINVALID for another interval.
	Histogram(ctx context.Context, f IncidentFilter, interval string) ([]Bucket, error)
}

// TokenService checks the write tokens stored hashed (made by `incidentmap
// token create`). Implementations are safe for concurrent use.
type TokenService interface {
	// CheckToken reports whether token is a stored, unrevoked token and
	// returns its name. The comparison must take the same time however
	// close a guess is (constant time, no early exit).
	CheckToken(ctx context.Context, token string) (name string, ok bool, err error)
	// TokenID returns the id of token if it is a stored, unrevoked token.
	TokenID(ctx context.Context, token string) (id int64, ok bool, err error)
	// TokenActive reports whether token id exists and is not revoked.
	TokenActive(ctx context.Context, id int64) (bool, error)
}

// SettingService stores small named values beside the data (the session
// key, the default gazetteer's import mark), so that they travel with a
// backup. Implementations are safe for concurrent use.
type SettingService interface {
	// Setting returns the value stored under key, and whether there is one.
	Setting(ctx context.Context, key string) (value string, ok bool, err error)
	// SetSetting stores value under key, replacing what was there.
	SetSetting(ctx context.Context, key, value string) error
	// SettingOrInit returns the value stored under key, first storing init
	// there if the key has none. Of two processes initialising the same
	// key at once, both get the value that was stored first.
	SettingOrInit(ctx context.Context, key, init string) (string, error)
	// DeleteSetting removes key; removing a key that is not there is no error.
	DeleteSetting(ctx context.Context, key string) error
}

// Store is everything the server, the ingest pipeline and the commands'
// wiring need from storage: the contract a second backend (PostgreSQL,
// an in-memory store for tests) implements, as the SQLite store does.
// Every method is safe for concurrent use; errors are geo.Errors with the
// codes each service documents (EINTERNAL for a storage failure).
// Operations of one backend (backups, integrity checks, caches, tokens'
// management) stay on its own type.
type Store interface {
	IncidentService
	ReportService
	BulkReportService
	ChangeService // DataVersion keys every cache and ETag
	HistogramService
	ReviewService
	PlaceService
	PointService
	TokenService
	SettingService
	// Stats returns how many reports and incidents (all roles) are stored.
	Stats(ctx context.Context) (reports, incidents int, err error)
	// Close releases the store; no method may be called after it.
	Close() error
}
