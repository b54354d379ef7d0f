package api

import (
	"context"
	"errors"
	"strings"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/paging"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/status"
	"github.com/herd-social/herd/timeline"
)

func (s *Server) home(r *req) error {
	p, err := r.page(20, 40)
	if err != nil {
		return err
	}
	var exclusive map[shard.ID]bool // members of the viewer's exclusive lists, read once if needed
	recent := func(ctx context.Context, follower, author shard.ID, p paging.Page) ([]shard.ID, error) {
		if exclusive == nil {
			var err error
			if exclusive, err = s.d.Lists.ExclusiveMembers(ctx, follower); err != nil {
				return nil, err
			}
		}
		if exclusive[author] {
			return nil, nil
		}
		ids, err := s.d.Statuses.ByAccount(ctx, follower, author, p, status.AccountFilter{ExcludeReplies: true})
		if err != nil || len(ids) == 0 {
			return ids, err
		}
		return s.inFollowLanguages(ctx, follower, author, ids)
	}
	entries, err := s.d.Timelines.Home(r.context(), r.viewer, p, recent)
	if err != nil {
		return err
	}
	return s.answerEntries(r, entries)
}

// answerEntries renders a page of a home or list timeline, with its Link header.
func (s *Server) answerEntries(r *req, entries []timeline.Entry) error {
	ids := make([]shard.ID, len(entries))
	for i, e := range entries {
		ids[i] = e.StatusID
	}
	out, err := s.entryStatuses(r.context(), r.viewer, entries)
	if err != nil {
		return err
	}
	r.link(paging.IDs(ids))
	return r.json(out)
}

func scopeOf(p params) timeline.Scope {
	switch {
	case p.boolean("local"):
		return timeline.Local
	case p.boolean("remote"):
		return timeline.Remote
	}
	return timeline.All
}

func (s *Server) public(r *req) error {
	p, err := r.page(20, 40)
	if err != nil {
		return err
	}
	ids, err := s.d.Timelines.Public(r.context(), scopeOf(r.p), r.p.boolean("only_media"), p)
	if err != nil {
		return err
	}
	out, err := s.statusesByID(r.context(), r.viewer, ids, false)
	if err != nil {
		return err
	}
	if out, err = s.publicView(r, out); err != nil {
		return err
	}
	r.link(paging.IDs(ids))
	return r.json(out)
}

// publicView keeps the statuses of a public or hashtag page that the viewer's
// chosen languages show (account.User.ShowsLanguage) and whose authors are not on a
// domain the viewer blocks, followed or not, as Mastodon's public feeds leave them
// out: checks of the loaded statuses after one read of the viewer's user record and
// one of their blocked domains. As with blocks and mutes, a page may come out shorter
// than its limit; its Link still pages by the ids read.
func (s *Server) publicView(r *req, out []*Status) ([]*Status, error) {
	if r.viewer == 0 || len(out) == 0 {
		return out, nil
	}
	var langs *account.User
	u, err := s.d.Accounts.User(r.context(), r.viewer)
	switch {
	case err == nil && len(u.ChosenLanguages) > 0:
		langs = u
	case err != nil && !errors.Is(err, account.ErrNotFound):
		return nil, err
	}
	domains, err := s.d.Accounts.BlockedDomains(r.context(), r.viewer)
	if err != nil {
		return nil, err
	}
	if langs == nil && len(domains) == 0 {
		return out, nil
	}
	kept := out[:0]
	for _, st := range out {
		if langs != nil && st.Language != nil && !langs.ShowsLanguage(*st.Language) {
			continue
		}
		if _, domain, remote := strings.Cut(st.Account.Acct, "@"); remote && domains[domain] {
			continue
		}
		kept = append(kept, st)
	}
	return kept, nil
}

// inFollowLanguages keeps the ids, a hot author's statuses merged into follower's
// home at read time, whose language the follow's languages take, as fan-out does for
// the statuses it writes. The follow is read once per hot author and the statuses
// only when the follow names languages.
func (s *Server) inFollowLanguages(ctx context.Context, follower, author shard.ID, ids []shard.ID) ([]shard.ID, error) {
	f, err := s.d.Accounts.FollowOf(ctx, follower, author)
	if err != nil || f == nil || len(f.Languages) == 0 {
		return ids, err
	}
	sts, err := s.d.Statuses.Cached(ctx, ids)
	if err != nil {
		return nil, err
	}
	kept := ids[:0]
	for _, id := range ids {
		if st := sts[id]; st != nil && f.ShowsLanguage(st.Language) {
			kept = append(kept, id)
		}
	}
	return kept, nil
}
