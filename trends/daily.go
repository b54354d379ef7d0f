package trends

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/status"
	"github.com/herd-social/herd/store"
)

// Daily counts of new statuses for the admin dashboard (Mastodon's measures and
// dimensions on servers, tags and languages), written by the trends consumer from
// the statuses topic, local and remote, whatever their visibility:
//
//   - DayServers: statuses (boosts too) per server (the local domain for local ones);
//   - DayTagServers: statuses that use a tag (scope: its name) per server;
//   - DayTagLanguages: statuses that use a tag per language;
//   - DayInstanceLanguages: statuses of a server (scope: its domain) per language.
//
// dash_keys lists the keys counted in each scope and day (partition dimension ‖
// scope ‖ day, clustering key the key), dash_counts holds the counts (same partition
// and key); dash_marks makes a redelivered event count nothing twice (nine days).
// Kept without expiry; the history starts with the release that began writing them.
const (
	tDashKeys   = "dash_keys"
	tDashCounts = "dash_counts"
	tDashMarks  = "dash_marks"
)

// The dimensions counted each day.
const (
	DayServers           = "servers"
	DayTagServers        = "tag_servers"
	DayTagLanguages      = "tag_languages"
	DayInstanceLanguages = "instance_languages"
)

func dashTables() store.Schema {
	return store.Schema{{Name: tDashKeys}, {Name: tDashCounts, Kind: store.Counters}, {Name: tDashMarks, TTL: markerTTL}}
}

func dashPK(dim, scope string, day time.Time) []byte {
	return []byte(dim + "\x00" + scope + "\x00" + strconv.FormatInt(account.DayOf(day).Unix(), 10))
}

// countDaily counts a created status st of a once in the daily dimensions.
func (s *Service) countDaily(ctx context.Context, st *status.Status, a *account.Account) error {
	first, _, err := s.st.PutIfAbsent(ctx, tDashMarks, st.ID.Bytes(), empty, empty, 0)
	if err != nil || !first {
		return err
	}
	server := a.Domain
	if server == "" {
		server = s.opts.Domain
	}
	type count struct{ dim, scope, key string }
	counts := []count{{DayServers, "", server}}
	if st.Language != "" && st.ReblogOfID == 0 {
		counts = append(counts, count{DayInstanceLanguages, server, st.Language})
	}
	for _, tag := range st.Tags {
		counts = append(counts, count{DayTagServers, tag, server})
		if st.Language != "" {
			counts = append(counts, count{DayTagLanguages, tag, st.Language})
		}
	}
	var muts []store.Mutation
	for _, c := range counts {
		pk := dashPK(c.dim, c.scope, st.CreatedAt)
		muts = append(muts, store.Mutation{Kind: store.Put, Table: tDashKeys, PK: pk, CK: []byte(c.key), Value: empty},
			store.Mutation{Kind: store.Add, Table: tDashCounts, PK: pk, CK: []byte(c.key), Delta: 1})
	}
	if err := s.st.Batch(ctx, muts); err != nil {
		_ = s.st.Delete(ctx, tDashMarks, st.ID.Bytes(), empty)
		return fmt.Errorf("count status %d for the dashboard: %w", st.ID, err)
	}
	return nil
}

// DayCounts returns, for each day from the day of from to that of to, the count of
// each key of a dimension in a scope (DayServers has the empty scope).
func (s *Service) DayCounts(ctx context.Context, dim, scope string, from, to time.Time) ([]map[string]int64, error) {
	var out []map[string]int64
	for d := account.DayOf(from); !d.After(account.DayOf(to)); d = d.Add(24 * time.Hour) {
		pk := dashPK(dim, scope, d)
		rows, err := s.st.Scan(ctx, tDashKeys, pk, store.Range{})
		if err != nil {
			return nil, fmt.Errorf("load the %s of %s: %w", dim, d.Format(time.DateOnly), err)
		}
		day := map[string]int64{}
		if len(rows) > 0 {
			keys := make([]store.Key, len(rows))
			for i, r := range rows {
				keys[i] = store.Key{PK: pk, CK: r.CK}
			}
			v, err := s.st.Counters(ctx, tDashCounts, keys)
			if err != nil {
				return nil, fmt.Errorf("load the %s of %s: %w", dim, d.Format(time.DateOnly), err)
			}
			for i, r := range rows {
				if v[i] > 0 {
					day[string(r.CK)] = v[i]
				}
			}
		}
		out = append(out, day)
	}
	return out, nil
}
