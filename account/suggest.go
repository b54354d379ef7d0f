package account

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
)

// Tables of follow suggestions.
const (
	tDismissed = "suggestion_dismissals" // owner → dismissed account → —
	tStaff     = "staff"                 // "all" → admin account id → — (written by SetAdmin)
)

func suggestTables() store.Schema { return store.Schema{{Name: tDismissed}, {Name: tStaff}} }

var staffKey = []byte("all")

// SuggestionSource is why an account is suggested, as Mastodon's Suggestion.sources.
type SuggestionSource string

// The sources Herd computes.
const (
	// SuggestFeatured is an account endorsed by one of the instance's admins.
	SuggestFeatured SuggestionSource = "featured"
	// SuggestFriendsOfFriends is an account followed by accounts the viewer follows.
	SuggestFriendsOfFriends SuggestionSource = "friends_of_friends"
	// SuggestMostFollowed is one of the most followed recently active local
	// accounts of the directory.
	SuggestMostFollowed SuggestionSource = "most_followed"
)

// Suggestion is an account to follow and why.
type Suggestion struct {
	Account *Account
	Sources []SuggestionSource
}

// Bounds of the work of one Suggest call: every read is a partition scan or a
// multi-get, at most a few dozen of them.
const (
	suggestFollowsRead = 40  // the viewer's newest follows whose follows are read
	suggestEachRead    = 80  // follows read of each of them
	suggestStaffRead   = 20  // admins whose endorsements are read
	suggestDirRead     = 40  // recently active local accounts of the directory
	suggestCandidates  = 200 // candidates checked against the viewer's relations
	// MaxSuggestions is the largest page of suggestions.
	MaxSuggestions = 80
)

// candidate is an account gathered for the viewer, with its scores.
type candidate struct {
	id        shard.ID
	featured  bool
	friends   int     // how many of the viewer's follows follow it
	followers int64   // for most_followed, its followers count
	global    float64 // Mastodon's rank of most_followed and most_interactions
	similar   int     // likeness to the viewer's newest follows
	sources   []SuggestionSource
}

// Suggest returns up to limit accounts for viewer to follow, shuffled (shuffle):
// the candidates, ranked to keep the best suggestCandidates, are those endorsed by
// the instance's admins, then friends of friends (accounts followed by the
// viewer's newest follows, most shared first), then accounts whose profiles are
// like those of the viewer's five newest follows (like, when not nil: the search
// engine, similarCandidates), then the most followed and most
// interacted with (in, when not nil) of the recently active local accounts and of
// the authors trending now. Left out: the viewer, whom it follows or asked to
// follow, whom it blocks or mutes or who blocks it, accounts of domains it blocks,
// dismissed accounts, those the directory does not list (listable: suspended,
// silenced, moved, awaiting approval, not discoverable) and those of unconfirmed
// users, as Mastodon's sources' base scope, and locked accounts for the most
// followed and most interacted with.
func (s *Service) Suggest(ctx context.Context, viewer shard.ID, limit int, in Interactions, like Profiles) ([]Suggestion, error) {
	byID := map[shard.ID]*candidate{}
	get := func(id shard.ID) *candidate {
		c := byID[id]
		if c == nil {
			c = &candidate{id: id}
			byID[id] = c
		}
		return c
	}
	if err := s.featuredCandidates(ctx, get); err != nil {
		return nil, err
	}
	if err := s.friendCandidates(ctx, viewer, get); err != nil {
		return nil, err
	}
	if err := s.similarCandidates(ctx, viewer, like, get); err != nil {
		return nil, err
	}
	pool, err := s.popularCandidates(ctx, get)
	if err != nil {
		return nil, err
	}
	if err := s.interactionCandidates(ctx, in, pool, get); err != nil {
		return nil, err
	}
	cands := make([]*candidate, 0, len(byID))
	for _, c := range byID {
		if c.id != viewer {
			cands = append(cands, c)
		}
	}
	slices.SortFunc(cands, byRank)
	if len(cands) > suggestCandidates {
		cands = cands[:suggestCandidates]
	}
	return s.keepSuggestable(ctx, viewer, cands, limit)
}

