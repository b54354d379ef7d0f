package action

import (
	"context"
	"fmt"
	"time"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/shard"
)

// Block makes blocker block target, which ends follows and requests both ways, and so
// the memberships of each in the other's lists. A local blocker's block is sent to a
// remote target, and the blocker's home loses the target's posts.
func (s *Service) Block(ctx context.Context, blocker, target *account.Account) error {
	if err := s.accounts.Block(ctx, blocker.ID, target.ID); err != nil {
		return err
	}
	if err := s.leftLists(ctx, blocker.ID, target.ID); err != nil {
		return err
	}
	if err := s.leftLists(ctx, target.ID, blocker.ID); err != nil {
		return err
	}
	if !blocker.Local() {
		return nil
	}
	if err := s.federation.Relate(ctx, "Block", blocker.ID, target.ID, "", false); err != nil {
		return fmt.Errorf("action: send block %d→%d: %w", blocker.ID, target.ID, err)
	}
	return s.homes.Unfollowed(ctx, blocker.ID, target.ID)
}

// Unblock lifts a block; a local blocker's Undo is sent to a remote target.
func (s *Service) Unblock(ctx context.Context, blocker, target *account.Account) error {
	if err := s.accounts.Unblock(ctx, blocker.ID, target.ID); err != nil {
		return err
	}
	if !blocker.Local() {
		return nil
	}
	if err := s.federation.Relate(ctx, "Block", blocker.ID, target.ID, "", true); err != nil {
		return fmt.Errorf("action: send undo block %d→%d: %w", blocker.ID, target.ID, err)
	}
	return nil
}

// Mute makes the local account muter mute target for d (zero: until unmuted), and
// their notifications too when notifications is set. Fan-out reads mutes as it goes, so
// nothing else changes; a mute is not federated.
func (s *Service) Mute(ctx context.Context, muter, target shard.ID, notifications bool, d time.Duration) error {
	return s.accounts.Mute(ctx, muter, target, notifications, d)
}

// Unmute lifts a mute.
func (s *Service) Unmute(ctx context.Context, muter, target shard.ID) error {
	return s.accounts.Unmute(ctx, muter, target)
}
