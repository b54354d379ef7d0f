package api

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/herd-social/herd/hashtag"
	"github.com/herd-social/herd/paging"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/trends"
)

// TrendsLink is Mastodon's Trends::Link entity: a preview card with its history.
type TrendsLink struct {
	*PreviewCard
	History []TagHistory `json:"history"`
}

// routeTrends registers the public trends, the old alias of trending tags, and the
// timeline of a trending link.
func (s *Server) routeTrends() {
	s.handle("GET", "/api/v1/trends", public, s.trendTags)
	s.handle("GET", "/api/v1/trends/tags", public, s.trendTags)
	s.handle("GET", "/api/v1/trends/statuses", public, s.trendStatuses)
	s.handle("GET", "/api/v1/trends/links", public, s.trendLinks)
	s.handle("GET", "/api/v1/timelines/link", public, s.linkTimeline)
	s.routeAdminTrends()
	s.routeAdminTags()
}

// trendPage is the slice of ranked items an offset and limit ask for (limit def,
// at most twice that, as Mastodon's limit_param), with the Link header of offsets.
func trendPage(r *req, ranked []trends.Ranked, def int) []trends.Ranked {
	offset, limit := offsetLimit(r, def, 2*def)
	if offset >= len(ranked) {
		ranked = nil
	} else {
		ranked = ranked[offset:min(len(ranked), offset+limit)]
	}
	offsetLink(r, offset, limit, len(ranked))
	return ranked
}

// offsetLink sets a Link header of offsets, as Mastodon's trends: next when the page
// is full, prev when it did not start at the first item.
func offsetLink(r *req, offset, limit, n int) {
	mk := func(rel string, at int) string {
		q := url.Values{}
		q.Set("limit", strconv.Itoa(limit))
		q.Set("offset", strconv.Itoa(at))
		return fmt.Sprintf(`<%s%s?%s>; rel="%s"`, r.s.baseURL(), r.ctx.Path(), q.Encode(), rel)
	}
	var parts []string
	if n == limit {
		parts = append(parts, mk("next", offset+limit))
	}
	if offset > 0 {
		parts = append(parts, mk("prev", max(offset-limit, 0)))
	}
	if len(parts) > 0 {
		r.ctx.Response.Header.Set("Link", strings.Join(parts, ", "))
	}
}

func (s *Server) trendTags(r *req) error {
	ranked, err := s.rankShown(r, trends.Tag)
	if err != nil || len(ranked) == 0 {
		return s.emptyOr(r, err)
	}
	page := trendPage(r, ranked, 10)
	names := make([]string, len(page))
	for i, it := range page {
		names[i] = it.Key
	}
	records, err := s.d.Hashtags.Tags(r.context(), names) // with their display names
	if err != nil {
		return err
	}
	out := []*HashtagEntity{}
	for i, it := range page {
		t := records[i]
		if t == nil {
			t = &hashtag.Tag{ID: it.ID, Name: it.Key}
		}
		e, err := s.tagEntity(r.context(), r.viewer, t, nil)
		if err != nil {
			return err
		}
		out = append(out, e)
	}
	return r.json(out)
}

// trendStatusIDs are the ids of a page of ranked statuses.
func trendStatusIDs(page []trends.Ranked) []shard.ID {
	ids := make([]shard.ID, len(page))
	for i, it := range page {
		ids[i] = it.ID
	}
	return ids
}

func (s *Server) trendStatuses(r *req) error {
	ranked, err := s.rankShown(r, trends.Status)
	if err != nil || len(ranked) == 0 {
		return s.emptyOr(r, err)
	}
	statuses, err := s.d.Statuses.GetMany(r.context(), trendStatusIDs(ranked))
	if err != nil {
		return err
	}
	langs, err := s.trendLanguages(r)
	if err != nil {
		return err
	}
	ranked = preferLanguages(ranked, langs, func(it trends.Ranked) string {
		if st := statuses[it.ID]; st != nil {
			return st.Language
		}
		return ""
	})
	out, err := s.statusesByID(r.context(), r.viewer, trendStatusIDs(trendPage(r, ranked, 20)), true)
	if err != nil {
		return err
	}
	return r.json(out)
}

