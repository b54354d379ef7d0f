package activitypub

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/herd-social/herd/emoji"
)

// Emojis is the part of the emoji service that federation reads and writes.
type Emojis interface {
	Record(ctx context.Context, domain string, es []*emoji.Emoji) error
	Lookup(ctx context.Context, domain string, shortcodes []string) ([]*emoji.Emoji, error)
}

// EmojiTag is a custom emoji named by a status or an actor, as Mastodon writes it.
type EmojiTag struct {
	ID      string `json:"id"`
	Type    string `json:"type"`
	Name    string `json:"name"`
	Updated string `json:"updated"`
	Icon    Image  `json:"icon"`
}

// emojiTags are the tags of the local emoji that texts use.
func (s *Sender) emojiTags(ctx context.Context, texts ...string) ([]EmojiTag, error) {
	if s.emojis == nil {
		return nil, nil
	}
	list, err := s.emojis.Lookup(ctx, "", emoji.Used(texts...))
	if err != nil {
		return nil, err
	}
	var out []EmojiTag
	for _, e := range list {
		u := e.URL
		if e.Key != "" && s.media != nil {
			u = s.media.FileURL(e.Key)
		}
		out = append(out, EmojiTag{ID: s.Base() + "/emojis/" + e.Shortcode, Type: "Emoji", Name: ":" + e.Shortcode + ":",
			Updated: e.UpdatedAt.UTC().Format(timeFormat), Icon: Image{Type: "Image", MediaType: e.MediaType, URL: u}})
	}
	return out, nil
}

// recordEmoji keeps the custom emoji that a remote document's tags name, as emoji of
// its domain, so that its texts show them (what moderators set of them here stays); a
// tag without a usable picture is skipped.
func (s *Resolver) recordEmoji(ctx context.Context, domain string, tags any) error {
	if s.emojis == nil || domain == "" {
		return nil
	}
	if rejected, err := s.mediaRejected(ctx, domain); err != nil || rejected {
		return err
	}
	var seen []*emoji.Emoji
	for _, t := range asList(tags) {
		m, _ := t.(map[string]any)
		if str2(m, "type") != "Emoji" {
			continue
		}
		icon, _ := m["icon"].(map[string]any)
		e := &emoji.Emoji{Shortcode: strings.Trim(str2(m, "name"), ":"), Domain: domain,
			URL: s.remoteURL(linkOf(icon)), MediaType: str2(icon, "mediaType"), URI: str2(m, "id"),
			UpdatedAt: time.Now().UTC()}
		if !emoji.ValidShortcode(e.Shortcode) || e.URL == "" ||
			slices.ContainsFunc(seen, func(o *emoji.Emoji) bool { return o.Shortcode == e.Shortcode }) {
			continue
		}
		seen = append(seen, e)
	}
	if err := s.emojis.Record(ctx, domain, seen); err != nil {
		return fmt.Errorf("activitypub: record the emoji of %s: %w", domain, err)
	}
	return nil
}
