package annualreport

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/paging"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/status"
)

// Sources is what a report is read from: the part of the status service and of the
// account service (follows) that generation needs.
type Sources interface {
	ByAccount(ctx context.Context, viewer, author shard.ID, p paging.Page, f status.AccountFilter) ([]shard.ID, error)
	GetMany(ctx context.Context, ids []shard.ID) (map[shard.ID]*status.Status, error)
	Counts(ctx context.Context, ids []shard.ID) ([]status.Counts, error)
	Followers(ctx context.Context, target shard.ID, p paging.Page) ([]account.Entry, error)
	Following(ctx context.Context, follower shard.ID, p paging.Page) ([]account.Entry, error)
}

type sources struct{ Sources }

// pageSize is how many statuses or follows one read of the generation takes.
const pageSize = 200

// The sizes and thresholds of Mastodon's sources.
const (
	averagePerYear  = 113 // posts of an average active account in a year: below, a lurker
	scoreMultiplier = 2   // booster and replier: twice as many boosts or replies as posts
	scoreReducer    = 0.1 // pollster: polls in more than a tenth of the posts
	topHashtags     = 40  // tags used more than once, at most this many
	topApps         = 10
	topInteracted   = 40 // accounts replied to more than once
	topReblogged    = 10 // accounts boosted more than once
)

// Archetype is the playful, coarse summary of a year's posting.
type Archetype string

// The archetypes, as Mastodon names them.
const (
	Lurker   Archetype = "lurker"
	Booster  Archetype = "booster"
	Pollster Archetype = "pollster"
	Replier  Archetype = "replier"
	Oracle   Archetype = "oracle"
)

// Data is a report as clients read it (schema version 2, with the version 1
// breakdowns Herd can compute).
type Data struct {
	Archetype                      Archetype        `json:"archetype"`
	TimeSeries                     []Month          `json:"time_series"`
	TopHashtags                    []NameCount      `json:"top_hashtags"`
	TopStatuses                    TopStatuses      `json:"top_statuses"`
	TypeDistribution               TypeDistribution `json:"type_distribution"`
	MostUsedApps                   []NameCount      `json:"most_used_apps"`
	CommonlyInteractedWithAccounts []AccountCount   `json:"commonly_interacted_with_accounts"`
	MostRebloggedAccounts          []AccountCount   `json:"most_reblogged_accounts"`
}

// Month is one month of the time series.
type Month struct {
	Month     int `json:"month"`
	Statuses  int `json:"statuses"`
	Following int `json:"following"`
	Followers int `json:"followers"`
}

// NameCount is a hashtag or an app and how often it was used.
type NameCount struct {
	Name  string `json:"name"`
	Count int    `json:"count"`
}

// AccountCount is an account and how often it was replied to or boosted.
type AccountCount struct {
	AccountID string `json:"account_id"`
	Count     int    `json:"count"`
}

// TopStatuses are the public statuses of the year most boosted, then most favourited,
// then most replied to, each different from those before; null when none.
type TopStatuses struct {
	ByReblogs    *string `json:"by_reblogs"`
	ByFavourites *string `json:"by_favourites"`
	ByReplies    *string `json:"by_replies"`
}

// TypeDistribution counts the year's statuses by kind; replies to oneself count as
// neither replies nor standalone, as in Mastodon.
type TypeDistribution struct {
	Total      int `json:"total"`
	Reblogs    int `json:"reblogs"`
	Replies    int `json:"replies"`
	Standalone int `json:"standalone"`
}

// yearStatuses reads every status the account made in year, newest first: one scan of
// its listing bounded by the ids of the year's first and last instants.
func (s sources) yearStatuses(ctx context.Context, acct shard.ID, year int) ([]*status.Status, error) {
	from, to := yearBounds(year)
	var out []*status.Status
	page := paging.Page{MaxID: to, Limit: pageSize}
	for {
		ids, err := s.ByAccount(ctx, acct, acct, page, status.AccountFilter{})
		if err != nil {
			return nil, err
		}
		var inYear []shard.ID
		for _, id := range ids {
			if id >= from {
				inYear = append(inYear, id)
			}
		}
		got, err := s.GetMany(ctx, inYear)
		if err != nil {
			return nil, err
		}
		for _, id := range inYear {
			if st := got[id]; st != nil {
				out = append(out, st)
			}
		}
		if len(ids) < pageSize || len(inYear) < len(ids) {
			return out, nil
		}
		page.MaxID = ids[len(ids)-1]
	}
}

