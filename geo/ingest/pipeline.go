// Package ingest turns news reports into incidents and stores them: the
// geoparser finds the places a report names, the attribution dates each
// sentence's events and says who claims them, repeated mentions of a place
// on one day become one incident, and a geo.ReportService stores the lot.
package ingest

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/incidentmap/incidentmap/geo"
	"github.com/incidentmap/incidentmap/geo/attribute"
	"github.com/incidentmap/incidentmap/geo/geoparse"
)

// Pipeline turns reports into incidents and stores them: geoparse, attach
// claimants and event dates per sentence, group repeated mentions, store.
type Pipeline struct {
	Parser *geoparse.Parser
	// Rules, when set, supplies the parser instead of Parser: the one with
	// the analysts' current place rules (see geoparse.RuleSet).
	Rules   *geoparse.RuleSet
	Reports geo.ReportService
	// Outlets maps outlet aliases to one name ("rt.com" → "RT"); nil
	// applies only the default clean-up.
	Outlets *attribute.OutletAliases
	// Now stamps Report.Ingested; nil means time.Now.
	Now func() time.Time
}

// Ingest geoparses r, stores it with its incidents and returns them. When
// the same report is already stored, created is false and the stored
// report's incidents are returned; nothing changes.
func (p *Pipeline) Ingest(ctx context.Context, r *geo.Report) (created bool, incidents []*geo.Incident, err error) {
	if incidents, err = p.Prepare(ctx, r); err != nil {
		return false, nil, err
	}
	created, err = p.Reports.CreateReport(ctx, r, incidents)
	if err != nil {
		return false, nil, err
	}
	if !created {
		_, incidents, err = p.Reports.FindReportByID(ctx, r.ID)
		if err != nil {
			return false, nil, err
		}
	}
	return created, incidents, nil
}

// Prepare is the part of Ingest that needs no storage: it sets r's outlet
// to its canonical name, stamps r.Ingested when unset and returns the
// incidents of r (see Incidents), for ReportService.CreateReport. It is
// safe for concurrent use, so a bulk ingest can geoparse several reports
// at once and store them in order. It fails with ctx's error when ctx ends
// first, and with ETOOLARGE for a report naming more than
// geoparse.MaxReportPlaces places.
func (p *Pipeline) Prepare(ctx context.Context, r *geo.Report) (incidents []*geo.Incident, err error) {
	// A defect of the geoparser on one odd text must cost that report, not
	// the batch or the server's request: it becomes this report's error.
	defer func() {
		if v := recover(); v != nil {
			incidents, err = nil, geo.Errorf(geo.EINTERNAL, "geoparsing this report failed (a defect, please report it with the text): %v", v)
		}
	}()
	r.Source = p.Outlets.Canonical(r.Source)
	if r.Ingested.IsZero() {
		now := time.Now
		if p.Now != nil {
			now = p.Now
		}
		r.Ingested = now().UTC()
	}
	return p.Incidents(ctx, r)
}

// Incidents geoparses r and returns one incident per place and event date
// (and one mention per place), without storing anything. A place named in
// several sentences about the same day becomes one incident carrying the
// claims of all of them.
func (p *Pipeline) Incidents(ctx context.Context, r *geo.Report) ([]*geo.Incident, error) {
	sentences := geoparse.SplitSentences(r.Text)
	texts := make([]string, len(sentences))
	for i, s := range sentences {
		texts[i] = s.Text
	}
	parser := p.Parser
	if p.Rules != nil {
		parser = p.Rules.Parser()
	}
	toponyms, err := parser.ParseContext(ctx, r.Text)
	if err != nil {
		return nil, err
	}
	hasIncident := make([]bool, len(sentences))
	for _, t := range toponyms {
		if t.Role == geo.RoleIncident && t.Sentence >= 0 && t.Sentence < len(sentences) {
			hasIncident[t.Sentence] = true
		}
	}
	events := attribute.Report(texts, r.Published, hasIncident)

	type key struct {
		role  geo.Role
		place string
		date  string
	}
	var out []*geo.Incident
	byKey := map[key]*geo.Incident{}
	claims := map[*geo.Incident][]geo.Claim{}
	for i := range toponyms {
		t := &toponyms[i]
		sentence := ""
		date, datePrecision := r.Published, geo.DatePrecisionWeek
		var sentenceClaims []geo.Claim
		if t.Sentence >= 0 && t.Sentence < len(sentences) {
			sentence = sentences[t.Sentence].Text
			ev := events[t.Sentence]
			sentenceClaims = ev.Claims
			if t.Role == geo.RoleIncident && !ev.Date.IsZero() {
				date, datePrecision = ev.Date, ev.DatePrecision
			}
		}
		if t.Role != geo.RoleIncident {
			date, datePrecision = r.Published, geo.DatePrecisionDay // a mention is dated by its report
		}
		k := key{role: t.Role, place: placeKey(t)}
		if t.Role == geo.RoleIncident {
			k.date = date.Format(geo.DateLayout)
		}
		in := byKey[k]
		if in == nil {
			in = &geo.Incident{
				Date: date, DatePrecision: datePrecision, ReportDate: r.Published, Source: r.Source,
				Place: t.Text, Name: t.Name, GeonameID: t.GeonameID, CountryCode: t.CountryCode, Admin1: t.Admin1,
				Lat: t.Lat, Lon: t.Lon, Role: t.Role, Precision: t.Precision, Confidence: t.Confidence,
				NeedsReview: t.NeedsReview, Sentence: sentence, Start: t.Start, End: t.End, Candidates: t.Candidates,
			}
			if r.Source != "" {
				in.Sources = append(in.Sources, geo.SourceRef{Name: r.Source, Kind: geo.SourceOutlet})
			}
			byKey[k] = in
			out = append(out, in)
		} else if datePrecision < in.DatePrecision {
			// Prefer the sentence that dates the event most precisely.
			in.DatePrecision, in.Sentence, in.Start, in.End, in.Place = datePrecision, sentence, t.Start, t.End, t.Text
		}
		if t.Role == geo.RoleIncident {
			claims[in] = attribute.MergeClaims(claims[in], sentenceClaims)
		}
	}
	for in, cs := range claims {
		for _, c := range cs {
			in.Sources = append(in.Sources, geo.SourceRef{Name: c.Claimant, Kind: geo.SourceClaimant, Stance: c.Stance})
		}
		in.Disputed = attribute.Disputed(cs)
	}
	return out, nil
}

// placeKey identifies a resolved place by its gazetteer id and an
// unresolved one by its normalised name.
func placeKey(t *geoparse.Toponym) string {
	if t.GeonameID != 0 && t.Resolved {
		return "g" + strconv.FormatInt(t.GeonameID, 10)
	}
	return "n" + strings.ToLower(strings.Join(strings.Fields(t.Text), " "))
}
