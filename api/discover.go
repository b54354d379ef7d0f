package api

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/herd-social/herd/account"
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
	s.handle("GET", "/api/v1/accounts/search", user("read:accounts"), s.accountSearch)
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
	known, err := s.d.Accounts.Cached(r.context(), ids)
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
		who, err := s.d.Accounts.Cached(r.context(), familiar[i])
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

// accountSearch answers GET /api/v1/accounts/search as /api/v2/search does with
// type=accounts: the account of an exact handle first (fetched when resolve is set
// and it is remote and unknown), then accounts by prefix of username, display name
// or domain from the search engine; with following, only accounts the viewer follows.
func (s *Server) accountSearch(r *req) error {
	q := strings.TrimSpace(r.p.str("q"))
	if q == "" {
		return httpErr(400, "Missing parameter: q")
	}
	offset, limit := offsetLimit(r, 40, 80)
	var exact *account.Account
	if offset == 0 {
		ctx, cancel := context.WithTimeout(r.context(), s.d.ResolveBudget)
		exact = s.findHandle(ctx, r, q, r.p.boolean("resolve"))
		cancel()
	}
	accs, err := s.searchAccounts(r, q, exact, offset, limit)
	if err != nil {
		return err
	}
	return r.json(accs)
}

// searchable keeps the ids the viewer may find: not blocking it nor blocked by it,
// and followed by it with following.
func (s *Server) searchable(ctx context.Context, viewer shard.ID, ids []shard.ID, following bool) ([]shard.ID, error) {
	blocked, err := s.d.Accounts.BlockedEither(ctx, viewer, ids)
	if err != nil {
		return nil, err
	}
	ids = slices.DeleteFunc(slices.Clone(ids), func(id shard.ID) bool { return blocked[id] })
	if !following {
		return ids, nil
	}
	follows, err := s.d.Accounts.FollowsEach(ctx, viewer, ids)
	if err != nil {
		return nil, err
	}
	var kept []shard.ID
	for i, id := range ids {
		if follows[i] {
			kept = append(kept, id)
		}
	}
	return kept, nil
}

// unsuspended renders the accounts of ids that are not suspended nor pending, in
// order.
func (s *Server) unsuspended(ctx context.Context, ids []shard.ID) ([]*Account, error) {
	byID, err := s.d.Accounts.Cached(ctx, ids)
	if err != nil {
		return nil, err
	}
	ids = slices.DeleteFunc(slices.Clone(ids), func(id shard.ID) bool {
		return byID[id] == nil || byID[id].Suspended || byID[id].Pending
	})
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
	return r.json(approved(out))
}
