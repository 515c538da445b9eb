package generate

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// The synthetic data of `incidentmap generate`: real towns, invented
// outlets and claimants, and a small template grammar for sentences about
// incidents. Every text here is written for this generator; nothing is
// taken from a report.

// town is a real populated place of Syria or a neighbour, with its
// approximate GeoNames coordinates; weight says how often incidents
// cluster around it, and spread (degrees) how far they scatter.
type town struct {
	name, country, admin1 string
	lat, lon              float64
	weight                int
}

// genTowns are the towns most synthetic incidents cluster around; the
// weights give the north-west of Syria (Idlib, Aleppo) most of them, as in
// the archives the map is built for.
var genTowns = []town{
	{"Idlib", "SY", "Idlib", 35.9306, 36.6339, 40},
	{"Aleppo", "SY", "Aleppo", 36.2021, 37.1612, 40},
	{"Saraqib", "SY", "Idlib", 35.8623, 36.8006, 15},
	{"Maarat al-Numan", "SY", "Idlib", 35.6433, 36.6717, 15},
	{"Khan Shaykhun", "SY", "Idlib", 35.4414, 36.6383, 10},
	{"Jisr al-Shughur", "SY", "Idlib", 35.8126, 36.3181, 10},
	{"Ariha", "SY", "Idlib", 35.8136, 36.6075, 8},
	{"Sarmada", "SY", "Idlib", 36.1847, 36.7244, 6},
	{"Atarib", "SY", "Aleppo", 36.1364, 36.8305, 6},
	{"Azaz", "SY", "Aleppo", 36.5862, 37.0450, 6},
	{"Al-Bab", "SY", "Aleppo", 36.3700, 37.5150, 8},
	{"Manbij", "SY", "Aleppo", 36.5281, 37.9536, 8},
	{"Hama", "SY", "Hama", 35.1318, 36.7500, 15},
	{"Homs", "SY", "Homs", 34.7268, 36.7233, 20},
	{"Damascus", "SY", "Damascus", 33.5102, 36.2913, 25},
	{"Douma", "SY", "Rif Dimashq", 33.5722, 36.4025, 12},
	{"Daraa", "SY", "Daraa", 32.6189, 36.1063, 12},
	{"Latakia", "SY", "Latakia", 35.5317, 35.7917, 6},
	{"Tartus", "SY", "Tartus", 34.8890, 35.8867, 3},
	{"Raqqa", "SY", "Raqqa", 35.9528, 39.0094, 15},
	{"Deir ez-Zor", "SY", "Deir ez-Zor", 35.3359, 40.1408, 15},
	{"Palmyra", "SY", "Homs", 34.5601, 38.2684, 6},
	{"Qamishli", "SY", "Hasakah", 37.0522, 41.2269, 5},
	{"Hasakah", "SY", "Hasakah", 36.5024, 40.7473, 5},
	{"Kobani", "SY", "Aleppo", 36.8897, 38.3597, 5},
	{"Abu Kamal", "SY", "Deir ez-Zor", 34.4528, 40.9186, 5},
	{"Mayadin", "SY", "Deir ez-Zor", 35.0198, 40.4514, 4},
	{"Gaziantep", "TR", "Gaziantep", 37.0662, 37.3833, 3},
	{"Kilis", "TR", "Kilis", 36.7184, 37.1153, 3},
	{"Antakya", "TR", "Hatay", 36.2025, 36.1613, 3},
	{"Reyhanli", "TR", "Hatay", 36.2692, 36.5672, 3},
	{"Sanliurfa", "TR", "Sanliurfa", 37.1591, 38.7969, 2},
	{"Mosul", "IQ", "Nineveh", 36.3450, 43.1189, 10},
	{"Baghdad", "IQ", "Baghdad", 33.3152, 44.3661, 8},
	{"Fallujah", "IQ", "Anbar", 33.3500, 43.7797, 5},
	{"Ramadi", "IQ", "Anbar", 33.4206, 43.3051, 5},
	{"Tikrit", "IQ", "Salah ad Din", 34.6069, 43.6861, 3},
	{"Kirkuk", "IQ", "Kirkuk", 35.4681, 44.3923, 3},
	{"Beirut", "LB", "Beirut", 33.8886, 35.4951, 3},
	{"Tripoli", "LB", "North", 34.4367, 35.8497, 2},
	{"Baalbek", "LB", "Baalbek-Hermel", 34.0058, 36.2118, 2},
	{"Arsal", "LB", "Baalbek-Hermel", 34.1794, 36.4206, 2},
	{"Mafraq", "JO", "Mafraq", 32.3406, 36.2080, 2},
	{"Irbid", "JO", "Irbid", 32.5556, 35.8500, 2},
}

// genOutlets are 40 invented outlet names; generated incidents pick them
// with a Zipf distribution, so the first few carry most incidents.
func genOutlets() []string {
	var out []string
	for _, a := range []string{"Levant", "Orontes", "Euphrates", "Crescent", "Desert", "Coastal", "Northern", "Eastern"} {
		for _, b := range []string{"Times", "Monitor", "Observer", "Herald", "Wire"} {
			out = append(out, a+" "+b)
		}
	}
	return out
}

