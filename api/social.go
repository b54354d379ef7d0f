package api

import (
	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/paging"
	"github.com/herd-social/herd/shard"
)

// routeSocial registers the account-level settings of a user that clients manage
// besides follows, blocks and mutes: domain blocks, private notes on accounts and
// endorsements (featured accounts).
func (s *Server) routeSocial() {
	a := s.d.Accounts
	s.handle("GET", "/api/v1/domain_blocks", user("read:blocks"), s.domainBlocks)
	s.handle("POST", "/api/v1/domain_blocks", user("write:blocks"), s.blockDomain)
	s.handle("DELETE", "/api/v1/domain_blocks", user("write:blocks"), s.unblockDomain)
	s.handle("POST", "/api/v1/accounts/{id}/note", user("write:accounts"), s.relate(func(r *req, t *account.Account) error {
		return a.SetNote(r.context(), r.viewer, t.ID, r.p.str("comment"))
	}))
	for _, path := range []string{"endorse", "pin"} {
		s.handle("POST", "/api/v1/accounts/{id}/"+path, user("write:accounts"), s.owned(a.Endorse))
	}
	for _, path := range []string{"unendorse", "unpin"} {
		s.handle("POST", "/api/v1/accounts/{id}/"+path, user("write:accounts"), s.owned(a.Unendorse))
	}
	s.handle("GET", "/api/v1/endorsements", user("read:accounts"), s.accountList(
		func(r *req, owner shard.ID, p paging.Page) ([]account.Entry, error) {
			return a.Endorsements(r.context(), owner, p)
		}, 40, 80, true))
	s.handle("GET", "/api/v1/accounts/{id}/endorsements", open("read:accounts"), s.accountList(
		func(r *req, owner shard.ID, p paging.Page) ([]account.Entry, error) {
			return a.Endorsements(r.context(), owner, p)
		}, 40, 80, false))
}

// domainBlocks lists the user's blocked domains as strings, newest block first,
// paged by the blocks' ids in the Link header (Mastodon: 100 a page, at most 200).
func (s *Server) domainBlocks(r *req) error {
	p, err := r.page(100, 200)
	if err != nil {
		return err
	}
	blocks, err := s.d.Accounts.DomainBlocks(r.context(), r.viewer, p)
	if err != nil {
		return err
	}
	out := make([]string, len(blocks))
	cursors := make([]shard.ID, len(blocks))
	for i, b := range blocks {
		out[i], cursors[i] = b.Domain, b.ID
	}
	r.link(paging.IDs(cursors))
	return r.json(out)
}

func (s *Server) blockDomain(r *req) error {
	me, err := s.me(r)
	if err != nil {
		return err
	}
	if _, err := s.d.Actions.BlockDomain(r.context(), me, r.p.str("domain")); err != nil {
		return err
	}
	return r.json(struct{}{})
}

func (s *Server) unblockDomain(r *req) error {
	me, err := s.me(r)
	if err != nil {
		return err
	}
	if err := s.d.Actions.UnblockDomain(r.context(), me, r.p.str("domain")); err != nil {
		return err
	}
	return r.json(struct{}{})
}
