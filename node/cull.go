package node

import (
	"context"
	"errors"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/activitypub"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
)

// CullResult counts what AdminCullAccounts did.
type CullResult struct {
	// Checked accounts were fetched; Gone answered 404 or 410 (and were removed
	// unless in a dry run); Skipped belong to domains that failed otherwise, whose
	// remaining accounts were not fetched.
	Checked, Gone, Skipped int
	// Unreachable are the domains skipped.
	Unreachable []string
}

// AdminCullAccounts fetches the actor of every known remote account that is not
// suspended, signed by the instance actor, as Mastodon's `tootctl accounts cull`:
// an account whose actor answers 404 or 410 is removed as on the Delete of its actor
// (its follows both ways end, it stays suspended), unless dryRun. A domain that fails
// otherwise (unreachable, a 5xx) is skipped for the rest of the run, as Mastodon's.
// domain, if not empty, limits the run to the accounts of that domain; gone is called
// with each account found gone.
func (n *Node) AdminCullAccounts(ctx context.Context, domain string, dryRun bool, gone func(*account.Account)) (CullResult, error) {
	var res CullResult
	peers := []string{domain}
	if domain == "" {
		var err error
		if peers, err = n.Accounts.Peers(ctx); err != nil {
			return res, err
		}
	}
	for _, p := range peers {
		down := false
		err := n.eachDomainAccount(ctx, p, func(a *account.Account) error {
			if a.Suspended || a.Local() || a.URI == "" {
				return nil
			}
			if down {
				res.Skipped++
				return nil
			}
			res.Checked++
			_, err := n.Federation.Resolver.Fetch(ctx, a.URI)
			switch {
			case err == nil:
				return nil
			case errors.Is(err, activitypub.ErrNotFound):
				res.Gone++
				gone(a)
				if dryRun {
					return nil
				}
				n.log.Info("admin: cull a gone account", "account", a.Acct())
				return n.Accounts.DeleteRemote(ctx, a)
			case ctx.Err() != nil:
				return ctx.Err()
			}
			down = true
			res.Unreachable = append(res.Unreachable, p)
			return nil
		})
		if err != nil {
			return res, err
		}
	}
	return res, nil
}

// eachDomainAccount calls f with each known account of a domain, newest first.
func (n *Node) eachDomainAccount(ctx context.Context, domain string, f func(*account.Account) error) error {
	r := store.Range{Limit: 200}
	for {
		rows, err := n.Accounts.Listing(ctx, account.ListingDomain(domain), r)
		if err != nil {
			return err
		}
		ids := make([]shard.ID, len(rows))
		for i, row := range rows {
			ids[i] = shard.FromBytes(row.CK)
		}
		accs, err := n.Accounts.GetMany(ctx, ids)
		if err != nil {
			return err
		}
		for _, id := range ids {
			if a := accs[id]; a != nil {
				if err := f(a); err != nil {
					return err
				}
			}
		}
		if len(rows) < r.Limit {
			return nil
		}
		r.Upper = store.Excl(rows[len(rows)-1].CK) // the listing is newest first
	}
}
