package card

import (
	"bytes"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Bounds of what a card keeps of a page, as Mastodon's PreviewCard validations.
const (
	maxTitle       = 2000
	maxDescription = 2000
	maxName        = 2000
	maxURL         = 2048
	maxAuthors     = 8
)

// meta is what a page says of itself in its head.
type meta struct {
	props map[string]string // first value of each property or name, lower-cased key
	title string            // the <title>
	lang  string            // the <html lang>
	// creators are the fediverse:creator values, in order.
	creators []string
}

// Parse reads the card of a page from its HTML: OpenGraph properties first, then
// Twitter card meta, then the <title> and the description meta, as Mastodon's
// LinkDetailsExtractor. It reports false for a page with no title, which gives no
// card. Relative URLs are resolved against page; only http(s) URLs are kept.
func Parse(doc []byte, page *url.URL) (*Card, bool) {
	m := scan(doc)
	c := &Card{URL: page.String(), Type: Link}
	c.Title = clip(first(m.props["og:title"], m.props["twitter:title"], m.title), maxTitle)
	if c.Title == "" {
		return nil, false
	}
	c.Description = clip(first(m.props["og:description"], m.props["twitter:description"], m.props["description"]), maxDescription)
	c.ProviderName = clip(first(m.props["og:site_name"], m.props["application-name"]), maxName)
	c.AuthorName = clip(first(m.props["author"], m.props["twitter:creator"]), maxName)
	c.AuthorURL = resolve(page, m.props["article:author"])
	c.Image = resolve(page, first(m.props["og:image:secure_url"], m.props["og:image:url"], m.props["og:image"],
		m.props["twitter:image"], m.props["twitter:image:src"]))
	if c.Image != "" {
		c.ImageDescription = clip(first(m.props["og:image:alt"], m.props["twitter:image:alt"]), maxDescription)
		c.Width, c.Height = dimension(m.props["og:image:width"]), dimension(m.props["og:image:height"])
	}
	c.EmbedURL = resolve(page, first(m.props["og:video:secure_url"], m.props["og:video:url"], m.props["og:video"],
		m.props["twitter:player"]))
	c.Language = language(first(m.lang, m.props["og:locale"]))
	if t, err := time.Parse(time.RFC3339, first(m.props["article:published_time"], m.props["og:published_time"])); err == nil {
		c.PublishedAt = t.UTC()
	}
	for _, cr := range m.creators {
		if a, ok := creator(cr); ok && len(c.Authors) < maxAuthors {
			c.Authors = append(c.Authors, a)
		}
	}
	return c, true
}

// scan reads the meta, title and language of a document with the HTML tokenizer,
// stopping at the body.
func scan(doc []byte) meta {
	m := meta{props: map[string]string{}}
	z := html.NewTokenizer(bytes.NewReader(doc))
	z.SetMaxBuf(len(doc) + 1)
	for {
		switch z.Next() {
		case html.ErrorToken:
			return m
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			switch atom.Lookup(name) {
			case atom.Html:
				if hasAttr {
					m.lang = attrs(z)["lang"]
				}
			case atom.Meta:
				if hasAttr {
					m.add(attrs(z))
				}
			case atom.Title:
				if m.title == "" && z.Next() == html.TextToken {
					m.title = string(z.Text())
				}
			case atom.Body:
				return m
			}
		}
	}
}

// add records one meta element: property (OpenGraph) or name (Twitter, plain) and
// content. The first value of a key wins, as a page's main image comes first.
func (m *meta) add(a map[string]string) {
	key := strings.ToLower(strings.TrimSpace(first(a["property"], a["name"])))
	val := a["content"]
	if key == "" || strings.TrimSpace(val) == "" {
		return
	}
	if key == "fediverse:creator" {
		m.creators = append(m.creators, val)
		return
	}
	if _, seen := m.props[key]; !seen {
		m.props[key] = val
	}
}

func attrs(z *html.Tokenizer) map[string]string {
	out := map[string]string{}
	for {
		k, v, more := z.TagAttr()
		if _, seen := out[string(k)]; !seen {
			out[string(k)] = string(v)
		}
		if !more {
			return out
		}
	}
}

// first returns the first of vals that is not blank, trimmed.
func first(vals ...string) string {
	for _, v := range vals {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}

// clip makes s valid UTF-8 on one line of collapsed spaces, at most n runes long.
func clip(s string, n int) string {
	s = strings.Join(strings.Fields(strings.ToValidUTF8(s, "")), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// resolve returns ref resolved against page, if it is an http(s) URL with a host.
func resolve(page *url.URL, ref string) string {
	if ref == "" || len(ref) > maxURL {
		return ""
	}
	u, err := page.Parse(ref)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	return u.String()
}

// dimension reads a positive image size, or 0.
func dimension(s string) int {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n <= 0 || n > 1<<16 {
		return 0
	}
	return n
}

// language reduces a language tag or OpenGraph locale (en-GB, en_GB) to its
// language, or "" when it is not one.
func language(tag string) string {
	l, _, _ := strings.Cut(strings.ReplaceAll(tag, "_", "-"), "-")
	l = strings.ToLower(l)
	if len(l) < 2 || len(l) > 3 {
		return ""
	}
	for _, r := range l {
		if r < 'a' || r > 'z' {
			return ""
		}
	}
	return l
}

// creator reads one fediverse:creator value, a handle as @user@domain (the @ first
// is optional), into an author.
func creator(v string) (Author, bool) {
	user, domain, ok := strings.Cut(strings.TrimPrefix(strings.TrimSpace(v), "@"), "@")
	if !ok || user == "" || domain == "" || strings.ContainsAny(user+domain, "@/ \t\n<>\"'") || len(v) > 255 {
		return Author{}, false
	}
	return Author{Name: "@" + user + "@" + domain, Account: "@" + user + "@" + domain}, true
}
