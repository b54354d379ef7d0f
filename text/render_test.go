package text

import (
	"reflect"
	"strings"
	"testing"
)

// link builds the HTML Mastodon gives a URL, from the parts it splits it in.
func link(href, prefix, display, suffix string, ellipsis bool) string {
	class := ""
	if ellipsis {
		class = "ellipsis"
	}
	return `<a href="` + href + `" target="_blank" rel="nofollow noopener" translate="no">` +
		`<span class="invisible">` + prefix + `</span><span class="` + class + `">` + display +
		`</span><span class="invisible">` + suffix + `</span></a>`
}

func hashtag(href, name string) string {
	return `<a href="` + href + `" class="mention hashtag" rel="tag">#<span>` + name + `</span></a>`
}

func hcard(href, name string) string {
	return `<span class="h-card" translate="no"><a href="` + href + `" class="u-url mention">@<span>` + name + `</span></a></span>`
}

var (
	alice     = ResolvedMention{AccountID: "1", Acct: "alice", URL: "https://herd.example/@alice", Username: "alice"}
	bobRemote = ResolvedMention{AccountID: "2", Acct: "bob@remote.example", URL: "https://remote.example/@bob", Username: "bob"}
	bobLocal  = ResolvedMention{AccountID: "3", Acct: "bob", URL: "https://herd.example/@bob", Username: "bob"}
	carolMixd = ResolvedMention{AccountID: "4", Acct: "Carol", URL: "https://herd.example/@Carol", Username: "Carol"}
)

// testResolver knows alice, Carol and bob (local) here and bob at
// remote.example.
func testResolver(m Mention) (ResolvedMention, bool) {
	key := strings.ToLower(m.Username) + "@" + m.Domain
	switch key {
	case "alice@":
		return alice, true
	case "bob@remote.example":
		return bobRemote, true
	case "bob@":
		return bobLocal, true
	case "carol@":
		return carolMixd, true
	}
	return ResolvedMention{}, false
}

var testOpts = Options{Domain: "herd.example"}

