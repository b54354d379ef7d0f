package fanout

import (
	"context"
	"errors"
	"fmt"

	"github.com/herd-social/herd/list"
	"github.com/herd-social/herd/paging"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/status"
	"github.com/herd-social/herd/store"
	"github.com/herd-social/herd/stream"
	"github.com/herd-social/herd/timeline"
)

// Lists is the part of list.Service that fan-out reads.
type Lists interface {
	Memberships(ctx context.Context, member shard.ID) ([]list.Membership, error)
	Lists(ctx context.Context, ms []list.Membership) ([]*list.List, error)
	Has(ctx context.Context, list, account shard.ID) (bool, error)
}

// noLists is the Lists of a service built without lists.
type noLists struct{}

func (noLists) Memberships(context.Context, shard.ID) ([]list.Membership, error) { return nil, nil }
func (noLists) Lists(context.Context, []list.Membership) ([]*list.List, error)   { return nil, nil }
func (noLists) Has(context.Context, shard.ID, shard.ID) (bool, error)            { return false, nil }

// listAudience is what a status means for the lists that hold its author.
type listAudience struct {
	// entries are the list timelines that take the status (Entry.Account is the list).
	entries []timeline.Entry
	// exclusive are the owners of an exclusive list holding the author: their homes
	// do not take the status (Mastodon 4.2's exclusive lists).
	exclusive map[shard.ID]bool
}

// listsOf works out which lists take st, as Mastodon's FeedManager filters a list
// insert: the owner must follow the author (or be the author), must not mute the
// author nor hide the author's boosts of a boost, and the follow's languages must
// take the status's; a reply to another account shows
// when it answers the owner, or when the owner follows the replied-to account and the
// list's replies_policy allows it (followed: any such reply; list: a reply to a
// member; none: no reply to others).
func (s *Service) listsOf(ctx context.Context, st *status.Status) (listAudience, error) {
	var la listAudience
	ms, err := s.opts.Lists.Memberships(ctx, st.AccountID)
	if err != nil || len(ms) == 0 {
		return la, err
	}
	ls, err := s.opts.Lists.Lists(ctx, ms)
	if err != nil || len(ls) == 0 {
		return la, err
	}
	owners, index := distinctOwners(ls, st.AccountID)
	follows, err := s.accounts.FollowRecords(ctx, owners, st.AccountID)
	if err != nil {
		return la, err
	}
	muters, err := s.accounts.MutersOf(ctx, st.AccountID)
	if err != nil {
		return la, err
	}
	parent := st.InReplyToAccountID
	otherReply := st.IsReply() && parent != st.AccountID
	var followsParent []bool
	if otherReply {
		if followsParent, err = s.accounts.Follows(ctx, owners, parent); err != nil {
			return la, err
		}
	}
	la.exclusive = map[shard.ID]bool{}
	for _, l := range ls {
		self := l.Owner == st.AccountID
		i := index[l.Owner]
		if !self {
			f := follows[i]
			if f == nil || f.Remote {
				continue
			}
			if l.Exclusive {
				la.exclusive[l.Owner] = true
			}
			if muters[l.Owner] || (st.ReblogOfID != 0 && !f.Reblogs) || !f.ShowsLanguage(st.Language) {
				continue
			}
		}
		if otherReply && parent != l.Owner {
			ok, err := s.showsReply(ctx, l, parent, self || followsParent[i])
			if err != nil {
				return la, err
			}
			if !ok {
				continue
			}
		}
		la.entries = append(la.entries, timeline.Entry{Account: l.ID, StatusID: st.ID, Author: st.AccountID})
	}
	return la, nil
}

// showsReply applies a list's replies_policy to a reply to parent, an account other
// than the author and the owner; followed says whether the owner follows parent.
func (s *Service) showsReply(ctx context.Context, l *list.List, parent shard.ID, followed bool) (bool, error) {
	if !followed {
		return false, nil
	}
	switch l.RepliesPolicy {
	case list.Followed:
		return true, nil
	case list.Members:
		return s.opts.Lists.Has(ctx, l.ID, parent)
	}
	return false, nil
}

