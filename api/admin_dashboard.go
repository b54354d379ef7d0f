package api

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"strconv"
	"time"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/hashtag"
	"github.com/herd-social/herd/moderation"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/trends"
)

// The dashboard's figures on servers, tags and languages, from the daily counts of
// new statuses the trends consumer keeps (trends.DayCounts).

// dashTag reads the tag whose id is <key>[id] (400 without one, 404 for an unknown
// one).
func (s *Server) dashTag(r *req, key string) (string, error) {
	raw := r.p.str(key + "[id]")
	if raw == "" {
		return "", &HTTPError{Code: 400, Msg: "param is missing or the value is empty: id"}
	}
	id, err := shard.Parse(raw)
	if err != nil {
		return "", errNotFound
	}
	tag, err := s.d.Hashtags.ByID(r.context(), id)
	if errors.Is(err, hashtag.ErrNotFound) {
		return "", errNotFound
	}
	if err != nil {
		return "", err
	}
	return tag.Name, nil
}

// dashDomain reads the domain <key>[domain] (400 without one).
func dashDomain(r *req, key string) (string, error) {
	raw := r.p.str(key + "[domain]")
	if raw == "" {
		return "", &HTTPError{Code: 400, Msg: "param is missing or the value is empty: domain"}
	}
	d, err := account.NormalizeDomain(raw)
	if err != nil {
		return raw, nil // matches nothing
	}
	return d, nil
}

// instanceStatusesMeasure counts the statuses of a server each day.
func (s *Server) instanceStatusesMeasure(domain string) func(context.Context, time.Time, time.Time) ([]int64, int64, error) {
	return func(ctx context.Context, from, to time.Time) ([]int64, int64, error) {
		counts, err := s.d.Trends.DayCounts(ctx, trends.DayServers, "", from, to)
		if err != nil {
			return nil, 0, err
		}
		daily := make([]int64, len(counts))
		var total int64
		for i, c := range counts {
			daily[i] = c[domain]
			total += daily[i]
		}
		return daily, total, nil
	}
}

// tagServersMeasure counts the servers whose statuses used a tag each day, and in
// the period (each server once).
func (s *Server) tagServersMeasure(tag string) func(context.Context, time.Time, time.Time) ([]int64, int64, error) {
	return func(ctx context.Context, from, to time.Time) ([]int64, int64, error) {
		counts, err := s.d.Trends.DayCounts(ctx, trends.DayTagServers, tag, from, to)
		if err != nil {
			return nil, 0, err
		}
		daily := make([]int64, len(counts))
		seen := map[string]bool{}
		for i, c := range counts {
			daily[i] = int64(len(c))
			for k := range c {
				seen[k] = true
			}
		}
		return daily, int64(len(seen)), nil
	}
}

// dashDimension reads one of the dimensions kept as daily counts: the keys counted
// most in the period first, at most limit of them; ok is false for another key.
func (s *Server) dashDimension(r *req, key string, from, to time.Time, limit int) (d *Dimension, ok bool, err error) {
	var dim, scope string
	languages := false
	switch key {
	case "servers":
		dim = trends.DayServers
	case "tag_servers", "tag_languages":
		if scope, err = s.dashTag(r, key); err != nil {
			return nil, true, err
		}
		dim, languages = trends.DayTagServers, key == "tag_languages"
		if languages {
			dim = trends.DayTagLanguages
		}
	case "instance_languages":
		if scope, err = dashDomain(r, key); err != nil {
			return nil, true, err
		}
		dim, languages = trends.DayInstanceLanguages, true
	default:
		return nil, false, nil
	}
	counts, err := s.d.Trends.DayCounts(r.context(), dim, scope, from, to)
	if err != nil {
		return nil, true, err
	}
	sum := map[string]int{}
	for _, c := range counts {
		for k, n := range c {
			sum[k] += int(n)
		}
	}
	if languages {
		return &Dimension{Key: key, Data: ranked(sum, limit)}, true, nil
	}
	keys := make([]string, 0, len(sum))
	for k := range sum {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int { return cmp.Or(cmp.Compare(sum[b], sum[a]), cmp.Compare(a, b)) })
	out := &Dimension{Key: key, Data: []DimensionPoint{}}
	for _, k := range keys[:min(limit, len(keys))] {
		v := strconv.Itoa(sum[k])
		out.Data = append(out.Data, DimensionPoint{Key: k, HumanKey: k, Value: v, HumanValue: v})
	}
	return out, true, nil
}

// instanceReportsMeasure counts the reports made each day about accounts of a
// server.
func (s *Server) instanceReportsMeasure(domain string) func(context.Context, time.Time, time.Time) ([]int64, int64, error) {
	return func(ctx context.Context, from, to time.Time) ([]int64, int64, error) {
		daily := make([]int64, len(days(from, to)))
		var total int64
		if s.d.Reports == nil {
			return daily, 0, nil
		}
		domains := map[shard.ID]string{}
		var failed error
		err := s.eachReport(ctx, func(rep *moderation.Report) {
			d := account.DayOf(rep.CreatedAt)
			if failed != nil || d.Before(from) || d.After(to) {
				return
			}
			dom, ok := domains[rep.TargetAccountID]
			if !ok {
				a, err := s.d.Accounts.Get(ctx, rep.TargetAccountID)
				if err != nil && !errors.Is(err, account.ErrNotFound) {
					failed = err
					return
				}
				if a != nil {
					dom = a.Domain
				}
				domains[rep.TargetAccountID] = dom
			}
			if dom == domain {
				daily[int(d.Sub(from)/(24*time.Hour))]++
				total++
			}
		})
		return daily, total, cmp.Or(err, failed)
	}
}
