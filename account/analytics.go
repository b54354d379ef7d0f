package account

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
)

// Daily records for the admin measures and retention: who signed up on which day
// and who was active (used a token) on which day, one row per user and day in
// instance_daily, partitions "signup:<day>" and "active:<day>" (the day's Unix time,
// 00:00 UTC). Kept without expiry; the history starts with the release that
// began writing them.
const tDaily = "instance_daily"

const day = 24 * time.Hour

// DayOf is the start of the UTC day of t.
func DayOf(t time.Time) time.Time { return t.UTC().Truncate(day) }

func dailyPK(kind string, d time.Time) []byte {
	return []byte(kind + ":" + strconv.FormatInt(DayOf(d).Unix(), 10))
}

// signupMutations record a registration on its day.
func signupMutations(id shard.ID, now time.Time) []store.Mutation {
	return []store.Mutation{{Kind: store.Put, Table: tDaily, PK: dailyPK("signup", now), CK: id.Bytes(), Value: empty}}
}

// DayUsers returns the users who signed up (signups) or were active on the day
// starting at d.
func (s *Service) DayUsers(ctx context.Context, d time.Time, signups bool) ([]shard.ID, error) {
	kind := "active"
	if signups {
		kind = "signup"
	}
	rows, err := s.st.Scan(ctx, tDaily, dailyPK(kind, d), store.Range{})
	if err != nil {
		return nil, fmt.Errorf("load the %s users of %s: %w", kind, d.Format(time.DateOnly), err)
	}
	out := make([]shard.ID, 0, len(rows))
	for _, r := range rows {
		out = append(out, shard.FromBytes(r.CK))
	}
	return out, nil
}

// DayInteractions counts, in the partition of each day in account_counters, the
// local accounts' new favourites, boosts and replies to others, as Mastodon's
// interactions measure.
const DayInteractions = "interactions"

func dayCounterPK(d time.Time) []byte {
	return []byte("instance:day:" + strconv.FormatInt(DayOf(d).Unix(), 10))
}

// DayCountMutation adds one to a daily counter, on the day of t.
func DayCountMutation(counter string, t time.Time) store.Mutation {
	return store.Mutation{Kind: store.Add, Table: tCounters, PK: dayCounterPK(t), CK: []byte(counter), Delta: 1}
}

// DayCounts returns a daily counter on each day from the day of from to that of to.
func (s *Service) DayCounts(ctx context.Context, counter string, from, to time.Time) ([]int64, error) {
	var keys []store.Key
	for d := DayOf(from); !d.After(DayOf(to)); d = d.Add(day) {
		keys = append(keys, store.Key{PK: dayCounterPK(d), CK: []byte(counter)})
	}
	v, err := s.st.Counters(ctx, tCounters, keys)
	if err != nil {
		return nil, fmt.Errorf("load the daily %s: %w", counter, err)
	}
	for i := range v {
		v[i] = max(v[i], 0)
	}
	return v, nil
}

// FollowIDsIn returns the ids of the follows of id (its followers when followers,
// else whom it follows) made from lower (included) to upper (excluded): follow ids
// hold their time, so that the dashboard counts a period's follows by one range.
func (s *Service) FollowIDsIn(ctx context.Context, id shard.ID, followers bool, lower, upper shard.ID) ([]shard.ID, error) {
	table := tFollowing
	if followers {
		table = tFollowers
	}
	r := store.Range{Lower: store.Incl(lower.Bytes()), Upper: store.Excl(upper.Bytes()), Limit: 1000}
	var out []shard.ID
	for {
		rows, err := s.st.Scan(ctx, table, id.Bytes(), r)
		if err != nil {
			return nil, fmt.Errorf("scan %s of %d: %w", table, id, err)
		}
		for _, row := range rows {
			out = append(out, shard.FromBytes(row.CK))
		}
		if len(rows) < r.Limit {
			return out, nil
		}
		r.Upper = store.Excl(rows[len(rows)-1].CK) // newest first
	}
}