// byRank orders candidates: featured, then by friends, likeness, Mastodon's
// global rank, followers, newest.
func byRank(a, b *candidate) int {
	if a.featured != b.featured {
		if a.featured {
			return -1
		}
		return 1
	}
	return cmp.Or(cmp.Compare(b.friends, a.friends), cmp.Compare(b.similar, a.similar), cmp.Compare(b.global, a.global),
		cmp.Compare(b.followers, a.followers), cmp.Compare(b.id, a.id))
}

// Staff lists the accounts with the admin role (at most a few hundred are read).
func (s *Service) Staff(ctx context.Context) ([]shard.ID, error) {
	rows, err := s.st.Scan(ctx, tStaff, staffKey, store.Range{Limit: maxStaff})
	if err != nil {
		return nil, fmt.Errorf("staff: %w", err)
	}
	out := make([]shard.ID, len(rows))
	for i, r := range rows {
		out[i] = idOf(r.CK)
	}
	return out, nil
}

// maxStaff bounds the admins Staff reads.
const maxStaff = 500

// featuredCandidates adds the accounts the admins endorse.
func (s *Service) featuredCandidates(ctx context.Context, get func(shard.ID) *candidate) error {
	staff, err := s.st.Scan(ctx, tStaff, staffKey, store.Range{Limit: suggestStaffRead})
	if err != nil {
		return fmt.Errorf("suggestions: staff: %w", err)
	}
	for _, r := range staff {
		rows, err := s.st.Scan(ctx, tEndorsedByID, r.CK, store.Range{Limit: MaxEndorsements})
		if err != nil {
			return fmt.Errorf("suggestions: endorsements: %w", err)
		}
		for _, e := range rows {
			c := get(idOf(e.Value))
			if !c.featured {
				c.featured = true
				c.sources = append(c.sources, SuggestFeatured)
			}
		}
	}
	return nil
}

// friendCandidates adds the accounts followed by the viewer's newest follows,
// counting how many of them follow each.
func (s *Service) friendCandidates(ctx context.Context, viewer shard.ID, get func(shard.ID) *candidate) error {
	mine, _, err := s.followingIDs(ctx, viewer, 0, suggestFollowsRead)
	if err != nil {
		return err
	}
	for _, f := range mine {
		theirs, _, err := s.followingIDs(ctx, f, 0, suggestEachRead)
		if err != nil {
			return err
		}
		for _, id := range theirs {
			c := get(id)
			if c.friends == 0 {
				c.sources = append(c.sources, SuggestFriendsOfFriends)
			}
			c.friends++
		}
	}
	return nil
}

// popularCandidates adds the recently active local accounts of the directory, with
// their followers counts (most_followed when they have any), and returns them.
func (s *Service) popularCandidates(ctx context.Context, get func(shard.ID) *candidate) ([]shard.ID, error) {
	accs, err := s.dirList(ctx, []string{tDirActive}, scopeLocal, 0, suggestDirRead) // those that posted
	if err != nil {
		return nil, err
	}
	ids := make([]shard.ID, len(accs))
	for i, a := range accs {
		ids[i] = a.ID
	}
	counts, err := s.Counts(ctx, ids)
	if err != nil {
		return nil, err
	}
	for i, id := range ids {
		c := get(id)
		if n := counts[i].Followers; n > 0 {
			c.followers = n
			c.global += float64(n) / float64(1+n)
			c.sources = append(c.sources, SuggestMostFollowed)
		}
	}
	return ids, nil
}

