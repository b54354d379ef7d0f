package text

import (
	"reflect"
	"testing"
)

func TestOptionsValidate(t *testing.T) {
	tests := []struct {
		opts Options
		want error
	}{
		{Options{Domain: "herd.example"}, nil},
		{Options{Domain: "localhost:3000"}, nil},
		{Options{}, ErrNoDomain},
		{Options{Domain: "https://herd.example"}, ErrBadDomain},
		{Options{Domain: "herd.example", WebDomain: "a b"}, ErrBadDomain},
	}
	for _, tt := range tests {
		if got := tt.opts.Validate(); got != tt.want {
			t.Errorf("%+v.Validate() = %v, want %v", tt.opts, got, tt.want)
		}
	}
}

// TestRenderMentionUnsafeURL: a resolved account whose URL is not http(s) is shown
// as text, never as an href.
func TestRenderMentionUnsafeURL(t *testing.T) {
	for _, u := range []string{"javascript:alert(document.domain)", "JAVASCRIPT:alert(1)", "\x01javascript:alert(1)",
		"data:text/html,x", "//evil.example/", "/relative", ""} {
		resolve := func(m Mention) (ResolvedMention, bool) {
			return ResolvedMention{AccountID: "9", Acct: "evil@remote.example", URL: u, Username: "evil"}, true
		}
		got := Render("hi @evil@remote.example", resolve, testOpts).HTML
		if want := "<p>hi @evil@remote.example</p>"; got != want {
			t.Errorf("URL %q: got %s, want %s", u, got, want)
		}
	}
}

// TestMentionsMatchResolverCalls: Mentions lists what Render asks its Resolver, in
// the same order.
func TestMentionsMatchResolverCalls(t *testing.T) {
	for _, in := range []string{"@Alice @alice @bob@Remote.Example @bob@remote.example @alice@herd.example @x @y@Bücher.de",
		"", "no mentions #tag https://a.example/@z", "a@b.example @c@d.example:8080 \xff@e"} {
		var calls []Mention
		Render(in, func(m Mention) (ResolvedMention, bool) { calls = append(calls, m); return ResolvedMention{}, false }, testOpts)
		if got := Mentions(in, testOpts); !reflect.DeepEqual(got, calls) {
			t.Errorf("Mentions(%q) = %+v, Render asked %+v", in, got, calls)
		}
	}
}
