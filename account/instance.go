package account

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
)

// The instance's own figures: its totals (users, local posts), its activity by week
// as Mastodon's /api/v1/instance/activity shows it (statuses posted, users who signed
// in or used a token, registrations), and the domains it has seen accounts of (its
// peers).

// instancePK is the partition of the instance-wide counters in account_counters.
var instancePK = []byte("instance")

// Instance-wide counters.
const (
	CountUsers      = "users"
	CountLocalPosts = "local_posts"
)

// Weekly counters, each in the partition of its week in account_counters.
const (
	WeekStatuses      = "statuses"
	WeekLogins        = "logins"
	WeekRegistrations = "registrations"
)

const (
	week = 7 * 24 * time.Hour
	// activityWeeks is how many weeks the activity shows, as Mastodon: 12.
	activityWeeks = 12
)

// peersPK is the partition of instance_peers: one row per domain, keyed by it.
var peersPK = []byte("peers")

// InstanceCountMutation adds delta to an instance-wide counter.
func InstanceCountMutation(counter string, delta int64) store.Mutation {
	return store.Mutation{Kind: store.Add, Table: tCounters, PK: instancePK, CK: []byte(counter), Delta: delta}
}

// WeekCountMutation adds one to a weekly counter, in the week of t.
func WeekCountMutation(counter string, t time.Time) store.Mutation {
	return store.Mutation{Kind: store.Add, Table: tCounters, PK: weekPK(WeekOf(t)), CK: []byte(counter), Delta: 1}
}

// WeekOf is the start of the week of t, Monday 00:00 UTC, as Mastodon's weeks.
func WeekOf(t time.Time) time.Time {
	d := t.UTC().Truncate(24 * time.Hour)
	return d.AddDate(0, 0, -((int(d.Weekday()) + 6) % 7))
}

func weekPK(start time.Time) []byte {
	return []byte("instance:week:" + strconv.FormatInt(start.Unix(), 10))
}

// InstanceCounts returns the number of local users and local posts.
func (s *Service) InstanceCounts(ctx context.Context) (users, posts int64, err error) {
	v, err := s.st.Counters(ctx, tCounters, []store.Key{{PK: instancePK, CK: []byte(CountUsers)}, {PK: instancePK, CK: []byte(CountLocalPosts)}})
	if err != nil {
		return 0, 0, fmt.Errorf("load instance counters: %w", err)
	}
	return max(v[0], 0), max(v[1], 0), nil
}

// Week is the instance's activity in one week.
type Week struct {
	Start                           time.Time
	Statuses, Logins, Registrations int64
}

// Activity returns the last twelve weeks, this one first.
func (s *Service) Activity(ctx context.Context) ([]Week, error) {
	weeks := make([]Week, activityWeeks)
	var keys []store.Key
	start := WeekOf(s.opts.Now())
	for i := range weeks {
		weeks[i].Start = start.AddDate(0, 0, -7*i)
		pk := weekPK(weeks[i].Start)
		for _, c := range []string{WeekStatuses, WeekLogins, WeekRegistrations} {
			keys = append(keys, store.Key{PK: pk, CK: []byte(c)})
		}
	}
	v, err := s.st.Counters(ctx, tCounters, keys)
	if err != nil {
		return nil, fmt.Errorf("load the instance's activity: %w", err)
	}
	for i := range weeks {
		weeks[i].Statuses, weeks[i].Logins, weeks[i].Registrations = max(v[3*i], 0), max(v[3*i+1], 0), max(v[3*i+2], 0)
	}
	return weeks, nil
}

// RecordLogin counts a local user as active today and this week, once: called on
// every authenticated request, it costs a map lookup after the first of the day on
// each node, and one or two conditional writes per user and day across the cluster.
func (s *Service) RecordLogin(ctx context.Context, id shard.ID) error {
	now := s.opts.Now()
	if !s.logins.first(id, DayOf(now)) {
		return nil
	}
	// The day's row first (the admin measures and retention), then the week's: a
	// user already recorded today was recorded this week too.
	added, _, err := s.st.PutIfAbsent(ctx, tDaily, dailyPK("active", now), id.Bytes(), empty, 0)
	if err != nil || !added {
		if err != nil {
			s.logins.forget(id)
			return fmt.Errorf("record the activity of %d: %w", id, err)
		}
		return nil
	}
	pk := weekPK(WeekOf(now))
	added, _, err = s.st.PutIfAbsent(ctx, tLogins, pk, id.Bytes(), empty, 0)
	if err == nil && added {
		err = s.st.Batch(ctx, []store.Mutation{{Kind: store.Add, Table: tCounters, PK: pk, CK: []byte(WeekLogins), Delta: 1}})
	}
	if err != nil {
		s.logins.forget(id)
		return fmt.Errorf("record the sign-in of %d: %w", id, err)
	}
	return nil
}

// loginsSeen is the day on which each user was last counted by this node.
type loginsSeen struct {
	mu  sync.Mutex
	day map[shard.ID]time.Time
}

// loginsKept bounds the map; past it, it starts afresh (and the store says who was
// counted already).
const loginsKept = 1 << 20

// first reports whether id was not yet counted in the day starting at start, and
// takes it as counted.
func (l *loginsSeen) first(id shard.ID, start time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.day == nil || len(l.day) >= loginsKept {
		l.day = make(map[shard.ID]time.Time)
	}
	if l.day[id].Equal(start) {
		return false
	}
	l.day[id] = start
	return true
}

func (l *loginsSeen) forget(id shard.ID) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.day, id)
}

// peerMutation records the domain of a remote account among the peers.
func peerMutation(domain string) store.Mutation {
	return store.Mutation{Kind: store.Put, Table: tDomains, PK: peersPK, CK: []byte(domain), Value: empty}
}

// Peers returns the domains the instance has seen accounts of, in byte order.
func (s *Service) Peers(ctx context.Context) ([]string, error) {
	rows, err := s.st.Scan(ctx, tDomains, peersPK, store.Range{})
	if err != nil {
		return nil, fmt.Errorf("list the peers: %w", err)
	}
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = string(r.CK)
	}
	return out, nil
}
