package account

import (
	"context"
	"fmt"

	"github.com/herd-social/herd/shard"
)

// PictureFiles deletes the stored files of account pictures (a subset of
// media.Service).
type PictureFiles interface {
	DeletePicture(ctx context.Context, key string) error
}

// UncachePictures forgets the copies kept here of a remote account's avatar and header
// (those asked for) and deletes their files through Options.Pictures, as Mastodon's
// `tootctl media remove --prune-profiles` and its suspension of an account: the
// account then shows its server's pictures, fetched again at the next refresh of its
// actor (not while it is suspended). It returns how many pictures it removed; a local
// account's pictures are its uploads, never removed here (0).
func (s *Service) UncachePictures(ctx context.Context, id shard.ID, avatar, header bool) (int, error) {
	a, err := s.Get(ctx, id)
	if err != nil {
		return 0, err
	}
	if a.Local() {
		return 0, nil
	}
	var keys []string
	if avatar && a.AvatarKey != "" {
		keys = append(keys, a.AvatarKey)
		a.AvatarKey, a.AvatarCachedFrom = "", ""
	}
	if header && a.HeaderKey != "" {
		keys = append(keys, a.HeaderKey)
		a.HeaderKey, a.HeaderCachedFrom = "", ""
	}
	if len(keys) == 0 {
		return 0, nil
	}
	// The record first: a file it no longer names is harmless, a name of no file not.
	if err := s.Save(ctx, a); err != nil {
		return 0, err
	}
	if s.opts.Pictures == nil {
		return len(keys), nil
	}
	for _, k := range keys {
		if err := s.opts.Pictures.DeletePicture(ctx, k); err != nil {
			return 0, fmt.Errorf("delete the picture %s of %d: %w", k, id, err)
		}
	}
	return len(keys), nil
}