// keepSuggestable drops the candidates the viewer must not be offered, in order,
// and returns up to limit of the rest.
func (s *Service) keepSuggestable(ctx context.Context, viewer shard.ID, cands []*candidate, limit int) ([]Suggestion, error) {
	ids := make([]shard.ID, len(cands))
	for i, c := range cands {
		ids[i] = c.id
	}
	excluded, err := s.unsuggestable(ctx, viewer, ids)
	if err != nil {
		return nil, err
	}
	var keep []shard.ID
	for i, id := range ids {
		if !excluded[i] {
			keep = append(keep, id)
		}
	}
	accs, err := s.GetMany(ctx, keep)
	if err != nil {
		return nil, err
	}
	unconfirmed, err := s.unconfirmed(ctx, keep, accs)
	if err != nil {
		return nil, err
	}
	var shown []*candidate
	for i, c := range cands {
		a := accs[c.id]
		if a == nil || !listable(a) || unconfirmed[c.id] || excluded[i] {
			continue
		}
		if a.Locked {
			c.sources = slices.DeleteFunc(c.sources, func(src SuggestionSource) bool {
				return src == SuggestMostFollowed || src == SuggestMostInteractions
			})
		}
		if len(c.sources) > 0 {
			shown = append(shown, c)
		}
	}
	slices.SortStableFunc(shown, byRank)
	s.shuffle(viewer, shown)
	out := make([]Suggestion, 0, min(limit, len(shown)))
	for _, c := range shown[:min(limit, len(shown))] {
		out = append(out, Suggestion{Account: accs[c.id], Sources: c.sources})
	}
	return out, nil
}

// shuffleWindow is how long a viewer's suggestions keep one order, as Mastodon
// caches its shuffled list for 15 minutes.
const shuffleWindow = 15 * time.Minute

// shuffle puts the suggestions in a random order, as Mastodon shuffles the accounts
// its sources give: the same order for the same viewer and accounts within one
// shuffleWindow, so that a smaller limit reads the start of the same list.
func (s *Service) shuffle(viewer shard.ID, cands []*candidate) {
	window := s.opts.Now().UnixNano() / int64(shuffleWindow)
	r := rand.New(rand.NewPCG(uint64(viewer), uint64(window)))
	r.Shuffle(len(cands), func(i, j int) { cands[i], cands[j] = cands[j], cands[i] })
}

// unsuggestable reports, for each of ids, whether the viewer hides it or is hidden
// from it, follows it or asked to, or dismissed it.
func (s *Service) unsuggestable(ctx context.Context, viewer shard.ID, ids []shard.ID) ([]bool, error) {
	hidden, err := s.Hidden(ctx, viewer, ids)
	if err != nil {
		return nil, err
	}
	mine := make([]store.Key, len(ids))
	out := make([]bool, len(ids))
	for i, id := range ids {
		mine[i], out[i] = pair(viewer, id), hidden[id]
	}
	for _, table := range []string{tFollows, tReqOut, tDismissed} {
		had, err := s.exists(ctx, table, mine)
		if err != nil {
			return nil, err
		}
		for i, h := range had {
			out[i] = out[i] || h
		}
	}
	return out, nil
}

// DismissSuggestion stops suggesting target to owner; dismissing twice changes
// nothing.
func (s *Service) DismissSuggestion(ctx context.Context, owner, target shard.ID) error {
	if err := s.st.Put(ctx, tDismissed, owner.Bytes(), target.Bytes(), empty, 0); err != nil {
		return fmt.Errorf("dismiss suggestion %d→%d: %w", owner, target, err)
	}
	return nil
}

// staffMutation records or forgets an admin among those whose endorsements are
// suggested.
func staffMutation(id shard.ID, admin bool) store.Mutation {
	if admin {
		return store.Mutation{Kind: store.Put, Table: tStaff, PK: staffKey, CK: id.Bytes(), Value: empty}
	}
	return store.Mutation{Kind: store.Delete, Table: tStaff, PK: staffKey, CK: id.Bytes()}
}
