package store

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/incidentmap/incidentmap/geo"
)

// Limits on the page size of FindIncidents and Changes.
const (
	DefaultLimit = 1000
	MaxLimit     = 10000
)

// incidentColumns lists the columns scanIncident reads, in order, from
// "incidents i". The last two carry the incident's reports and sources,
// so one statement reads a whole page: separators are ASCII unit (0x1f)
// and record (0x1e) separators, which names never contain.
const incidentColumns = `i.id, i.report_id, i.date, i.date_precision, i.report_date, i.source, i.place, i.name,
	i.geonameid, i.country, i.admin1, i.lat, i.lon, i.role, i.precision, i.confidence, i.needs_review,
	i.disputed, i.sentence, i.start, i."end", i.candidates,
	(SELECT group_concat(report_id) FROM (SELECT report_id FROM incident_reports ir
		WHERE ir.incident_id = i.id ORDER BY report_id)),
	(SELECT group_concat(kind || char(31) || name || char(31) || stance || char(31) || report_id, char(30))
		FROM incident_sources s WHERE s.incident_id = i.id)`

// Roles are stored as small integers so they fit an R*Tree dimension.
func roleNum(r geo.Role) int {
	if r == geo.RoleMention {
		return 1
	}
	return 0
}

func roleFromNum(n int) geo.Role {
	if n == 1 {
		return geo.RoleMention
	}
	return geo.RoleIncident
}

// dayNum is the number of days from 1970-01-01 to t's UTC date.
func dayNum(t time.Time) int64 {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400
}

type rowScanner interface{ Scan(dest ...any) error }

func scanIncident(s rowScanner) (*geo.Incident, error) {
	var inc geo.Incident
	var date, reportDate, candidates string
	var reports, sources sql.NullString
	// int64 destinations: database/sql assigns them without reflection.
	var datePrec, role, prec, review, disputed, start, end int64
	if err := s.Scan(&inc.ID, &inc.ReportID, &date, &datePrec, &reportDate, &inc.Source,
		&inc.Place, &inc.Name, &inc.GeonameID, &inc.CountryCode, &inc.Admin1, &inc.Lat, &inc.Lon,
		&role, &prec, &inc.Confidence, &review, &disputed, &inc.Sentence,
		&start, &end, &candidates, &reports, &sources); err != nil {
		return nil, err
	}
	inc.DatePrecision, inc.Precision, inc.Start, inc.End = int(datePrec), int(prec), int(start), int(end)
	inc.NeedsReview, inc.Disputed = review != 0, disputed != 0
	inc.Role = roleFromNum(int(role))
	var err error
	if inc.Date, err = parseDate(date); err != nil {
		return nil, fmt.Errorf("incident %d: date: %w", inc.ID, err)
	}
	if inc.ReportDate, err = parseDate(reportDate); err != nil {
		return nil, fmt.Errorf("incident %d: report date: %w", inc.ID, err)
	}
	if candidates != "" {
		if err := json.Unmarshal([]byte(candidates), &inc.Candidates); err != nil {
			return nil, fmt.Errorf("incident %d: candidates: %w", inc.ID, err)
		}
	}
	if inc.ReportIDs, err = parseIDs(reports.String); err != nil {
		return nil, fmt.Errorf("incident %d: reports: %w", inc.ID, err)
	}
	if inc.Sources, err = parseSources(sources.String); err != nil {
		return nil, fmt.Errorf("incident %d: sources: %w", inc.ID, err)
	}
	return &inc, nil
}

