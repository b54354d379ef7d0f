package account

import (
	"context"
	"fmt"
	"slices"

	"github.com/herd-social/herd/search"
	"github.com/herd-social/herd/shard"
)

// The sources of Mastodon 4.3 beyond featured, friends of friends and most followed.
const (
	// SuggestMostInteractions is an account whose statuses of the last 30 days were
	// boosted and favourited at least 5 times.
	SuggestMostInteractions SuggestionSource = "most_interactions"
	// SuggestSimilar is an account whose profile is like those of the viewer's
	// most recent follows.
	SuggestSimilar SuggestionSource = "similar_to_recently_followed"
)

// Interactions is what suggestions need of trends (trends.Service): the boosts
// and favourites of accounts' recent statuses, and the authors trending now.
type Interactions interface {
	Interactions(ctx context.Context, ids []shard.ID) ([]int64, error)
	TrendingAuthors(ctx context.Context, limit int) ([]shard.ID, error)
}

// Bounds of the sources of this file.
const (
	suggestAuthorsRead = 20              // authors of trending statuses weighed for most_interactions
	suggestRecentLiked = 5               // the viewer's newest follows whose profiles are liked (Mastodon's 5)
	suggestSimilarRead = search.MaxLimit // similar profiles asked of the search engine
	mostInteractionsAt = 5               // Mastodon's threshold of boosts and favourites
)

// interactionCandidates adds, among pool (the recently active accounts of the
// directory) and the authors of trending statuses, those whose recent statuses
// were boosted and favourited at least 5 times, ranked as Mastodon's follow
// recommendations (n / (1 + n), added to most_followed's).
func (s *Service) interactionCandidates(ctx context.Context, in Interactions, pool []shard.ID, get func(shard.ID) *candidate) error {
	if in == nil {
		return nil
	}
	authors, err := in.TrendingAuthors(ctx, suggestAuthorsRead)
	if err != nil {
		return err
	}
	ids := slices.Clone(pool)
	for _, a := range authors {
		if !slices.Contains(ids, a) {
			ids = append(ids, a)
		}
	}
	counts, err := in.Interactions(ctx, ids)
	if err != nil {
		return err
	}
	for i, id := range ids {
		if n := float64(counts[i]); counts[i] >= mostInteractionsAt {
			c := get(id)
			c.global += n / (1 + n)
			c.sources = append(c.sources, SuggestMostInteractions)
		}
	}
	return nil
}

// Profiles is the part of the search engine (search.Engine) that finds profiles
// like others.
type Profiles interface {
	SimilarAccounts(ctx context.Context, q search.SimilarQuery) ([]uint64, error)
}

// similarCandidates adds the accounts whose profiles are like those of the
// viewer's five newest follows, as the search engine finds them among every
// indexed account (Mastodon's more_like_this over account documents): neither
// the viewer nor whom it follows (the 1,000 newest follows are excluded in the
// engine, the others when the candidates are checked), nor bots or undiscoverable
// accounts. The engine's order ranks them.
func (s *Service) similarCandidates(ctx context.Context, viewer shard.ID, like Profiles, get func(shard.ID) *candidate) error {
	if like == nil {
		return nil
	}
	following, _, err := s.followingIDs(ctx, viewer, 0, search.MaxFollowed-1)
	if err != nil || len(following) == 0 {
		return err
	}
	exclude := make([]uint64, 0, len(following)+1)
	for _, id := range following {
		exclude = append(exclude, uint64(id))
	}
	found, err := like.SimilarAccounts(ctx, search.SimilarQuery{Like: exclude[:min(len(exclude), suggestRecentLiked)],
		Exclude: append(exclude, uint64(viewer)), Limit: suggestSimilarRead})
	if err != nil {
		return fmt.Errorf("suggestions: similar profiles: %w", err)
	}
	for i, id := range found {
		c := get(shard.ID(id))
		c.similar = len(found) - i
		c.sources = append(c.sources, SuggestSimilar)
	}
	return nil
}
