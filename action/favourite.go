package action

import (
	"context"
	"fmt"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/status"
)

// Favourite marks a status (the original, for a boost) as a favourite of by and
// notifies its author; a local account's favourite of a remote status sends the Like.
// It returns the favourited status.
func (s *Service) Favourite(ctx context.Context, by *account.Account, statusID shard.ID) (*status.Status, error) {
	st, err := s.statuses.Favourite(ctx, by.ID, statusID, by.Local())
	if err != nil {
		return nil, err
	}
	return st, s.like(ctx, by, st, false)
}

// Unfavourite removes a favourite; a local account's unfavourite of a remote status
// sends the Undo of the Like.
func (s *Service) Unfavourite(ctx context.Context, by *account.Account, statusID shard.ID) (*status.Status, error) {
	st, err := s.statuses.Unfavourite(ctx, by.ID, statusID)
	if err != nil {
		return nil, err
	}
	return st, s.like(ctx, by, st, true)
}

// like tells a remote status's server of a local account's Like, or its Undo.
func (s *Service) like(ctx context.Context, by *account.Account, st *status.Status, undo bool) error {
	if !by.Local() || st.Local || st.URI == "" {
		return nil
	}
	if err := s.federation.Relate(ctx, "Like", by.ID, st.AccountID, st.URI, undo); err != nil {
		return fmt.Errorf("action: send like of %d by %d: %w", st.ID, by.ID, err)
	}
	return nil
}
