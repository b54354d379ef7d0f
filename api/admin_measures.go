package api

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/hashtag"
	"github.com/herd-social/herd/moderation"
	"github.com/herd-social/herd/paging"
	"github.com/herd-social/herd/shard"
)

// The admin dashboard's figures: Mastodon's measures, dimensions and retention.
// Herd answers the keys it keeps data for and leaves the others out of the answer,
// as Mastodon does for keys it does not know.

// Measure is Mastodon's Admin::Measure entity.
type Measure struct {
	Key           string         `json:"key"`
	Unit          *string        `json:"unit"`
	Total         string         `json:"total"`
	PreviousTotal *string        `json:"previous_total,omitempty"`
	Data          []MeasurePoint `json:"data"`
}

// MeasurePoint is one day of a measure.
type MeasurePoint struct {
	Date  string `json:"date"`
	Value string `json:"value"`
}

// Dimension is Mastodon's Admin::Dimension entity.
type Dimension struct {
	Key  string           `json:"key"`
	Data []DimensionPoint `json:"data"`
}

// DimensionPoint is one item of a dimension.
type DimensionPoint struct {
	Key        string `json:"key"`
	HumanKey   string `json:"human_key"`
	Value      string `json:"value"`
	HumanValue string `json:"human_value,omitempty"`
}

// Cohort is Mastodon's Admin::Cohort entity: the users who signed up in a period
// and how many of them were active in it or later.
type Cohort struct {
	Period    string        `json:"period"`
	Frequency string        `json:"frequency"`
	Data      []CohortPoint `json:"data"`
}

// CohortPoint is the part of a cohort active in or after one period.
type CohortPoint struct {
	Date  string  `json:"date"`
	Rate  float64 `json:"rate"`
	Value string  `json:"value"`
}

// maxAnalyticsDays bounds the days one request reads.
const maxAnalyticsDays = 400

func (s *Server) routeAdminMeasures() {
	read := user("admin:read")
	s.handle("POST", "/api/v1/admin/measures", read, s.adminMeasures)
	s.handle("POST", "/api/v1/admin/dimensions", read, s.adminDimensions)
	s.handle("POST", "/api/v1/admin/retention", read, s.adminRetention)
}

// dashDate renders a day as Mastodon does (ISO 8601, UTC).
func dashDate(d time.Time) string { return d.UTC().Format(time.RFC3339) }

// analyticsRange reads start_at and end_at: the days from the first to the last,
// both included.
func analyticsRange(p params) (from, to time.Time, err error) {
	for i, name := range []string{"start_at", "end_at"} {
		v := p.str(name)
		if v == "" {
			return from, to, &HTTPError{Code: 400, Msg: "param is missing or the value is empty: " + name}
		}
		t, perr := time.Parse(time.DateOnly, v)
		if perr != nil {
			if t, perr = time.Parse(time.RFC3339, v); perr != nil {
				return from, to, &HTTPError{Code: 400, Msg: "invalid date: " + name, Cause: perr}
			}
		}
		if i == 0 {
			from = account.DayOf(t)
		} else {
			to = account.DayOf(t)
		}
	}
	if to.Before(from) {
		return from, to, &HTTPError{Code: 422, Msg: "end_at is before start_at"}
	}
	if to.Sub(from) >= maxAnalyticsDays*24*time.Hour {
		return from, to, &HTTPError{Code: 422, Msg: "the period is longer than " + strconv.Itoa(maxAnalyticsDays) + " days"}
	}
	return from, to, nil
}

func days(from, to time.Time) []time.Time {
	var out []time.Time
	for d := from; !d.After(to); d = d.AddDate(0, 0, 1) {
		out = append(out, d)
	}
	return out
}

