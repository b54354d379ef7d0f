package action

import (
	"context"
	"fmt"

	"github.com/herd-social/herd/account"
)

// BlockDomain makes the local account owner block every account of domain, as
// Mastodon's user domain block: their statuses and notifications are hidden from the
// owner (account.Service.Hidden, asked by every reader), the owner's followers on the
// domain are removed (their servers get a Reject of the follow), pending requests
// from it are rejected, and the owner's follows and requests towards it are ended
// (with their Undo). It returns the domain as kept (normalised).
func (s *Service) BlockDomain(ctx context.Context, owner *account.Account, domain string) (string, error) {
	domain, err := s.accounts.BlockDomain(ctx, owner.ID, domain)
	if err != nil {
		return "", err
	}
	followers, following, requested, err := s.accounts.DomainRelations(ctx, owner.ID, domain)
	if err != nil {
		return "", err
	}
	for _, f := range followers {
		if err := s.RemoveFromFollowers(ctx, owner.ID, f); err != nil {
			return "", err
		}
		if err := s.federation.Respond(ctx, owner.ID, f, false); err != nil {
			return "", fmt.Errorf("action: send reject %d→%d: %w", f, owner.ID, err)
		}
	}
	for _, r := range requested {
		if err := s.Reject(ctx, owner.ID, r); err != nil {
			return "", err
		}
	}
	for _, t := range following {
		// Unfollow reads only the target's id and locality.
		if err := s.Unfollow(ctx, owner, &account.Account{ID: t, Domain: domain}); err != nil {
			return "", err
		}
	}
	return domain, nil
}

// UnblockDomain lifts owner's block of domain; what the block ended stays ended.
func (s *Service) UnblockDomain(ctx context.Context, owner *account.Account, domain string) error {
	return s.accounts.UnblockDomain(ctx, owner.ID, domain)
}
