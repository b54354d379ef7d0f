package rules_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/herd-social/herd/rules"
	"github.com/herd-social/herd/shard"
)

func TestMatch(t *testing.T) {
	rs := []*rules.ContentRule{
		{ID: 1, Pattern: "Spam Offer", Action: rules.Reject},
		{ID: 2, Pattern: "cat", WholeWord: true, Action: rules.Sensitive},
		{ID: 3, Pattern: `(?i)\bbuy\s+now\b`, Regexp: true, Action: rules.Report},
		{ID: 4, Pattern: "élan", WholeWord: true, Action: rules.Unlist},
	}
	m, err := rules.Compile(rs)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		texts []string
		want  []shard.ID
	}{
		{[]string{"a SPAM offer today"}, []shard.ID{1}},
		{[]string{"concatenate"}, nil},
		{[]string{"my cat."}, []shard.ID{2}},
		{[]string{"cats and a cat_"}, nil},
		{[]string{"", "Cat"}, []shard.ID{2}},
		{[]string{"BUY   now", "cat"}, []shard.ID{2, 3}},
		{[]string{"élans"}, nil},
		{[]string{"(ÉLAN)"}, []shard.ID{4}},
		{[]string{"nothing here"}, nil},
	} {
		var got []shard.ID
		for _, r := range m.Match(tc.texts...) {
			got = append(got, r.ID)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%q: %v, want %v", tc.texts, got, tc.want)
		}
	}
}

// BenchmarkMatch100 matches a typical post (text, content warning, a media
// description) against 100 rules: 80 phrases, half of them whole words, and 20
// regular expressions.
func BenchmarkMatch100(b *testing.B) {
	var rs []*rules.ContentRule
	for i := range 100 {
		r := &rules.ContentRule{ID: shard.ID(i + 1), Action: rules.Report}
		if i < 80 {
			r.Pattern, r.WholeWord = fmt.Sprintf("forbidden phrase %d", i), i%2 == 0
		} else {
			r.Pattern, r.Regexp = fmt.Sprintf(`(?i)\bbad[-_ ]?word%d\b`, i), true
		}
		rs = append(rs, r)
	}
	m, err := rules.Compile(rs)
	if err != nil {
		b.Fatal(err)
	}
	post := strings.Repeat("Just had a lovely walk by the river with the dog, the weather was great. ", 6) +
		"#walks @friend@example.social https://example.com/photos/123"
	b.ReportAllocs()
	for b.Loop() {
		if got := m.Match(post, "river walk", "A dog on a path by a river"); len(got) != 0 {
			b.Fatalf("matched %v", got)
		}
	}
}
