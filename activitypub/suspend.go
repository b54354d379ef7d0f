package activitypub

import (
	"context"
	"errors"
	"fmt"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
)

// AccountSuspended federates a moderator's suspension of an account, as Mastodon's
// SuspendAccountService: a local account's actor, now bare and marked suspended, goes
// as an Update to every server that knows it; a remote account's follows of local
// accounts are rejected (its server keeps delivering to it what they post otherwise)
// and removed.
func (s *Service) AccountSuspended(ctx context.Context, a *account.Account) error {
	if a.Local() {
		return s.sendReach(ctx, a)
	}
	return s.rejectFollows(ctx, a)
}

// AccountUnsuspended federates the lifting of a suspension: a local account's full
// actor goes as an Update to every server that knows it. A remote account's follows
// stay rejected (they cannot be made again for it), as Mastodon's.
func (s *Service) AccountUnsuspended(ctx context.Context, a *account.Account) error {
	if !a.Local() {
		return nil
	}
	return s.sendReach(ctx, a)
}

// AccountDeleted sends the Delete of a local account's actor, signed by it, to every
// server that knows it, as Mastodon's DeleteAccountService: they remove the account
// and its follows.
func (s *Service) AccountDeleted(ctx context.Context, a *account.Account) error {
	if !a.Local() {
		return nil
	}
	inboxes, err := s.reach(ctx, a.ID)
	if err != nil {
		return fmt.Errorf("reach of %s: %w", a.Username, err)
	}
	actor := s.ActorURI(a.Username)
	return s.send(ctx, a.ID, map[string]any{"id": actor + "#delete", "type": "Delete", "actor": actor,
		"object": actor, "to": []string{Public}}, inboxes)
}

// sendReach sends the actor of a local account to its reach.
func (s *Service) sendReach(ctx context.Context, a *account.Account) error {
	inboxes, err := s.reach(ctx, a.ID)
	if err != nil {
		return fmt.Errorf("reach of %s: %w", a.Username, err)
	}
	return s.sendActor(ctx, a, inboxes)
}

// reach lists the inboxes of the servers that know a local account, as Mastodon's
// AccountReachFinder: its remote followers' and the remote accounts' it follows or
// asked to (shared inboxes first, each once).
func (s *Service) reach(ctx context.Context, id shard.ID) ([]string, error) {
	out, err := s.followerInboxes(ctx, id)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for _, in := range out {
		seen[in] = true
	}
	err = s.eachFollowing(ctx, id, func(accs map[shard.ID]*account.Account) error {
		for _, a := range accs {
			if a.Local() || a.Suspended {
				continue
			}
			if in := inboxOf(a); in != "" && !seen[in] {
				seen[in] = true
				out = append(out, in)
			}
		}
		return nil
	})
	return out, err
}

// eachFollowing calls f with each page of the accounts follower follows.
func (s *Service) eachFollowing(ctx context.Context, follower shard.ID, f func(map[shard.ID]*account.Account) error) error {
	var cursor shard.ID
	for {
		ids, next, err := s.accounts.FollowingIDs(ctx, follower, cursor, 1000)
		if err != nil {
			return err
		}
		accs, err := s.accounts.GetMany(ctx, ids)
		if err != nil {
			return err
		}
		if err := f(accs); err != nil {
			return err
		}
		if next == 0 {
			return nil
		}
		cursor = next
	}
}

// rejectFollows sends a Reject of each follow of a local account by a remote one,
// signed by the followed account, and removes the follow.
func (s *Service) rejectFollows(ctx context.Context, remote *account.Account) error {
	return s.eachFollowing(ctx, remote.ID, func(accs map[shard.ID]*account.Account) error {
		for _, local := range accs {
			if !local.Local() {
				continue
			}
			id, err := s.st.Get(ctx, tFollowIDs, followKey(remote.ID, local.ID), []byte{})
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				return err
			}
			if err := s.sendResponse(ctx, "Reject", local, remote, string(id)); err != nil {
				return fmt.Errorf("reject follow of %s by %s: %w", local.Username, remote.URI, err)
			}
			if err := s.accounts.Unfollow(ctx, remote.ID, local.ID); err != nil {
				return err
			}
		}
		return nil
	})
}
