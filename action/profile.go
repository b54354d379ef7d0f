package action

import (
	"context"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/shard"
)

// UpdateProfile changes a local account's profile (names, note, fields, pictures,
// flags, source settings) and sends the new actor document to its remote followers
// as an Update, as Mastodon's UpdateCredentials does after every change. The profile
// stands if the Update cannot be queued: saving it again would change nothing, so
// the failure is logged.
func (s *Service) UpdateProfile(ctx context.Context, id shard.ID, u account.ProfileUpdate, render account.RenderFunc) (*account.Account, error) {
	a, _, err := s.accounts.UpdateProfile(ctx, id, u, render)
	if err != nil {
		return nil, err
	}
	if err := s.federation.SendProfile(context.WithoutCancel(ctx), a); err != nil {
		s.log.Error("action: profile update not federated", "account", id, "err", err)
	}
	return a, nil
}
