package text

import (
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/cockroachdb/datadriven"
)

// TestRenderData runs testdata/render: Mastodon's formatting of plain text, one case
// per command. Commands:
//
//	render [single-line] [rel-me] [author=ACCT] [web-domain=D] [tag-url] [no-resolver] [result] [calls]
//	                 the HTML of the input; with result, then its mentions, tags and
//	                 links; with calls, then the mentions handed to the resolver
//	extract          the mentions, hashtags and links Extract finds
//	urls             the URLs the scanner finds, one a line
//	length           Length of the input
//	status-length    StatusLength: the input is two quoted lines, spoiler then text
//	strip            Strip of the input, quoted
//
// Every command takes quoted: its input is then one Go string literal, for text with
// control characters, invisible characters or white space at either end. An output
// like that is printed as a Go string literal too.
//
// The resolver knows alice, bob and Carol here and bob@remote.example; the local
// domain is herd.example. author= names one of them: alice, bob, bob@remote.example.
func TestRenderData(t *testing.T) {
	datadriven.RunTest(t, "testdata/render", func(t *testing.T, d *datadriven.TestData) string {
		in := dataInput(t, d)
		switch d.Cmd {
		case "render":
			return renderCase(t, d, in)
		case "extract":
			ms, tags, links := Extract(in)
			var out []string
			for _, m := range ms {
				out = append(out, "mention "+screenName(m))
			}
			for _, tg := range tags {
				out = append(out, "tag "+tg.Name+" "+tg.Display)
			}
			for _, l := range links {
				out = append(out, "link "+l)
			}
			return lines(out)
		case "urls":
			var out []string
			for _, e := range scanURLs(in) {
				if in[e.start:e.end] != e.value {
					d.Fatalf(t, "entity %q at [%d,%d) spans %q", e.value, e.start, e.end, in[e.start:e.end])
				}
				out = append(out, e.value)
			}
			return lines(out)
		case "length":
			return strconv.Itoa(Length(in))
		case "status-length":
			parts := strings.Split(d.Input, "\n")
			if len(parts) != 2 {
				d.Fatalf(t, "want two quoted lines, spoiler and text")
			}
			spoiler, text := unquote(t, d, parts[0]), unquote(t, d, parts[1])
			return strconv.Itoa(StatusLength(spoiler, text))
		case "strip":
			return strconv.Quote(Strip(in))
		}
		d.Fatalf(t, "unknown command %q", d.Cmd)
		return ""
	})
}

// TestSanitizeData runs testdata/sanitize: remote HTML cleaned by SanitizeRemote.
// Command: sanitize [quoted], printing the result; sanitising the result again must
// give it back, or the case fails.
func TestSanitizeData(t *testing.T) {
	datadriven.RunTest(t, "testdata/sanitize", func(t *testing.T, d *datadriven.TestData) string {
		if d.Cmd != "sanitize" {
			d.Fatalf(t, "unknown command %q", d.Cmd)
		}
		got := SanitizeRemote(dataInput(t, d))
		if again := SanitizeRemote(got); again != got {
			d.Fatalf(t, "not stable: %q → %q", got, again)
		}
		return show(got)
	})
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
	switch strings.ToLower(m.Username) + "@" + m.Domain {
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

func renderCase(t *testing.T, d *datadriven.TestData, in string) string {
	opts := testOpts
	opts.SingleLine = d.HasArg("single-line")
	opts.RelMe = d.HasArg("rel-me")
	d.MaybeScanArgs(t, "web-domain", &opts.WebDomain)
	if d.HasArg("tag-url") {
		opts.TagURL = func(n string) string { return "/t/" + n + "?a&b" }
	}
	var author string
	if d.MaybeScanArgs(t, "author", &author) {
		u, dom, _ := strings.Cut(author, "@")
		m, ok := testResolver(Mention{Username: u, Domain: dom})
		if !ok {
			d.Fatalf(t, "unknown author %q", author)
		}
		opts.Author = m
	}
	var calls []Mention
	resolve := func(m Mention) (ResolvedMention, bool) {
		calls = append(calls, m)
		return testResolver(m)
	}
	if d.HasArg("no-resolver") {
		resolve = nil
	}
	res := Render(in, resolve, opts)
	out := []string{show(res.HTML)}
	if d.HasArg("result") {
		for _, m := range res.Mentions {
			out = append(out, "mention "+m.Acct+" "+m.URL)
		}
		for _, tg := range res.Tags {
			out = append(out, "tag "+tg.Name+" "+tg.Display)
		}
		for _, l := range res.Links {
			out = append(out, "link "+l)
		}
	}
	if d.HasArg("calls") {
		for _, m := range calls {
			out = append(out, "resolve "+screenName(m))
		}
	}
	return strings.Join(out, "\n")
}

func screenName(m Mention) string {
	if m.Domain == "" {
		return m.Username
	}
	return m.Username + "@" + m.Domain
}

// dataInput is the case's input, unquoted when the command says quoted.
func dataInput(t *testing.T, d *datadriven.TestData) string {
	if d.HasArg("quoted") {
		return unquote(t, d, d.Input)
	}
	return d.Input
}

func unquote(t *testing.T, d *datadriven.TestData, s string) string {
	u, err := strconv.Unquote(s)
	if err != nil {
		d.Fatalf(t, "input %s: %v", s, err)
	}
	return u
}

// show prints s as it is, or as a Go string literal if a test file could not hold it
// plainly.
func show(s string) string {
	if needsQuotes(s) {
		return strconv.Quote(s)
	}
	return s
}

// needsQuotes reports whether s is empty, has white space at either end, or holds
// a character other than a printable one or a newline.
func needsQuotes(s string) bool {
	if s == "" || strings.TrimSpace(s) != s || !utf8.ValidString(s) {
		return true
	}
	for _, line := range strings.Split(s, "\n") {
		if line == "----" || strings.TrimSpace(line) != line {
			return true
		}
	}
	return strings.IndexFunc(s, func(r rune) bool { return r != '\n' && !unicode.IsPrint(r) }) >= 0
}

func lines(l []string) string {
	if len(l) == 0 {
		return "(none)"
	}
	return strings.Join(l, "\n")
}
