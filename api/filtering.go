package api

import (
	"context"
	"strings"

	"github.com/herd-social/herd/filter"
	"github.com/herd-social/herd/media"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/status"
	"github.com/herd-social/herd/stream"
)

// filterScope is how a request applies the viewer's keyword filters: the context its
// statuses are shown in, whether a matching hide filter removes them, and the matcher,
// compiled once for the request when a status is first rendered.
type filterScope struct {
	context filter.Context
	hide    bool
	matcher *filter.Matcher
	loaded  bool
}

type filterScopeKey struct{}

// filtered makes h apply the viewer's filters of context c to every status it
// renders, removing those a hide filter matches when hide is set (a status's own GET
// still returns it, as Mastodon does).
func filtered(c filter.Context, hide bool, h handlerFunc) handlerFunc {
	return func(r *req) error {
		r.c = context.WithValue(r.context(), filterScopeKey{}, &filterScope{context: c, hide: hide})
		return h(r)
	}
}

// filterScope returns the request's scope with its viewer's matcher; nil when the request
// applies no filters.
func (s *Server) filterScope(ctx context.Context, viewer shard.ID) (*filterScope, error) {
	sc, _ := ctx.Value(filterScopeKey{}).(*filterScope)
	if sc == nil || viewer == 0 || s.d.Filters == nil {
		return nil, nil
	}
	if !sc.loaded {
		m, err := s.d.Filters.Matcher(ctx, viewer)
		if err != nil {
			return nil, err
		}
		sc.matcher, sc.loaded = m, true
	}
	if sc.matcher.Empty() {
		return nil, nil
	}
	return sc, nil
}

// matchStatus returns the filters of sc that match st, a status shown (an original,
// never a boost), with the attachments already loaded.
func (sc *filterScope) matchStatus(st *status.Status, attached map[shard.ID]*media.Attachment) []filter.Result {
	var options, descs []string
	if st.Poll != nil {
		options = st.Poll.Options
	}
	for _, id := range st.MediaIDs {
		if a := attached[id]; a != nil && a.Description != "" {
			descs = append(descs, a.Description)
		}
	}
	t := filter.Target{ID: st.ID, Author: st.AccountID,
		Text: filter.SearchableText(st.SpoilerText, st.Content, options, descs)}
	return sc.matcher.Match(t, sc.context)
}

// applyFilters sets the filter results of r from rs; it reports false when a hide
// filter removes the status from the response.
func (sc *filterScope) applyFilters(r *Status, rs []filter.Result) bool {
	if len(rs) == 0 {
		return true
	}
	if sc.hide && filter.Hides(rs) {
		return false
	}
	r.Filtered = make([]FilterResult, len(rs))
	for i, res := range rs {
		r.Filtered[i] = FilterResult{Filter: renderFilter(res.Filter), KeywordMatches: res.KeywordMatches}
		for _, id := range res.StatusMatches {
			r.Filtered[i].StatusMatches = append(r.Filtered[i].StatusMatches, id.String())
		}
	}
	return true
}

// withStreamFilters gives a streamed event the filter scope of its channel, as
// Mastodon's streaming server applies the context of the stream: home for the user and
// list channels, notifications for the notification channel, public for the public
// and hashtag channels. Hidden statuses are not sent; direct messages are not filtered.
func withStreamFilters(ctx context.Context, key stream.Key) context.Context {
	k := string(key)
	var c filter.Context
	switch {
	case strings.HasPrefix(k, "timeline:direct:"):
		return ctx
	case strings.HasSuffix(k, ":notifications"):
		c = filter.Notifications
	case strings.HasPrefix(k, "timeline:public"), strings.HasPrefix(k, "timeline:hashtag:"):
		c = filter.Public
	default: // timeline:<account>, timeline:list:<id>
		c = filter.Home
	}
	return context.WithValue(ctx, filterScopeKey{}, &filterScope{context: c, hide: true})
}

// filterStreamed applies the event's filter scope to out, the rendering of a status
// whose shown original is shown; it reports false when a hide filter removes it.
func (s *Server) filterStreamed(ctx context.Context, viewer shard.ID, shown *status.Status, out *Status) (bool, error) {
	sc, err := s.filterScope(ctx, viewer)
	if err != nil || sc == nil {
		return true, err
	}
	attached, err := s.attachments(ctx, []*status.Status{shown})
	if err != nil {
		return false, err
	}
	target := out
	if out.Reblog != nil {
		target = out.Reblog
	}
	if !sc.applyFilters(target, sc.matchStatus(shown, attached)) {
		return false, nil
	}
	out.Filtered = target.Filtered
	return true, nil
}