// distinctOwners lists the owners of ls other than author once each, with the index
// of each in the result.
func distinctOwners(ls []*list.List, author shard.ID) ([]shard.ID, map[shard.ID]int) {
	index := map[shard.ID]int{}
	var owners []shard.ID
	for _, l := range ls {
		if _, ok := index[l.Owner]; !ok && l.Owner != author {
			index[l.Owner] = len(owners)
			owners = append(owners, l.Owner)
		}
	}
	return owners, index
}

// toLists writes st into the list timelines that take it (none for a hot author,
// whose posts lists merge at read time) and streams it on their channels.
func (s *Service) toLists(ctx context.Context, la listAudience, hot bool) error {
	if len(la.entries) == 0 {
		return nil
	}
	if !hot && s.role.writes() {
		if err := s.timelines.AppendList(ctx, la.entries); err != nil {
			return err
		}
	}
	if s.role.streamsNew() {
		for _, e := range la.entries {
			s.publish(stream.List(e.Account), event(stream.Update, e.StatusID))
		}
	}
	return nil
}

// listsDeleted takes a deleted status out of the lists that hold its author and
// tells their channels.
func (s *Service) listsDeleted(ctx context.Context, st *status.Status) error {
	ms, err := s.opts.Lists.Memberships(ctx, st.AccountID)
	if err != nil {
		return err
	}
	for _, m := range ms {
		if err := s.timelines.RemoveList(ctx, m.List, []shard.ID{st.ID}); err != nil {
			return err
		}
		s.publish(stream.List(m.List), event(stream.Delete, st.ID))
	}
	return nil
}

// streamListsUpdated sends status.update on the channels of the lists that took st.
func (s *Service) streamListsUpdated(ctx context.Context, st *status.Status) error {
	la, err := s.listsOf(ctx, st)
	if err != nil {
		return err
	}
	for _, e := range la.entries {
		s.publish(stream.List(e.Account), event(stream.StatusUpdate, st.ID))
	}
	return nil
}

// ListAdded brings author's recent posts into the timeline of list, just given
// author as a member (Mastodon's merge into a list): a hot author is pulled at
// read time, others' latest posts are merged.
func (s *Service) ListAdded(ctx context.Context, listID, owner, author shard.ID) error {
	_, err := s.st.Get(ctx, tHot, author.Bytes(), empty)
	if err == nil {
		return s.timelines.ListPull(ctx, listID, author, true)
	}
	if !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("check hot author %d: %w", author, err)
	}
	ids, err := s.statuses.ByAccount(ctx, owner, author, paging.Page{Limit: mergeOnFollow}, status.AccountFilter{ExcludeReplies: true})
	if err != nil {
		return err
	}
	entries := make([]timeline.Entry, len(ids))
	for i, id := range ids {
		entries[i] = timeline.Entry{Account: listID, StatusID: id, Author: author}
	}
	return s.timelines.AppendList(ctx, entries)
}

// ListRemoved takes author's posts out of the timeline of list, which author just
// left.
func (s *Service) ListRemoved(ctx context.Context, listID, author shard.ID) error {
	if err := s.timelines.ListPull(ctx, listID, author, false); err != nil {
		return err
	}
	ids, err := s.statuses.ByAccount(ctx, author, author, paging.Page{Limit: 200}, status.AccountFilter{})
	if err != nil {
		return err
	}
	return s.timelines.RemoveList(ctx, listID, ids)
}

// ListDeleted drops the timeline of a deleted list.
func (s *Service) ListDeleted(ctx context.Context, listID shard.ID) error {
	return s.timelines.ClearList(ctx, listID)
}

// pullMutations are the mutations that make the lists holding a newly hot author
// pull the author's posts at read time.
func (s *Service) listPullMutations(ctx context.Context, author shard.ID) ([]store.Mutation, error) {
	ms, err := s.opts.Lists.Memberships(ctx, author)
	if err != nil {
		return nil, err
	}
	muts := make([]store.Mutation, len(ms))
	for i, m := range ms {
		muts[i] = timeline.ListPullMutation(m.List, author)
	}
	return muts, nil
}
