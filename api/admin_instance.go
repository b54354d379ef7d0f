package api

import (
	"cmp"
	"context"
	"slices"
	"strconv"
	"time"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
)

// instanceAccountsCap bounds the accounts of a server the instance_accounts
// dimension ranks (the newest known).
const instanceAccountsCap = 10000

// instanceAccountsMeasure counts the accounts of a server that became known here
// each day, as Mastodon's InstanceAccountsMeasure counts them by their creation
// here: a domain's listing is keyed by account id, which holds that time, so a day
// is one range of it.
func (s *Server) instanceAccountsMeasure(domain string) func(context.Context, time.Time, time.Time) ([]int64, int64, error) {
	return func(ctx context.Context, from, to time.Time) ([]int64, int64, error) {
		ds := days(from, to)
		daily := make([]int64, len(ds))
		var total int64
		for i, d := range ds {
			r := store.Range{Lower: store.Incl(shard.AtTime(d).Bytes()), Upper: store.Excl(shard.AtTime(d.AddDate(0, 0, 1)).Bytes()), Limit: 1000}
			for {
				rows, err := s.d.Accounts.Listing(ctx, account.ListingDomain(domain), r)
				if err != nil {
					return nil, 0, err
				}
				daily[i] += int64(len(rows))
				if len(rows) < r.Limit {
					break
				}
				r.Upper = store.Excl(rows[len(rows)-1].CK) // newest first
			}
			total += daily[i]
		}
		return daily, total, nil
	}
}

// instanceAccountsDimension ranks the accounts of a server by their followers here
// and there (the counter Herd keeps for them), as Mastodon's
// InstanceAccountsDimension lists a server's most followed accounts; it ranks the
// newest instanceAccountsCap accounts known of it.
func (s *Server) instanceAccountsDimension(ctx context.Context, domain string, limit int) (*Dimension, error) {
	rows, err := s.d.Accounts.Listing(ctx, account.ListingDomain(domain), store.Range{Limit: instanceAccountsCap})
	if err != nil {
		return nil, err
	}
	ids := make([]shard.ID, len(rows))
	for i, r := range rows {
		ids[i] = shard.FromBytes(r.CK)
	}
	counts, err := s.d.Accounts.Counts(ctx, ids)
	if err != nil {
		return nil, err
	}
	order := make([]int, len(ids))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(counts[b].Followers, counts[a].Followers) })
	top := make([]shard.ID, 0, limit)
	for _, i := range order[:min(limit, len(order))] {
		top = append(top, ids[i])
	}
	accs, err := s.d.Accounts.GetMany(ctx, top)
	if err != nil {
		return nil, err
	}
	out := &Dimension{Key: "instance_accounts", Data: []DimensionPoint{}}
	for _, i := range order[:min(limit, len(order))] {
		a := accs[ids[i]]
		if a == nil {
			continue
		}
		v := strconv.FormatInt(counts[i].Followers, 10)
		out.Data = append(out.Data, DimensionPoint{Key: a.Acct(), HumanKey: a.Acct(), Value: v, HumanValue: v})
	}
	return out, nil
}

// instanceFollowsMeasure counts, each day, the follows made of a server's accounts
// (follows, as Mastodon's instance_follows: local accounts following them) or by
// them (followers, as instance_followers: they following local accounts), read
// from the follow listings of the server's newest instanceAccountsCap accounts, and
// in the period (Mastodon's total is every such follow).
func (s *Server) instanceFollowsMeasure(domain string, followers bool) func(context.Context, time.Time, time.Time) ([]int64, int64, error) {
	return func(ctx context.Context, from, to time.Time) ([]int64, int64, error) {
		rows, err := s.d.Accounts.Listing(ctx, account.ListingDomain(domain), store.Range{Limit: instanceAccountsCap})
		if err != nil {
			return nil, 0, err
		}
		ds := days(from, to)
		daily := make([]int64, len(ds))
		lower, upper := shard.AtTime(ds[0]), shard.AtTime(ds[len(ds)-1].AddDate(0, 0, 1))
		for _, r := range rows {
			// a remote account's followers here follow it; whom it follows here it follows
			follows, err := s.d.Accounts.FollowIDsIn(ctx, shard.FromBytes(r.CK), !followers, lower, upper)
			if err != nil {
				return nil, 0, err
			}
			for _, f := range follows {
				if d := int(f.Time().Sub(ds[0]) / (24 * time.Hour)); d >= 0 && d < len(daily) {
					daily[d]++
				}
			}
		}
		var total int64
		for _, n := range daily {
			total += n
		}
		return daily, total, nil
	}
}
