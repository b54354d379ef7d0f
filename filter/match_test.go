package filter

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/herd-social/herd/shard"
)

func TestMatch(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	const viewer, author = shard.ID(1), shard.ID(2)
	fs := []*Filter{
		{ID: 10, Title: "cats", Context: []Context{Home}, Action: Warn, Keywords: []Keyword{{ID: 11, Keyword: "cat", WholeWord: true}}},
		{ID: 20, Title: "dogs", Context: []Context{Home, Public}, Action: Hide, Keywords: []Keyword{{ID: 21, Keyword: "dog"}}},
		{ID: 30, Title: "old", Context: []Context{Home}, Action: Hide, ExpiresAt: now.Add(-time.Second),
			Keywords: []Keyword{{ID: 31, Keyword: "bird"}}},
		{ID: 40, Title: "one post", Context: []Context{Thread}, Action: Blur, Statuses: []Status{{ID: 41, StatusID: 99}}},
		{ID: 50, Title: "c++", Context: []Context{Home}, Action: Warn, Keywords: []Keyword{{ID: 51, Keyword: "c++", WholeWord: true}}},
		{ID: 60, Title: "café", Context: []Context{Account}, Action: Warn, Keywords: []Keyword{{ID: 61, Keyword: "Café", WholeWord: true}}},
	}
	m := Compile(viewer, fs, now)
	cases := []struct {
		name string
		t    Target
		c    Context
		want []shard.ID // filter ids
		kw   string     // first keyword match of the first result
	}{
		{"whole word", Target{ID: 1, Author: author, Text: "my CAT sleeps"}, Home, []shard.ID{10}, "CAT"},
		{"not inside a word", Target{ID: 1, Author: author, Text: "concatenate"}, Home, nil, ""},
		{"substring", Target{ID: 1, Author: author, Text: "hotdogs"}, Home, []shard.ID{20}, "dog"},
		{"other context", Target{ID: 1, Author: author, Text: "cat"}, Public, nil, ""},
		{"two filters", Target{ID: 1, Author: author, Text: "cat and dog"}, Home, []shard.ID{10, 20}, "cat"},
		{"expired", Target{ID: 1, Author: author, Text: "bird"}, Home, nil, ""},
		{"own status", Target{ID: 1, Author: viewer, Text: "cat"}, Home, nil, ""},
		{"status id", Target{ID: 99, Author: author, Text: "x"}, Thread, []shard.ID{40}, ""},
		{"boosted status id", Target{ID: 5, ReblogOf: 99, Author: author, Text: "x"}, Thread, []shard.ID{40}, ""},
		{"unicode whole word", Target{ID: 1, Author: author, Text: "au CAFÉ ce soir"}, Account, []shard.ID{60}, "CAFÉ"},
		{"unicode inside a word", Target{ID: 1, Author: author, Text: "cafés"}, Account, nil, ""},
		{"second occurrence whole", Target{ID: 1, Author: author, Text: "cats and a cat"}, Home, []shard.ID{10}, "cat"},
		{"any context", Target{ID: 1, Author: author, Text: "cat"}, "", []shard.ID{10}, "cat"},
		{"symbol ending", Target{ID: 1, Author: author, Text: "I like c++!"}, Home, []shard.ID{50}, "c++"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rs := m.Match(tc.t, tc.c)
			var got []shard.ID
			for _, r := range rs {
				got = append(got, r.Filter.ID)
			}
			if !slices.Equal(got, tc.want) {
				t.Fatalf("matched %v, want %v", got, tc.want)
			}
			if tc.kw != "" && (len(rs[0].KeywordMatches) != 1 || rs[0].KeywordMatches[0] != tc.kw) {
				t.Fatalf("keyword matches %v, want %q", rs[0].KeywordMatches, tc.kw)
			}
		})
	}
}

func TestSearchableText(t *testing.T) {
	got := SearchableText("cw", "<p>Hello <b>world</b> &amp; <a href=\"https://x.example/a\"><span class=\"invisible\">https://</span>x.example/a</a></p><p>again<br>more</p>",
		[]string{"yes", "no"}, []string{"a photo"})
	if got != "cw\n\nHello world & https://x.example/a\nagain\nmore\n\nyes\n\nno\n\na photo" {
		t.Fatalf("searchable text %q", got)
	}
}

// BenchmarkMatch100 matches a status of ordinary length against 100 filters of one
// keyword each, none of which matches: the common case of a home timeline.
func BenchmarkMatch100(b *testing.B) {
	var fs []*Filter
	for i := range 100 {
		fs = append(fs, &Filter{ID: shard.ID(i + 1), Context: []Context{Home}, Action: Hide,
			Keywords: []Keyword{{ID: shard.ID(1000 + i), Keyword: fmt.Sprintf("keyword%d", i), WholeWord: i%2 == 0}}})
	}
	m := Compile(1, fs, time.Now())
	t := Target{ID: 5, Author: 2, Text: SearchableText("", "<p>post 12 by 3 with a <a href=\"/tags/tag\">#tag</a> and https://example.com/link and some more words</p>", nil, nil)}
	for b.Loop() {
		if rs := m.Match(t, Home); rs != nil {
			b.Fatal(rs)
		}
	}
}
