package fanout

import (
	"context"

	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/status"
	"github.com/herd-social/herd/timeline"
)

// Hashtags is the part of hashtag.Service that fan-out needs.
type Hashtags interface {
	Used(ctx context.Context, names, displays []string, statusID, author shard.ID) error
	Spelt(ctx context.Context, names, displays []string) error
	Unused(ctx context.Context, names []string, statusID, author shard.ID) error
	Followers(ctx context.Context, name string) ([]shard.ID, error)
}

// Hidden is the part of account.Service that tells whether a viewer hides (blocks,
// mutes, or is blocked by) any of some accounts.
type Hidden interface {
	Hidden(ctx context.Context, viewer shard.ID, others []shard.ID) (map[shard.ID]bool, error)
}

// tagged counts the uses of the hashtags of a public or unlisted status (Mastodon's
// distributable statuses; of another status only the tags' first spellings are kept,
// as Mastodon makes tags from every status) and puts a public one that is not a boost, replies
// included, in the homes of the local accounts that follow one of its tags, as
// Mastodon's FanOutOnWriteService (deliver_to_hashtag_followers): not the author's,
// not those that follow the author (their homes took it as followers), nor those
// that hide the author or a mentioned account.
func (s *Service) tagged(ctx context.Context, st *status.Status) error {
	if s.opts.Hashtags == nil || len(st.Tags) == 0 || st.ReblogOfID != 0 {
		return nil
	}
	if st.Visibility != status.Public && st.Visibility != status.Unlisted {
		if s.role.writes() {
			return s.opts.Hashtags.Spelt(ctx, st.Tags, st.TagDisplays)
		}
		return nil
	}
	if s.role.writes() {
		if err := s.opts.Hashtags.Used(ctx, st.Tags, st.TagDisplays, st.ID, st.AccountID); err != nil {
			return err
		}
	}
	if st.Visibility != status.Public {
		return nil
	}
	seen := map[shard.ID]bool{st.AccountID: true}
	var candidates []shard.ID
	for _, tag := range st.Tags {
		ids, err := s.opts.Hashtags.Followers(ctx, tag)
		if err != nil {
			return err
		}
		for _, id := range ids {
			if !seen[id] {
				seen[id] = true
				candidates = append(candidates, id)
			}
		}
	}
	if len(candidates) == 0 {
		return nil
	}
	follows, err := s.accounts.Follows(ctx, candidates, st.AccountID)
	if err != nil {
		return err
	}
	others := append([]shard.ID{st.AccountID}, st.Mentions...)
	var entries []timeline.Entry
	for i, id := range candidates {
		if follows[i] {
			continue
		}
		hidden, err := s.opts.Hidden.Hidden(ctx, id, others)
		if err != nil {
			return err
		}
		if len(hidden) == 0 {
			entries = append(entries, timeline.Entry{Account: id, StatusID: st.ID, Author: st.AccountID})
		}
	}
	if len(entries) == 0 {
		return nil
	}
	if err := s.appendHome(ctx, entries); err != nil {
		return err
	}
	s.streamHome(entries)
	return nil
}