func (s *Server) trendLinks(r *req) error {
	ranked, err := s.rankShown(r, trends.Link)
	if err != nil || len(ranked) == 0 || s.d.Cards == nil {
		return s.emptyOr(r, err)
	}
	urls := make([]string, len(ranked))
	for i, it := range ranked {
		urls[i] = it.Key
	}
	cards, err := s.d.Cards.Recorded(r.context(), urls)
	if err != nil {
		return err
	}
	langs, err := s.trendLanguages(r)
	if err != nil {
		return err
	}
	ranked = preferLanguages(ranked, langs, func(it trends.Ranked) string {
		if c := cards[it.Key]; c != nil {
			return c.Language
		}
		return ""
	})
	links, err := s.trendsLinks(r.context(), trendPage(r, ranked, 10))
	if err != nil {
		return err
	}
	out := make([]*TrendsLink, len(links))
	for i, l := range links {
		out[i] = l.link
	}
	return r.json(out)
}

// rankedLink is a ranked link rendered, with its item.
type rankedLink struct {
	item trends.Ranked
	link *TrendsLink
}

// trendsLinks renders links with their cards and histories; a link whose card is
// not recorded (not fetched yet, or its page gave none) is left out.
func (s *Server) trendsLinks(ctx context.Context, page []trends.Ranked) ([]rankedLink, error) {
	if s.d.Cards == nil || len(page) == 0 {
		return nil, nil
	}
	urls := make([]string, len(page))
	for i, it := range page {
		urls[i] = it.Key
	}
	cards, err := s.d.Cards.Recorded(ctx, urls)
	if err != nil {
		return nil, err
	}
	authors, err := s.cardAuthors(ctx, slices.Collect(maps.Values(cards)))
	if err != nil {
		return nil, err
	}
	var out []rankedLink
	for _, it := range page {
		pc := previewCard(cards[it.Key], authors)
		if pc == nil {
			continue
		}
		days, err := s.d.Trends.History(ctx, trends.Link, it.Key)
		if err != nil {
			return nil, err
		}
		l := &TrendsLink{PreviewCard: pc, History: make([]TagHistory, len(days))}
		for i, d := range days {
			l.History[i] = TagHistory{Day: strconv.FormatInt(d.Day.Unix(), 10),
				Uses: strconv.FormatInt(d.Uses, 10), Accounts: strconv.FormatInt(d.Accounts, 10)}
		}
		out = append(out, rankedLink{item: it, link: l})
	}
	return out, nil
}

// linkTimeline answers GET /api/v1/timelines/link (Mastodon 4.3): the public
// statuses sharing a link that trends now (404 for any other URL), newest first.
func (s *Server) linkTimeline(r *req) error {
	link := r.p.str("url")
	ranked, err := s.rankShown(r, trends.Link)
	if err != nil {
		return err
	}
	trending := false
	for _, it := range ranked {
		trending = trending || (link != "" && it.Key == link)
	}
	if !trending {
		return errNotFound
	}
	p, err := r.page(20, 40)
	if err != nil {
		return err
	}
	ids, err := s.d.Trends.LinkStatuses(r.context(), link, p)
	if err != nil {
		return err
	}
	out, err := s.statusesByID(r.context(), r.viewer, ids, true)
	if err != nil {
		return err
	}
	r.link(paging.IDs(ids))
	return r.json(out)
}

// rankShown is what trends for viewers now, nothing when the instance shows no
// trends (Instance.NoTrends, Mastodon's Setting.trends off).
func (s *Server) rankShown(r *req, k trends.Kind) ([]trends.Ranked, error) {
	if s.d.Instance.NoTrends {
		return nil, nil
	}
	return s.d.Trends.Rank(r.context(), k, false)
}

// emptyOr answers err, or an empty list without it.
func (s *Server) emptyOr(r *req, err error) error {
	if err != nil {
		return err
	}
	return r.json([]any{})
}

// trendItemErr maps an unknown item to Mastodon's 404.
func trendItemErr(err error) error {
	if errors.Is(err, trends.ErrNotFound) {
		return errNotFound
	}
	return err
}
