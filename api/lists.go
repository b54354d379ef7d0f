package api

import (
	"context"

	"github.com/herd-social/herd/filter"
	"github.com/herd-social/herd/list"
	"github.com/herd-social/herd/paging"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/status"
)

// List is Mastodon's List entity.
type List struct {
	ID            string `json:"id"`
	Title         string `json:"title"`
	RepliesPolicy string `json:"replies_policy"`
	Exclusive     bool   `json:"exclusive"`
}

func renderList(l *list.List) List {
	return List{ID: l.ID.String(), Title: l.Title, RepliesPolicy: string(l.RepliesPolicy), Exclusive: l.Exclusive}
}

func renderLists(ls []*list.List) []List {
	out := make([]List, len(ls))
	for i, l := range ls {
		out[i] = renderList(l)
	}
	return out
}

// routeLists registers the list endpoints, with Mastodon's scopes.
func (s *Server) routeLists() {
	s.handle("GET", "/api/v1/lists", user("read:lists"), s.getLists)
	s.handle("POST", "/api/v1/lists", user("write:lists"), s.createList)
	s.handle("GET", "/api/v1/lists/{id}", user("read:lists"), s.getList)
	s.handle("PUT", "/api/v1/lists/{id}", user("write:lists"), s.updateList)
	s.handle("DELETE", "/api/v1/lists/{id}", user("write:lists"), removeOwn(s.d.Actions.DeleteList))
	s.handle("GET", "/api/v1/lists/{id}/accounts", user("read:lists"), s.listAccounts)
	s.handle("POST", "/api/v1/lists/{id}/accounts", user("write:lists"), s.listMembers(s.d.Actions.AddToList, true))
	s.handle("DELETE", "/api/v1/lists/{id}/accounts", user("write:lists"), s.listMembers(s.d.Actions.RemoveFromList, false))
	s.handle("GET", "/api/v1/accounts/{id}/lists", user("read:lists"), s.accountLists)
	s.handle("GET", "/api/v1/timelines/list/{id}", user("read:lists"), filtered(filter.Home, true, s.listTimeline))
}

// listChanges reads the parameters of a create or an update.
func listChanges(p params) (list.Changes, error) {
	c := list.Changes{Title: p.opt("title"), Exclusive: p.optBool("exclusive")}
	if v := p.opt("replies_policy"); v != nil {
		rp, err := list.ParsePolicy(*v)
		if err != nil {
			return c, err
		}
		c.RepliesPolicy = &rp
	}
	return c, nil
}

func (s *Server) getLists(r *req) error {
	ls, err := s.d.Lists.Of(r.context(), r.viewer)
	if err != nil {
		return err
	}
	return r.json(renderLists(ls))
}

func (s *Server) createList(r *req) error {
	c, err := listChanges(r.p)
	if err != nil {
		return err
	}
	l, err := s.d.Lists.Create(r.context(), r.viewer, c)
	if err != nil {
		return err
	}
	return r.json(renderList(l))
}

// ownList loads the viewer's list named by the route; another account's is not found.
func (s *Server) ownList(r *req) (*list.List, error) {
	id, err := r.pathID("id")
	if err != nil {
		return nil, err
	}
	return s.d.Lists.Get(r.context(), r.viewer, id)
}

func (s *Server) getList(r *req) error {
	l, err := s.ownList(r)
	if err != nil {
		return err
	}
	return r.json(renderList(l))
}

func (s *Server) updateList(r *req) error {
	id, err := r.pathID("id")
	if err != nil {
		return err
	}
	c, err := listChanges(r.p)
	if err != nil {
		return err
	}
	l, err := s.d.Lists.Update(r.context(), r.viewer, id, c)
	if err != nil {
		return err
	}
	return r.json(renderList(l))
}

// listAccounts pages a list's members by account id (limit 40, at most 80); limit=0
// returns them all without a Link header, as Mastodon does.
func (s *Server) listAccounts(r *req) error {
	l, err := s.ownList(r)
	if err != nil {
		return err
	}
	all := r.p.str("limit") == "0"
	var p paging.Page
	if !all {
		if p, err = r.page(40, 80); err != nil {
			return err
		}
	}
	ids, err := s.d.Lists.Members(r.context(), l.ID, p)
	if err != nil {
		return err
	}
	accs, err := s.accounts(r.context(), ids)
	if err != nil {
		return err
	}
	if !all {
		r.link(paging.IDs(ids))
	}
	return r.json(accs)
}

// listMembers answers adding or removing account_ids[]. Adding, an id that names no
// account is not found, as Mastodon's Account.find; removing ignores it, as
// Account.where.
func (s *Server) listMembers(change func(ctx context.Context, owner, list shard.ID, accounts []shard.ID) error, strict bool) handlerFunc {
	return func(r *req) error {
		id, err := r.pathID("id")
		if err != nil {
			return err
		}
		var ids []shard.ID
		for _, v := range r.p.list("account_ids") {
			a, err := shard.Parse(v)
			if err != nil && strict {
				return errNotFound
			}
			if err == nil {
				ids = append(ids, a)
			}
		}
		if err := change(r.context(), r.viewer, id, ids); err != nil {
			return err
		}
		return r.json(struct{}{})
	}
}

// accountLists lists the viewer's lists that hold the account.
func (s *Server) accountLists(r *req) error {
	t, err := s.target(r)
	if err != nil {
		return err
	}
	ls, err := s.d.Lists.Containing(r.context(), r.viewer, t.ID)
	if err != nil {
		return err
	}
	return r.json(renderLists(ls))
}

// listTimeline is a list's timeline, paged as home: its partition merged with the
// recent posts of very-followed members.
func (s *Server) listTimeline(r *req) error {
	l, err := s.ownList(r)
	if err != nil {
		return err
	}
	p, err := r.page(20, 40)
	if err != nil {
		return err
	}
	recent := func(ctx context.Context, owner, author shard.ID, p paging.Page) ([]shard.ID, error) {
		return s.d.Statuses.ByAccount(ctx, owner, author, p, status.AccountFilter{ExcludeReplies: true})
	}
	entries, err := s.d.Timelines.List(r.context(), l.ID, r.viewer, p, recent)
	if err != nil {
		return err
	}
	return s.answerEntries(r, entries)
}
