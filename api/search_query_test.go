package api

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/herd-social/herd/search"
)

func TestQueryTerms(t *testing.T) {
	got := queryTerms(`cats -dogs "big house" -"small flat" has:media -language:de from:"al" +plus http://x.example/a 12:30 "open`)
	want := []queryTerm{
		{val: "cats", raw: "cats"},
		{neg: true, val: "dogs", raw: "-dogs"},
		{val: "big house", quoted: true, raw: `"big house"`},
		{neg: true, val: "small flat", quoted: true, raw: `-"small flat"`},
		{op: "has", val: "media", raw: "has:media"},
		{neg: true, op: "language", val: "de", raw: "-language:de"},
		{op: "from", val: "al", quoted: true, raw: `from:"al"`},
		{val: "plus", raw: "+plus"},
		{op: "http", val: "//x.example/a", raw: "http://x.example/a"},
		{op: "12", val: "30", raw: "12:30"},
		{val: "open", quoted: true, raw: `"open`},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
}

// TestStatusQueryOperators: the terms become the query's fields; what is no operator
// is searched as written.
func TestStatusQueryOperators(t *testing.T) {
	s := &Server{}
	day := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	yes, no := true, false
	cases := map[string]search.StatusQuery{
		`fox -dog "quick brown" -"lazy cat"`: {Text: "fox", Phrases: []string{"quick brown"}, Exclude: []string{"dog", "lazy cat"}},
		`a -has:poll is:reply -is:sensitive`: {Text: "a", Poll: &no, Reply: &yes, Sensitive: &no},
		`a has:link -has:embed`:              {Text: "a", Link: &yes, Embed: &no},
		`a language:FR -language:de`:         {Text: "a", Language: "fr", ExcludeLanguages: []string{"de"}},
		`a before:2026-03-01`:                {Text: "a", Before: day},
		`a -before:2026-03-01`:               {Text: "a", After: day.Add(-time.Millisecond)},
		`a after:2026-03-01`:                 {Text: "a", After: day.Add(24*time.Hour - time.Millisecond)},
		`a -after:2026-03-01`:                {Text: "a", Before: day.Add(24 * time.Hour)},
		`a during:2026-03-01`:                {Text: "a", After: day.Add(-time.Millisecond), Before: day.Add(24 * time.Hour)},
		`a -during:2026-03-01`:               {Text: "a", ExcludeDays: []time.Time{day}},
		`a before:soon has:nothing -x:y`:     {Text: "a before:soon has:nothing", Exclude: []string{"x:y"}},
		`in:library +b in:public`:            {Text: "b", LibraryOnly: true, PublicOnly: true},
	}
	for q, want := range cases {
		got, ok, err := s.statusQuery(context.Background(), 0, q)
		if err != nil || !ok {
			t.Fatalf("%q: %v %v", q, ok, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%q:\n got  %+v\n want %+v", q, got, want)
		}
	}
}