func (s *Server) adminMeasures(r *req) error {
	from, to, err := analyticsRange(r.p)
	if err != nil {
		return err
	}
	// The previous period: as long, ending the day before.
	n := len(days(from, to))
	pfrom, pto := from.AddDate(0, 0, -n), from.AddDate(0, 0, -1)
	out := []*Measure{}
	for _, key := range r.p.list("keys") {
		var count func(ctx context.Context, from, to time.Time) ([]int64, int64, error)
		switch key {
		case "new_users":
			count = s.usersMeasure(true)
		case "active_users":
			count = s.usersMeasure(false)
		case "opened_reports":
			count = s.reportsMeasure(false)
		case "resolved_reports":
			count = s.reportsMeasure(true)
		case "interactions":
			count = s.interactionsMeasure
		case "tag_uses", "tag_accounts":
			if count, err = s.tagMeasure(r, key); err != nil {
				return err
			}
		case "tag_servers":
			tag, err := s.dashTag(r, key)
			if err != nil {
				return err
			}
			count = s.tagServersMeasure(tag)
		case "instance_statuses":
			domain, err := dashDomain(r, key)
			if err != nil {
				return err
			}
			count = s.instanceStatusesMeasure(domain)
		case "instance_reports":
			domain, err := dashDomain(r, key)
			if err != nil {
				return err
			}
			count = s.instanceReportsMeasure(domain)
		case "instance_accounts":
			domain, err := dashDomain(r, key)
			if err != nil {
				return err
			}
			count = s.instanceAccountsMeasure(domain)
		case "instance_follows", "instance_followers":
			domain, err := dashDomain(r, key)
			if err != nil {
				return err
			}
			count = s.instanceFollowsMeasure(domain, key == "instance_followers")
		default:
			continue
		}
		daily, total, err := count(r.context(), from, to)
		if err != nil {
			return err
		}
		_, prev, err := count(r.context(), pfrom, pto)
		if err != nil {
			return err
		}
		m := &Measure{Key: key, Total: strconv.FormatInt(total, 10), Data: []MeasurePoint{}}
		ps := strconv.FormatInt(prev, 10)
		m.PreviousTotal = &ps
		for i, d := range days(from, to) {
			m.Data = append(m.Data, MeasurePoint{Date: dashDate(d), Value: strconv.FormatInt(daily[i], 10)})
		}
		out = append(out, m)
	}
	return r.json(out)
}

// usersMeasure counts the users who signed up (or were active) each day, and in
// all (distinct users: someone active on two days counts once).
func (s *Server) usersMeasure(signups bool) func(context.Context, time.Time, time.Time) ([]int64, int64, error) {
	return func(ctx context.Context, from, to time.Time) ([]int64, int64, error) {
		seen := map[shard.ID]bool{}
		var daily []int64
		for _, d := range days(from, to) {
			ids, err := s.d.Accounts.DayUsers(ctx, d, signups)
			if err != nil {
				return nil, 0, err
			}
			daily = append(daily, int64(len(ids)))
			for _, id := range ids {
				seen[id] = true
			}
		}
		return daily, int64(len(seen)), nil
	}
}

// reportsMeasure counts the reports made (or resolved) each day.
func (s *Server) reportsMeasure(resolved bool) func(context.Context, time.Time, time.Time) ([]int64, int64, error) {
	return func(ctx context.Context, from, to time.Time) ([]int64, int64, error) {
		daily := make([]int64, len(days(from, to)))
		var total int64
		if s.d.Reports == nil {
			return daily, 0, nil
		}
		err := s.eachReport(ctx, func(rep *moderation.Report) {
			at := rep.CreatedAt
			if resolved {
				at = rep.ActionTakenAt
			}
			if at.IsZero() {
				return
			}
			d := account.DayOf(at)
			if d.Before(from) || d.After(to) {
				return
			}
			daily[int(d.Sub(from)/(24*time.Hour))]++
			total++
		})
		return daily, total, err
	}
}

// eachReport calls f with every report, open or resolved.
func (s *Server) eachReport(ctx context.Context, f func(*moderation.Report)) error {
	for _, resolved := range []bool{false, true} {
		page := paging.Page{Limit: 200}
		for {
			reps, err := s.d.Reports.List(ctx, moderation.Query{Resolved: resolved}, page)
			if err != nil {
				return err
			}
			for _, rep := range reps {
				f(rep)
			}
			if len(reps) < page.Limit {
				break
			}
			page.MaxID = reps[len(reps)-1].ID
		}
	}
	return nil
}

