package node

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/herd-social/herd/emoji"
)

// AdminAddEmoji adds (or replaces) a local custom emoji from a picture file of at most
// 256 KB; the picture it replaces is removed.
func (n *Node) AdminAddEmoji(ctx context.Context, shortcode, file, category string) error {
	if !emoji.ValidShortcode(shortcode) {
		return fmt.Errorf("shortcode %q: letters, digits and _ only, at least two", shortcode)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	key, mediaType, err := n.Media.StoreEmoji(ctx, shortcode, data)
	if err != nil {
		return err
	}
	old, _ := n.Emoji.Get(ctx, "", shortcode)
	if err := n.Emoji.Put(ctx, &emoji.Emoji{Shortcode: shortcode, Key: key, MediaType: mediaType, Category: category,
		UpdatedAt: time.Now().UTC()}); err != nil {
		return err
	}
	if old != nil {
		return n.Media.DeleteFile(ctx, old.Key)
	}
	return nil
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
		if err := n.Emoji.Delete(ctx, "", shortcode); err != nil {
			return err
		}
		return n.Media.DeleteFile(ctx, e.Key)
	}
	e.Disabled, e.UpdatedAt = !enabled, time.Now().UTC()
	return n.Emoji.Put(ctx, e)
}
