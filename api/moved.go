package api

import (
	"context"
	"strings"

	"github.com/herd-social/herd/shard"
)

// accounts renders accounts in the order of ids, skipping missing ones; an account
// that moved carries the account it moved to in `moved`, one level deep, as
// Mastodon's serializer nests it.
func (s *Server) accounts(ctx context.Context, ids []shard.ID) ([]*Account, error) {
	out, err := s.plainAccounts(ctx, ids)
	if err != nil {
		return nil, err
	}
	var moved []*Account
	var targets []shard.ID
	for _, a := range out {
		if a.movedToURI == "" {
			continue
		}
		if id, ok := s.accountIDOf(ctx, a.movedToURI); ok {
			moved, targets = append(moved, a), append(targets, id)
		}
	}
	if len(moved) == 0 {
		return out, nil
	}
	rendered, err := s.plainAccounts(ctx, targets)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]*Account, len(rendered))
	for _, a := range rendered {
		byID[a.ID] = a
	}
	for i, a := range moved {
		a.Moved = byID[targets[i].String()]
	}
	return out, nil
}

// accountIDOf finds the account of an actor URI: a local actor by its username, a
// remote one by its URI.
func (s *Server) accountIDOf(ctx context.Context, uri string) (shard.ID, bool) {
	if name, ok := strings.CutPrefix(uri, s.actorURL("")); ok {
		if a, err := s.d.Accounts.Lookup(ctx, name, ""); err == nil {
			return a.ID, true
		}
		return 0, false
	}
	a, err := s.d.Accounts.ByURI(ctx, uri)
	if err != nil {
		return 0, false
	}
	return a.ID, true
}
