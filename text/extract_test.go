package text

import (
	"reflect"
	"strings"
	"testing"
)

func TestExtract(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		mentions []Mention
		tags     []Tag
		links    []string
	}{
		{name: "nothing", in: "just words."},
		{
			name:     "all kinds",
			in:       "@alice @Bob@Remote.Example #Tag #tag #other http://a.example.com/x https://a.example.com/x http://a.example.com/x",
			mentions: []Mention{{"alice", ""}, {"Bob", "Remote.Example"}},
			tags:     []Tag{{"tag", "Tag"}, {"other", "other"}},
			links:    []string{"http://a.example.com/x", "https://a.example.com/x"},
		},
		{name: "mention dedupe ignores case", in: "@alice @ALICE", mentions: []Mention{{"alice", ""}}},
		{name: "dotted username", in: "@a.b-c_d.", mentions: []Mention{{"a.b-c_d", ""}}},
		{name: "username ends at double dot", in: "@a..b", mentions: []Mention{{"a..b", ""}}},
		{name: "unicode domain", in: "@x@bücher.de", mentions: []Mention{{"x", "bücher.de"}}},
		{name: "mention then scheme", in: "@alice://x"},
		{name: "tags fold accents", in: "#Café #cafe #CAFÉ", tags: []Tag{{"cafe", "Café"}}},
		{name: "fullwidth tag", in: "#ＴＥＳＴ #test", tags: []Tag{{"test", "ＴＥＳＴ"}}},
		{name: "hashtag inside url is not a tag", in: "https://example.com/a-#tag", links: []string{"https://example.com/a-#tag"}},
		{name: "other schemes are not links", in: "gemini://example.org/ dat://example.org/"},
		{name: "invalid utf8", in: "#a\xff", tags: []Tag{{"a", "a"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, tg, l := Extract(tt.in)
			if !reflect.DeepEqual(m, tt.mentions) || !reflect.DeepEqual(tg, tt.tags) || !reflect.DeepEqual(l, tt.links) {
				t.Errorf("Extract(%q)\n got %+v %+v %q\nwant %+v %+v %q", tt.in, m, tg, l, tt.mentions, tt.tags, tt.links)
			}
		})
	}
}

