package trends

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/herd-social/herd/paging"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
)

// Mastodon's score parameters (Trends::Tags, Trends::Links, Trends::Statuses).
const (
	maxCandidates = 5000 // read of a day's candidates of one kind
	decayFloor    = 1.0  // tags and links below it do not trend
	statusFloor   = 0.3  // statuses below it do not trend
	tagHalfLife   = 2 * time.Hour
	linkHalfLife  = 8 * time.Hour
	statHalfLife  = 2 * time.Hour
)

// Ranked is an item with its score now.
type Ranked struct {
	*Item
	Score float64
}

// Rank returns the items of kind k (not Publisher) trending now, best first: only
// those a viewer may be shown unless all is set (moderators' review lists).
func (s *Service) Rank(ctx context.Context, k Kind, all bool) ([]Ranked, error) {
	now := s.opts.Now()
	if out, ok := s.cache.get(rankKey{k, all}, s.opts.CacheFor, now); ok {
		return out, nil
	}
	out, err := s.rank(ctx, k, all, now)
	if err == nil {
		s.cache.put(rankKey{k, all}, now, out)
	}
	return out, err
}

func (s *Service) rank(ctx context.Context, k Kind, all bool, now time.Time) ([]Ranked, error) {
	d := dayOf(now)
	var keys []string
	seen := map[string]bool{}
	for _, day := range []int64{d, d - 1} {
		rows, err := s.st.Scan(ctx, tCandidates, append([]byte{byte(k)}, be32(day)...), store.Range{Limit: maxCandidates})
		if err != nil {
			return nil, fmt.Errorf("trend candidates: %w", err)
		}
		for _, r := range rows {
			if key := string(r.CK); !seen[key] {
				seen[key] = true
				keys = append(keys, key)
			}
		}
	}
	if len(keys) == 0 {
		return nil, nil
	}
	its, err := s.items(ctx, k, keys)
	if err != nil {
		return nil, err
	}
	if k == Status {
		if err := s.withAuthors(ctx, its); err != nil {
			return nil, err
		}
	}
	if !all {
		if its, err = s.allowed(ctx, k, its); err != nil {
			return nil, err
		}
	}
	its = slices.DeleteFunc(its, func(it *Item) bool { return it == nil })
	var scores []float64
	if k == Status {
		scores, err = s.statusScores(ctx, its, now)
	} else {
		scores, err = s.useScores(ctx, k, its, now)
	}
	if err != nil {
		return nil, err
	}
	floor := decayFloor
	if k == Status {
		floor = statusFloor
	}
	var out []Ranked
	for i, it := range its {
		if scores[i] >= floor {
			out = append(out, Ranked{Item: it, Score: scores[i]})
		}
	}
	slices.SortStableFunc(out, func(a, b Ranked) int {
		if c := cmp.Compare(b.Score, a.Score); c != 0 {
			return c
		}
		return cmp.Compare(b.ID, a.ID)
	})
	return out, nil
}

// allowed keeps the items a viewer may be shown (nil the others); a link not
// reviewed itself follows its publisher's review, a status its author's, as
// Mastodon's.
func (s *Service) allowed(ctx context.Context, k Kind, its []*Item) ([]*Item, error) {
	var pubs map[string]*Item
	if k == Link {
		var domains []string
		for _, it := range its {
			if it != nil && it.State == Pending {
				domains = append(domains, domainOf(it.Key))
			}
		}
		ps, err := s.items(ctx, Publisher, domains)
		if err != nil {
			return nil, err
		}
		pubs = map[string]*Item{}
		for i, p := range ps {
			pubs[domains[i]] = p
		}
	}
	for i, it := range its {
		if it == nil {
			continue
		}
		if p := pubs[domainOf(it.Key)]; k == Link && it.State == Pending && p != nil && p.State != Pending {
			if p.State == Rejected {
				its[i] = nil
			}
			continue
		}
		if !s.Allowed(it) {
			its[i] = nil
		}
	}
	return its, nil
}

func domainOf(link string) string {
	u, err := url.Parse(link)
	if err != nil {
		return ""
	}
	return strings.ToLower(u.Hostname())
}

// score is Mastodon's: nothing below the threshold or not above what was
// expected, else the squared excess over the expected.
func (s *Service) score(observed, expected float64) float64 {
	expected = max(expected, 1)
	if observed < float64(s.opts.Threshold) || observed <= expected {
		return 0
	}
	return (observed - expected) * (observed - expected) / expected
}

