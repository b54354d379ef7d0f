package media

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/herd-social/herd/blob"
	"github.com/herd-social/herd/mediaproc"
	"github.com/herd-social/herd/shard"
)

// Picture is a kind of account picture, with the size Mastodon crops it to.
type Picture struct {
	name, field string
	w, h        int
}

// The account pictures.
var (
	Avatar = Picture{name: "avatars", field: "Avatar", w: 400, h: 400}
	Header = Picture{name: "headers", field: "Header", w: 1500, h: 500}
)

// StorePicture makes an avatar or header of an upload (upright, without metadata, cut
// and scaled to its size) and stores it under a key of its own, which it returns: the
// account names it, and a cached copy of the picture before never stands for it. An
// animated GIF stays animated (a GIF, as Mastodon keeps animated avatars), its first
// frame stored as a PNG under StaticKey(key) for avatar_static and header_static.
func (s *Service) StorePicture(ctx context.Context, account shard.ID, kind Picture, data []byte) (string, error) {
	return s.storePicture(ctx, "accounts/"+kind.name+"/"+account.String()+"/", s.ids.Next().String(), kind, data)
}

// CachePicture fetches a remote account's avatar or header from u through the guarded
// client (as remote attachments, within RemoteMaxBytes and RemoteTimeout) and keeps it
// here as StorePicture keeps an upload, under cache/, returning its key: the same key
// for the same account, kind and URL, so that fetching a picture again replaces its
// copy. A picture of a server whose media are rejected is not fetched (ErrRejected).
func (s *Service) CachePicture(ctx context.Context, account shard.ID, kind Picture, u string) (string, error) {
	if s.opts.HTTP == nil {
		return "", ErrRejected
	}
	if rejected, err := s.rejected(ctx, u); err != nil {
		return "", err
	} else if rejected {
		return "", ErrRejected
	}
	data, err := s.download(ctx, u)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256([]byte(u))
	return s.storePicture(ctx, cachedPictures(account, kind), hex.EncodeToString(sum[:12]), kind, data)
}

// cachedPictures is the directory of the copies of a remote account's avatars or
// headers.
func cachedPictures(account shard.ID, kind Picture) string {
	return "cache/accounts/" + kind.name + "/" + account.String() + "/"
}

// KeepCachedPicture deletes the copies of a remote account's avatars (or headers) but
// the one under key, and its still picture: those of pictures it named before (all of
// them for key "").
func (s *Service) KeepCachedPicture(ctx context.Context, account shard.ID, kind Picture, key string) error {
	var gone []string
	err := s.files.List(ctx, cachedPictures(account, kind), func(f blob.Info) error {
		if f.Key != key && f.Key != StaticKey(key) {
			gone = append(gone, f.Key)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("list the pictures of %d: %w", account, err)
	}
	for _, k := range gone {
		if err := s.files.Delete(ctx, k); err != nil {
			return fmt.Errorf("delete %s: %w", k, err)
		}
	}
	return nil
}

// ErrRejected refuses to fetch a remote file: media of its server are rejected, or
// remote files are not fetched at all (media.no_cache).
var ErrRejected = errors.New("media: remote files of this server are not fetched")

// storePicture makes the files of an account picture and stores them under dir, named
// name.
func (s *Service) storePicture(ctx context.Context, dir, name string, kind Picture, data []byte) (string, error) {
	f, static, err := s.proc.PictureFiles(data, kind.w, kind.h)
	switch {
	case errors.Is(err, mediaproc.ErrTooLarge):
		return "", invalid("%s file size must be less than %d MB", kind.field, s.proc.MaxBytes()>>20)
	case errors.Is(err, mediaproc.ErrUnsupported), errors.Is(err, mediaproc.ErrHEIF):
		return "", invalid("%s file content type is invalid, %s is invalid", kind.field, kind.field)
	case errors.Is(err, mediaproc.ErrFFmpeg):
		return "", fmt.Errorf("%s: %w", kind.field, err)
	case err != nil:
		return "", invalid("%s could not be processed", kind.field)
	}
	key := dir + name + f.Extension
	if static.Data != nil {
		if err := s.files.Put(ctx, StaticKey(key), bytes.NewReader(static.Data), int64(len(static.Data)), static.ContentType); err != nil {
			return "", fmt.Errorf("store %s: %w", StaticKey(key), err)
		}
	}
	if err := s.files.Put(ctx, key, bytes.NewReader(f.Data), int64(len(f.Data)), f.ContentType); err != nil {
		return "", fmt.Errorf("store %s: %w", key, err)
	}
	return key, nil
}

// StaticKey is the key of the still picture of an account picture stored under key:
// of an animated one (a GIF: StorePicture makes every still picture a PNG or JPEG), its
// first frame, stored beside it; of any other, the picture itself.
func StaticKey(key string) string {
	if base, ok := strings.CutSuffix(key, ".gif"); ok {
		return base + "-static.png"
	}
	return key
}

// DeletePicture removes an account picture no longer named, and its still picture.
func (s *Service) DeletePicture(ctx context.Context, key string) error {
	if static := StaticKey(key); static != key {
		if err := s.DeleteFile(ctx, static); err != nil {
			return err
		}
	}
	return s.DeleteFile(ctx, key)
}

// DeleteFile removes a stored file no longer named, such as a replaced picture.
func (s *Service) DeleteFile(ctx context.Context, key string) error {
	if key == "" {
		return nil
	}
	return s.files.Delete(ctx, key)
}

// maxEmojiBytes is the largest custom emoji picture, as Mastodon's (256 KB).
const maxEmojiBytes = 256 << 10

// StoreEmoji stores the picture of a local custom emoji, re-encoded without metadata
// (an animated GIF stays animated), and returns its key and content type. As
// Mastodon's CustomEmoji, it takes a PNG, GIF or WebP of less than 256 KB.
func (s *Service) StoreEmoji(ctx context.Context, shortcode string, data []byte) (string, string, error) {
	if len(data) >= maxEmojiBytes {
		return "", "", invalid("Image file size must be less than %d KB", maxEmojiBytes>>10)
	}
	switch f, err := mediaproc.Sniff(data); {
	case err != nil, f != mediaproc.FormatPNG && f != mediaproc.FormatGIF && f != mediaproc.FormatWebP:
		return "", "", invalid("Image content type is invalid")
	}
	res, err := s.proc.Process(data, nil)
	if err != nil {
		return "", "", invalid("Image could not be processed")
	}
	f := res.Original
	key := "custom_emojis/" + shortcode + "-" + s.ids.Next().String() + f.Extension
	if err := s.files.Put(ctx, key, bytes.NewReader(f.Data), int64(len(f.Data)), f.ContentType); err != nil {
		return "", "", fmt.Errorf("store %s: %w", key, err)
	}
	return key, f.ContentType, nil
}

// FetchEmoji fetches the picture of a remote custom emoji and stores it as StoreEmoji
// does, for a local copy of it; a picture of a server whose media are rejected is not
// fetched (ErrRejected).
func (s *Service) FetchEmoji(ctx context.Context, shortcode, u string) (string, string, error) {
	if s.opts.HTTP == nil {
		return "", "", ErrRejected
	}
	if rejected, err := s.rejected(ctx, u); err != nil {
		return "", "", err
	} else if rejected {
		return "", "", ErrRejected
	}
	data, err := s.download(ctx, u)
	if err != nil {
		return "", "", err
	}
	return s.StoreEmoji(ctx, shortcode, data)
}
