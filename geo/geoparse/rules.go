package geoparse

import (
	"context"
	"sync"
	"sync/atomic"

	"github.com/incidentmap/incidentmap/geo"
	"github.com/incidentmap/incidentmap/geo/gazetteer"
)

// RuleSet holds the geoparser that applies the current place rules. The
// Parser is immutable, so a rule change builds a new one (cheap: the
// gazetteer is shared) and swaps it in atomically; Parse calls already
// running keep the parser they started with. Safe for concurrent use.
type RuleSet struct {
	g      *gazetteer.Gazetteer
	mu     sync.Mutex // serialises Load so an older rule list never lands last
	parser atomic.Pointer[Parser]
	n      atomic.Int64
}

// NewRuleSet returns a RuleSet over g applying rules.
func NewRuleSet(g *gazetteer.Gazetteer, rules []geo.PlaceRule) *RuleSet {
	s := &RuleSet{g: g}
	s.Set(rules)
	return s
}

// Set replaces the rules.
func (s *RuleSet) Set(rules []geo.PlaceRule) {
	ovs := make([]Override, 0, len(rules))
	for _, r := range rules {
		if r.Admin1 != "" {
			continue // see PlaceRule.Admin1
		}
		ovs = append(ovs, overrideOf(r))
	}
	s.parser.Store(NewParser(s.g, ovs...))
	s.n.Store(int64(len(ovs)))
}

// Len returns how many rules the current parser applies.
func (s *RuleSet) Len() int { return int(s.n.Load()) }

// Parser returns the geoparser with the current rules.
func (s *RuleSet) Parser() *Parser { return s.parser.Load() }

// Load replaces the rules with those src stores now.
func (s *RuleSet) Load(ctx context.Context, src interface {
	PlaceRules(ctx context.Context) ([]geo.PlaceRule, error)
}) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	rules, err := src.PlaceRules(ctx)
	if err != nil {
		return err
	}
	s.Set(rules)
	return nil
}

// Reviewer is a ReviewService that keeps Rules in step with the store:
// after each correction it reloads the rules, so the next report ingested
// already follows the analyst's fix.
type Reviewer struct {
	geo.ReviewService
	Rules *RuleSet
}

// ApplyCorrection applies c through the embedded service, then reloads the
// rules. If the reload fails the correction is stored all the same, and the
// error says the rules will apply after a restart.
func (r *Reviewer) ApplyCorrection(ctx context.Context, c geo.Correction) (*geo.Incident, error) {
	in, err := r.ReviewService.ApplyCorrection(ctx, c)
	if err != nil || r.Rules == nil {
		return in, err
	}
	if err := r.Rules.Load(ctx, r.ReviewService); err != nil {
		return in, &geo.Error{Code: geo.EINTERNAL, Message: "correction stored, but the place rules could not be reloaded: " + err.Error()}
	}
	return in, nil
}

// overrideOf returns the geoparser override that applies r.
func overrideOf(r geo.PlaceRule) Override {
	return Override{Name: r.Name, CountryCode: r.CountryCode, Lat: r.Lat, Lon: r.Lon,
		GeonameID: r.GeonameID, Precision: r.Precision}
}
