package api

import (
	"context"
	"slices"
	"strings"

	"github.com/herd-social/herd/emoji"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/status"
)

// CustomEmoji is Mastodon's CustomEmoji entity.
type CustomEmoji struct {
	Shortcode       string  `json:"shortcode"`
	URL             string  `json:"url"`
	StaticURL       string  `json:"static_url"`
	VisibleInPicker bool    `json:"visible_in_picker"`
	Category        *string `json:"category"`
}

func (s *Server) customEmoji(e *emoji.Emoji) CustomEmoji {
	u := e.URL
	if e.Key != "" {
		u = s.d.Media.FileURL(e.Key)
	}
	out := CustomEmoji{Shortcode: e.Shortcode, URL: u, StaticURL: u, VisibleInPicker: !e.Hidden}
	if e.Category != "" {
		out.Category = ptr(e.Category)
	}
	return out
}

// customEmojis answers GET /api/v1/custom_emojis: the local emoji that are enabled and
// visible in the picker, as Mastodon's CustomEmoji.listed.
func (s *Server) customEmojis(r *req) error {
	list, err := s.d.Emoji.List(r.context(), "")
	if err != nil {
		return err
	}
	out := []CustomEmoji{}
	for _, e := range list {
		if !e.Disabled && !e.Hidden {
			out = append(out, s.customEmoji(e))
		}
	}
	return r.json(out)
}

// emojiUses are the shortcodes that rendered texts use, by the domain they are of
// (the author's: "" for local accounts).
type emojiUses map[string][]string

func (u emojiUses) add(domain string, texts ...string) []string {
	codes := emoji.Used(texts...)
	for _, c := range codes {
		if !slices.Contains(u[domain], c) {
			u[domain] = append(u[domain], c)
		}
	}
	return codes
}

// emojiFound are the emoji found for some uses, by domain and shortcode.
type emojiFound map[string]map[string]CustomEmoji

// lookupEmoji reads the emoji of uses, one read per domain.
func (s *Server) lookupEmoji(ctx context.Context, u emojiUses) (emojiFound, error) {
	out := emojiFound{}
	if s.d.Emoji == nil {
		return out, nil
	}
	for domain, codes := range u {
		list, err := s.d.Emoji.Lookup(ctx, domain, codes)
		if err != nil {
			return nil, err
		}
		out[domain] = map[string]CustomEmoji{}
		for _, e := range list {
			out[domain][e.Shortcode] = s.customEmoji(e)
		}
	}
	return out, nil
}

// of returns the emoji of codes that exist, in order: an entity's `emojis`.
func (f emojiFound) of(domain string, codes []string) []CustomEmoji {
	out := []CustomEmoji{}
	for _, c := range codes {
		if e, ok := f[domain][c]; ok {
			out = append(out, e)
		}
	}
	return out
}

// domainOfAcct is the domain of an acct ("" for a local one).
func domainOfAcct(acct string) string {
	_, d, _ := strings.Cut(acct, "@")
	return d
}

// statusEmojis are the emoji the texts of statuses use (content, content warning, poll
// options), of their authors' domains, keyed by status id.
func (s *Server) statusEmojis(ctx context.Context, sts []*status.Status, accs map[shard.ID]*Account) (map[shard.ID][]CustomEmoji, error) {
	uses, used := emojiUses{}, map[shard.ID][]string{}
	for _, st := range sts {
		if acc := accs[st.AccountID]; acc != nil {
			texts := []string{st.Content, st.SpoilerText}
			if st.Poll != nil {
				texts = append(texts, st.Poll.Options...)
			}
			used[st.ID] = uses.add(domainOfAcct(acc.Acct), texts...)
		}
	}
	found, err := s.lookupEmoji(ctx, uses)
	if err != nil {
		return nil, err
	}
	out := make(map[shard.ID][]CustomEmoji, len(used))
	for _, st := range sts {
		if acc := accs[st.AccountID]; acc != nil {
			out[st.ID] = found.of(domainOfAcct(acc.Acct), used[st.ID])
		}
	}
	return out, nil
}