// TestScanURLs checks URL boundaries, the part of the grammar where
// Mastodon differs most from other URL finders.
var scanURLTests = []struct {
	in   string
	want []string
}{
	{"https://example.com", []string{"https://example.com"}},
	{"https://example.com/path/", []string{"https://example.com/path/"}},
	{"https://example.com/path.", []string{"https://example.com/path"}},
	{"https://example.com/path...", []string{"https://example.com/path"}},
	{"https://example.com/a;b:c=d,e", []string{"https://example.com/a;b:c=d,e"}},
	{"https://example.com/a;", []string{"https://example.com/a"}},
	{"'https://example.com/a'", []string{"https://example.com/a"}},
	{`"https://example.com/a"`, []string{"https://example.com/a"}},
	{"https://example.com/a*", []string{"https://example.com/a"}},
	{"https://example.com/a~", []string{"https://example.com/a"}},
	{"https://example.com/~user/", []string{"https://example.com/~user/"}},
	{"https://example.com/a]", []string{"https://example.com/a"}},
	{"https://example.com/日本", []string{"https://example.com/日本"}},
	{"https://example.com/日本。", []string{"https://example.com/日本。"}},
	{"https://example.com/a「b」", []string{"https://example.com/a「b"}},
	{"https://example.com/a(b", []string{"https://example.com/a"}},
	{"https://example.com/a(b)c", []string{"https://example.com/a(b)c"}},
	{"https://example.com/a(b(c)d)", []string{"https://example.com/a(b(c)d)"}},
	{"https://example.com/a(b(c(d)))", []string{"https://example.com/a"}},
	{"https://example.com/a(日本)", []string{"https://example.com/a"}},
	{"https://example.com/a(日本)b", []string{"https://example.com/a(日本)b"}},
	{"https://example.com?q=1", []string{"https://example.com?q=1"}},
	{"https://example.com/?q=a b", []string{"https://example.com/?q=a"}},
	{"https://example.com/?q=1.", []string{"https://example.com/?q=1"}},
	{"https://example.com/?q=1)", []string{"https://example.com/?q=1"}},
	{"https://example.com/?q=(1)", []string{"https://example.com/?q=(1"}},
	{"https://example.com/?q=é", []string{"https://example.com/?q=é"}},
	{"https://example.com/?", []string{"https://example.com/"}},
	{"https://example.com/?!", []string{"https://example.com/"}},
	{"https://example.com:443/", []string{"https://example.com:443/"}},
	{"https://example.com:/", []string{"https://example.com"}},
	{"https://example.com#frag", []string{"https://example.com"}},
	{"https://sub_domain.example.com/", []string{"https://sub_domain.example.com/"}},
	{"https://example_x.com/", nil},
	{"https://-a.example.com/", nil},
	{"https://a-.example.com/", nil},
	{"https://a--b.example.com/", []string{"https://a--b.example.com/"}},
	{"https://example.co.uk/", []string{"https://example.co.uk/"}},
	{"https://example.xn--p1ai/", []string{"https://example.xn--p1ai/"}},
	{"https://пример.рф/", []string{"https://пример.рф/"}},
	{"https://example.onion/", []string{"https://example.onion/"}},
	{"https://localhost/", nil},
	{"https://127.0.0.1/", nil},
	{"https://example.com@evil.com/", nil},
	{"https://example.comx/", nil},
	{"https://example.com-x/", nil},
	{"https://example.com_x/", []string{"https://example.com"}},
	{"a https://x.com b https://y.org", []string{"https://x.com", "https://y.org"}},
	{"https://x.comhttps://y.com", nil},
	{"1https://x.com", nil},
	{"@https://x.com", nil},
	{"$https://x.com", nil},
	{"\u200ehttps://x.com", []string{"https://x.com"}},
	{"a\nhttps://x.com", []string{"https://x.com"}},
	{"http://t.co/" + "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", nil},
	{"http://t.co/" + "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", []string{"http://t.co/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}},
}

func TestScanURLs(t *testing.T) {
	for _, tt := range scanURLTests {
		var got []string
		for _, e := range scanURLs(tt.in) {
			got = append(got, e.value)
			if tt.in[e.start:e.end] != e.value {
				t.Errorf("scanURLs(%q): entity %q at [%d,%d) spans %q", tt.in, e.value, e.start, e.end, tt.in[e.start:e.end])
			}
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("scanURLs(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestScanURLsLongDottedText(t *testing.T) {
	// Quadratic scanning would take minutes here.
	for _, s := range []string{
		strings.Repeat("é.a", 20000),
		strings.Repeat("é", 60000),
		strings.Repeat("é", 30000) + "." + strings.Repeat("é", 30000),
		strings.Repeat("(é", 30000),
		"x.com/" + strings.Repeat("(é", 30000),
		strings.Repeat("x.com/(é ", 10000),
	} {
		s += " https://example.com"
		es := scanURLs(s)
		if len(es) != 1 || es[0].value != "https://example.com" {
			t.Fatalf("got %+v", es)
		}
	}
}

func TestMentionDomainWithPort(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"hi @bob@beta.localhost:8443 there", "bob@beta.localhost:8443"},
		{"@bob@example.com:80", "bob@example.com:80"},
		{"@bob@example.com: hello", "bob@example.com"},
		{"@bob@example.com:123456", "bob@example.com"},
		{"@bob@example.com:80a", "bob@example.com"},
	} {
		ms, _, _ := Extract(tc.in)
		if len(ms) != 1 || ms[0].Username+"@"+ms[0].Domain != tc.want {
			t.Errorf("Extract(%q) = %v, want %s", tc.in, ms, tc.want)
		}
	}
}