// yearBounds are the ids of the year's first instant and of the next year's.
func yearBounds(year int) (from, to shard.ID) {
	return shard.AtTime(time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC)), shard.AtTime(time.Date(year+1, 1, 1, 0, 0, 0, 0, time.UTC))
}

// followsByMonth counts the follows of list (followers or following) made in year,
// by month, reading the listing newest first down to the year's start.
func followsByMonth(ctx context.Context, list func(context.Context, shard.ID, paging.Page) ([]account.Entry, error), acct shard.ID, year int) ([12]int, error) {
	var months [12]int
	from, to := yearBounds(year)
	page := paging.Page{MaxID: to, Limit: pageSize}
	for {
		entries, err := list(ctx, acct, page)
		if err != nil {
			return months, err
		}
		for _, e := range entries {
			if e.Cursor < from {
				return months, nil
			}
			months[e.Cursor.Time().Month()-1]++
		}
		if len(entries) < pageSize {
			return months, nil
		}
		page.MaxID = entries[len(entries)-1].Cursor
	}
}

// build generates the account's report of year.
func (s *Service) build(ctx context.Context, acct shard.ID, year int) (*Report, error) {
	sts, err := s.src.yearStatuses(ctx, acct, year)
	if err != nil {
		return nil, err
	}
	d := Data{TimeSeries: make([]Month, 12)}
	following, err := followsByMonth(ctx, s.src.Following, acct, year)
	if err != nil {
		return nil, err
	}
	followers, err := followsByMonth(ctx, s.src.Followers, acct, year)
	if err != nil {
		return nil, err
	}
	for i := range d.TimeSeries {
		d.TimeSeries[i] = Month{Month: i + 1, Following: following[i], Followers: followers[i]}
	}
	tags, apps, repliedTo := map[string]int{}, map[string]int{}, map[shard.ID]int{}
	var boosted []shard.ID
	polls := 0
	for _, st := range sts {
		d.TimeSeries[st.CreatedAt.UTC().Month()-1].Statuses++
		d.TypeDistribution.Total++
		switch {
		case st.ReblogOfID != 0:
			d.TypeDistribution.Reblogs++
			boosted = append(boosted, st.ReblogOfID)
			continue // a boost's tags and app are its original's
		case st.IsReply():
			d.TypeDistribution.Replies++
			repliedTo[st.InReplyToAccountID]++
		case st.InReplyToID == 0:
			d.TypeDistribution.Standalone++
			if st.Poll != nil {
				polls++
			}
		}
		for _, t := range st.Tags {
			tags[t]++
		}
		if st.AppName != "" {
			apps[st.AppName]++
		}
	}
	d.Archetype = archetype(d.TypeDistribution, polls)
	d.TopHashtags = topNames(tags, 1, topHashtags)
	d.MostUsedApps = topNames(apps, 0, topApps)
	d.CommonlyInteractedWithAccounts = topAccounts(repliedTo, 1, topInteracted)
	if d.MostRebloggedAccounts, err = s.rebloggedAccounts(ctx, boosted); err != nil {
		return nil, err
	}
	statusIDs, err := s.topStatuses(ctx, sts, &d.TopStatuses)
	if err != nil {
		return nil, err
	}
	data, err := json.Marshal(&d)
	if err != nil {
		return nil, fmt.Errorf("encode report data: %w", err)
	}
	rep := &Report{AccountID: acct, Year: year, SchemaVersion: SchemaVersion, Data: data,
		CreatedAt: s.opts.Now().UTC(), StatusIDs: statusIDs}
	for _, list := range [][]AccountCount{d.MostRebloggedAccounts, d.CommonlyInteractedWithAccounts} {
		for _, a := range list {
			if id, err := shard.Parse(a.AccountID); err == nil && !slices.Contains(rep.AccountIDs, id) {
				rep.AccountIDs = append(rep.AccountIDs, id)
			}
		}
	}
	return rep, nil
}

