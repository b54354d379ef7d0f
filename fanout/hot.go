package fanout

import (
	"context"
	"errors"
	"fmt"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/paging"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/status"
	"github.com/herd-social/herd/store"
	"github.com/herd-social/herd/timeline"
)

var empty = []byte{}

// hot reports whether author is past the fan-out threshold. The first time it finds
// an author past it, it marks the author and makes every follower pull the author's
// posts at read time, so nobody misses a post in the switch.
func (s *Service) hot(ctx context.Context, author shard.ID) (bool, error) {
	_, err := s.st.Get(ctx, tHot, author.Bytes(), empty)
	if err == nil {
		return true, nil
	}
	if !errors.Is(err, store.ErrNotFound) {
		return false, fmt.Errorf("check hot author %d: %w", author, err)
	}
	followers, err := s.accounts.FollowersCount(ctx, author)
	if err != nil {
		return false, err
	}
	if followers <= s.opts.HotFollowers {
		return false, nil
	}
	if !s.role.writes() {
		return true, nil // the writer makes the switch
	}
	err = s.accounts.EachFollowerPage(ctx, author, s.opts.PageSize, func(page []account.Follower) error {
		muts := make([]store.Mutation, 0, len(page))
		for _, f := range page {
			if f.Follow == nil || !f.Follow.Remote { // remote followers have no home here
				muts = append(muts, timeline.PullMutation(f.ID, author))
			}
		}
		return s.st.ApplyEach(ctx, muts)
	})
	if err != nil {
		return false, fmt.Errorf("switch %d to pull: %w", author, err)
	}
	lists, err := s.listPullMutations(ctx, author)
	if err == nil {
		err = s.st.ApplyEach(ctx, lists)
	}
	if err != nil {
		return false, fmt.Errorf("switch %d to pull in lists: %w", author, err)
	}
	if err := s.st.Put(ctx, tHot, author.Bytes(), empty, empty, 0); err != nil {
		return false, fmt.Errorf("mark hot author %d: %w", author, err)
	}
	s.opts.Logger.Info("fanout: author switched to read-time merge", "account", author, "followers", followers)
	return true, nil
}

// mergeOnFollow is how many of a followee's recent posts a new follow brings into
// the follower's home (Mastodon merges up to a quarter of its feed size).
const mergeOnFollow = 40

// Followed updates follower's home after a new follow: it pulls a hot author, or
// merges the author's recent posts.
func (s *Service) Followed(ctx context.Context, follower, author shard.ID) error {
	_, err := s.st.Get(ctx, tHot, author.Bytes(), empty)
	if err == nil {
		return s.timelines.Pull(ctx, follower, author, true)
	}
	if !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("check hot author %d: %w", author, err)
	}
	ids, err := s.statuses.ByAccount(ctx, follower, author, paging.Page{Limit: mergeOnFollow}, status.AccountFilter{ExcludeReplies: true})
	if err != nil {
		return err
	}
	if ids, err = s.inFollowLanguages(ctx, follower, author, ids); err != nil {
		return err
	}
	entries := make([]timeline.Entry, len(ids))
	for i, id := range ids {
		entries[i] = timeline.Entry{Account: follower, StatusID: id, Author: author}
	}
	return s.timelines.AppendHome(ctx, entries)
}

// inFollowLanguages keeps the ids of author's statuses whose language the follow of
// follower toward author takes; the statuses are read only when the follow names
// languages.
func (s *Service) inFollowLanguages(ctx context.Context, follower, author shard.ID, ids []shard.ID) ([]shard.ID, error) {
	if len(ids) == 0 {
		return ids, nil
	}
	follows, err := s.accounts.FollowRecords(ctx, []shard.ID{follower}, author)
	if err != nil {
		return nil, err
	}
	f := follows[0]
	if f == nil || len(f.Languages) == 0 {
		return ids, nil
	}
	sts, err := s.statuses.GetMany(ctx, ids)
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

// Unfollowed takes an author's posts back out of follower's home.
func (s *Service) Unfollowed(ctx context.Context, follower, author shard.ID) error {
	if err := s.timelines.Pull(ctx, follower, author, false); err != nil {
		return err
	}
	ids, err := s.statuses.ByAccount(ctx, author, author, paging.Page{Limit: 200}, status.AccountFilter{})
	if err != nil {
		return err
	}
	for _, id := range ids {
		if err := s.timelines.RemoveHome(ctx, follower, id); err != nil {
			return err
		}
	}
	return nil
}
