package text

import (
	"reflect"
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

var fuzzSeeds = []string{
	"",
	"hello world",
	"<script>alert(1)</script> & \"'",
	"a\n\nb\nc\r\nd\re",
	"@alice @bob@remote.example @carl a@b.c",
	"#tag #Café #123 #a·b #foohttps://example.com",
	"https://example.com/ (https://en.wikipedia.org/wiki/A_(b)) https://example.com/x.",
	"https://www.example.com/a/very/long/path/that/goes/on?q=1&r=2#frag",
	"@alice#tag https://example.com/@alice #a#b",
	"\x00\xff\u200e\ufeff",
}

// parseFragment parses HTML as a fragment of <body>.
func parseFragment(t *testing.T, s string) []*html.Node {
	t.Helper()
	body := &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body}
	nodes, err := html.ParseFragment(strings.NewReader(s), body)
	if err != nil {
		t.Fatalf("parse %q: %v", s, err)
	}
	return nodes
}

// walkElements calls fn for every element under nodes.
func walkElements(nodes []*html.Node, fn func(*html.Node)) {
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			fn(n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	for _, n := range nodes {
		walk(n)
	}
}

func allText(nodes []*html.Node) string {
	var b strings.Builder
	for _, n := range nodes {
		b.WriteString(textContent(n))
	}
	return b.String()
}

var renderedAttrs = map[string]map[string]bool{
	"p":    {},
	"br":   {},
	"a":    set("href", "target", "rel", "translate", "class"),
	"span": set("class", "translate"),
}

func FuzzRender(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	resolveAll := func(m Mention) (ResolvedMention, bool) {
		acct := m.Username
		if m.Domain != "" {
			acct += "@" + m.Domain
		}
		return ResolvedMention{AccountID: strings.ToLower(acct), Acct: acct, URL: "https://herd.example/@" + acct, Username: m.Username}, true
	}
	f.Fuzz(func(t *testing.T, in string) {
		if n := Length(in); n < 0 {
			t.Fatalf("Length(%q) = %d", in, n)
		}
		for _, resolve := range []Resolver{nil, resolveAll} {
			r := Render(in, resolve, testOpts)
			nodes := parseFragment(t, r.HTML)
			walkElements(nodes, func(n *html.Node) {
				allowed, ok := renderedAttrs[n.Data]
				if !ok || n.Namespace != "" {
					t.Fatalf("Render(%q) has element <%s>: %s", in, n.Data, r.HTML)
				}
				for _, a := range n.Attr {
					if !allowed[a.Key] {
						t.Fatalf("Render(%q) has attribute %s on <%s>: %s", in, a.Key, n.Data, r.HTML)
					}
				}
			})
			text := allText(nodes)
			// Sanitising keeps the text, less the control characters it drops.
			if got := allText(parseFragment(t, SanitizeRemote(r.HTML))); got != unsuitableChars.ReplaceAllString(text, "") {
				t.Fatalf("SanitizeRemote changed the text of Render(%q): %q → %q", in, text, got)
			}
			if resolve != nil {
				continue
			}
			// Without mentions resolved, the text is the input less its line
			// breaks (and the NULs an HTML parser drops).
			want := strings.ToValidUTF8(in, "\uFFFD")
			if isBlank(want) {
				want = ""
			}
			want = strings.NewReplacer("\r", "", "\n", "", "\x00", "").Replace(want)
			if text != want {
				t.Fatalf("Render(%q) reads %q, want %q: %s", in, text, want, r.HTML)
			}
			_, tags, links := Extract(in)
			if !reflect.DeepEqual(tags, r.Tags) || !reflect.DeepEqual(links, r.Links) {
				t.Fatalf("Extract(%q) = %q %q, Render found %q %q", in, tags, links, r.Tags, r.Links)
			}
		}
	})
}

func FuzzSanitizeRemote(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	for _, s := range []string{
		`<p onclick="x()">a<script>b</script><a href="javascript:c">d</a><h1>e</h1></p>`,
		`<a href="https://x.example/" class="u-url mention foo" rel="tag">@<span class="invisible">x</span></a>`,
		`<p><object><h1>x</h1></object></p><table><tr><td><a href="https://a.example">a</a></td></tr></table>`,
		`<math><semantics><annotation encoding="application/x-tex">x</annotation></semantics></math>`,
		`<ul><li><object><li>x</li></object></li></ul><pre>` + "\n\nx</pre>",
		`<svg><foreignObject><a href="https://x">x</a></foreignObject></svg><noscript><p>x</p></noscript>`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := SanitizeRemote(in)
		if again := SanitizeRemote(out); again != out {
			t.Fatalf("SanitizeRemote not idempotent on %q:\n once  %q\n twice %q", in, out, again)
		}
		checkSanitized(t, in, out)
		_ = PlainText(in)
	})
}

// checkSanitized fails unless out, the sanitised form of in, holds only
// allowed elements and attributes and only supported links.
func checkSanitized(t *testing.T, in, out string) {
	t.Helper()
	walkElements(parseFragment(t, out), func(n *html.Node) {
		if n.Namespace != "" || !allowedElements[n.Data] {
			t.Fatalf("SanitizeRemote(%q) kept <%s>: %s", in, n.Data, out)
		}
		for _, a := range n.Attr {
			ok := allowedAttrs[n.Data][a.Key] || (n.Data == "a" && a.Key == "target")
			if !ok || strings.HasPrefix(strings.ToLower(a.Key), "on") {
				t.Fatalf("SanitizeRemote(%q) kept %s on <%s>: %s", in, a.Key, n.Data, out)
			}
		}
		if n.Data == "a" && !supportedHref(n) {
			t.Fatalf("SanitizeRemote(%q) kept a link with an unsupported href: %s", in, out)
		}
	})
}
