package activitypub

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/bus"
	"github.com/herd-social/herd/media"
	"github.com/herd-social/herd/shard"
)

// Pictures keeps copies of remote accounts' avatars and headers here (media.Service),
// so that clients load them from this server, as Mastodon serves remote pictures
// from its cache.
type Pictures interface {
	CachePicture(ctx context.Context, account shard.ID, kind media.Picture, url string) (string, error)
	KeepCachedPicture(ctx context.Context, account shard.ID, kind media.Picture, key string) error
	DeletePicture(ctx context.Context, key string) error
}

// queuePictures queues the fetch of a remote account's pictures that are not kept
// here yet (a new account, or one whose actor names new pictures). The copies of an
// account its server says is suspended are deleted instead.
func (s *Service) queuePictures(ctx context.Context, a *account.Account) {
	if !a.Local() && a.Suspended && (a.AvatarKey != "" || a.HeaderKey != "") {
		if _, err := s.accounts.UncachePictures(ctx, a.ID, true, true); err != nil {
			s.log.Warn("activitypub: delete the pictures of a suspended account", "actor", a.URI, "err", err)
		}
		return
	}
	if s.pictures == nil || a.Local() || a.Suspended ||
		!toKeep(a.AvatarURL, a.AvatarFile()) && !toKeep(a.HeaderURL, a.HeaderFile()) {
		return
	}
	b, err := json.Marshal(fetchJob{Kind: "pictures", Actor: a.URI})
	if err == nil {
		err = s.bus.Publish(ctx, bus.Message{Topic: FetchTopic, Key: []byte(a.URI), Value: b})
	}
	if err != nil { // the next refresh of the actor queues them again
		s.log.Warn("activitypub: queue the pictures of an account", "actor", a.URI, "err", err)
	}
}

// cachePictures fetches and keeps the pictures of a remote account not kept yet, and
// deletes those they replace. A picture that cannot be had stays at its server. The
// jobs of one actor run one at a time (keyed by actor); a refresh of the actor that
// overwrites the record of a copy just made only makes the next job make the same
// copy again (its key depends on the URL), and every recorded copy deletes the
// others of its kind.
func (s *Service) cachePictures(ctx context.Context, uri string) error {
	a, err := s.accounts.ByURI(ctx, uri)
	if err != nil || a.Local() || a.Suspended {
		return err
	}
	for _, p := range []struct {
		kind      media.Picture
		header    bool
		url, file string
	}{{media.Avatar, false, a.AvatarURL, a.AvatarFile()}, {media.Header, true, a.HeaderURL, a.HeaderFile()}} {
		if !toKeep(p.url, p.file) {
			continue
		}
		key, err := s.pictures.CachePicture(ctx, a.ID, p.kind, p.url)
		if errors.Is(err, media.ErrRejected) {
			continue
		}
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			s.log.Info("activitypub: picture not cached", "actor", uri, "url", p.url, "err", err)
			continue
		}
		err = s.accounts.CachedPicture(ctx, a.ID, p.header, p.url, key)
		if errors.Is(err, account.ErrStale) { // the actor names another picture now
			err = s.pictures.DeletePicture(ctx, key)
		} else if err == nil {
			err = s.pictures.KeepCachedPicture(ctx, a.ID, p.kind, key)
		}
		if err != nil {
			return fmt.Errorf("keep the picture of %s: %w", uri, err)
		}
	}
	return nil
}

// toKeep tells a picture the actor names (url) that is not kept here yet (file).
func toKeep(url, file string) bool { return url != "" && file == "" }
