package eval

import (
	"bufio"
	"encoding/json"
	"io"

	"github.com/incidentmap/incidentmap/geo"
	"github.com/incidentmap/incidentmap/geo/geoparse"
)

// JSONLPlace is one place of WriteJSONL's output (`geoparse --jsonl`).
type JSONLPlace struct {
	Start      int      `json:"start"`
	End        int      `json:"end"`
	Name       string   `json:"name"`
	Text       string   `json:"text"`
	Lat        float64  `json:"lat"`
	Lon        float64  `json:"lon"`
	Role       geo.Role `json:"role"`
	GeonameID  int64    `json:"geonameid"`
	Precision  int      `json:"precision"`
	Confidence float64  `json:"confidence"`
	Adjectival bool     `json:"adjectival,omitempty"`
}

// WriteJSONL geoparses a corpus of JSON lines {"id", "text"} (see
// ReadCorpus) with p and writes one line per document: {"id", "places":
// [JSONLPlace...]}.
func WriteJSONL(p *geoparse.Parser, stdin io.Reader, stdout io.Writer) error {
	w := bufio.NewWriter(stdout)
	enc := json.NewEncoder(w)
	err := ReadCorpus(stdin, func(d *Doc) error {
		places := []JSONLPlace{}
		for _, t := range p.Parse(d.Text) {
			places = append(places, JSONLPlace{Start: t.Start, End: t.End, Name: t.Name, Text: t.Text,
				Lat: t.Lat, Lon: t.Lon, Role: t.Role, GeonameID: t.GeonameID, Precision: t.Precision,
				Confidence: t.Confidence, Adjectival: t.Adjectival})
		}
		return enc.Encode(struct {
			ID     string       `json:"id"`
			Places []JSONLPlace `json:"places"`
		}{d.ID, places})
	})
	if err != nil {
		return err
	}
	return w.Flush()
}
