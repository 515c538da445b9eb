package geoparse

import (
	"reflect"
	"testing"
	"unicode/utf8"
)

func TestSplitSentences(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"two sentences", "Shelling hit the town. Residents fled north.", []string{"Shelling hit the town.", "Residents fled north."}},
		{"U.S. does not split", "The U.S. Army sent aid. It arrived.", []string{"The U.S. Army sent aid.", "It arrived."}},
		{"title does not split", "Dr. Rana Haddad spoke on Jan. 4 in Homs. Nobody else did.", []string{"Dr. Rana Haddad spoke on Jan. 4 in Homs.", "Nobody else did."}},
		{"AP state abbreviation", "Police in Athens, Ga. Said nothing. Then left.", []string{"Police in Athens, Ga. Said nothing.", "Then left."}},
		{"lower-case word before dot splits", "He fell ill. The clinic closed.", []string{"He fell ill.", "The clinic closed."}},
		{"closing quote stays", "\"We left.\" She nodded.", []string{"\"We left.\"", "She nodded."}},
		{"decimal", "It was 1.5 km long. Yes.", []string{"It was 1.5 km long.", "Yes."}},
		{"line breaks", "Headline here\n\nBody text, no dot", []string{"Headline here", "Body text, no dot"}},
		{"question and lower-case continuation", "Why? because.", []string{"Why? because."}},
		{"empty", "  \n ", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := SplitSentences(tt.in)
			var texts []string
			for _, s := range got {
				texts = append(texts, s.Text)
			}
			if !reflect.DeepEqual(texts, tt.want) {
				t.Errorf("SplitSentences(%q)=%q, want %q", tt.in, texts, tt.want)
			}
		})
	}
}

func TestSplitSentencesOffsetsAreCodePoints(t *testing.T) {
	text := "Ḥamāh’s mayor spoke. Ma‘arrat was shelled."
	rs := []rune(text)
	got := SplitSentences(text)
	if len(got) != 2 {
		t.Fatalf("got %d sentences, want 2", len(got))
	}
	for _, s := range got {
		if string(rs[s.Start:s.End]) != s.Text {
			t.Errorf("runes[%d:%d]=%q, want %q", s.Start, s.End, string(rs[s.Start:s.End]), s.Text)
		}
	}
	if got[1].End != utf8.RuneCountInString(text) {
		t.Errorf("last End=%d, want %d", got[1].End, utf8.RuneCountInString(text))
	}
}
