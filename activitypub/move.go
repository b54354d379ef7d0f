package activitypub

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/shard"
)

// SendMove moves a local account to another (local or remote) one, as Mastodon's
// MoveService: the target must list the origin in alsoKnownAs; the origin records
// movedTo, its local followers follow the target instead, and its remote followers'
// servers hear a Move, so that they move their followers too.
func (s *Service) SendMove(ctx context.Context, from, to shard.ID) error {
	origin, err := s.accounts.Get(ctx, from)
	if err != nil {
		return err
	}
	if !origin.Local() {
		return fmt.Errorf("%w: %s is not a local account", ErrInvalid, origin.Acct())
	}
	target, err := s.accounts.Get(ctx, to)
	if err != nil {
		return err
	}
	if !target.Local() { // its aliases must be current
		if target, err = s.RemoteAccount(ctx, target.URI, true); err != nil {
			return err
		}
	}
	originURI := s.ActorURI(origin.Username)
	if target.ID == origin.ID || !slices.Contains(target.AlsoKnownAs, originURI) {
		return fmt.Errorf("%w: %s does not list %s in alsoKnownAs", ErrInvalid, s.accountURI(target), originURI)
	}
	origin.MovedToURI = s.accountURI(target)
	if err := s.accounts.Save(ctx, origin); err != nil {
		return err
	}
	inboxes, err := s.followerInboxes(ctx, origin.ID)
	if err != nil {
		return err
	}
	if err := s.moveFollowers(ctx, origin, target); err != nil {
		return err
	}
	act := map[string]any{"id": originURI + "#moves/" + target.ID.String() + "/" + nonce(), "type": "Move",
		"actor": originURI, "object": originURI, "target": origin.MovedToURI}
	return s.send(ctx, origin.ID, act, inboxes)
}

// applyMove handles a remote account's Move: object must be the actor itself, and the
// target, fetched afresh, must list the actor in alsoKnownAs. The actor records
// movedTo and its local followers follow the target instead, as Mastodon's
// ActivityPub::Activity::Move and MoveWorker.
func (s *Service) applyMove(ctx context.Context, actor *account.Account, act map[string]any) error {
	if idAny(act["object"]) != actor.URI {
		return fmt.Errorf("%w: %s moves another actor", ErrInvalid, actor.URI)
	}
	uri := idAny(act["target"])
	var target *account.Account
	var err error
	switch {
	case s.isLocal(uri):
		target, err = s.localTarget(ctx, uri)
	case s.remoteURL(uri) == "":
		return fmt.Errorf("%w: move target %q is no usable URL", ErrInvalid, uri)
	default:
		target, err = s.RemoteAccount(ctx, uri, true)
	}
	if errors.Is(err, account.ErrNotFound) {
		return fmt.Errorf("%w: move target %s: %v", ErrNotFound, uri, err)
	}
	if err != nil {
		return err
	}
	if target.ID == actor.ID || target.Suspended || !slices.Contains(target.AlsoKnownAs, actor.URI) {
		return fmt.Errorf("%w: %s does not list %s in alsoKnownAs", ErrInvalid, uri, actor.URI)
	}
	actor.MovedToURI = s.accountURI(target)
	if err := s.accounts.Save(ctx, actor); err != nil {
		return err
	}
	return s.moveFollowers(ctx, actor, target)
}

// moveFollowers makes every local follower of origin follow target and unfollow
// origin, then carries the local accounts' notes, blocks and mutes of origin over
// (action.CarryMove). Running it again after a failure is harmless.
func (s *Service) moveFollowers(ctx context.Context, origin, target *account.Account) error {
	var cursor shard.ID
	var moved []shard.ID
	for {
		ids, next, err := s.accounts.FollowerIDs(ctx, origin.ID, cursor, 1000)
		if err != nil {
			return err
		}
		accs, err := s.accounts.GetMany(ctx, ids)
		if err != nil {
			return err
		}
		for _, id := range ids {
			if f := accs[id]; f != nil && f.Local() {
				if err := s.moveFollower(ctx, f, origin, target); err != nil {
					return err
				}
				moved = append(moved, id)
			}
		}
		if next == 0 {
			return s.actions.CarryMove(ctx, origin, target, moved)
		}
		cursor = next
	}
}

// moveFollower moves one local follow from origin to target, keeping its options, as
// Mastodon's UnfollowFollowWorker; a block between follower and target leaves the
// follow of origin as it is.
func (s *Service) moveFollower(ctx context.Context, f, origin, target *account.Account) error {
	follower := f.ID
	old, err := s.accounts.FollowOf(ctx, follower, origin.ID)
	if err != nil {
		return err
	}
	var opts account.FollowOptions
	if old != nil {
		opts = account.FollowOptions{Reblogs: &old.Reblogs, Notify: &old.Notify, Languages: &old.Languages}
	}
	already, err := s.accounts.FollowOf(ctx, follower, target.ID)
	if err != nil {
		return err
	}
	if already == nil && follower != target.ID {
		// The follow action sends the Follow to a remote target, or merges a local
		// one's posts into the follower's home.
		err := s.actions.Follow(ctx, f, target, opts)
		if errors.Is(err, account.ErrBlocked) {
			return nil
		}
		if err != nil {
			return err
		}
	}
	if err := s.accounts.Unfollow(ctx, follower, origin.ID); err != nil {
		return err
	}
	if origin.Local() {
		return nil
	}
	return s.Relate(ctx, "Follow", follower, origin.ID, "", true)
}
