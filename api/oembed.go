package api

import (
	"html"
	"strconv"
	"strings"

	"github.com/herd-social/herd/visibility"
)

// OEmbed is Mastodon's OEmbedResponse: a local status as a rich embed, an iframe of
// its embed page.
type OEmbed struct {
	Type         string `json:"type"`
	Version      string `json:"version"`
	Title        string `json:"title"`
	AuthorName   string `json:"author_name"`
	AuthorURL    string `json:"author_url"`
	ProviderName string `json:"provider_name"`
	ProviderURL  string `json:"provider_url"`
	CacheAge     int    `json:"cache_age"`
	HTML         string `json:"html"`
	Width        int    `json:"width"`
	Height       *int   `json:"height"`
}

// oembedWidth is the iframe's width when maxwidth is not given, as Mastodon's.
const oembedWidth = 400

// oembed answers GET /api/oembed?url=: a public or unlisted status of this server,
// named by any of its URLs (/@name/id or its ActivityPub id), as Mastodon's
// OEmbedController; anything else is 404.
func (s *Server) oembed(r *req) error {
	u := strings.TrimSpace(r.p.str("url"))
	if u == "" || s.d.Federation == nil {
		return errNotFound
	}
	_, st, err := s.d.Federation.ResolveURL(r.context(), u, false)
	if err != nil || st == nil || !st.Local || !visibility.Anonymous(st) {
		return errNotFound
	}
	a, err := s.d.Accounts.Get(r.context(), st.AccountID)
	if err != nil {
		return err
	}
	width := oembedWidth
	if v, err := strconv.Atoi(r.p.str("maxwidth")); err == nil && v > 0 {
		width = v
	}
	var height *int
	if v, err := strconv.Atoi(r.p.str("maxheight")); err == nil && v > 0 {
		height = &v
	}
	name := a.DisplayName
	if name == "" {
		name = a.Username
	}
	profile := s.profileURL(a.Username)
	embed := profile + "/" + st.ID.String() + "/embed"
	frame := `<iframe src="` + html.EscapeString(embed) + `" class="mastodon-embed" style="max-width: 100%; border: 0" width="` +
		strconv.Itoa(width) + `"`
	if height != nil {
		frame += ` height="` + strconv.Itoa(*height) + `"`
	}
	frame += ` allowfullscreen="allowfullscreen"></iframe>`
	return r.json(OEmbed{Type: "rich", Version: "1.0", Title: "New status by " + a.Username, AuthorName: name,
		AuthorURL: profile, ProviderName: s.d.Instance.Domain, ProviderURL: s.baseURL() + "/", CacheAge: 86400,
		HTML: frame, Width: width, Height: height})
}
