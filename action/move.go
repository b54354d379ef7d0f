package action

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/shard"
)

// The notes a move leaves on its target, as Mastodon's move_handler texts (English).
const (
	moveNoteCopied  = "This user moved from %s, here were your previous notes about them:"
	moveNoteBlocked = "This user moved from %s, which you had blocked."
	moveNoteMuted   = "This user moved from %s, which you had muted."
)

// CarryMove does for local accounts, once origin has moved to target, what Mastodon's
// MoveWorker does beside moving the follows: the notes they wrote on origin are
// copied to target (above a line saying so, and above a note they already had on
// target); their blocks and mutes of origin become blocks and mutes of target unless
// they already block or mute target or follow it, each leaving a note on target that
// says why when they have none. The notes are those of origin's local followers
// (followers, whose follows already moved) and of the local accounts that block or
// mute origin: notes are kept by their writer, so other writers are not found.
// Running it again after a failure is harmless.
func (s *Service) CarryMove(ctx context.Context, origin, target *account.Account, followers []shard.ID) error {
	blockers, err := s.accounts.BlockersOf(ctx, origin.ID)
	if err != nil {
		return err
	}
	muters, err := s.accounts.MutersOf(ctx, origin.ID)
	if err != nil {
		return err
	}
	local, err := s.localOf(ctx, slices.Concat(followers, blockers, slices.Collect(maps.Keys(muters))))
	if err != nil {
		return err
	}
	for id := range local {
		if err := s.copyMoveNote(ctx, id, origin, target); err != nil {
			return err
		}
	}
	return s.carryBlocksAndMutes(ctx, local, blockers, muters, origin, target)
}

// localOf returns the local accounts among ids.
func (s *Service) localOf(ctx context.Context, ids []shard.ID) (map[shard.ID]*account.Account, error) {
	accs, err := s.accounts.GetMany(ctx, ids)
	if err != nil {
		return nil, err
	}
	maps.DeleteFunc(accs, func(_ shard.ID, a *account.Account) bool { return a == nil || !a.Local() })
	return accs, nil
}

func (s *Service) carryBlocksAndMutes(ctx context.Context, local map[shard.ID]*account.Account, blockers []shard.ID,
	muters map[shard.ID]bool, origin, target *account.Account) error {
	already, err := s.accounts.BlockersOf(ctx, target.ID)
	if err != nil {
		return err
	}
	mutingTarget, err := s.accounts.MutersOf(ctx, target.ID)
	if err != nil {
		return err
	}
	for _, id := range blockers {
		a := local[id]
		if a == nil || slices.Contains(already, id) {
			continue
		}
		if carry, err := s.notFollowing(ctx, id, target.ID); err != nil {
			return err
		} else if !carry {
			continue
		}
		if err := s.Block(ctx, a, target); err != nil {
			return err
		}
		if err := s.noteIfNone(ctx, id, target.ID, fmt.Sprintf(moveNoteBlocked, origin.Acct())); err != nil {
			return err
		}
	}
	for id, notifications := range muters {
		if _, muting := mutingTarget[id]; local[id] == nil || muting {
			continue
		}
		if carry, err := s.notFollowing(ctx, id, target.ID); err != nil {
			return err
		} else if !carry {
			continue
		}
		if err := s.Mute(ctx, id, target.ID, notifications, 0); err != nil {
			return err
		}
		if err := s.noteIfNone(ctx, id, target.ID, fmt.Sprintf(moveNoteMuted, origin.Acct())); err != nil {
			return err
		}
	}
	return nil
}

// notFollowing reports whether follower neither follows nor asked to follow target.
func (s *Service) notFollowing(ctx context.Context, follower, target shard.ID) (bool, error) {
	f, err := s.accounts.FollowOf(ctx, follower, target)
	return f == nil, err
}

// copyMoveNote copies owner's note on origin, if any, to target.
func (s *Service) copyMoveNote(ctx context.Context, owner shard.ID, origin, target *account.Account) error {
	old, err := s.accounts.Note(ctx, owner, origin.ID)
	if err != nil || old == "" {
		return err
	}
	text := fmt.Sprintf(moveNoteCopied, origin.Acct()) + "\n" + old
	if have, err := s.accounts.Note(ctx, owner, target.ID); err != nil {
		return err
	} else if have != "" {
		text += "\n\n\n" + have
	}
	err = s.accounts.SetNote(ctx, owner, target.ID, text)
	var invalid *account.Validation
	if errors.As(err, &invalid) { // too long with the line: the note alone, as Mastodon falls back
		err = s.accounts.SetNote(ctx, owner, target.ID, old)
	}
	return err
}

// noteIfNone writes a note of owner on target unless there is one.
func (s *Service) noteIfNone(ctx context.Context, owner, target shard.ID, text string) error {
	have, err := s.accounts.Note(ctx, owner, target)
	if err != nil || have != "" {
		return err
	}
	return s.accounts.SetNote(ctx, owner, target, text)
}
