package trends

import (
	"context"
	"time"

	"github.com/herd-social/herd/paging"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/status"
)

// Bounds of Interactions, after Mastodon's follow recommendations: the boosts and
// favourites of an account's statuses of the last 30 days.
const (
	interactionsWindow = 30 * 24 * time.Hour
	interactionsRead   = 20 // newest statuses read of each account
	// MostInteractions is the boosts and favourites an account needs to be among the
	// most interacted with (Mastodon's 5).
	MostInteractions = 5
)

// Interactions returns, for each account, the boosts and favourites its public and
// unlisted statuses of the last 30 days received (its 20 newest statuses read,
// boosts left out): what makes Mastodon suggest an account for most_interactions.
func (s *Service) Interactions(ctx context.Context, ids []shard.ID) ([]int64, error) {
	since := shard.AtTime(s.opts.Now().Add(-interactionsWindow))
	out := make([]int64, len(ids))
	for i, id := range ids {
		sts, err := s.statuses.ByAccount(ctx, 0, id, paging.Page{SinceID: since, Limit: interactionsRead}, status.AccountFilter{ExcludeReblogs: true})
		if err != nil {
			return nil, err
		}
		if len(sts) == 0 {
			continue
		}
		cs, err := s.statuses.Counts(ctx, sts)
		if err != nil {
			return nil, err
		}
		for _, c := range cs {
			out[i] += c.Reblogs + c.Favourites
		}
	}
	return out, nil
}

// TrendingAuthors returns the authors of the statuses trending now, best first,
// each once, at most limit of them.
func (s *Service) TrendingAuthors(ctx context.Context, limit int) ([]shard.ID, error) {
	ranked, err := s.Rank(ctx, Status, false)
	if err != nil {
		return nil, err
	}
	seen := map[shard.ID]bool{}
	var out []shard.ID
	for _, r := range ranked {
		if r.Author != 0 && !seen[r.Author] && len(out) < limit {
			seen[r.Author] = true
			out = append(out, r.Author)
		}
	}
	return out, nil
}
