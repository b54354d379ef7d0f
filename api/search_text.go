package api

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/paging"
	"github.com/herd-social/herd/search"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/status"
	"github.com/herd-social/herd/text"
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

// statusQuery turns q and its operators (from:, has:, is:, language:, before:, after:,
// during:, in:, each negated by a leading -) into a query. ok is false when the
// query can find nothing (from: an unknown account).
func (s *Server) statusQuery(ctx context.Context, viewer shard.ID, q string) (sq search.StatusQuery, ok bool, err error) {
	yes, no := true, false
	var words []string
	for _, tok := range strings.Fields(q) {
		neg := strings.HasPrefix(tok, "-") && len(tok) > 1
		op, val, isOp := strings.Cut(strings.TrimPrefix(tok, "-"), ":")
		flag := &yes
		if neg {
			flag = &no
		}
		op, val = strings.ToLower(op), strings.Trim(val, `"`)
		switch {
		case !isOp || val == "":
			words = append(words, strings.Trim(tok, `"`))
		case op == "from" && !neg:
			id, found, err := s.fromAccount(ctx, viewer, val)
			if err != nil || !found {
				return sq, false, err
			}
			sq.Accounts = append(sq.Accounts, uint64(id))
		case op == "has" && val == "media":
			sq.Media = flag
		case op == "has" && val == "poll":
			sq.Poll = flag
		case op == "is" && val == "reply":
			sq.Reply = flag
		case op == "is" && val == "sensitive":
			sq.Sensitive = flag
		case op == "language" && !neg:
			sq.Language = strings.ToLower(val)
		case op == "in" && val == "library":
			sq.LibraryOnly = true
		case op == "in" && val == "public":
			sq.PublicOnly = true
		case (op == "before" || op == "after" || op == "during") && !neg:
			day, err := time.Parse(time.DateOnly, val)
			if err != nil {
				words = append(words, tok)
				continue
			}
			switch op {
			case "before":
				sq.Before = day
			case "after":
				sq.After = day.Add(24*time.Hour - time.Millisecond)
			default:
				sq.After, sq.Before = day.Add(-time.Millisecond), day.Add(24*time.Hour)
			}
		default:
			words = append(words, tok)
		}
	}
	sq.Text = strings.Join(words, " ")
	return sq, true, nil
}

// fromAccount resolves the account of from: (me, user, @user, user@domain) locally.
func (s *Server) fromAccount(ctx context.Context, viewer shard.ID, v string) (shard.ID, bool, error) {
	if v == "me" {
		return viewer, viewer != 0, nil
	}
	user, domain, _ := strings.Cut(strings.TrimPrefix(v, "@"), "@")
	if strings.EqualFold(domain, s.d.Instance.Domain) {
		domain = ""
	}
	a, err := s.d.Accounts.Lookup(ctx, user, strings.ToLower(domain))
	if err != nil {
		return 0, false, nil
	}
	return a.ID, true, nil
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
	if sq.Text == "" && len(sq.Accounts) == 0 && !sq.LibraryOnly {
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

// searchTags finds hashtags by prefix, most used first.
func (s *Server) searchTags(r *req, q string, offset, limit int) ([]*HashtagEntity, error) {
	out := []*HashtagEntity{}
	name := text.NormalizeTag(strings.TrimPrefix(q, "#"))
	if name == "" || strings.ContainsAny(q, " @") {
		return out, nil
	}
	names, err := s.d.Search.Tags(r.context(), name, offset, limit)
	if err != nil {
		return nil, err
	}
	tags, err := s.d.Hashtags.Tags(r.context(), names)
	if err != nil {
		return nil, err
	}
	for _, t := range tags {
		if t == nil {
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

// searchAccounts finds accounts by prefix of username, display name or domain, after
// the exact handle found already (first), without those that block the viewer or
// that it blocks, nor suspended ones; following keeps those the viewer follows.
func (s *Server) searchAccounts(r *req, q string, first *account.Account, offset, limit int) ([]*Account, error) {
	var ids []shard.ID
	if first != nil && offset == 0 {
		ids = append(ids, first.ID)
	}
	found, err := s.d.Search.Accounts(r.context(), search.AccountQuery{Text: q, Offset: offset, Limit: limit})
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
