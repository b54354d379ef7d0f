package action

import (
	"context"
	"fmt"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/status"
)

// Vote casts by's choices (option indexes) on the poll of a status: counted here for
// a local poll, which its followers' servers then hear of from the Voted event; for a
// local account's vote on a remote poll, also sent to the poll's author, one vote per
// choice, as Mastodon sends them. It returns the status.
func (s *Service) Vote(ctx context.Context, by *account.Account, statusID shard.ID, choices []int) (*status.Status, error) {
	st, err := s.statuses.Vote(ctx, by.ID, statusID, choices, by.Local())
	if err != nil {
		return nil, err
	}
	if !by.Local() || st.Local {
		return st, nil
	}
	if err := s.federation.SendVote(ctx, by.ID, st, choices); err != nil {
		return nil, fmt.Errorf("action: send vote of %d on %d: %w", by.ID, st.ID, err)
	}
	return st, nil
}