var renderHTMLTests = []struct {
	name, in, want string
}{
	{"plain", "hello world", "<p>hello world</p>"},
	{"empty", "", ""},
	{"blank", " \n\t\u3000", ""},
	{"escaping", `<b>&"'</b>`, "<p>&lt;b&gt;&amp;&quot;&#39;&lt;/b&gt;</p>"},
	{"script", "<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"},
	{"entity stays literal", "&amp; &lt;", "<p>&amp;amp; &amp;lt;</p>"},
	{"paragraphs", "one\n\ntwo", "<p>one</p><p>two</p>"},
	{"many blank lines", "one\n\n\n\ntwo", "<p>one</p><p>two</p>"},
	{"line break", "one\ntwo\nthree", "<p>one<br />two<br />three</p>"},
	{"mixed breaks", "a\nb\n\nc\nd", "<p>a<br />b</p><p>c<br />d</p>"},
	{"crlf", "a\r\nb\r\n\r\nc", "<p>a<br />b</p><p>c</p>"},
	{"lone cr", "a\rb", "<p>a<br />b</p>"},
	{"trailing newline", "a\n", "<p>a</p>"},
	{"leading newline", "\na", "<p>a</p>"},
	{"leading paragraph break", "\n\na", "<p></p><p>a</p>"},
	{"trailing paragraph break", "a\n\n", "<p>a</p>"},
	{"unicode", "héllo 👋🏽 世界", "<p>héllo 👋🏽 世界</p>"},

	{"short url", "see https://example.com/ now",
		"<p>see " + link("https://example.com/", "https://", "example.com/", "", false) + " now</p>"},
	{"bare domain url", "https://example.com",
		"<p>" + link("https://example.com", "https://", "example.com", "", false) + "</p>"},
	{"http url", "http://example.com/a",
		"<p>" + link("http://example.com/a", "http://", "example.com/a", "", false) + "</p>"},
	{"www is hidden", "https://www.example.com/",
		"<p>" + link("https://www.example.com/", "https://www.", "example.com/", "", false) + "</p>"},
	{"long url", "https://example.com/abcdefghijklmnopqrstuvwxyz0123456789",
		"<p>" + link("https://example.com/abcdefghijklmnopqrstuvwxyz0123456789", "https://",
			"example.com/abcdefghijklmnopqr", "stuvwxyz0123456789", true) + "</p>"},
	{"display exactly 30", "https://example.com/abcdefghijklmnopqr",
		"<p>" + link("https://example.com/abcdefghijklmnopqr", "https://", "example.com/abcdefghijklmnopqr", "", false) + "</p>"},
	{"display 31 is not cut", "https://example.com/abcdefghijklmnopqrs",
		"<p>" + link("https://example.com/abcdefghijklmnopqrs", "https://", "example.com/abcdefghijklmnopqrs", "", false) + "</p>"},
	{"display 32 is cut", "https://example.com/abcdefghijklmnopqrst",
		"<p>" + link("https://example.com/abcdefghijklmnopqrst", "https://", "example.com/abcdefghijklmnopqr", "st", true) + "</p>"},
	{"url with query and fragment", "x https://example.com:8080/p?q=1&r=2#f y",
		"<p>x " + link("https://example.com:8080/p?q=1&amp;r=2#f", "https://", "example.com:8080/p?q=1&amp;r=2#f", "", false) + " y</p>"},
	{"url then period", "Go to https://example.com/page.",
		"<p>Go to " + link("https://example.com/page", "https://", "example.com/page", "", false) + ".</p>"},
	{"url then comma and bang", "https://example.com/a, https://example.com/b!",
		"<p>" + link("https://example.com/a", "https://", "example.com/a", "", false) + ", " +
			link("https://example.com/b", "https://", "example.com/b", "", false) + "!</p>"},
	{"url then question mark", "Seen https://example.com/x?",
		"<p>Seen " + link("https://example.com/x", "https://", "example.com/x", "", false) + "?</p>"},
	{"url in parentheses", "(https://example.com/x)",
		"<p>(" + link("https://example.com/x", "https://", "example.com/x", "", false) + ")</p>"},
	{"balanced parentheses", "(https://en.wikipedia.org/wiki/Foo_(bar))",
		"<p>(" + link("https://en.wikipedia.org/wiki/Foo_(bar)", "https://", "en.wikipedia.org/wiki/Foo_(bar)", "", false) + ")</p>"},
	{"url in angle brackets", "<https://example.com/>",
		"<p>&lt;" + link("https://example.com/", "https://", "example.com/", "", false) + "&gt;</p>"},
	{"url quote in path", `https://example.com/a"b`,
		"<p>" + link("https://example.com/a&quot;b", "https://", "example.com/a&quot;b", "", false) + "</p>"},
	{"unknown tld", "https://example.notatld/x", "<p>https://example.notatld/x</p>"},
	{"known tld before unknown label", "https://example.com.notatld/x",
		"<p>" + link("https://example.com", "https://", "example.com", "", false) + ".notatld/x</p>"},
	{"no scheme is not linked", "example.com and www.example.com", "<p>example.com and www.example.com</p>"},
	{"ftp is not linked", "ftp://example.com/", "<p>ftp://example.com/</p>"},
	{"letter before scheme", "xhttps://example.com", "<p>xhttps://example.com</p>"},
	{"uppercase scheme", "HTTPS://EXAMPLE.COM/A",
		"<p>" + link("HTTPS://EXAMPLE.COM/A", "", "HTTPS://EXAMPLE.COM/A", "", false) + "</p>"},
	{"idn domain", "https://bücher.de/",
		"<p>" + link("https://bücher.de/", "https://", "bücher.de/", "", false) + "</p>"},
	{"gemini url", "gemini://example.org/",
		"<p>" + link("gemini://example.org/", "", "gemini://example.org/", "", false) + "</p>"},
	{"t.co keeps only its slug", "https://t.co/abc123/x",
		"<p>" + link("https://t.co/abc123", "https://", "t.co/abc123", "", false) + "/x</p>"},
	{"url after protocol-less url is swallowed", "example.com/https://foo.com", "<p>example.com/https://foo.com</p>"},

	{"local mention", "hi @alice!", "<p>hi " + hcard("https://herd.example/@alice", "alice") + "!</p>"},
	{"mention case", "@ALICE", "<p>" + hcard("https://herd.example/@alice", "alice") + "</p>"},
	{"mention shows stored case", "@carol", "<p>" + hcard("https://herd.example/@Carol", "Carol") + "</p>"},
	{"local mention with local domain", "@alice@herd.example", "<p>" + hcard("https://herd.example/@alice", "alice") + "</p>"},
	{"local mention with local domain in caps", "@alice@HERD.example", "<p>" + hcard("https://herd.example/@alice", "alice") + "</p>"},
	{"remote mention", "@bob@remote.example hi", "<p>" + hcard("https://remote.example/@bob", "bob") + " hi</p>"},
	{"same username shows acct", "@bob @bob@remote.example",
		"<p>" + hcard("https://herd.example/@bob", "bob") + " " + hcard("https://remote.example/@bob", "bob@remote.example") + "</p>"},
	{"unknown mention", "@carl hello", "<p>@carl hello</p>"},
	{"unknown remote mention", "@carl@remote.example", "<p>@carl@remote.example</p>"},
	{"email is not a mention", "mail a@b.c or alice@herd.example", "<p>mail a@b.c or alice@herd.example</p>"},
	{"mention after slash", "https://x/@alice /@alice", "<p>https://x/@alice /@alice</p>"},
	{"mention after equals", "u=@alice", "<p>u=@alice</p>"},
	{"mention in parentheses", "(@alice)", "<p>(" + hcard("https://herd.example/@alice", "alice") + ")</p>"},
	{"mention followed by accent", "@alicé", "<p>@alicé</p>"},
	{"mention followed by at", "@alice@@x", "<p>@alice@@x</p>"},
	{"mention dot at end", "@alice.", "<p>" + hcard("https://herd.example/@alice", "alice") + ".</p>"},
	{"mention escapes", "@carl<b>", "<p>@carl&lt;b&gt;</p>"},

	{"hashtag", "#hello", "<p>" + hashtag("https://herd.example/tags/hello", "hello") + "</p>"},
	{"hashtag keeps case", "I like #MastoDon.", "<p>I like " + hashtag("https://herd.example/tags/MastoDon", "MastoDon") + ".</p>"},
	{"unicode hashtag", "#Café #日本語",
		"<p>" + hashtag("https://herd.example/tags/Caf%C3%A9", "Café") + " " +
			hashtag("https://herd.example/tags/%E6%97%A5%E6%9C%AC%E8%AA%9E", "日本語") + "</p>"},
	{"digit-only hashtag", "#123 #1a", "<p>#123 " + hashtag("https://herd.example/tags/1a", "1a") + "</p>"},
	{"digits with separator", "#2024_05", "<p>" + hashtag("https://herd.example/tags/2024_05", "2024_05") + "</p>"},
	{"middle dot", "#foo·bar", "<p>" + hashtag("https://herd.example/tags/foo%C2%B7bar", "foo·bar") + "</p>"},
	{"trailing middle dot", "#foo·", "<p>" + hashtag("https://herd.example/tags/foo", "foo") + "·</p>"},
	{"hashtag after word", "foo#bar", "<p>foo#bar</p>"},
	{"hashtag after non-ascii letter", "é#bar", "<p>é" + hashtag("https://herd.example/tags/bar", "bar") + "</p>"},
	{"hashtag after paren", ")#bar", "<p>)#bar</p>"},
	{"double hash", "##bar", "<p>#" + hashtag("https://herd.example/tags/bar", "bar") + "</p>"},
	{"adjacent hashtags", "#a#b", "<p>" + hashtag("https://herd.example/tags/a", "a") + "#b</p>"},
	{"hashtags with comma", "#a,#b", "<p>" + hashtag("https://herd.example/tags/a", "a") + "," + hashtag("https://herd.example/tags/b", "b") + "</p>"},
	{"hashtag in url fragment", "https://example.com/#tag",
		"<p>" + link("https://example.com/#tag", "https://", "example.com/#tag", "", false) + "</p>"},
	{"hashtag overlapping url", "https://example.com/a-#tag",
		"<p>" + link("https://example.com/a-#tag", "https://", "example.com/a-#tag", "", false) + "</p>"},
	{"hashtag before scheme", "#foohttps://example.com",
		"<p>" + hashtag("https://herd.example/tags/foo", "foo") + "https://example.com</p>"},
	{"hashtag on new line", "a\n#b", "<p>a<br />" + hashtag("https://herd.example/tags/b", "b") + "</p>"},

	{"everything", "@alice look: https://example.com/x #News\n\n@bob@remote.example #news",
		"<p>" + hcard("https://herd.example/@alice", "alice") + " look: " +
			link("https://example.com/x", "https://", "example.com/x", "", false) + " " +
			hashtag("https://herd.example/tags/News", "News") + "</p><p>" +
			hcard("https://remote.example/@bob", "bob") + " " + hashtag("https://herd.example/tags/news", "news") + "</p>"},
	{"adjacent mention and tag", "@alice#tag", "<p>" + hcard("https://herd.example/@alice", "alice") + "#tag</p>"},
	{"tag then mention", "#tag@alice", "<p>" + hashtag("https://herd.example/tags/tag", "tag") + "@alice</p>"},
	{"url then mention", "https://example.com/@alice",
		"<p>" + link("https://example.com/@alice", "https://", "example.com/@alice", "", false) + "</p>"},
	{"invalid utf8", "a\xffb", "<p>a\uFFFDb</p>"},
}

