// Package geoparse finds the places a text names and resolves them
// against a gazetteer: each Toponym says where a place name is in the text,
// which gazetteer place it is and how sure the parser is, and whether the
// text tells of something happening there (geo.RoleIncident) or only names
// it (geo.RoleMention). A RuleSet keeps a Parser that applies the analysts'
// place rules; SplitSentences gives the sentences Toponym.Sentence counts.
package geoparse

import (
	"context"
	"sort"

	"github.com/incidentmap/incidentmap/geo"
	"github.com/incidentmap/incidentmap/geo/gazetteer"
)

// Parser finds the places a text names and resolves them against a
// Gazetteer. It holds no per-text state: one Parser is safe for
// concurrent use.
//
// Parse works in three steps:
//  1. recognition (recognize.go, match.go, context.go): runs of
//     capitalised words are matched against the gazetteer, longest name
//     first; a match is dropped when its neighbours show it belongs to a
//     person's name, when it is a common word the gazetteer happens to list
//     (months, "Police", "Mobile"), or when it is part of a longer Arabic
//     name the gazetteer lacks ("Sharja" in "Abu Sharja"). Demonyms
//     ("Syrian") become adjectival toponyms. Unknown names that their
//     context marks as places ("near X", "the X and Y communities", "X
//     County") are kept unresolved.
//  2. resolution (resolve.go): each name's candidates are scored by
//     feature type, population, the report's countries and admin-1 areas,
//     "X, Y" cues and distance to the report's other places.
//  3. roles (roles.go): demonyms, names inside organisations, metonyms
//     ("Moscow said") and meeting places are mentions; the rest are
//     incidents.
type Parser struct {
	g         *gazetteer.Gazetteer
	overrides map[string][]Override
}

// Override is an analyst's rule that places a name: wherever Name (compared
// by StrictKey) appears in a report whose dominant country is CountryCode
// (any report when ""), it resolves to Lat/Lon with the given precision
// (1 when 0) and full confidence, and no longer needs review. Overrides are
// how reviewed unresolved places ("Abu Sharja" in SY) are fixed for good.
type Override struct {
	Name        string  `json:"name"`
	CountryCode string  `json:"country,omitempty"`
	Lat         float64 `json:"lat"`
	Lon         float64 `json:"lon"`
	GeonameID   int64   `json:"geonameid,omitempty"`
	Precision   int     `json:"precision,omitempty"`
}

// NewParser returns a Parser over g, applying the given overrides.
func NewParser(g *gazetteer.Gazetteer, overrides ...Override) *Parser {
	p := &Parser{g: g, overrides: map[string][]Override{}}
	for _, o := range overrides {
		if k := gazetteer.StrictKey(o.Name); k != "" {
			p.overrides[k] = append(p.overrides[k], o)
		}
	}
	return p
}

// mention kinds
const (
	kindPlace   = iota // gazetteer match
	kindDemonym        // adjectival form of a country
	kindUnknown        // a place name the gazetteer lacks
)

// mention is a recognised name before resolution.
type mention struct {
	i, j     int // token range [i, j)
	kind     int
	matches  []gazetteer.Match
	demonym  *geo.Place // the country or region of an adjectival form
	org      bool       // inside an organisation's name
	areaWord string     // "county", "province": the name is (or is cued as) an area
	override *Override
}

// Parse returns every toponym in text, sorted by Start. Offsets are code
// points; Sentence indexes SplitSentences(text).
func (p *Parser) Parse(text string) []Toponym {
	out, _ := p.parse(context.Background(), text, 0)
	return out
}

// MaxReportPlaces bounds the place names one report may hold for
// ParseContext. Real reports name tens, long ones a few hundred; the cap
// keeps a hostile 10 MiB body of place names from holding a core for long.
const MaxReportPlaces = 20000

// ParseContext is Parse for untrusted input: it stops with ctx's error
// soon after ctx ends (a client that left), and refuses a text naming more
// than MaxReportPlaces places with an ETOOLARGE error.
func (p *Parser) ParseContext(ctx context.Context, text string) ([]Toponym, error) {
	return p.parse(ctx, text, MaxReportPlaces)
}

// parse is Parse with a context and a cap on mentions (0: none).
func (p *Parser) parse(ctx context.Context, text string, maxPlaces int) ([]Toponym, error) {
	rs := []rune(text)
	sentences := SplitSentences(text)
	toks := tokenize(rs, sentences)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	ms, err := p.recognize(ctx, toks, maxPlaces)
	if err != nil {
		return nil, err
	}
	if maxPlaces > 0 && len(ms) > maxPlaces {
		return nil, geo.Errorf(geo.ETOOLARGE, "the report names more than %d places, the limit per report: split it", maxPlaces)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out, err := p.resolve(ctx, rs, toks, ms)
	if err != nil {
		return nil, err
	}
	sort.Slice(out, func(a, b int) bool { return out[a].Start < out[b].Start })
	return out, nil
}

// Toponym is a place name found in a text by the geoparser, with its
// resolution. Offsets are Unicode code points into the text, end exclusive.
type Toponym struct {
	Start       int             `json:"start"`
	End         int             `json:"end"`
	Text        string          `json:"text"`           // as written
	Name        string          `json:"name,omitempty"` // the gazetteer's name ("" when unresolved)
	GeonameID   int64           `json:"geonameid,omitempty"`
	Lat         float64         `json:"lat"`
	Lon         float64         `json:"lon"`
	CountryCode string          `json:"country,omitempty"`
	Admin1      string          `json:"admin1,omitempty"` // admin-1 name where known
	FeatureCode string          `json:"fcode,omitempty"`
	Role        geo.Role        `json:"role"`
	Adjectival  bool            `json:"adjectival,omitempty"` // a demonym or adjective ("Syrian")
	Resolved    bool            `json:"resolved"`             // false: placed at a containing area
	Precision   int             `json:"precision"`
	Confidence  float64         `json:"confidence"`
	NeedsReview bool            `json:"needs_review,omitempty"`
	Candidates  []geo.Candidate `json:"candidates,omitempty"` // runner-ups, best first
	Sentence    int             `json:"sentence"`             // index into the sentence list
}