// adminRetention answers the cohorts of the users who signed up in each day (or
// month) of the period, each with how many of them were active in each period from
// theirs to the last, or later (Mastodon counts a user retained in a period when
// their last sign-in is in it or after it).
func (s *Server) adminRetention(r *req) error {
	from, to, err := analyticsRange(r.p)
	if err != nil {
		return err
	}
	freq := r.p.str("frequency")
	if freq != "month" {
		freq = "day" // as Mastodon, for anything else
	}
	periods := days(from, to)
	next := func(p time.Time) time.Time { return p.AddDate(0, 0, 1) }
	if freq == "month" {
		periods = nil
		for m := time.Date(from.Year(), from.Month(), 1, 0, 0, 0, 0, time.UTC); !m.After(to); m = m.AddDate(0, 1, 0) {
			periods = append(periods, m)
		}
		next = func(p time.Time) time.Time { return p.AddDate(0, 1, 0) }
	}
	ctx := r.context()
	last, err := s.lastActive(ctx, periods[0])
	if err != nil {
		return err
	}
	out := []*Cohort{}
	for i, p := range periods {
		var cohort []shard.ID
		for _, d := range days(p, next(p).AddDate(0, 0, -1)) {
			ids, err := s.d.Accounts.DayUsers(ctx, d, true)
			if err != nil {
				return err
			}
			cohort = append(cohort, ids...)
		}
		c := &Cohort{Period: dashDate(p), Frequency: freq, Data: []CohortPoint{}}
		for _, q := range periods[i:] {
			var n int
			for _, id := range cohort {
				if l, ok := last[id]; ok && !l.Before(q) {
					n++
				}
			}
			rate := 0.0
			if len(cohort) > 0 {
				rate = float64(n) / float64(len(cohort))
			}
			c.Data = append(c.Data, CohortPoint{Date: dashDate(q), Rate: rate, Value: strconv.Itoa(n)})
		}
		out = append(out, c)
	}
	return r.json(out)
}

// lastActive returns each user's last day of activity, of those active since from.
func (s *Server) lastActive(ctx context.Context, from time.Time) (map[shard.ID]time.Time, error) {
	last := map[shard.ID]time.Time{}
	for _, d := range days(from, account.DayOf(s.d.Now())) {
		ids, err := s.d.Accounts.DayUsers(ctx, d, false)
		if err != nil {
			return nil, err
		}
		for _, id := range ids {
			last[id] = d
		}
	}
	return last, nil
}

// tagMeasure counts the daily uses of the tag whose id is <key>[id], or the accounts
// that used it each day (their total is the sum of the days': Herd does not keep
// who used a tag past nine days, where Mastodon counts each account once).
func (s *Server) tagMeasure(r *req, key string) (func(context.Context, time.Time, time.Time) ([]int64, int64, error), error) {
	raw := r.p.str(key + "[id]")
	if raw == "" {
		return nil, &HTTPError{Code: 400, Msg: "param is missing or the value is empty: id"}
	}
	id, err := shard.Parse(raw)
	if err != nil {
		return nil, errNotFound
	}
	tag, err := s.d.Hashtags.ByID(r.context(), id)
	if errors.Is(err, hashtag.ErrNotFound) {
		return nil, errNotFound
	}
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context, from, to time.Time) ([]int64, int64, error) {
		hist, err := s.d.Hashtags.HistoryBetween(ctx, tag.Name, from, to)
		if err != nil {
			return nil, 0, err
		}
		daily := make([]int64, len(hist))
		var total int64
		for i, d := range hist {
			daily[i] = d.Uses
			if key == "tag_accounts" {
				daily[i] = d.Accounts
			}
			total += daily[i]
		}
		return daily, total, nil
	}, nil
}

// interactionsMeasure counts the local accounts' new favourites, boosts and replies
// to others each day.
func (s *Server) interactionsMeasure(ctx context.Context, from, to time.Time) ([]int64, int64, error) {
	daily, err := s.d.Accounts.DayCounts(ctx, account.DayInteractions, from, to)
	if err != nil {
		return nil, 0, err
	}
	var total int64
	for _, n := range daily {
		total += n
	}
	return daily, total, nil
}
