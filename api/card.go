package api

import (
	"context"
	"strings"

	"github.com/herd-social/herd/card"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/status"
	"github.com/herd-social/herd/text"
)

// PreviewCard is Mastodon's PreviewCard entity.
type PreviewCard struct {
	URL              string              `json:"url"`
	Title            string              `json:"title"`
	Description      string              `json:"description"`
	Type             string              `json:"type"`
	Authors          []PreviewCardAuthor `json:"authors"`
	AuthorName       string              `json:"author_name"`
	AuthorURL        string              `json:"author_url"`
	ProviderName     string              `json:"provider_name"`
	ProviderURL      string              `json:"provider_url"`
	HTML             string              `json:"html"`
	Width            int                 `json:"width"`
	Height           int                 `json:"height"`
	Image            *string             `json:"image"`
	ImageDescription string              `json:"image_description"`
	EmbedURL         string              `json:"embed_url"`
	Blurhash         *string             `json:"blurhash"`
	Language         *string             `json:"language"`
	PublishedAt      *string             `json:"published_at"`
}

// PreviewCardAuthor is one author of a card's page. Account is null: the handles of
// fediverse:creator are not resolved to accounts yet.
type PreviewCardAuthor struct {
	Name    string   `json:"name"`
	URL     string   `json:"url"`
	Account *Account `json:"account"`
}

// cards loads the cards of the shown statuses in one read, keyed by status id.
func (s *Server) cards(ctx context.Context, shown []*status.Status) (map[shard.ID]*card.Card, error) {
	if s.d.Cards == nil || len(shown) == 0 {
		return nil, nil
	}
	ids := make([]shard.ID, len(shown))
	for i, st := range shown {
		ids[i] = st.ID
	}
	return s.d.Cards.ForStatuses(ctx, ids)
}

// previewCard renders a card; nil for none.
func previewCard(c *card.Card) *PreviewCard {
	if c == nil || text.CleanURL(c.URL, true) == "" {
		return nil
	}
	out := &PreviewCard{URL: c.URL, Title: c.Title, Description: c.Description, Type: string(c.Type),
		AuthorName: c.AuthorName, AuthorURL: text.CleanURL(c.AuthorURL, true), ProviderName: c.ProviderName,
		ProviderURL: text.CleanURL(c.ProviderURL, true), Width: c.Width, Height: c.Height,
		ImageDescription: c.ImageDescription, EmbedURL: text.CleanURL(c.EmbedURL, true), Authors: []PreviewCardAuthor{}}
	if u := text.CleanURL(c.Image, true); u != "" {
		out.Image = &u
	} else {
		out.Width, out.Height = 0, 0
	}
	if c.Blurhash != "" {
		out.Blurhash = ptr(c.Blurhash)
	}
	if c.Language != "" {
		out.Language = ptr(c.Language)
	}
	if !c.PublishedAt.IsZero() {
		out.PublishedAt = ptr(datetime(c.PublishedAt))
	}
	for _, a := range c.Authors {
		user, domain, _ := strings.Cut(strings.TrimPrefix(a.Account, "@"), "@")
		u := text.CleanURL("https://"+domain+"/@"+user, false)
		if u == "" {
			continue
		}
		out.Authors = append(out.Authors, PreviewCardAuthor{Name: a.Name, URL: u})
	}
	if len(out.Authors) == 0 && out.AuthorURL != "" {
		out.Authors = append(out.Authors, PreviewCardAuthor{Name: out.AuthorName, URL: out.AuthorURL})
	}
	return out
}