// parseIDs parses group_concat's comma-separated ids.
func parseIDs(s string) ([]int64, error) {
	if s == "" {
		return nil, nil
	}
	ids := make([]int64, 0, strings.Count(s, ",")+1)
	for f := range strings.SplitSeq(s, ",") {
		id, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// parseSources parses the records of incidentColumns' sources column.
func parseSources(s string) ([]geo.SourceRef, error) {
	if s == "" {
		return nil, nil
	}
	refs := make([]geo.SourceRef, 0, strings.Count(s, "\x1e")+1)
	for rec := range strings.SplitSeq(s, "\x1e") {
		f := strings.Split(rec, "\x1f")
		if len(f) != 4 {
			return nil, fmt.Errorf("bad source record %q", rec)
		}
		rid, err := strconv.ParseInt(f[3], 10, 64)
		if err != nil {
			return nil, err
		}
		refs = append(refs, geo.SourceRef{Kind: geo.SourceKind(f[0]), Name: f[1], Stance: geo.Stance(f[2]), ReportID: rid})
	}
	sortSources(refs)
	return refs, nil
}

// sortSources puts outlets first, then claimants; each by report, then
// name. Sorted here rather than in SQL: an ORDER BY per row costs more
// than the page.
func sortSources(refs []geo.SourceRef) {
	slices.SortFunc(refs, func(a, b geo.SourceRef) int {
		if a.Kind != b.Kind {
			if a.Kind == geo.SourceOutlet {
				return -1
			}
			return 1
		}
		return cmp.Or(cmp.Compare(a.ReportID, b.ReportID), strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)))
	})
}

// parseDate parses YYYY-MM-DD without time.Parse's generality; it runs
// twice per row of every listing.
func parseDate(s string) (time.Time, error) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return time.Time{}, fmt.Errorf("bad date %q", s)
	}
	y, err1 := strconv.Atoi(s[:4])
	m, err2 := strconv.Atoi(s[5:7])
	d, err3 := strconv.Atoi(s[8:])
	if err := errors.Join(err1, err2, err3); err != nil {
		return time.Time{}, fmt.Errorf("bad date %q", s)
	}
	return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC), nil
}

// queryIncidents runs a query selecting incidentColumns from "incidents i".
func (db *DB) queryIncidents(ctx context.Context, tx *sql.Tx, query string, args ...any) ([]*geo.Incident, error) {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, FormatError(err)
	}
	defer rows.Close()
	incidents := []*geo.Incident{}
	for rows.Next() {
		inc, err := scanIncident(rows)
		if err != nil {
			return nil, err
		}
		incidents = append(incidents, inc)
	}
	if err := rows.Err(); err != nil {
		return nil, FormatError(err)
	}
	return incidents, nil
}

// querier is what *sql.Tx and *sql.DB have in common.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// FindIncidentByID returns one incident with its reports and sources.
// ENOTFOUND if absent.
func (db *DB) FindIncidentByID(ctx context.Context, id int64) (*geo.Incident, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	incidents, err := db.queryIncidents(ctx, tx, `SELECT `+incidentColumns+` FROM incidents i WHERE i.id = ?`, id)
	if err != nil {
		return nil, err
	} else if len(incidents) == 0 {
		return nil, geo.Errorf(geo.ENOTFOUND, "incident %d not found", id)
	}
	return incidents[0], nil
}

