package api

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/paging"
	"github.com/herd-social/herd/search"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/status"
	"github.com/herd-social/herd/text"
	"github.com/herd-social/herd/trends"
)

// library bounds how many of the viewer's newest favourites and bookmarks a status
// search may find (each), beyond what the index lets the viewer find.
const library = 400

// searchPage reads offset and limit as /api/v2/search takes them (limit 20, at most
// 40); a page beyond the first needs a signed-in viewer, as Mastodon's.
func (r *req) searchPage() (offset, limit int, err error) {
	for name, dst := range map[string]*int{"offset": &offset, "limit": &limit} {
		if v := r.p.str(name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				return 0, 0, httpErr(400, name+" is invalid")
			}
			*dst = n
		}
	}
	if offset > 0 && r.viewer == 0 {
		return 0, 0, httpErr(401, "Search queries pagination is not supported without authentication")
	}
	offset, limit = search.Clamp(offset, limit)
	return offset, limit, nil
}

// searchStatuses finds statuses by full text for a signed-in viewer: what the index
// lets the viewer find (public statuses of indexable accounts, their own, those that
// mention them or that they boosted) and their newest favourites and bookmarks; then
// the visibility policy, blocks and mutes judge each as every list of statuses does.
func (s *Server) searchStatuses(r *req, q string, offset, limit int) ([]*Status, error) {
	ctx := r.context()
	sq, ok, err := s.statusQuery(ctx, r.viewer, q)
	if err != nil || !ok {
		return []*Status{}, err
	}
	if sq.Text == "" && len(sq.Phrases) == 0 && len(sq.Accounts) == 0 && !sq.LibraryOnly {
		return []*Status{}, nil
	}
	if v := r.p.str("account_id"); v != "" {
		id, err := shard.Parse(v)
		if err != nil {
			return []*Status{}, nil
		}
		if len(sq.Accounts) > 0 && !slices.Contains(sq.Accounts, uint64(id)) {
			return []*Status{}, nil
		}
		sq.Accounts = []uint64{uint64(id)}
	}
	sq.Viewer, sq.Offset, sq.Limit = uint64(r.viewer), offset, limit
	for name, dst := range map[string]*uint64{"min_id": &sq.MinID, "max_id": &sq.MaxID} {
		if id, err := shard.Parse(r.p.str(name)); err == nil { // as Mastodon, an id range
			*dst = uint64(id)
		}
	}
	for _, list := range []func(context.Context, shard.ID, paging.Page) ([]status.Listed, error){s.d.Statuses.Favourites, s.d.Statuses.Bookmarks} {
		rows, err := list(ctx, r.viewer, paging.Page{Limit: library})
		if err != nil {
			return nil, err
		}
		for _, l := range rows {
			sq.Also = append(sq.Also, uint64(l.ID))
		}
	}
	ids, err := s.d.Search.Statuses(ctx, sq)
	if err != nil {
		return nil, err
	}
	sids := make([]shard.ID, len(ids))
	for i, id := range ids {
		sids[i] = shard.ID(id)
	}
	return s.statusesByID(ctx, r.viewer, sids, true)
}

// searchTags finds hashtags by prefix, most used first; with exclude_unreviewed, only
// those a moderator reviewed and the one named exactly, as Mastodon's Tag.search_for.
func (s *Server) searchTags(r *req, q string, offset, limit int) ([]*HashtagEntity, error) {
	out := []*HashtagEntity{}
	name := text.NormalizeTag(strings.TrimPrefix(q, "#"))
	if name == "" || strings.ContainsAny(q, " @") {
		return out, nil
	}
	var names []string
	var err error
	if r.p.boolean("exclude_unreviewed") {
		names, err = s.reviewedTags(r.context(), name, offset, limit)
	} else {
		names, err = s.d.Search.Tags(r.context(), name, offset, limit)
	}
	if err != nil {
		return nil, err
	}
	tags, err := s.d.Hashtags.Tags(r.context(), names)
	if err != nil {
		return nil, err
	}
	for _, t := range tags {
		if t == nil || t.Unlisted {
			continue
		}
		e, err := s.tagEntity(r.context(), r.viewer, t, nil)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

// reviewedTagRounds bounds the pages of the search engine read to fill one page of
// reviewed tags: tags past them are not found.
const reviewedTagRounds = 10

// reviewedTags pages through the tags starting with name, keeping those reviewed
// and name itself, and returns the page at offset of those kept.
func (s *Server) reviewedTags(ctx context.Context, name string, offset, limit int) ([]string, error) {
	const batch = 40
	var kept []string
	for round := range reviewedTagRounds {
		names, err := s.d.Search.Tags(ctx, name, round*batch, batch)
		if err != nil {
			return nil, err
		}
		reviewed, err := s.d.Trends.Reviewed(ctx, trends.Tag, names)
		if err != nil {
			return nil, err
		}
		for i, n := range names {
			if reviewed[i] || n == name {
				kept = append(kept, n)
			}
		}
		if len(kept) >= offset+limit || len(names) < batch {
			break
		}
	}
	if offset >= len(kept) {
		return nil, nil
	}
	return kept[offset:min(len(kept), offset+limit)], nil
}

// searchAccounts finds accounts by prefix of username, display name or domain (or a
// typo away), after the exact handle found already (first), those the viewer follows
// ranked first, without those that block the viewer or that it blocks, nor suspended
// ones; following keeps those the viewer follows.
func (s *Server) searchAccounts(r *req, q string, first *account.Account, offset, limit int) ([]*Account, error) {
	var ids []shard.ID
	if first != nil && offset == 0 {
		ids = append(ids, first.ID)
	}
	aq := search.AccountQuery{Text: q, Offset: offset, Limit: limit}
	if r.viewer != 0 { // the newest follows rank first, as Mastodon's
		followed, _, err := s.d.Accounts.FollowingIDs(r.context(), r.viewer, 0, search.MaxFollowed)
		if err != nil {
			return nil, err
		}
		for _, id := range followed {
			aq.Followed = append(aq.Followed, uint64(id))
		}
	}
	found, err := s.d.Search.Accounts(r.context(), aq)
	if err != nil {
		return nil, err
	}
	for _, id := range found {
		if sid := shard.ID(id); !slices.Contains(ids, sid) && len(ids) < limit {
			ids = append(ids, sid)
		}
	}
	if ids, err = s.searchable(r.context(), r.viewer, ids, r.p.boolean("following") && r.viewer != 0); err != nil {
		return nil, err
	}
	return s.unsuspended(r.context(), ids)
}
