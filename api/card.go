package api

import (
	"context"
	"errors"
	"net/url"
	"slices"
	"strings"

	"github.com/herd-social/herd/account"
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

// PreviewCardAuthor is one author of a card's page. Account is the account its
// fediverse:creator handle names, when this server knows it and the account lets the
// page's site credit it (its attribution domains), as Mastodon's; else null.
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

// cardAuthor is an account a fediverse:creator handle names, with its entity.
type cardAuthor struct {
	acc    *account.Account
	entity *Account
}

// cardAuthors finds the accounts the cards' fediverse:creator handles name, among
// those this server knows (local ones, and remote ones it has seen: rendering fetches
// nothing), keyed by handle. Only accounts that list attribution domains can be
// credited, so the others are not rendered.
func (s *Server) cardAuthors(ctx context.Context, cards []*card.Card) (map[string]cardAuthor, error) {
	found := map[string]*account.Account{}
	var ids []shard.ID
	for _, c := range cards {
		if c == nil {
			continue
		}
		for _, a := range c.Authors {
			if _, seen := found[a.Account]; seen || a.Account == "" {
				continue
			}
			acc, err := s.d.Accounts.LookupAcct(ctx, a.Account)
			if errors.Is(err, account.ErrNotFound) {
				found[a.Account] = nil
				continue
			}
			if err != nil {
				return nil, err
			}
			if len(acc.AttributionDomains) == 0 || acc.Suspended || acc.Pending {
				acc = nil
			} else {
				ids = append(ids, acc.ID)
			}
			found[a.Account] = acc
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	entities, err := s.accountMap(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make(map[string]cardAuthor, len(ids))
	for handle, acc := range found {
		if acc != nil && entities[acc.ID] != nil {
			out[handle] = cardAuthor{acc: acc, entity: entities[acc.ID]}
		}
	}
	return out, nil
}

// attributable reports whether an account's attribution domains let the site at
// host credit it: host or one of its parent domains is listed.
func attributable(acc *account.Account, host string) bool {
	host = strings.ToLower(host)
	for {
		if slices.Contains(acc.AttributionDomains, host) {
			return true
		}
		_, parent, ok := strings.Cut(host, ".")
		if !ok {
			return false
		}
		host = parent
	}
}

// previewCard renders a card, with the accounts of its authors among authors; nil for
// none.
func previewCard(c *card.Card, authors map[string]cardAuthor) *PreviewCard {
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
		author := PreviewCardAuthor{Name: a.Name, URL: u}
		if found, ok := authors[a.Account]; ok {
			if page, err := url.Parse(c.URL); err == nil && attributable(found.acc, page.Hostname()) {
				author.Account = found.entity
			}
		}
		out.Authors = append(out.Authors, author)
	}
	if len(out.Authors) == 0 && out.AuthorURL != "" {
		out.Authors = append(out.Authors, PreviewCardAuthor{Name: out.AuthorName, URL: out.AuthorURL})
	}
	return out
}