// archetype applies Mastodon's rule, in its order: few posts make a lurker; else
// boosts, polls or replies that outweigh the posts name the habit; else an oracle.
func archetype(td TypeDistribution, polls int) Archetype {
	standalone := float64(td.Standalone)
	switch {
	case td.Standalone+td.Replies+td.Reblogs < averagePerYear:
		return Lurker
	case float64(td.Reblogs) > standalone*scoreMultiplier:
		return Booster
	case float64(polls) > standalone*scoreReducer:
		return Pollster
	case float64(td.Replies) > standalone*scoreMultiplier:
		return Replier
	}
	return Oracle
}

// topNames ranks names used more than atLeast times, most used first (ties by name, so
// that a report is the same however often it is made), at most limit.
func topNames(counts map[string]int, atLeast, limit int) []NameCount {
	out := []NameCount{}
	for n, c := range counts {
		if c > atLeast {
			out = append(out, NameCount{Name: n, Count: c})
		}
	}
	slices.SortFunc(out, func(a, b NameCount) int { return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Name, b.Name)) })
	return out[:min(len(out), limit)]
}

// topAccounts ranks accounts counted more than atLeast times, as topNames does.
func topAccounts(counts map[shard.ID]int, atLeast, limit int) []AccountCount {
	type pair struct {
		id shard.ID
		n  int
	}
	var ps []pair
	for id, c := range counts {
		if c > atLeast && id != 0 {
			ps = append(ps, pair{id, c})
		}
	}
	slices.SortFunc(ps, func(a, b pair) int { return cmp.Or(cmp.Compare(b.n, a.n), cmp.Compare(a.id, b.id)) })
	out := []AccountCount{}
	for _, p := range ps[:min(len(ps), limit)] {
		out = append(out, AccountCount{AccountID: p.id.String(), Count: p.n})
	}
	return out
}

// rebloggedAccounts ranks the authors of the statuses boosted, read in pages.
func (s *Service) rebloggedAccounts(ctx context.Context, originals []shard.ID) ([]AccountCount, error) {
	authors := map[shard.ID]int{}
	for chunk := range slices.Chunk(originals, pageSize) {
		got, err := s.src.GetMany(ctx, chunk)
		if err != nil {
			return nil, err
		}
		for _, id := range chunk {
			if st := got[id]; st != nil {
				authors[st.AccountID]++
			}
		}
	}
	return topAccounts(authors, 1, topReblogged), nil
}

// topStatuses picks the year's public statuses most boosted, most favourited and most
// replied to, each distinct, and returns their ids.
func (s *Service) topStatuses(ctx context.Context, sts []*status.Status, top *TopStatuses) ([]shard.ID, error) {
	var ids []shard.ID
	for _, st := range sts {
		if st.Visibility == status.Public && st.ReblogOfID == 0 {
			ids = append(ids, st.ID)
		}
	}
	counts := make([]status.Counts, 0, len(ids))
	for chunk := range slices.Chunk(ids, pageSize) {
		c, err := s.src.Counts(ctx, chunk)
		if err != nil {
			return nil, err
		}
		counts = append(counts, c...)
	}
	var picked []shard.ID
	for _, f := range []struct {
		dst *(*string)
		n   func(status.Counts) int64
	}{
		{&top.ByReblogs, func(c status.Counts) int64 { return c.Reblogs }},
		{&top.ByFavourites, func(c status.Counts) int64 { return c.Favourites }},
		{&top.ByReplies, func(c status.Counts) int64 { return c.Replies }},
	} {
		best, bestN := shard.ID(0), int64(-1)
		for i, id := range ids {
			if n := f.n(counts[i]); n > bestN && !slices.Contains(picked, id) {
				best, bestN = id, n
			}
		}
		if best != 0 {
			picked = append(picked, best)
			str := best.String()
			*f.dst = &str
		}
	}
	return picked, nil
}
