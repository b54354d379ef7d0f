package emoji

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/herd-social/herd/shard"
)

// Validation is a refused change, with Mastodon's message.
type Validation struct{ Msg string }

func (v *Validation) Error() string { return "Validation failed: " + v.Msg }

// ErrRemote refuses to delete another server's emoji, and to copy a local one.
var ErrRemote = errors.New("emoji: not for this emoji's origin")

// Pictures is the part of the media service that keeps the pictures of custom emoji
// (it names them by key and holds Mastodon's rules on them: PNG, GIF or WebP, under
// 256 KB; its refusals carry Mastodon's messages).
type Pictures interface {
	StoreEmoji(ctx context.Context, shortcode string, data []byte) (key, mediaType string, err error)
	FetchEmoji(ctx context.Context, shortcode, url string) (key, mediaType string, err error)
	DeleteFile(ctx context.Context, key string) error
}

// Auditor is the part of the moderation service that keeps the audit log.
type Auditor interface {
	Record(ctx context.Context, moderator shard.ID, action, targetType, target string) error
}

// Admin carries out moderators' changes of custom emoji, as Mastodon's admin does
// them, each written to the audit log as Mastodon's admin logs it.
type Admin struct {
	Emoji    *Service
	Pictures Pictures
	Audit    Auditor
	// Now is the clock; nil is time.Now.
	Now func() time.Time
}

// ID names an emoji in the admin API: its shortcode, and @domain for a remote one.
func (e *Emoji) ID() string {
	if e.Domain == "" {
		return e.Shortcode
	}
	return e.Shortcode + "@" + e.Domain
}

func (a Admin) now() time.Time {
	if a.Now == nil {
		return time.Now().UTC()
	}
	return a.Now().UTC()
}

func (a Admin) record(ctx context.Context, moderator shard.ID, action string, e *Emoji) error {
	if err := a.Audit.Record(ctx, moderator, action, "CustomEmoji", e.ID()); err != nil {
		return fmt.Errorf("audit %s: %w", action, err)
	}
	return nil
}

// Upload adds a local emoji, with Mastodon's rules and messages: a picture, a
// shortcode of at least two letters, digits or _, not taken; the picture's own rules
// are the media service's. A refused one changes nothing.
func (a Admin) Upload(ctx context.Context, moderator shard.ID, shortcode string, picture []byte, category string) (*Emoji, error) {
	var refused []string // in the order Mastodon's validations run
	if len(picture) == 0 {
		refused = append(refused, "Image can't be blank")
	}
	if !ValidShortcode(shortcode) {
		refused = append(refused, "Shortcode is invalid")
	}
	if len(shortcode) < 2 {
		refused = append(refused, "Shortcode is too short (minimum is 2 characters)")
	}
	if len(refused) > 0 {
		return nil, &Validation{strings.Join(refused, ", ")}
	}
	if err := a.free(ctx, shortcode); err != nil {
		return nil, err
	}
	key, mediaType, err := a.Pictures.StoreEmoji(ctx, shortcode, picture)
	if err != nil {
		return nil, err
	}
	e := &Emoji{Shortcode: shortcode, Key: key, MediaType: mediaType, Category: strings.TrimSpace(category), UpdatedAt: a.now()}
	return e, a.create(ctx, moderator, e)
}

var errTaken = &Validation{"Shortcode has already been taken"}

// free refuses a local shortcode already taken.
func (a Admin) free(ctx context.Context, shortcode string) error {
	_, err := a.Emoji.Get(ctx, "", shortcode)
	switch {
	case err == nil:
		return errTaken
	case errors.Is(err, ErrNotFound):
		return nil
	}
	return err
}

