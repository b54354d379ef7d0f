package action

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/status"
)

// Pin features one of by's own statuses on its profile. A local account keeps
// Mastodon's limits (public or unlisted, at most the instance's number of pins), and
// its remote followers get an Add to its featured collection when the pin is new; a
// peer's pin (an Add) may be of a private status too. It returns the pinned status.
func (s *Service) Pin(ctx context.Context, by *account.Account, statusID shard.ID) (*status.Status, error) {
	if !by.Local() {
		if err := s.statuses.PinRemote(ctx, by.ID, statusID); err != nil {
			return nil, err
		}
		return s.statuses.Get(ctx, statusID)
	}
	return s.pinLocal(ctx, by.ID, statusID, true)
}

// Unpin removes a pin; a local account's remote followers get a Remove from its
// featured collection when there was a pin.
func (s *Service) Unpin(ctx context.Context, by *account.Account, statusID shard.ID) (*status.Status, error) {
	if !by.Local() {
		return s.statuses.Unpin(ctx, by.ID, statusID)
	}
	return s.pinLocal(ctx, by.ID, statusID, false)
}

// pinLocal pins or unpins a local account's status, and tells its remote followers
// when the pin really changed, as Mastodon's PinsController does.
func (s *Service) pinLocal(ctx context.Context, by, statusID shard.ID, pinned bool) (*status.Status, error) {
	marks, err := s.statuses.Marked(ctx, by, []shard.ID{statusID})
	if err != nil {
		return nil, err
	}
	change := s.statuses.Unpin
	if pinned {
		change = s.statuses.Pin
	}
	st, err := change(ctx, by, statusID)
	if err != nil || marks[3][0] == pinned {
		return st, err
	}
	if err := s.federation.SendFeatured(ctx, by, st.ID, pinned); err != nil {
		return nil, fmt.Errorf("action: send featured %d of %d: %w", st.ID, by, err)
	}
	return st, nil
}

// SyncPins makes a remote account pin exactly the statuses ids (its own, stored here),
// as its server's featured collection, read at read, lists them, as Mastodon's
// FetchFeaturedCollectionService: pins not listed are removed, unless recorded here
// after read (a live Add the collection could not list yet), and a listed status
// that may not be pinned is skipped.
func (s *Service) SyncPins(ctx context.Context, by *account.Account, ids []shard.ID, read time.Time) error {
	if by.Local() {
		return fmt.Errorf("action: sync the pins of local account %d", by.ID)
	}
	had, err := s.statuses.Pinned(ctx, by.ID)
	if err != nil {
		return err
	}
	for _, p := range had {
		if slices.Contains(ids, p.ID) || !p.Cursor.Time().Before(read) {
			continue
		}
		if _, err := s.statuses.Unpin(ctx, by.ID, p.ID); err != nil && !errors.Is(err, status.ErrNotFound) {
			return err
		}
	}
	for _, id := range ids {
		var v *status.Validation
		if err := s.statuses.PinRemote(ctx, by.ID, id); errors.As(err, &v) || errors.Is(err, status.ErrNotFound) {
			continue
		} else if err != nil {
			return err
		}
	}
	return nil
}
