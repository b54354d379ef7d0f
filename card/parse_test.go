package card

import (
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

var page, _ = url.Parse("https://news.example/articles/1?x=y")

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		name string
		doc  string
		want *Card // nil: no card
	}{
		{"opengraph", `<!doctype html><html lang="en-GB"><head>
<title>Ignored title</title>
<meta property="og:title" content="  The  title ">
<meta property="og:description" content="What it says">
<meta property="og:image" content="/img/a.png"><meta property="og:image:width" content="640">
<meta property="og:image:height" content="480"><meta property="og:image:alt" content="A cat">
<meta property="og:site_name" content="News">
<meta property="og:type" content="article">
<meta name="author" content="Ann Author"><meta property="article:author" content="https://news.example/ann">
<meta property="article:published_time" content="2026-01-02T03:04:05Z">
<meta name="fediverse:creator" content="@ann@social.example">
<meta name="fediverse:creator" content="not a handle">
</head><body><meta property="og:title" content="body meta is ignored"></body></html>`,
			&Card{URL: page.String(), Type: Link, Title: "The title", Description: "What it says",
				Image: "https://news.example/img/a.png", Width: 640, Height: 480, ImageDescription: "A cat",
				ProviderName: "News", AuthorName: "Ann Author", AuthorURL: "https://news.example/ann", Language: "en",
				PublishedAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
				Authors:     []Author{{Name: "@ann@social.example", Account: "@ann@social.example"}}}},
		{"twitter", `<head><meta name="twitter:title" content="Tweet title"><meta name="twitter:description" content="d">
<meta name="twitter:image" content="https://cdn.example/i.jpg"><meta name="twitter:player" content="javascript:alert(1)"></head>`,
			&Card{URL: page.String(), Type: Link, Title: "Tweet title", Description: "d", Image: "https://cdn.example/i.jpg"}},
		{"title fallback", `<html><head><title>Plain &amp; simple</title><meta name="description" content="Desc"><meta property="og:locale" content="fr_FR"></head></html>`,
			&Card{URL: page.String(), Type: Link, Title: "Plain & simple", Description: "Desc", Language: "fr"}},
		{"og first wins", `<meta property="og:title" content="One"><meta property="og:title" content="Two">`,
			&Card{URL: page.String(), Type: Link, Title: "One"}},
		{"image only http(s)", `<meta property="og:title" content="T"><meta property="og:image" content="data:image/png;base64,AAAA">`,
			&Card{URL: page.String(), Type: Link, Title: "T"}},
		{"no title", `<html><head><meta property="og:description" content="only"></head><body>text</body></html>`, nil},
		{"empty", ``, nil},
		{"not html", "\x00\x01\x02 binary", nil},
		{"unclosed title", `<title>Half`, &Card{URL: page.String(), Type: Link, Title: "Half"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := Parse([]byte(tc.doc), page)
			if tc.want == nil {
				if ok {
					t.Fatalf("card %+v, want none", got)
				}
				return
			}
			if !ok {
				t.Fatal("no card")
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("card\n %+v\nwant\n %+v", got, tc.want)
			}
		})
	}
}

func TestParseClipsLongTitle(t *testing.T) {
	c, ok := Parse([]byte(`<title>`+strings.Repeat("é", 5000)+`</title>`), page)
	if !ok || utf8.RuneCountInString(c.Title) != maxTitle {
		t.Fatalf("title of %d runes, want %d", utf8.RuneCountInString(c.Title), maxTitle)
	}
}

func TestFirstLink(t *testing.T) {
	const domain = "herd.example:8443"
	for _, tc := range []struct{ name, content, want string }{
		{"plain link", `<p>see <a href="https://news.example/a#frag" rel="nofollow noopener" target="_blank">news</a></p>`,
			"https://news.example/a"},
		{"mention skipped", `<p><span class="h-card"><a href="https://social.example/@bob" class="u-url mention">@<span>bob</span></a></span> <a href="https://news.example/b">x</a></p>`,
			"https://news.example/b"},
		{"hashtag skipped", `<p><a href="https://herd.example/tags/go" class="mention hashtag" rel="tag">#<span>go</span></a></p>`, ""},
		{"rel tag skipped", `<a href="https://other.example/tags/x" rel="tag">#x</a>`, ""},
		{"own server skipped", `<a href="https://herd.example/@alice/123">post</a><a href="http://herd.example:8443/x">y</a>`, ""},
		{"other schemes skipped", `<a href="javascript:alert(1)">a</a><a href="mailto:a@b.example">b</a><a href="/relative">c</a>`, ""},
		{"userinfo skipped", `<a href="https://u:p@news.example/">a</a>`, ""},
		{"no links", `<p>just text https://not-a-link.example</p>`, ""},
		{"first of two", `<a href="http://one.example/">1</a><a href="https://two.example/">2</a>`, "http://one.example/"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := FirstLink(tc.content, domain); got != tc.want {
				t.Errorf("FirstLink = %q, want %q", got, tc.want)
			}
		})
	}
}

// FuzzParse feeds the meta parser and the link picker pages and statuses as a
// remote server may send them: neither may panic, and what they keep is bounded and
// valid.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		``, `<title>t</title>`, `<meta property="og:title" content="x"><meta property="og:image" content="//cdn/x">`,
		`<html lang="zz_ZZ"><meta name="fediverse:creator" content="@a@b"><meta property="og:image:width" content="99999999999">`,
		`<a href="https://x.example/" class="mention">a</a><a href="http://y.example/">b</a>`,
		"<title>\xff\xfe</title><meta name=description content='\x00'>",
		`<meta property="article:published_time" content="2026-13-45T99:99:99Z">`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, doc string) {
		if c, ok := Parse([]byte(doc), page); ok {
			if c.Title == "" || !utf8.ValidString(c.Title) || !utf8.ValidString(c.Description) {
				t.Fatalf("bad card %+v", c)
			}
			if utf8.RuneCountInString(c.Title) > maxTitle || utf8.RuneCountInString(c.Description) > maxDescription {
				t.Fatalf("card not clipped: %d, %d runes", utf8.RuneCountInString(c.Title), utf8.RuneCountInString(c.Description))
			}
			for _, u := range []string{c.Image, c.AuthorURL, c.EmbedURL} {
				if u != "" && !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
					t.Fatalf("URL %q kept", u)
				}
			}
		}
		if l := FirstLink(doc, "herd.example"); l != "" {
			if u, err := url.Parse(l); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "herd.example" {
				t.Fatalf("link %q picked", l)
			}
		}
	})
}