func TestRenderHTML(t *testing.T) {
	for _, tt := range renderHTMLTests {
		t.Run(tt.name, func(t *testing.T) {
			got := Render(tt.in, testResolver, testOpts).HTML
			if got != tt.want {
				t.Errorf("Render(%q)\n got %s\nwant %s", tt.in, got, tt.want)
			}
		})
	}
}

func TestRenderResult(t *testing.T) {
	in := "@alice @ALICE @carl @bob@remote.example https://example.com/a https://example.com/a " +
		"gemini://example.org/ #News #news #Other"
	got := Render(in, testResolver, testOpts)
	want := Result{
		Mentions: []ResolvedMention{alice, bobRemote},
		Tags:     []Tag{{Name: "news", Display: "News"}, {Name: "other", Display: "Other"}},
		Links:    []string{"https://example.com/a"},
	}
	got.HTML = ""
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Render(%q)\n got %+v\nwant %+v", in, got, want)
	}
}

func TestRenderResolverCalls(t *testing.T) {
	var calls []Mention
	resolve := func(m Mention) (ResolvedMention, bool) {
		calls = append(calls, m)
		return testResolver(m)
	}
	Render("@Alice @alice @bob@Remote.Example @bob@remote.example @alice@herd.example @x @y@Bücher.de", resolve, testOpts)
	want := []Mention{{"Alice", ""}, {"bob", "remote.example"}, {"x", ""}, {"y", "xn--bcher-kva.de"}}
	if !reflect.DeepEqual(calls, want) {
		t.Errorf("resolver calls = %+v, want %+v", calls, want)
	}
}