// genClaimants are invented claimants quoted in synthetic sentences.
var genClaimants = []string{
	"the civil defence", "the health directorate", "a local council", "the defence ministry",
	"an opposition spokesman", "a monitoring group", "the interior ministry", "a military source",
}

// The grammar: a sentence is opening + event + place + consequence +
// attribution, each chosen at random.
var (
	gOpenings = []string{
		"Early on %s,", "On %s evening,", "Before dawn on %s,", "Late on %s,", "Around midday on %s,",
		"Residents said that on %s", "For the second time this week, on %s",
	}
	gEvents = []string{
		"artillery shells struck a residential block", "an air strike hit a crowded market",
		"a car bomb exploded near a checkpoint", "clashes broke out between rival armed groups",
		"a drone attack targeted a military convoy", "rocket fire damaged a water station",
		"a roadside explosive device hit a minibus", "heavy shelling forced families to flee",
		"gunmen opened fire on a police patrol", "barrel bombs fell on farmland and homes",
	}
	gPlaces = []string{
		"in the centre of %s", "on the southern edge of %s", "in an eastern district of %s",
		"near the main road into %s", "in villages outside %s", "close to the hospital in %s",
	}
	gConsequences = []string{
		"killing %d people and wounding several others", "leaving at least %d civilians injured",
		"and %d fighters were reported dead", "damaging %d buildings and a school",
		"and rescuers searched the rubble for %d missing residents", "cutting power to %d neighbourhoods",
	}
	gAttributions = []string{
		"according to %s", "%s said in a statement", "as %s reported", "%s told reporters",
	}
	gDenials = []string{"but %s denied the account", "a claim %s rejected"}
	gContext = []string{
		"Talks on a ceasefire are expected to resume next month in Geneva.",
		"Aid agencies warned that winter would worsen conditions for displaced families.",
		"The area has changed hands several times since the start of the conflict.",
		"Officials in Ankara and Moscow have discussed the situation by phone.",
		"Prices of bread and fuel have doubled in the region this year.",
	}
)

// sentence is one generated incident sentence, with what it attributes.
type sentence struct {
	text     string
	claimant string
	denies   bool
}

// genSentence writes a sentence of about 200 characters about an event
// in townName on day d.
func genSentence(rng *rand.Rand, townName string, d time.Time) sentence {
	pick := func(xs []string) string { return xs[rng.IntN(len(xs))] }
	var b strings.Builder
	fmt.Fprintf(&b, pick(gOpenings), d.Weekday())
	b.WriteByte(' ')
	b.WriteString(pick(gEvents))
	b.WriteByte(' ')
	fmt.Fprintf(&b, pick(gPlaces), townName)
	b.WriteString(", ")
	fmt.Fprintf(&b, pick(gConsequences), 2+rng.IntN(30))
	s := sentence{claimant: pick(genClaimants)}
	b.WriteString(", ")
	fmt.Fprintf(&b, pick(gAttributions), s.claimant)
	if rng.IntN(20) == 0 {
		s.denies = true
		b.WriteString(", ")
		fmt.Fprintf(&b, pick(gDenials), pick(genClaimants))
	}
	b.WriteByte('.')
	s.text = b.String()
	return s
}

// genReportText writes a seed-sized report (about 2 KB, twelve sentences)
// about events on and before day d, in the seed text format read by
// reportfile.Parse. It is the input of the ingest benchmark; n makes the
// text (and so its hash) unique.
func genReportText(rng *rand.Rand, towns townPicker, d time.Time, n int) string {
	var b strings.Builder
	fmt.Fprintf(&b, " date %s\n\n", d.Format("2006-01-02"))
	for i := range 12 {
		if i > 0 && i%3 == 0 {
			b.WriteString("\n\n")
		} else if i > 0 {
			b.WriteByte(' ')
		}
		if rng.IntN(4) == 0 {
			b.WriteString(gContext[rng.IntN(len(gContext))])
			continue
		}
		t := towns.pick(rng)
		b.WriteString(genSentence(rng, t.name, d.AddDate(0, 0, -rng.IntN(3))).text)
	}
	fmt.Fprintf(&b, "\n\nReference %d.\n", n)
	return b.String()
}

// townPicker draws towns in proportion to their weights.
type townPicker struct{ cum []int }

func newTownPicker() townPicker {
	p := townPicker{cum: make([]int, len(genTowns))}
	total := 0
	for i, t := range genTowns {
		total += t.weight
		p.cum[i] = total
	}
	return p
}

func (p townPicker) pick(rng *rand.Rand) *town { return &genTowns[p.index(rng)] }

// index draws the index in genTowns of a town.
func (p townPicker) index(rng *rand.Rand) int {
	x := rng.IntN(p.cum[len(p.cum)-1])
	lo, hi := 0, len(p.cum)-1
	for lo < hi {
		m := (lo + hi) / 2
		if p.cum[m] > x {
			hi = m
		} else {
			lo = m + 1
		}
	}
	return lo
}

// defaultPicker draws from genTowns; read-only after init.
var defaultPicker = newTownPicker()

// ReportText is a seed-format report text of about 2 KB about events on
// and before d, as WriteReportTexts writes; n makes the text unique.
func ReportText(rng *rand.Rand, d time.Time, n int) string {
	return genReportText(rng, defaultPicker, d, n)
}
