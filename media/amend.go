package media

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/herd-social/herd/mediaproc"
)

// Change is what PUT /api/v1/media/:id gives, and each of media_attributes[] of a
// status edit; nil fields are left alone.
type Change struct {
	Description *string
	Focus       *string
	// Thumbnail is a custom preview image, as uploaded.
	Thumbnail []byte
}

// Amend applies c to a local attachment, a, without saving it: its description and
// focus (a focus Mastodon would not read is ignored, as Mastodon ignores it), and a
// thumbnail, made and stored at once as Mastodon does (upright, without metadata, at
// the preview's size, its blurhash the attachment's). The caller saves a.
func (s *Service) Amend(ctx context.Context, a *Attachment, c Change) error {
	if c.Description != nil {
		if err := s.checkDescription(*c.Description); err != nil {
			return err
		}
	}
	if c.Thumbnail != nil {
		if !a.Local() {
			return invalid("Thumbnail can only be set on local media")
		}
		if err := s.thumbnail(ctx, a, c.Thumbnail); err != nil {
			return err
		}
	}
	if c.Description != nil {
		a.Description = *c.Description
	}
	if c.Focus != nil {
		if focus, err := mediaproc.ParseFocus(*c.Focus); err == nil {
			a.Focus = &focus
			a.Meta = withFocus(a.Meta, focus)
		}
	}
	return nil
}

// thumbnail makes the custom preview of a of an image (uploaded, or a remote
// attachment's fetched) and stores it under a key of its own (a served file's key
// never names other bytes), dropping the one it replaces.
func (s *Service) thumbnail(ctx context.Context, a *Attachment, data []byte) error {
	res, err := s.proc.Process(data, nil)
	switch {
	case errors.Is(err, mediaproc.ErrTooLarge):
		return invalid("Thumbnail file size must be less than %d MB", s.proc.MaxBytes()>>20)
	case errors.Is(err, mediaproc.ErrFFmpeg):
		return fmt.Errorf("thumbnail: %w", err)
	case err != nil:
		return invalid("Thumbnail content type is invalid, Thumbnail is invalid")
	}
	small := res.Small
	key := "media_attachments/files/" + a.ID.String() + "/thumbnail/" + s.ids.Next().String() + small.Extension
	if !a.Local() {
		key = "cache/" + key
	}
	if err := s.files.Put(ctx, key, bytes.NewReader(small.Data), int64(len(small.Data)), small.ContentType); err != nil {
		return fmt.Errorf("store %s: %w", key, err)
	}
	if err := s.DeleteFile(ctx, a.Thumbnail.Key); err != nil {
		return err
	}
	a.Thumbnail = File{Key: key, ContentType: small.ContentType}
	a.Blurhash = res.Blurhash
	// Its colours (for an audio's player), as Mastodon extracts them from any thumbnail.
	colors, err := mediaproc.ColorsOfFile(small)
	if err != nil {
		return fmt.Errorf("thumbnail: %w", err)
	}
	a.Meta = withMeta(a.Meta, map[string]any{"small": res.Meta.Small, "colors": colors})
	return nil
}

// withMeta sets keys of a meta object.
func withMeta(meta []byte, set map[string]any) []byte {
	m := map[string]any{}
	_ = json.Unmarshal(meta, &m) // a meta that does not read is replaced
	for k, v := range set {
		m[k] = v
	}
	b, _ := json.Marshal(m) // a map of JSON values always encodes
	return b
}

// keepThumbnail sets the small size and the colours of meta to those of from, a meta
// with a custom thumbnail's.
func keepThumbnail(meta, from []byte) []byte {
	var f map[string]json.RawMessage
	if json.Unmarshal(from, &f) != nil || f["small"] == nil {
		return meta
	}
	set := map[string]any{"small": f["small"]}
	if f["colors"] != nil {
		set["colors"] = f["colors"]
	}
	return withMeta(meta, set)
}
