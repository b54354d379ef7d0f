package search_test

import (
	"strings"
	"testing"

	"github.com/herd-social/herd/search"
)

func TestAnalysisLanguage(t *testing.T) {
	cases := []struct {
		st   search.Status
		want string
	}{
		{search.Status{Language: "DE", Text: "written in English all the same"}, "de"}, // the author's word stands
		{search.Status{Text: "Die Häuser stehen seit hundert Jahren am Ufer des Flusses"}, "de"},
		{search.Status{Text: "Сегодня мы идём в кино с друзьями"}, "ru"},
		{search.Status{Text: "今日は東京タワーに行きました"}, "ja"},
		{search.Status{Text: "   "}, ""},
		{search.Status{Text: "1234 5678 !!!"}, ""},
		// Past the first 1,000 characters the text is not read.
		{search.Status{Text: strings.Repeat("Les chanteuses étaient heureuses. ", 40) + strings.Repeat("Die Häuser am Fluss. ", 200)}, "fr"},
	}
	for _, c := range cases {
		if got := search.AnalysisLanguage(c.st); got != c.want {
			t.Errorf("%.40q: got %q, want %q", c.st.Text, got, c.want)
		}
	}
}
