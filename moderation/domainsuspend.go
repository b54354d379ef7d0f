package moderation

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/notification"
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
		if d := bareDomain(p); d != b.Domain && !strings.HasSuffix(d, "."+b.Domain) {
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
// its follows with local accounts, both ways, end, and each local account that lost
// some is told so (severed_relationships).
func (s *Service) suspendDomain(ctx context.Context, b *DomainBlock) error {
	lost := map[shard.ID]*notification.Severance{}
	err := s.domainAccounts(ctx, b, func(accs map[shard.ID]*account.Account) error {
		for _, a := range accs {
			if a.Local() || a.Suspended {
				continue
			}
			if err := s.countSevered(ctx, a.ID, lost); err != nil {
				return err
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
	return s.notifySevered(ctx, b, lost)
}

// countSevered adds the follows of a remote account with local accounts to lost,
// by local account: as followers (it follows them) and as following.
func (s *Service) countSevered(ctx context.Context, remote shard.ID, lost map[shard.ID]*notification.Severance) error {
	for _, dir := range []struct {
		list      func(context.Context, shard.ID, shard.ID, int) ([]shard.ID, shard.ID, error)
		followers bool
	}{{s.accounts.FollowingIDs, true}, {s.accounts.FollowerIDs, false}} {
		var cursor shard.ID
		for {
			ids, next, err := dir.list(ctx, remote, cursor, 1000)
			if err != nil {
				return err
			}
			for _, id := range ids {
				if lost[id] == nil {
					lost[id] = &notification.Severance{}
				}
				if dir.followers {
					lost[id].FollowersCount++
				} else {
					lost[id].FollowingCount++
				}
			}
			if next == 0 {
				break
			}
			cursor = next
		}
	}
	return nil
}

// notifySevered tells the local accounts among lost of the follows they lost.
func (s *Service) notifySevered(ctx context.Context, b *DomainBlock, lost map[shard.ID]*notification.Severance) error {
	if s.opts.Severed == nil || len(lost) == 0 {
		return nil
	}
	ids := make([]shard.ID, 0, len(lost))
	for id := range lost {
		ids = append(ids, id)
	}
	accs, err := s.accounts.GetMany(ctx, ids)
	if err != nil {
		return err
	}
	event := s.ids.Next()
	for id, ev := range lost {
		if a := accs[id]; a == nil || !a.Local() {
			continue
		}
		ev.ID, ev.Type, ev.TargetName, ev.CreatedAt = event, notification.SeveranceDomainBlock, b.Domain, b.CreatedAt
		if err := s.opts.Severed.NotifySevered(ctx, id, *ev); err != nil {
			return fmt.Errorf("tell %d of the follows severed with %s: %w", id, b.Domain, err)
		}
	}
	return nil
}

// applySeverity carries out a block's severity, which was `was` (noop for a new
// block; a lifted block is given as noop): the accounts of the domain are suspended
// or silenced as of the block, and those it suspended or silenced before are no
// longer. Follows a suspension ended stay ended, as Mastodon's UnblockDomainService
// leaves them.
func (s *Service) applySeverity(ctx context.Context, b *DomainBlock, was string) error {
	if b.Severity == was {
		return nil
	}
	if was == SeveritySuspend || was == SeveritySilence {
		if err := s.liftDomain(ctx, b); err != nil {
			return err
		}
	}
	switch b.Severity {
	case SeveritySuspend:
		return s.suspendDomain(ctx, b)
	case SeveritySilence:
		return s.silenceDomain(ctx, b)
	}
	return nil
}

// silenceDomain silences the known accounts of the domain not silenced yet, as of
// the block: they leave public timelines and their follows need approval.
func (s *Service) silenceDomain(ctx context.Context, b *DomainBlock) error {
	return s.eachDomainAccount(ctx, b, "silence", func(a *account.Account) bool {
		if a.Silenced {
			return false
		}
		a.Silenced, a.SilencedAt = true, b.CreatedAt
		return true
	})
}

// liftDomain lifts the suspensions and silences the block made (as of its creation).
func (s *Service) liftDomain(ctx context.Context, b *DomainBlock) error {
	return s.eachDomainAccount(ctx, b, "lift the block of", func(a *account.Account) bool {
		changed := false
		if a.SuspendedAt.Equal(b.CreatedAt) && a.Suspended {
			a.Suspended, a.SuspendedAt, changed = false, time.Time{}, true
		}
		if a.SilencedAt.Equal(b.CreatedAt) && a.Silenced {
			a.Silenced, a.SilencedAt, changed = false, time.Time{}, true
		}
		return changed
	})
}

// eachDomainAccount saves each remote account of the block's domain that f changes.
func (s *Service) eachDomainAccount(ctx context.Context, b *DomainBlock, what string, f func(a *account.Account) bool) error {
	err := s.domainAccounts(ctx, b, func(accs map[shard.ID]*account.Account) error {
		for _, a := range accs {
			if a.Local() || !f(a) {
				continue
			}
			if err := s.accounts.Save(ctx, a); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("%s the accounts of %s: %w", what, b.Domain, err)
	}
	return nil
}
