package action

import (
	"context"
	"errors"
	"fmt"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/shard"
)

// Follow makes follower follow target, or asks to when target is locked or remote;
// following again changes the options. A local follower's new follow of an unlocked
// local account merges the target's recent posts into the follower's home, and one of
// a remote account sends the Follow. A remote follower (a peer's Follow) is answered
// with Accept unless the target is locked or the follower silenced (the target's
// owner decides: Authorize), and with Reject, without an error, if either blocks the
// other or the target blocks the follower's domain.
func (s *Service) Follow(ctx context.Context, follower, target *account.Account, opts account.FollowOptions) error {
	if !follower.Local() {
		return s.followFromPeer(ctx, follower, target)
	}
	before, err := s.accounts.FollowOf(ctx, follower.ID, target.ID)
	if err != nil {
		return err
	}
	if err := s.accounts.Follow(ctx, follower.ID, target, opts, s.notifier); err != nil {
		return err
	}
	if before != nil {
		return nil
	}
	if !target.Local() {
		if err := s.federation.Relate(ctx, "Follow", follower.ID, target.ID, "", false); err != nil {
			return fmt.Errorf("action: send follow %d→%d: %w", follower.ID, target.ID, err)
		}
		return nil
	}
	if target.Locked || follower.Silenced {
		return nil
	}
	return s.homes.Followed(ctx, follower.ID, target.ID)
}

// followFromPeer is Follow for a remote follower of a local target.
func (s *Service) followFromPeer(ctx context.Context, follower, target *account.Account) error {
	blocked, err := s.accounts.BlocksDomain(ctx, target.ID, follower.Domain)
	if err != nil {
		return err
	}
	if blocked {
		return s.federation.Respond(ctx, target.ID, follower.ID, false)
	}
	err = s.accounts.Follow(ctx, follower.ID, target, account.FollowOptions{}, s.notifier)
	if errors.Is(err, account.ErrBlocked) {
		return s.federation.Respond(ctx, target.ID, follower.ID, false)
	}
	if err != nil || target.Locked || follower.Silenced {
		return err
	}
	return s.federation.Respond(ctx, target.ID, follower.ID, true)
}

// Unfollow ends a follow, or withdraws a pending request. A local follower's unfollow
// of a remote account sends the Undo of the Follow, and a local follower's home loses
// the target's posts, its lists the target (and their timelines its posts).
func (s *Service) Unfollow(ctx context.Context, follower, target *account.Account) error {
	if err := s.accounts.Unfollow(ctx, follower.ID, target.ID); err != nil {
		return err
	}
	if !follower.Local() {
		return nil
	}
	if err := s.leftLists(ctx, follower.ID, target.ID); err != nil {
		return err
	}
	if !target.Local() {
		if err := s.federation.Relate(ctx, "Follow", follower.ID, target.ID, "", true); err != nil {
			return fmt.Errorf("action: send undo follow %d→%d: %w", follower.ID, target.ID, err)
		}
	}
	return s.homes.Unfollowed(ctx, follower.ID, target.ID)
}

// Authorize accepts requester's pending request to follow the local account owner: a
// remote requester's server gets the Accept, and the requester's home the owner's
// recent posts.
func (s *Service) Authorize(ctx context.Context, owner, requester shard.ID) error {
	if err := s.accounts.Authorize(ctx, owner, requester, s.notifier); err != nil {
		return err
	}
	if err := s.federation.Respond(ctx, owner, requester, true); err != nil {
		return fmt.Errorf("action: send accept %d→%d: %w", requester, owner, err)
	}
	return s.homes.Followed(ctx, requester, owner)
}

// Reject drops requester's pending request to follow the local account owner; a
// remote requester's server gets the Reject.
func (s *Service) Reject(ctx context.Context, owner, requester shard.ID) error {
	if err := s.accounts.Reject(ctx, owner, requester); err != nil {
		return err
	}
	if err := s.federation.Respond(ctx, owner, requester, false); err != nil {
		return fmt.Errorf("action: send reject %d→%d: %w", requester, owner, err)
	}
	return nil
}

// RemoveFromFollowers makes follower stop following the local account owner, at the
// owner's wish; the follower's lists lose the owner.
func (s *Service) RemoveFromFollowers(ctx context.Context, owner, follower shard.ID) error {
	if err := s.accounts.RemoveFromFollowers(ctx, owner, follower); err != nil {
		return err
	}
	return s.leftLists(ctx, follower, owner)
}

// FollowAccepted turns a local follower's pending request to follow a remote target
// into a follow, when the target's server accepts it (a peer's Accept). Accepting
// twice changes nothing. The follower's home gets the target's posts once the inbox
// has fetched them (activitypub's backfill), with FollowBackfilled.
func (s *Service) FollowAccepted(ctx context.Context, follower, target shard.ID) error {
	return s.accounts.Accepted(ctx, follower, target)
}

// FollowBackfilled merges a remote target's posts, just fetched after its server
// accepted a local follower's follow, into the follower's home: the last step of
// FollowAccepted, which federation calls when its fetch worker has stored them.
func (s *Service) FollowBackfilled(ctx context.Context, follower, target shard.ID) error {
	return s.homes.Followed(ctx, follower, target)
}

// FollowRejected ends a local follower's follow of a remote target, or its pending
// request, when the target's server rejects it (a peer's Reject); the follower's
// lists lose the target.
func (s *Service) FollowRejected(ctx context.Context, follower, target shard.ID) error {
	if err := s.accounts.Unfollow(ctx, follower, target); err != nil {
		return err
	}
	return s.leftLists(ctx, follower, target)
}
