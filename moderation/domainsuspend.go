package moderation

import (
	"context"
	"fmt"
	"time"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
)

// domainAccounts calls f with each page of the known accounts of the domains a block
// covers (its domain and subdomains, each with any port).
func (s *Service) domainAccounts(ctx context.Context, b *DomainBlock, f func(map[shard.ID]*account.Account) error) error {
	peers, err := s.accounts.Peers(ctx)
	if err != nil {
		return err
	}
	for _, p := range peers {
		if coveringBlock([]*DomainBlock{b}, bareDomain(p)) == nil {
			continue
		}
		r := store.Range{Limit: 500}
		for {
			rows, err := s.accounts.Listing(ctx, account.ListingDomain(p), r)
			if err != nil {
				return err
			}
			ids := make([]shard.ID, len(rows))
			for i, row := range rows {
				ids[i] = shard.FromBytes(row.CK)
			}
			accs, err := s.accounts.GetMany(ctx, ids)
			if err != nil {
				return err
			}
			if err := f(accs); err != nil {
				return err
			}
			if len(rows) < r.Limit {
				break
			}
			r.Upper = store.Excl(rows[len(rows)-1].CK) // the listing is newest first
		}
	}
	return nil
}

// suspendDomain carries out a suspending block, as Mastodon's BlockDomainService:
// every known account of the domain not suspended yet is suspended as of the block,
// and its follows with local accounts, both ways, end.
func (s *Service) suspendDomain(ctx context.Context, b *DomainBlock) error {
	err := s.domainAccounts(ctx, b, func(accs map[shard.ID]*account.Account) error {
		for _, a := range accs {
			if a.Local() || a.Suspended {
				continue
			}
			a.SuspendedAt = b.CreatedAt
			if err := s.accounts.DeleteRemote(ctx, a); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("suspend the accounts of %s: %w", b.Domain, err)
	}
	return nil
}

// liftDomain undoes suspendDomain when the block is lifted or no longer suspends:
// the accounts it suspended (as of its creation) are suspended no more. Their
// follows stay ended, as Mastodon's UnblockDomainService leaves them.
func (s *Service) liftDomain(ctx context.Context, b *DomainBlock) error {
	err := s.domainAccounts(ctx, b, func(accs map[shard.ID]*account.Account) error {
		for _, a := range accs {
			if a.Local() || !a.SuspendedAt.Equal(b.CreatedAt) {
				continue
			}
			a.Suspended, a.SuspendedAt = false, time.Time{}
			if err := s.accounts.Save(ctx, a); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("lift the suspension of the accounts of %s: %w", b.Domain, err)
	}
	return nil
}
