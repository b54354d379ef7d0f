package api

import (
	"strconv"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/shard"
)

// SuggestionEntity is Mastodon's Suggestion entity: sources, and the legacy source
// older clients read.
type SuggestionEntity struct {
	Source  string                     `json:"source"`
	Sources []account.SuggestionSource `json:"sources"`
	Account *Account                   `json:"account"`
}

// legacySource is the one-word source of Mastodon before 4.3 for a list of sources.
func legacySource(sources []account.SuggestionSource) string {
	for _, src := range sources {
		if src == account.SuggestFeatured {
			return "staff"
		}
	}
	for _, src := range sources {
		if src == account.SuggestFriendsOfFriends || src == account.SuggestSimilar {
			return "past_interactions"
		}
	}
	return "global"
}

// routeSuggestions registers follow suggestions.
func (s *Server) routeSuggestions() {
	s.handle("GET", "/api/v1/suggestions", user("read:accounts"), func(r *req) error { return s.suggestions(r, false) })
	s.handle("GET", "/api/v2/suggestions", user("read:accounts"), func(r *req) error { return s.suggestions(r, true) })
	s.handle("DELETE", "/api/v1/suggestions/{account_id}", user("write:accounts"), s.dismissSuggestion)
}

// suggestions answers the viewer's follow suggestions: Accounts (v1) or
// Suggestions (v2), limit 40 by default and at most 80 (a negative one counts by its
// size, as Mastodon's limit_param).
func (s *Server) suggestions(r *req, v2 bool) error {
	limit := 40
	if n, err := strconv.Atoi(r.p.str("limit")); err == nil {
		limit = min(max(n, -n, 1), account.MaxSuggestions)
	}
	sugs, err := s.d.Accounts.Suggest(r.context(), r.viewer, limit, s.d.Trends, s.d.Search)
	if err != nil {
		return err
	}
	ids := make([]shard.ID, len(sugs))
	for i, sg := range sugs {
		ids[i] = sg.Account.ID
	}
	accs, err := s.accounts(r.context(), ids)
	if err != nil {
		return err
	}
	accs = approved(accs)
	if !v2 {
		return r.json(accs)
	}
	byID := make(map[string]*Account, len(accs))
	for _, a := range accs {
		byID[a.ID] = a
	}
	out := make([]*SuggestionEntity, 0, len(sugs))
	for _, sg := range sugs {
		if a := byID[sg.Account.ID.String()]; a != nil {
			out = append(out, &SuggestionEntity{Source: legacySource(sg.Sources), Sources: sg.Sources, Account: a})
		}
	}
	return r.json(out)
}

// dismissSuggestion stops suggesting an account to the viewer; an unknown account
// is a 404.
func (s *Server) dismissSuggestion(r *req) error {
	id, err := r.pathID("account_id")
	if err != nil {
		return err
	}
	if _, err := s.d.Accounts.Get(r.context(), id); err != nil {
		return err
	}
	if err := s.d.Accounts.DismissSuggestion(r.context(), r.viewer, id); err != nil {
		return err
	}
	return r.json(struct{}{})
}
