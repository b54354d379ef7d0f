package annualreport

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/paging"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/status"
)

// memSources holds one account's statuses, newest first, in memory: generation
// measured without a store.
type memSources struct {
	ids  []shard.ID
	byID map[shard.ID]*status.Status
}

func newMemSources(author shard.ID, year, n int) *memSources {
	m := &memSources{byID: map[shard.ID]*status.Status{}}
	start := time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC)
	step := 365 * 24 * time.Hour / time.Duration(n+1)
	for i := n; i >= 1; i-- {
		at := start.Add(time.Duration(i) * step)
		st := &status.Status{ID: shard.AtTime(at) | shard.ID(i&0xffff), AccountID: author, CreatedAt: at,
			Visibility: status.Public, Tags: []string{fmt.Sprintf("tag%d", i%50)}, AppName: fmt.Sprintf("app%d", i%3)}
		if i%4 == 0 {
			st.InReplyToID, st.InReplyToAccountID = 1, shard.ID(100+i%60)
		}
		m.ids = append(m.ids, st.ID)
		m.byID[st.ID] = st
	}
	return m
}

func (m *memSources) ByAccount(_ context.Context, _, _ shard.ID, p paging.Page, _ status.AccountFilter) ([]shard.ID, error) {
	i := 0 // ids are newest first: the first older than MaxID
	if p.MaxID != 0 {
		i = sort.Search(len(m.ids), func(i int) bool { return m.ids[i] < p.MaxID })
	}
	return slices.Clone(m.ids[i:min(len(m.ids), i+p.Limit)]), nil
}

func (m *memSources) GetMany(_ context.Context, ids []shard.ID) (map[shard.ID]*status.Status, error) {
	out := make(map[shard.ID]*status.Status, len(ids))
	for _, id := range ids {
		if st := m.byID[id]; st != nil {
			out[id] = st
		}
	}
	return out, nil
}

func (m *memSources) Counts(_ context.Context, ids []shard.ID) ([]status.Counts, error) {
	out := make([]status.Counts, len(ids))
	for i, id := range ids {
		out[i] = status.Counts{Reblogs: int64(id % 7), Favourites: int64(id % 11), Replies: int64(id % 5)}
	}
	return out, nil
}

func (m *memSources) Followers(context.Context, shard.ID, paging.Page) ([]account.Entry, error) {
	return nil, nil
}

func (m *memSources) Following(context.Context, shard.ID, paging.Page) ([]account.Entry, error) {
	return nil, nil
}

// TestBuildFromMemory: a year of 1,000 statuses makes the report its statuses say.
func TestBuildFromMemory(t *testing.T) {
	src := newMemSources(9, 2026, 1000)
	s := New(nil, nil, src, Options{})
	rep, err := s.build(context.Background(), 9, 2026)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.StatusIDs) != 3 || rep.Year != 2026 || len(rep.AccountIDs) != 15 {
		t.Errorf("report: %d top statuses, %d accounts named; want 3 and 15", len(rep.StatusIDs), len(rep.AccountIDs))
	}
}

// BenchmarkBuild measures generating a report from a year of 1,000 and 10,000
// statuses; the paged reads keep it linear (compare the two ns/op).
func BenchmarkBuild(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			s := New(nil, nil, newMemSources(9, 2026, n), Options{})
			for b.Loop() {
				if _, err := s.build(context.Background(), 9, 2026); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
