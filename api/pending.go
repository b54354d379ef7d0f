package api

import (
	"context"
	"slices"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/shard"
)

// A local account whose registration awaits approval is hidden as Mastodon hides it:
// the routes of one account (GET /api/v1/accounts/:id and its actions, lookup) answer
// 404, and listings (accounts by id, search, the directory, suggestions) leave it out.
// Its own token and the admin API still see it. The flag rides on the account record
// (account.Account.Pending), so no user record is read to decide.

// shown loads the account of id for a route that names one account: a pending local
// account is not found.
func (s *Server) shown(ctx context.Context, id shard.ID) (*account.Account, error) {
	a, err := s.d.Accounts.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if a.Pending {
		return nil, errNotFound
	}
	return a, nil
}

// approved leaves the pending accounts out of rendered accounts.
func approved(accs []*Account) []*Account {
	return slices.DeleteFunc(accs, func(a *Account) bool { return a.pending })
}