func TestRenderOptions(t *testing.T) {
	t.Run("author shares a username", func(t *testing.T) {
		opts := Options{Domain: "herd.example", Author: bobLocal}
		got := Render("@bob@remote.example", testResolver, opts).HTML
		want := "<p>" + hcard("https://remote.example/@bob", "bob@remote.example") + "</p>"
		if got != want {
			t.Errorf("got %s\nwant %s", got, want)
		}
	})
	t.Run("tag url", func(t *testing.T) {
		opts := Options{Domain: "herd.example", TagURL: func(n string) string { return "/t/" + n + "?a&b" }}
		got := Render("#x", nil, opts).HTML
		want := "<p>" + hashtag("/t/x?a&amp;b", "x") + "</p>"
		if got != want {
			t.Errorf("got %s\nwant %s", got, want)
		}
	})
	t.Run("web domain", func(t *testing.T) {
		opts := Options{Domain: "herd.example", WebDomain: "www.herd.example"}
		got := Render("#x @alice@www.herd.example", testResolver, opts).HTML
		want := "<p>" + hashtag("https://www.herd.example/tags/x", "x") + " " + hcard("https://herd.example/@alice", "alice") + "</p>"
		if got != want {
			t.Errorf("got %s\nwant %s", got, want)
		}
	})
	t.Run("single line with rel me", func(t *testing.T) {
		opts := Options{Domain: "herd.example", SingleLine: true, RelMe: true}
		got := Render("a\nhttps://example.com", nil, opts).HTML
		want := "a\n" + strings.Replace(link("https://example.com", "https://", "example.com", "", false),
			`rel="nofollow noopener"`, `rel="nofollow noopener me"`, 1)
		if got != want {
			t.Errorf("got %s\nwant %s", got, want)
		}
	})
	t.Run("nil resolver", func(t *testing.T) {
		got := Render("@alice", nil, testOpts)
		if got.HTML != "<p>@alice</p>" || got.Mentions != nil {
			t.Errorf("got %+v", got)
		}
	})
}

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