// FindIncidents returns the page of incidents matching f ordered by id,
// and how many match in all (ignoring Limit, Offset and AfterID). A zero
// Limit means DefaultLimit; larger than MaxLimit means MaxLimit. Bbox
// edges are inclusive, at the R*Tree's float32 precision (under a metre).
// EINVALID for an impossible filter.
func (db *DB) FindIncidents(ctx context.Context, f geo.IncidentFilter) ([]*geo.Incident, int, error) {
	q, err := buildQuery(f)
	if err != nil {
		return nil, 0, err
	}
	// Before the transaction: on :memory: the transaction holds the only
	// connection that DataVersion could use.
	v, err := db.DataVersion(ctx)
	if err != nil {
		return nil, 0, err
	}
	limit := f.Limit
	if limit == 0 {
		limit = DefaultLimit
	} else if limit > MaxLimit {
		limit = MaxLimit
	}
	if s := db.points.get(v); s != nil {
		// No connection is held for the walk: the readers' pool hands
		// connections to waiters in random order, so holding one for work
		// that needs none made some requests wait many times their share
		// (p99 0.7 s at 16 connections and 400 req/s, p50 25 ms).
		ids, n, err := db.cachedPage(ctx, s, f, limit)
		if err != nil {
			return nil, 0, err
		}
		incidents, err := db.cachedIncidentsByID(ctx, nil, v, ids, firstPage(f))
		if err != nil {
			return nil, 0, err
		}
		return incidents, n, nil
	}
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, 0, err
	}
	defer tx.Rollback()
	db.points.refresh(v)
	if _, cached := db.cachedCount(q, v); !cached && q.alias == "i" && f.BBox != nil {
		// A box with a narrow date range is driven by the date index, and
		// its page needs every match sorted by id anyway: one scan that
		// collects the ids answers both the count and the page, where the
		// count and the page query would each scan (measured: half the
		// time of issue 8's dated query at 1M incidents).
		ids, err := queryIDs(ctx, tx, q.ids(), q.args...)
		if err != nil {
			return nil, 0, FormatError(err)
		}
		db.storeCount(q, v, len(ids))
		slices.Sort(ids)
		incidents, err := db.cachedIncidentsByID(ctx, tx, v, pageOf(ids, f.AfterID, f.Offset, limit), firstPage(f))
		if err != nil {
			return nil, 0, err
		}
		return incidents, len(ids), nil
	}
	n, err := db.count(ctx, tx, q, v)
	if err != nil {
		return nil, 0, err
	}
	page, args := q.page(f.AfterID, limit, f.Offset)
	if n > 0 {
		// A filter matching a large share of the table: walking incidents
		// in id order stops after the page, where the R*Tree or an index
		// would hand over every match to be sorted (for the whole table
		// at 1M incidents, 0.5 s against a millisecond).
		var maxID int64
		if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM incidents`).Scan(&maxID); err != nil {
			return nil, 0, FormatError(err)
		}
		if float64(n)*float64(n) > denseFactor*float64(limit+f.Offset)*float64(maxID) {
			page, args = q.pageByID(f.AfterID, limit, f.Offset)
		}
	}
	ids, err := queryIDs(ctx, tx, page, args...)
	if err != nil {
		return nil, 0, FormatError(err)
	}
	incidents, err := db.cachedIncidentsByID(ctx, tx, v, ids, firstPage(f))
	if err != nil {
		return nil, 0, err
	}
	return incidents, n, nil
}

// denseFactor is the relative cost of visiting one incident in id order
// (row read plus an R*Tree probe) against handing over one R*Tree match
// (plus its share of the sort), measured on 200k synthetic incidents.
const denseFactor = 4

// count returns how many incidents q matches, from a small cache keyed by
// the query and valid for one data version: paging through a result and
// re-rendering a map re-ask the same count.
func (db *DB) count(ctx context.Context, tx *sql.Tx, q *query, v int64) (int, error) {
	if n, ok := db.cachedCount(q, v); ok {
		return n, nil
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM (`+q.ids()+`)`, q.args...).Scan(&n); err != nil {
		return 0, FormatError(err)
	}
	db.storeCount(q, v, n)
	return n, nil
}

// cachedCount returns the count of q cached at data version v.
func (db *DB) cachedCount(q *query, v int64) (int, bool) {
	db.mu.Lock()
	defer db.mu.Unlock()
	if db.countVer != v {
		clear(db.counts)
		db.countVer = v
	}
	n, ok := db.counts[q.key()]
	return n, ok
}

// storeCount caches the count of q computed at data version v.
func (db *DB) storeCount(q *query, v int64, n int) {
	db.mu.Lock()
	defer db.mu.Unlock()
	if db.countVer == v {
		if len(db.counts) >= 4096 {
			clear(db.counts)
		}
		db.counts[q.key()] = n
	}
}

// pageOf returns the page of sorted ids after afterID, skipping offset
// and keeping at most limit.
func pageOf(ids []int64, afterID int64, offset, limit int) []int64 {
	i, _ := slices.BinarySearch(ids, afterID+1)
	ids = ids[i:]
	if offset >= len(ids) {
		return nil
	}
	ids = ids[offset:]
	return ids[:min(limit, len(ids))]
}

func int64sJSON(ids []int64) string {
	var b strings.Builder
	b.WriteByte('[')
	for i, id := range ids {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatInt(id, 10))
	}
	b.WriteByte(']')
	return b.String()
}

func queryIDs(ctx context.Context, q querier, query string, args ...any) ([]int64, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}
