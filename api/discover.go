package api

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/herd-social/herd/shard"
)

// FamiliarFollowers is Mastodon's FamiliarFollowers entity.
type FamiliarFollowers struct {
	ID       string     `json:"id"`
	Accounts []*Account `json:"accounts"`
}

// routeDiscover registers the ways of finding accounts besides /api/v2/search.
func (s *Server) routeDiscover() {
	s.handle("GET", "/api/v1/accounts/familiar_followers", user("read:follows"), s.familiarFollowers)
	s.handle("GET", "/api/v1/accounts/search", user("read:accounts"), s.searchAccounts)
	s.handle("GET", "/api/v1/directory", public, s.directory)
}

// familiarFollowers answers, for each id[] (at most 40), the accounts the viewer
// follows that follow it, leaving out those that hide their follows.
func (s *Server) familiarFollowers(r *req) error {
	var ids []shard.ID
	for _, v := range r.p.list("id") {
		if id, err := shard.Parse(v); err == nil && len(ids) < 40 && !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	known, err := s.d.Accounts.GetMany(r.context(), ids)
	if err != nil {
		return err
	}
	ids = slices.DeleteFunc(ids, func(id shard.ID) bool { return known[id] == nil })
	familiar, err := s.d.Accounts.FamiliarFollowers(r.context(), r.viewer, ids)
	if err != nil {
		return err
	}
	out := make([]*FamiliarFollowers, len(ids))
	for i, id := range ids {
		who, err := s.d.Accounts.GetMany(r.context(), familiar[i])
		if err != nil {
			return err
		}
		shown := slices.DeleteFunc(familiar[i], func(f shard.ID) bool {
			return who[f] == nil || who[f].HideCollections || who[f].Suspended
		})
		accs, err := s.accounts(r.context(), shown)
		if err != nil {
			return err
		}
		out[i] = &FamiliarFollowers{ID: id.String(), Accounts: accs}
	}
	return r.json(out)
}

// offsetLimit reads offset and limit (default def, at most maxLimit).
func offsetLimit(r *req, def, maxLimit int) (int, int) {
	offset, _ := strconv.Atoi(r.p.str("offset"))
	limit := def
	if n, err := strconv.Atoi(r.p.str("limit")); err == nil {
		limit = min(max(n, 1), maxLimit)
	}
	return min(max(offset, 0), 10000), limit
}

// searchAccounts answers GET /api/v1/accounts/search: the account of an exact
// handle first (fetched when resolve is set and it is remote and unknown), then known
// accounts whose handle starts with q (account.SearchPrefix: a prefix index on
// handles, not display names), without those that block the viewer or that it
// blocks, and, with following, only accounts the viewer follows.
func (s *Server) searchAccounts(r *req) error {
	q := strings.TrimSpace(r.p.str("q"))
	if q == "" {
		return httpErr(400, "Missing parameter: q")
	}
	offset, limit := offsetLimit(r, 40, 80)
	var ids []shard.ID
	if offset == 0 {
		ctx, cancel := context.WithTimeout(r.context(), s.d.ResolveBudget)
		if a := s.findHandle(ctx, r, q, r.p.boolean("resolve")); a != nil {
			ids = append(ids, a.ID)
		}
		cancel()
	}
	found, err := s.d.Accounts.SearchPrefix(r.context(), q, offset, limit+1)
	if err != nil {
		return err
	}
	for _, id := range found {
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	blocked, err := s.d.Accounts.BlockedEither(r.context(), r.viewer, ids)
	if err != nil {
		return err
	}
	ids = slices.DeleteFunc(ids, func(id shard.ID) bool { return blocked[id] })
	if r.p.boolean("following") {
		follows, err := s.d.Accounts.FollowsEach(r.context(), r.viewer, ids)
		if err != nil {
			return err
		}
		kept := ids[:0]
		for i, id := range ids {
			if follows[i] {
				kept = append(kept, id)
			}
		}
		ids = kept
	}
	accs, err := s.unsuspended(r.context(), ids[:min(len(ids), limit)])
	if err != nil {
		return err
	}
	return r.json(accs)
}

// unsuspended renders the accounts of ids that are not suspended, in order.
func (s *Server) unsuspended(ctx context.Context, ids []shard.ID) ([]*Account, error) {
	byID, err := s.d.Accounts.GetMany(ctx, ids)
	if err != nil {
		return nil, err
	}
	ids = slices.DeleteFunc(slices.Clone(ids), func(id shard.ID) bool { return byID[id] == nil || byID[id].Suspended })
	return s.accounts(ctx, ids)
}

// directory answers GET /api/v1/directory: discoverable accounts, by latest status
// (order=active, the default) or newest first (order=new), local ones with local.
func (s *Server) directory(r *req) error {
	offset, limit := offsetLimit(r, 40, 80)
	accs, err := s.d.Accounts.Directory(r.context(), r.p.str("order") != "new", r.p.boolean("local"), offset, limit)
	if err != nil {
		return err
	}
	ids := make([]shard.ID, len(accs))
	for i, a := range accs {
		ids[i] = a.ID
	}
	out, err := s.accounts(r.context(), ids)
	if err != nil {
		return err
	}
	return r.json(out)
}
