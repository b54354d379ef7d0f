package node

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/herd-social/herd/emoji"
)

// AdminAddEmoji adds (or replaces) a local custom emoji from a picture file of at most
// 256 KB; the picture it replaces is removed. Audited as the admin API's changes, by the
// operator: a new one as create_custom_emoji, a replaced one as update_custom_emoji.
func (n *Node) AdminAddEmoji(ctx context.Context, shortcode, file, category string) error {
	if !emoji.ValidShortcode(shortcode) {
		return fmt.Errorf("shortcode %q: letters, digits and _ only, at least two", shortcode)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	old, err := n.Emoji.Get(ctx, "", shortcode)
	if errors.Is(err, emoji.ErrNotFound) {
		_, err = n.emojiAdmin().Upload(ctx, operator, shortcode, data, category)
		return err
	}
	if err != nil {
		return err
	}
	key, mediaType, err := n.Media.StoreEmoji(ctx, shortcode, data)
	if err != nil {
		return err
	}
	e := *old // what moderators set stays; the category changes when given
	e.Key, e.MediaType, e.UpdatedAt = key, mediaType, time.Now().UTC()
	if category != "" {
		e.Category = category
	}
	if err := n.Emoji.Put(ctx, &e); err != nil {
		return err
	}
	if err := n.Media.DeleteFile(ctx, old.Key); err != nil {
		return err
	}
	return n.Reports.Record(ctx, operator, "update_custom_emoji", "CustomEmoji", e.ID())
}

func (n *Node) emojiAdmin() emoji.Admin {
	return emoji.Admin{Emoji: n.Emoji, Pictures: n.Media, Audit: n.Reports}
}

// AdminEmoji lists the local custom emoji.
func (n *Node) AdminEmoji(ctx context.Context) ([]*emoji.Emoji, error) { return n.Emoji.List(ctx, "") }

// AdminSetEmoji enables or disables a local custom emoji, or removes it with its
// picture.
func (n *Node) AdminSetEmoji(ctx context.Context, shortcode string, enabled, remove bool) error {
	e, err := n.Emoji.Get(ctx, "", shortcode)
	if err != nil {
		return err
	}
	if remove {
		return n.emojiAdmin().Remove(ctx, operator, e)
	}
	disabled := !enabled
	return n.emojiAdmin().Update(ctx, operator, e, emoji.Change{Disabled: &disabled})
}
