package card

import (
	"net/url"
	"slices"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// FirstLink returns the first link of a status's HTML worth a card: an http(s) link
// that is not a mention or a hashtag (Mastodon's microformats: rel="tag", the
// classes mention, hashtag, u-url and h-card) and does not point at this server
// (domain, its host with any port), as Mastodon's FetchLinkCardService#parse_urls.
// It returns "" when there is none.
func FirstLink(content, domain string) string {
	z := html.NewTokenizer(strings.NewReader(content))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return ""
		case html.StartTagToken:
			name, hasAttr := z.TagName()
			if atom.Lookup(name) != atom.A || !hasAttr {
				continue
			}
			a := attrs(z)
			if skipAnchor(a) {
				continue
			}
			if u := linkURL(a["href"], domain); u != "" {
				return u
			}
		}
	}
}

func skipAnchor(a map[string]string) bool {
	if slices.Contains(strings.Fields(strings.ToLower(a["rel"])), "tag") {
		return true
	}
	for _, c := range strings.Fields(strings.ToLower(a["class"])) {
		switch c {
		case "mention", "hashtag", "u-url", "h-card":
			return true
		}
	}
	return false
}

// linkURL returns href as a URL to fetch, or "" if it is not one.
func linkURL(href, domain string) string {
	href = strings.TrimSpace(href)
	if href == "" || len(href) > maxURL {
		return ""
	}
	u, err := url.Parse(href)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" || u.User != nil {
		return ""
	}
	host, _, _ := strings.Cut(domain, ":")
	if domain != "" && (strings.EqualFold(u.Host, domain) || strings.EqualFold(u.Hostname(), host)) {
		return ""
	}
	u.Fragment = ""
	return u.String()
}
