package account

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"unicode"

	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/text"
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
	suggestAuthorsRead = 20 // authors of trending statuses weighed for most_interactions
	suggestRecentLiked = 5  // the viewer's newest follows whose profiles are liked (Mastodon's 5)
	similarMaxTerms    = 25 // terms of the liked profiles kept (Elasticsearch's more_like_this)
	similarShouldMatch = 0.3
	mostInteractionsAt = 5 // Mastodon's threshold of boosts and favourites
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

// stopWords are English words too common to make two profiles alike (a search
// engine's index would weigh them near nothing).
var stopWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`and the for with you your are but not all any can has had have her his its our
		out was who how why what when where from this that these those they them then than there their into onto just
		also been were will would about over only very more most some such each here she him`) {
		m[w] = true
	}
	return m
}()

// terms are the words of a profile that more_like_this weighs: its display name
// and bio in plain text, lower case, of three letters or more, stop words left out.
func terms(a *Account) []string {
	words := strings.FieldsFunc(strings.ToLower(a.DisplayName+" "+text.PlainText(a.Note)), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsNumber(r)
	})
	return slices.DeleteFunc(words, func(w string) bool { return len([]rune(w)) < 3 || stopWords[w] })
}

// likedTerms returns the 25 terms used most in the profiles of the viewer's
// newest follows (ties in alphabetical order).
func (s *Service) likedTerms(ctx context.Context, viewer shard.ID) ([]string, error) {
	recent, _, err := s.followingIDs(ctx, viewer, 0, suggestRecentLiked)
	if err != nil || len(recent) == 0 {
		return nil, err
	}
	accs, err := s.GetMany(ctx, recent)
	if err != nil {
		return nil, err
	}
	freq := map[string]int{}
	for _, a := range accs {
		for _, w := range terms(a) {
			freq[w]++
		}
	}
	out := make([]string, 0, len(freq))
	for w := range freq {
		out = append(out, w)
	}
	slices.SortFunc(out, func(a, b string) int { return cmp.Or(cmp.Compare(freq[b], freq[a]), cmp.Compare(a, b)) })
	return out[:min(len(out), similarMaxTerms)], nil
}

// similarity scores a discoverable, non-bot account against the liked terms: the
// terms its profile shares with them when at least 30% do (more_like_this's
// minimum_should_match), doubled for a profile with a verified link, as
// Mastodon's boost; 0 otherwise.
func similarity(a *Account, liked []string) int {
	if len(liked) == 0 || a.Bot || !a.Discoverable {
		return 0
	}
	mine := terms(a)
	shared := 0
	for _, w := range liked {
		if slices.Contains(mine, w) {
			shared++
		}
	}
	if shared == 0 || shared < int(similarShouldMatch*float64(len(liked))) {
		return 0
	}
	for _, f := range a.Fields {
		if !f.VerifiedAt.IsZero() {
			return 2 * shared
		}
	}
	return shared
}