// useScores scores tags and links by their distinct accounts: today's against
// yesterday's, or yesterday's against the day before decayed since midnight, the
// larger (Mastodon's maximum score with its half-life).
func (s *Service) useScores(ctx context.Context, k Kind, its []*Item, now time.Time) ([]float64, error) {
	d := dayOf(now)
	keys := make([]store.Key, 0, 3*len(its))
	for _, it := range its {
		for i := int64(0); i < 3; i++ {
			keys = append(keys, store.Key{PK: itemKey(k, it.Key), CK: countKey(d-i, countAccts)})
		}
	}
	cs, err := s.st.Counters(ctx, tCounts, keys)
	if err != nil {
		return nil, fmt.Errorf("trend counts: %w", err)
	}
	half := tagHalfLife
	if k == Link {
		half = linkHalfLife
	}
	since := now.Sub(time.Unix(d*secondsDay, 0))
	out := make([]float64, len(its))
	for i := range its {
		today, yesterday, before := float64(cs[3*i]), float64(cs[3*i+1]), float64(cs[3*i+2])
		out[i] = max(s.score(today, yesterday), s.score(yesterday, before)*math.Pow(0.5, since.Hours()/half.Hours()))
	}
	return out, nil
}

// statusScores scores statuses by their boosts and favourites, decayed with the
// status's age, as Mastodon's.
func (s *Service) statusScores(ctx context.Context, its []*Item, now time.Time) ([]float64, error) {
	ids := make([]shard.ID, len(its))
	for i, it := range its {
		ids[i] = it.ID
	}
	cs, err := s.statuses.Counts(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]float64, len(its))
	for i, c := range cs {
		age := now.Sub(ids[i].Time())
		out[i] = s.score(float64(c.Reblogs+c.Favourites), 1) * math.Pow(0.5, age.Hours()/statHalfLife.Hours())
	}
	return out, nil
}

// Day is one day of an item's history.
type Day struct {
	// Day is the day's midnight, UTC.
	Day      time.Time
	Uses     int64
	Accounts int64
}

// History returns the uses of an item (statuses and distinct accounts) over the
// last seven days, today first.
func (s *Service) History(ctx context.Context, k Kind, key string) ([]Day, error) {
	d := dayOf(s.opts.Now())
	keys := make([]store.Key, 0, 2*historyDays)
	for i := int64(0); i < historyDays; i++ {
		keys = append(keys, store.Key{PK: itemKey(k, key), CK: countKey(d-i, countUses)},
			store.Key{PK: itemKey(k, key), CK: countKey(d-i, countAccts)})
	}
	cs, err := s.st.Counters(ctx, tCounts, keys)
	if err != nil {
		return nil, fmt.Errorf("trend history: %w", err)
	}
	out := make([]Day, historyDays)
	for i := range out {
		out[i] = Day{Day: time.Unix((d-int64(i))*secondsDay, 0).UTC(), Uses: cs[2*i], Accounts: cs[2*i+1]}
	}
	return out, nil
}

// Publishers returns the publishers of the links trending now, reviewed or not,
// in the order of their best link.
func (s *Service) Publishers(ctx context.Context) ([]*Item, error) {
	links, err := s.Rank(ctx, Link, true)
	if err != nil {
		return nil, err
	}
	var domains []string
	for _, l := range links {
		if d := domainOf(l.Key); d != "" && !slices.Contains(domains, d) {
			domains = append(domains, d)
		}
	}
	ps, err := s.items(ctx, Publisher, domains)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(ps, func(p *Item) bool { return p == nil }), nil
}

// LinkStatuses returns a page of the eligible statuses that shared a link in the
// last days, newest first.
func (s *Service) LinkStatuses(ctx context.Context, link string, p paging.Page) ([]shard.ID, error) {
	rows, err := s.st.Scan(ctx, tLinkPosts, []byte(link), p.Range())
	if err != nil {
		return nil, fmt.Errorf("statuses of link: %w", err)
	}
	rows = p.Newest(rows)
	out := make([]shard.ID, len(rows))
	for i, r := range rows {
		out[i] = shard.FromBytes(r.CK)
	}
	return out, nil
}