// create records a local emoji whose picture was just stored; when the shortcode was
// taken meanwhile, the picture goes.
func (a Admin) create(ctx context.Context, moderator shard.ID, e *Emoji) error {
	if err := a.Emoji.Create(ctx, e); err != nil {
		if derr := a.Pictures.DeleteFile(ctx, e.Key); derr != nil {
			return derr
		}
		if errors.Is(err, ErrExists) {
			return errTaken
		}
		return err
	}
	return a.record(ctx, moderator, "create_custom_emoji", e)
}

// Change sets fields of an emoji; nil leaves a field as it is.
type Change struct {
	Category        *string // empty removes it
	VisibleInPicker *bool
	Disabled        *bool
}

// Update changes a local or remote emoji, audited as Mastodon's batch actions
// (update_custom_emoji, enable_custom_emoji, disable_custom_emoji); a change that
// changes nothing is not written.
func (a Admin) Update(ctx context.Context, moderator shard.ID, e *Emoji, c Change) error {
	var actions []string
	if c.Category != nil && strings.TrimSpace(*c.Category) != e.Category {
		e.Category = strings.TrimSpace(*c.Category)
		actions = append(actions, "update_custom_emoji")
	}
	if v := c.VisibleInPicker; v != nil && *v == e.Hidden {
		e.Hidden = !*v
		if len(actions) == 0 {
			actions = append(actions, "update_custom_emoji")
		}
	}
	if v := c.Disabled; v != nil && *v != e.Disabled {
		e.Disabled = *v
		actions = append(actions, map[bool]string{true: "disable_custom_emoji", false: "enable_custom_emoji"}[*v])
	}
	if len(actions) == 0 {
		return nil
	}
	e.UpdatedAt = a.now()
	if err := a.Emoji.Put(ctx, e); err != nil {
		return err
	}
	for _, act := range actions {
		if err := a.record(ctx, moderator, act, e); err != nil {
			return err
		}
	}
	return nil
}

// Remove deletes a local emoji and its picture (ErrRemote for another server's),
// audited as destroy_custom_emoji.
func (a Admin) Remove(ctx context.Context, moderator shard.ID, e *Emoji) error {
	if e.Domain != "" {
		return fmt.Errorf("remove emoji %s: %w", e.ID(), ErrRemote)
	}
	if err := a.Emoji.Delete(ctx, "", e.Shortcode); err != nil {
		return err
	}
	if err := a.Pictures.DeleteFile(ctx, e.Key); err != nil {
		return err
	}
	return a.record(ctx, moderator, "destroy_custom_emoji", e)
}

// Copy makes a local emoji of a remote one (ErrRemote for a local one), its picture
// fetched from its server under the upload's rules, as Mastodon's copy: a local emoji
// of that shortcode already there takes the copied picture and keeps its category and
// listing. Audited as create_custom_emoji.
func (a Admin) Copy(ctx context.Context, moderator shard.ID, src *Emoji) (*Emoji, error) {
	if src.Domain == "" {
		return nil, fmt.Errorf("copy emoji %s: %w", src.ID(), ErrRemote)
	}
	old, err := a.Emoji.Get(ctx, "", src.Shortcode)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return nil, err
	}
	key, mediaType, err := a.Pictures.FetchEmoji(ctx, src.Shortcode, src.URL)
	if err != nil { // a refusal of the picture's rules stays in the chain, ahead for the API
		return nil, fmt.Errorf("%w: %w", &Validation{"Image could not be downloaded"}, err)
	}
	if old == nil {
		e := &Emoji{Shortcode: src.Shortcode, Key: key, MediaType: mediaType, Category: src.Category, UpdatedAt: a.now()}
		return e, a.create(ctx, moderator, e)
	}
	e := *old
	e.Key, e.MediaType, e.UpdatedAt = key, mediaType, a.now()
	if err := a.Emoji.Put(ctx, &e); err != nil {
		return nil, err
	}
	if err := a.Pictures.DeleteFile(ctx, old.Key); err != nil {
		return nil, err
	}
	return &e, a.record(ctx, moderator, "create_custom_emoji", &e)
}
