package attribute_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/incidentmap/incidentmap/geo"
	"github.com/incidentmap/incidentmap/geo/attribute"
)

// claimsString renders claims compactly for comparisons: "Name:stance; ...".
func claimsString(cs []geo.Claim) string {
	var b []string
	for _, c := range cs {
		b = append(b, fmt.Sprintf("%s:%s", c.Claimant, c.Stance))
	}
	return strings.Join(b, "; ")
}

func TestExtractClaims(t *testing.T) {
	tests := []struct {
		name, sentence, want string
	}{
		{"according to", "According to Syrian state media, gunmen stormed a bakery in Hama.",
			"Syrian state media:claims"},
		{"according to a statement by", "According to a statement by the Turkish Defense Ministry, two soldiers died.",
			"Turkish Ministry of National Defense:claims"},
		{"subject said", "The Russian Defence Ministry said its jets hit depots near Saraqib.",
			"Russian Ministry of Defense:claims"},
		{"trailing X said", "Three rockets fell on the airport, the Russian military said.",
			"Russian Ministry of Defense:claims"},
		{"reconciliation center is the ministry", "A convoy was shelled near Taftanaz, the Russian Reconciliation Center for Syria said.",
			"Russian Ministry of Defense:claims"},
		{"inverted said X", "The dam was never hit, said the Observatory.",
			"Syrian Observatory:claims"},
		{"subject denied", "A rebel official denied that any town had fallen.",
			"Rebels:denies"},
		{"war monitor reported", "The war monitor reported nine civilians dead in Ariha.",
			"War monitor:claims"},
		{"war monitor named in the sentence", "The Syrian Observatory for Human Rights, a war monitor, said jets struck Ariha.",
			"Syrian Observatory:claims"},
		{"passive disputed by two", "The Syrian army said it took the hill, although the account was disputed by a rebel spokesman and a war monitor.",
			"Syrian army:claims; Rebels:denies; War monitor:denies"},
		{"passive reported by", "The blast was reported by SANA.", "Syrian state media:claims"},
		{"passive without agent names nobody", "Casualties were reported in the old city.", ""},
		{"said no such attack", "The Observatory said no such raid had occurred, but shelling went on.",
			"Syrian Observatory:denies"},
		{"said there was no attack", "Damascus said there was no attack on the base.",
			"Syrian government:denies"},
		{"negation after but is not a denial", "Residents said shops reopened, but there was no attack on the market.",
			"Residents:claims"},
		{"appositive names the body", "Abu Khalid, a spokesman for the National Liberation Front, rejected the account.",
			"National Liberation Front:denies"},
		{"appositive relative clause", "Turkey, which backs the rebels, said its posts were hit.",
			"Turkey:claims"},
		{"denied reports from X and Y", "The commander denied reports from Syrian media and the Russian government that his men withdrew.",
			"Syrian state media:claims; Russian government:claims"},
		{"elided subject after but", "Syrian state media gave no toll, but said a car bomb hit the square.",
			"Syrian state media:claims"},
		{"Moscow speaking", "Moscow said the drones came from the west.", "Russian government:claims"},
		{"person", "Khaled Omar told reporters the road was cut.", "Khaled Omar:claims"},
		{"adjective use of reported", "The reported attack left the town dark.", ""},
		{"no attribution", "Smoke rose over the old city as families fled.", ""},
		{"denial wins over claim", "The Syrian Observatory said strikes hit Binnish but denied that any fighting took place.",
			"Syrian Observatory:denies"},
		{"acronym is case-sensitive", "Sana said she left the town at dawn.", "Sana:claims"},
		{"clause after inverted verb is no name", "The bridge fell, said 40 were killed.", ""},
		{"anaphor alone is dropped", "The statement added that two tanks were destroyed.", ""},
		// A verb of saying as the first word after opening punctuation has
		// no subject before it; this real opening once panicked (issue 20).
		{"quote-colon-quote opening", "\"Added Hall: \"Most true pastors volunteer their time to do that.", ""},
		{"verb first after a quote and comma", "\"Said, \"the road was cut.", ""},
		{"verb first after a parenthesis", "(Denied, she said.)", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := claimsString(attribute.ExtractClaims(tt.sentence)); got != tt.want {
				t.Errorf("ExtractClaims(%q)\n got %q\nwant %q", tt.sentence, got, tt.want)
			}
		})
	}
}

func TestExtractReportClaimsResolves(t *testing.T) {
	sents := []string{
		"According to the Russian Defense Ministry, militants raided two villages near Kafr Nabl.",
		"The raid was disputed by a rebel official and a war monitor.",
		"Abu Omar, a spokesman for Hayat Tahrir al-Sham, denied the claim.",
		"Omar said the group had not moved.",
		"The Syrian Observatory said it recorded strikes near Kafr Nabl.",
		"Moscow said the villages were retaken.",
		"The statement added that the area was calm.",
	}
	want := []string{
		"Russian Ministry of Defense:claims",
		"Hayat Tahrir al-Sham:denies; Syrian Observatory:denies",
		"Hayat Tahrir al-Sham:denies",
		"Hayat Tahrir al-Sham:claims",
		"Syrian Observatory:claims",
		"Russian Ministry of Defense:claims",
		"Russian Ministry of Defense:claims",
	}
	got := attribute.ExtractReportClaims(sents)
	for i := range sents {
		if g := claimsString(got[i]); g != want[i] {
			t.Errorf("sentence %d %q\n got %q\nwant %q", i, sents[i], g, want[i])
		}
	}
}
